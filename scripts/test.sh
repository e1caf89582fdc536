#!/usr/bin/env bash
# Run the selected BPF selftests in the VM and print the verdict:
# test_progs' own per-test lines, then "N passed, N failed" counted from its JSON
# summary (tests and subtests) and from the whole test_verifier, which runs
# after it with unprivileged BPF enabled, so that its unprivileged variants
# run too. Exits non-zero on any failure, on a kernel report during the run,
# or when nothing ran.
#   test.sh [TEST_PROGS_ARGS...]   default: -a @tests/allowlist -d @tests/denylist
#                                  and the whole test_verifier
. "$(dirname "$0")/lib.sh"

prog=$SELFTESTS_OUT/test_progs
[ -x "$prog" ] || die "$prog missing: run 'make build'"
# The whole test_verifier runs with the default selection, not with T=.
with_tv=
[ $# -gt 0 ] || { set -- -a "@$TEST_ALLOWLIST" -d "@$TEST_DENYLIST"; with_tv=1; }

guest='cd "$1" && shift && ./test_progs "$@" -J "$VM_RUN/summary.json"; rc=$?'
if [ -n "$with_tv" ]; then
	# Its verdict is counted here, from its log (failures the base has too are known).
	guest+='; echo 0 >/proc/sys/kernel/unprivileged_bpf_disabled; ./test_verifier >"$VM_RUN/test_verifier.log" 2>&1'
fi
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
# test_verifier: "Summary: N PASSED, N SKIPPED, N FAILED"; its failures by name.
if [ -n "$with_tv" ]; then
	if [[ $(grep -a '^Summary:' "$run/test_verifier.log" 2>/dev/null) =~ ([0-9]+)\ PASSED,\ ([0-9]+)\ SKIPPED,\ ([0-9]+)\ FAILED ]]; then
		echo "test_verifier: ${BASH_REMATCH[1]} passed, ${BASH_REMATCH[2]} skipped, ${BASH_REMATCH[3]} failed" >&2
		passed=$((passed + BASH_REMATCH[1])) skipped=$((skipped + BASH_REMATCH[2]))
		# Failures the base kernel has too (tests/test_verifier-known) are shown, not counted.
		new=$(test_verifier_new_failures "$run/test_verifier.log")
		n_new=0
		[ -z "$new" ] || { n_new=$(wc -l <<<"$new"); printf 'test_verifier: %s\n' "$new" >&2; }
		failed=$((failed + n_new))
		[ "${BASH_REMATCH[3]}" = "$n_new" ] ||
			echo "test_verifier: $((BASH_REMATCH[3] - n_new)) failure(s) the base kernel has too, not counted (${TEST_VERIFIER_KNOWN#"$REPO"/})" >&2
	else
		echo "test: test_verifier did not finish (log: $run/test_verifier.log)" >&2
		failed=$((failed + 1))
	fi
fi
if [ "$vm_rc" != 0 ] && [ "$failed" = 0 ]; then
	echo "test: the run failed outside test_progs (status $vm_rc): counted as one failure" >&2
	failed=1
fi
[ "$skipped" = 0 ] || echo "test: $skipped skipped (see $summary)" >&2
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
