#!/usr/bin/env bash
# Run the selected BPF selftests in the VM and print the verdict:
# test_progs' own per-test lines, then "N passed, N failed" counted from its JSON
# summary (tests and subtests). Exits non-zero on any failure, on a kernel
# report during the run, or when nothing ran.
#   test.sh [TEST_PROGS_ARGS...]   default: -a @tests/allowlist -d @tests/denylist
. "$(dirname "$0")/lib.sh"

prog=$SELFTESTS_OUT/test_progs
[ -x "$prog" ] || die "$prog missing: run 'make build'"
[ $# -gt 0 ] || set -- -a "@$TEST_ALLOWLIST" -d "@$TEST_DENYLIST"

guest='cd "$1" && shift && ./test_progs "$@" -J "$VM_RUN/summary.json"; rc=$?'
if [ "$KCONFIG" = debug ]; then
	# Objects leaked during the run: two scans, as kmemleak reports an
	# object only once it has stayed unreferenced for a while.
	guest+='; k=/sys/kernel/debug/kmemleak; echo scan >$k; sleep 6; echo scan >$k'
	guest+='; if [ -s $k ]; then echo "kmemleak: unreferenced objects after the run:"; cat $k; rc=1; fi'
fi
mkdir -p "$VM_DIR"
run=$(mktemp -d "$VM_DIR/run.XXXXXX")
vm_rc=0
VM_RUN_DIR=$run "$REPO/scripts/vm.sh" -- bash -c "$guest; exit \$rc" test "$SELFTESTS_OUT" "$@" ||
	vm_rc=$?

summary=$run/summary.json
if [ ! -s "$summary" ] || ! jq -e .results "$summary" >/dev/null 2>&1; then
	echo "test: no test_progs summary (VM status $vm_rc, logs: $run)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
# Every test and every subtest counts once; a skipped one is neither.
read -r passed failed skipped < <(jq -r '
	[.results[] | ., .subtests[]] as $all
	| [ ($all | map(select((.failed | not) and (.skipped | not))) | length),
	    ($all | map(select(.failed)) | length),
	    ($all | map(select(.skipped)) | length) ] | @tsv' "$summary")
if [ "$vm_rc" != 0 ] && [ "$failed" = 0 ]; then
	echo "test: the run failed outside test_progs (status $vm_rc): counted as one failure" >&2
	failed=1
fi
[ "$skipped" = 0 ] || echo "test: $skipped skipped (see $summary)" >&2
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
