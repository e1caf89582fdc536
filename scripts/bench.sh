#!/usr/bin/env bash
# Ring buffer benchmark: the same bench binary on the base 6.1 kernel and on
# the patched kernel, in the same VM setup, BENCH_ROUNDS rounds that each run
# base then patched, so that host noise over minutes lands on both sides.
# Writes each kernel's median and spread and their ratio to bench/ringbuf.md;
# a ratio whose spreads overlap is reported as within noise. VM_ICOUNT=...
# runs the guests with QEMU's -icount (guest time counts instructions).
#   bench.sh            base vs patched
#   bench.sh same       the patched kernel against itself: how far two runs of
#                       one kernel disagree (the repeatability of the method)
# Output: bench/ringbuf.md, ringbuf-same.md; "-icount" before .md with VM_ICOUNT.
# BENCH_REPORT=1 writes the table again from the last run's results, without
# running anything.
# A benchmark, not a test: it never fails on numbers.
. "$(dirname "$0")/lib.sh"

mode=${1:-compare}
case $mode in compare | same) ;; *) die "usage: bench.sh [same]" ;; esac
base_bz=${BASE_KERNEL:-}
patched_kernel=$KOBJ/arch/x86/boot/bzImage
out=$REPO/bench/ringbuf${mode/compare/}${VM_ICOUNT:+-icount}.md
out=${out/ringbufsame/ringbuf-same}
rounds=$BENCH_ROUNDS
[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROUNDS=$rounds: a whole number >= 1"

[ -f "$patched_kernel" ] || die "no patched kernel: run 'make build'"
# icount runs every vCPU on one host thread anyway, and a fixed shift cannot
# boot two: the deterministic mode runs one vCPU (two producers interleave)
[ -z "$VM_ICOUNT" ] || export VM_SMP=1
# the two sides' names in the tables
a=base b=patched
d=$VM_DIR/bench-$mode${VM_ICOUNT:+-icount}
if [ "$mode" = same ]; then
	base_bz=$patched_kernel a="patched (A)" b="patched (B)"
elif [ -z "$base_bz" ] && [ -z "${BENCH_REPORT:-}" ]; then
	base_kernel
	base_bz=$BASE_KOBJ/arch/x86/boot/bzImage
fi
if [ -n "${BENCH_REPORT:-}" ]; then
	rounds=$(find "$d" -name 'base-*.tsv' 2>/dev/null | wc -l)
	[ "$rounds" -gt 0 ] || die "no earlier run in $d to report"
else
	make -s -C "$TREE/tools/testing/selftests/bpf" -j"$JOBS" O="$KOBJ" OUTPUT="$SELFTESTS_OUT" \
		CC="ccache gcc" VMLINUX_BTF="$KOBJ/vmlinux" "$SELFTESTS_OUT/bench" >/dev/null ||
		die "bench build failed"
	rm -rf "$d"
	mkdir -p "$d"
fi
for r in $(seq "$rounds"); do
	[ -z "${BENCH_REPORT:-}" ] || break
	for k in base patched; do
		kernel=$base_bz
		[ "$k" = patched ] && kernel=$patched_kernel
		name=$a
		[ "$k" = patched ] && name=$b
		info "round $r/$rounds: the benchmarks on the $name kernel${VM_ICOUNT:+ (icount $VM_ICOUNT)}"
		"$REPO/scripts/vm.sh" --kernel "$kernel" -- "$REPO/scripts/bench-guest.sh" "$SELFTESTS_OUT" \
			| tr -d '\r' | grep -P '\t' >"$d/$k-$r.tsv" ||
			die "benchmark run on the $k kernel failed (round $r)"
	done
done

# name, then each kernel's median, min and max over the rounds
summary() {
	local k=$1
	cat "$d/$k"-*.tsv | awk -F'\t' '
		$2 ~ /^[0-9.]+$/ { v[$1] = v[$1] " " $2 } { order[$1] = order[$1] ? order[$1] : ++n; name[order[$1]] = $1 }
		END { for (i = 1; i <= n; i++) {
			m = split(v[name[i]], a, " ")
			if (!m) { print name[i] "\tn/a\tn/a\tn/a"; continue }
			for (x = 1; x <= m; x++) for (y = x + 1; y <= m; y++) if (a[y] < a[x]) { t = a[x]; a[x] = a[y]; a[y] = t }
			med = m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
			printf "%s\t%.3f\t%.3f\t%.3f\n", name[i], med, a[1], a[m] } }'
}
summary base >"$d/base.sum"
summary patched >"$d/patched.sum"

{
	if [ "$mode" = same ]; then
		echo "# Ring buffer throughput, the patched kernel against itself${VM_ICOUNT:+ (icount)}"
		echo
		echo "Both sides boot the same patched kernel: the ratio is how far two runs of one kernel"
		echo "disagree with this method, the floor under any base-vs-patched difference."
	else
		echo "# Ring buffer throughput, base 6.1 vs patched${VM_ICOUNT:+ (icount)}"
	fi
	echo
	echo "Date: $(date -u +%F). Machine: $(nproc) cores, $(sed -n 's/^model name\t: //p' /proc/cpuinfo | head -1)."
	echo "Guest: QEMU $VM_ACCEL${VM_ICOUNT:+ with -icount $VM_ICOUNT}, $VM_SMP vCPUs, $VM_MEM; \`bench -w1 -d4\` (selftests/bpf), one run per"
	echo "benchmark and boot, $rounds round(s), each booting $a then $b; same binary on both."
	echo "Millions of records per second (higher is better): median over the rounds, and its spread"
	echo "(min-max). Ratio = $b median / $a median; where the two spreads overlap the"
	echo "difference is within the noise of this machine and the ratio is shown as such."
	echo
	echo "| benchmark | $a M/s (min-max) | $b M/s (min-max) | ratio |"
	echo "| --- | ---: | ---: | ---: |"
	paste "$d/base.sum" "$d/patched.sum" | while IFS=$'\t' read -r name b bl bh _ p pl ph; do
		if [[ "$b" =~ ^[0-9.]+$ && "$p" =~ ^[0-9.]+$ ]]; then
			r=$(awk -v b="$b" -v p="$p" -v bl="$bl" -v bh="$bh" -v pl="$pl" -v ph="$ph" 'BEGIN {
				r = b > 0 ? sprintf("%.2f", p / b) : "n/a"
				print (pl <= bh && bl <= ph) ? r " (within noise)" : r }')
			echo "| $name | $b ($bl-$bh) | $p ($pl-$ph) | $r |"
		else
			echo "| $name | $b | $p | n/a |"
		fi
	done
	echo
	[ "$mode" = same ] || echo "rb-prod overwrite needs BPF_F_RB_OVERWRITE, which the base kernel rejects (n/a)."
	if [ -n "$VM_ICOUNT" ]; then
		echo
		echo "With -icount, guest time counts instructions ($VM_ICOUNT), so these figures are records per"
		echo "instructions executed: they do not move with the host's load, and a difference between the"
		echo "kernels is a difference in work per record (instructions on the reserve/commit path, wakeups"
		echo "taken, program runs). They cannot show cache or memory effects, the real cost of atomics and"
		echo "locks, or contention: every instruction costs the same. The guest has one vCPU (QEMU 7.2 does"
		echo "not boot a second with a fixed shift), so a 2-producer row interleaves two threads on one CPU;"
		echo "it does not measure parallelism. A run now and then comes out ~10% low (host I/O of the 9p root"
		echo "lands at host-timed points), hence medians over the rounds."
	fi
} >"$out"
cat "$out"
