#!/usr/bin/env bash
# Long run of the loop-verification fuzzer (test_progs -t loop_fuzz) in the VM:
# random loop programs, each accepted one run next to a twin that records any
# out-of-bounds index its accesses would use. Prints the fuzzer's progress and
# statistics; exits non-zero on a finding.
# FUZZ_JIT=0 runs the accepted programs in the BPF interpreter (the JIT off by
# sysctl): with KCONFIG=debug, KASAN then checks every load and store they make.
# 6.1 verifies kfunc calls and callbacks for the JIT only: programs with an
# iterator loop or a bpf_loop() callback that is not inlined are rejected then.
# FUZZ_JOBS fuzzer processes run side by side (default: one per vCPU), with
# seeds SEED, SEED + 1, ...
#   fuzz.sh [SECONDS [SEED]]      defaults: FUZZ_SECONDS=3600, FUZZ_SEED=1, FUZZ_JIT=1
. "$(dirname "$0")/lib.sh"

secs=${1:-${FUZZ_SECONDS:-3600}}
seed=${2:-${FUZZ_SEED:-1}}
[[ $secs =~ ^[0-9]+$ && $seed =~ ^[0-9]+$ ]] || die "usage: fuzz.sh [SECONDS [SEED]] (whole numbers)"
prog=$SELFTESTS_OUT/test_progs
[ -x "$prog" ] || die "$prog missing: run 'make build'"

jit=${FUZZ_JIT:-1}
[[ $jit =~ ^[01]$ ]] || die "FUZZ_JIT=$jit: expected 0 (interpreter) or 1 (JIT)"
[ "$jit" = 1 ] || grep -q '^# CONFIG_BPF_JIT_ALWAYS_ON is not set' "$KOBJ/.config" ||
	die "FUZZ_JIT=0 needs a kernel without CONFIG_BPF_JIT_ALWAYS_ON: use KCONFIG=debug"
jobs=${FUZZ_JOBS:-$VM_SMP}
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "FUZZ_JOBS=$jobs: expected a number of fuzzer processes (1 or more)"
info "fuzzing for $secs s with $jobs processes, seeds $seed-$((seed + jobs - 1)) (kernel config: $KCONFIG, JIT: $jit)"
# The guest gets the run's parameters on its command line: the environment
# does not cross into the VM. The process with the first seed prints its
# progress to the console; the others write logs into the run directory,
# printed when they end.
out=$(mktemp)
trap 'rm -f "$out"' EXIT
set +e
"$REPO/scripts/vm.sh" --timeout $((secs + 600)) -- bash -c \
	'sysctl -qw net.core.bpf_jit_enable=$4 && cd "$1" || exit 1
	 fuzz() { LOOP_FUZZ_SEED=$1 LOOP_FUZZ_SECONDS=$2 LOOP_FUZZ_N=100000000 \
		  LOOP_FUZZ_PROGRESS=$3 ./test_progs -v -t loop_fuzz; }
	 pids=()
	 for ((i = 1; i < $5; i++)); do
		fuzz $(($2 + i)) "$3" 0 >"$VM_RUN/fuzz-seed$(($2 + i)).log" 2>&1 &
		pids+=($!)
	 done
	 fuzz "$2" "$3" 60
	 rc=$?
	 for ((i = 1; i < $5; i++)); do
		wait "${pids[i - 1]}" || rc=1
		echo "=== seed $(($2 + i))"
		cat "$VM_RUN/fuzz-seed$(($2 + i)).log"
	 done
	 exit $rc' \
	fuzz "$SELFTESTS_OUT" "$seed" "$secs" "$jit" "$jobs" | tee "$out"
rc=${PIPESTATUS[0]}
set -e

# One row per run in the results file: what the processes' statistics say,
# summed, and the kernel they ran on (its build stamp), so that the programs
# fuzzed on one kernel add up over runs.
results=$REPO/tests/fuzz-results.md
kernel=$(cut -c1-16 "$KOBJ/.build-stamp")
row=$(awk -v d="$(date -u +%F)" -v k="$kernel" -v s="$secs" -v j="$jobs" -v cfg="$KCONFIG/jit$jit" '
	/^loop_fuzz stats: seed/ { seeds = seeds (seeds ? "," : "") $4; n++ }
	/^  programs generated:/ { gen += $3 }
	/^  accepted:/ { acc += $2 }
	/^  verifier internal errors \(EFAULT\):/ { vb += $NF }
	/^  findings:/ { fi += $2 }
	END { if (n) printf "| %s | %s | %s | %s | %d | %s | %d | %d | %d | %d |\n", d, k, cfg, seeds, s, j, gen, acc, fi, vb }
' "$out")
if [ -n "$row" ]; then
	[ -f "$results" ] || printf '%s\n' "# make fuzz runs" "" \
		"Appended by \`make fuzz\` after each run. kernel: the patched kernel's build stamp" \
		"(tree and config); programs add up per kernel." "" \
		"| date | kernel | config | seeds | seconds | processes | programs | accepted | findings | internal errors |" \
		"| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |" >"$results"
	echo "$row" >>"$results"
	total=$(awk -F' *\\| *' -v k="$kernel" '$3 == k { p += $8; f += $10 + $11 } END { printf "%d programs, %d findings and internal errors", p, f }' "$results")
	info "recorded in ${results#"$REPO"/}; on this kernel so far: $total"
else
	warn "no fuzzer statistics in the output: nothing recorded in ${results#"$REPO"/}"
fi
exit "$rc"
