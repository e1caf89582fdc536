#!/usr/bin/env bash
# Ring buffer benchmark: the same bench binary on the base 6.1 kernel and on
# the patched kernel, in the same VM setup; writes both columns and their
# ratio to bench/ringbuf.md. A benchmark, not a test: it never fails on numbers.
. "$(dirname "$0")/lib.sh"

base_bz=${BASE_KERNEL:-}
patched_kernel=$KOBJ/arch/x86/boot/bzImage
out=$REPO/bench/ringbuf.md

[ -f "$patched_kernel" ] || die "no patched kernel: run 'make build'"
if [ -z "$base_bz" ]; then
	base_kernel
	base_bz=$BASE_KOBJ/arch/x86/boot/bzImage
fi
make -s -C "$TREE/tools/testing/selftests/bpf" -j"$JOBS" O="$KOBJ" OUTPUT="$SELFTESTS_OUT" \
	CC="ccache gcc" VMLINUX_BTF="$KOBJ/vmlinux" "$SELFTESTS_OUT/bench" >/dev/null ||
	die "bench build failed"

results=()
for k in base patched; do
	kernel=$base_bz
	[ "$k" = patched ] && kernel=$patched_kernel
	info "running the benchmarks on the $k kernel"
	"$REPO/scripts/vm.sh" --kernel "$kernel" -- "$REPO/scripts/bench-guest.sh" "$SELFTESTS_OUT" \
		| tr -d '\r' | grep -P '\t' >"$VM_DIR/bench-$k.tsv" || die "benchmark run on the $k kernel failed"
	results+=("$VM_DIR/bench-$k.tsv")
done

{
	echo "# Ring buffer throughput, base 6.1 vs patched"
	echo
	echo "Date: $(date -u +%F). Machine: $(nproc) cores, $(sed -n 's/^model name\t: //p' /proc/cpuinfo | head -1)."
	echo "Guest: QEMU $VM_ACCEL, $VM_SMP vCPUs, $VM_MEM; \`bench -w1 -d4\` (selftests/bpf), median of 3 runs, same binary on both kernels."
	echo "Numbers are millions of records per second (higher is better); ratio = patched / base."
	echo "Under TCG absolute numbers are far below hardware; compare columns, not machines."
	echo
	echo "| benchmark | base M/s | patched M/s | ratio |"
	echo "| --- | ---: | ---: | ---: |"
	paste "${results[0]}" "${results[1]}" | while IFS=$'\t' read -r name b _ p; do
		r=n/a
		[[ "$b" =~ ^[0-9.]+$ && "$p" =~ ^[0-9.]+$ ]] && r=$(awk -v b="$b" -v p="$p" 'BEGIN { if (b > 0) printf "%.2f", p / b; else print "n/a" }')
		echo "| $name | $b | $p | $r |"
	done
	echo
	echo "rb-prod overwrite needs BPF_F_RB_OVERWRITE, which the base kernel rejects (n/a)."
} >"$out"
cat "$out"
