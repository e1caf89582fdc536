#!/usr/bin/env bash
# Base vs patched: the whole test_verifier (unprivileged variants included),
# test_maps and every test_progs test, the same binaries on the unpatched base
# kernel and on the patched one, same VM setup. Prints one row per test (and
# per test_progs subtest) whose result differs or that fails anywhere, writes
# the totals and that table to $REGRESS_RESULTS, and fails if anything that
# passes on the base kernel does not pass on the patched one.
#   regress.sh                 run both kernels, then compare
#   regress.sh base|patched    run one kernel's suites only
#   regress.sh rerun KERNEL TEST...  run these test_progs tests (or test_verifier,
#                              test_maps) again on that kernel, after a fix
#   regress.sh compare         compare the last runs of both kernels
. "$(dirname "$0")/lib.sh"

usage="usage: regress.sh [base|patched|compare|rerun base|patched TEST...]"
what=${1:-all}
case $what in all | base | patched | compare) ;; rerun) [ $# -ge 3 ] || die "$usage" ;; *) die "$usage" ;; esac
[ -x "$SELFTESTS_OUT/test_progs" ] || die "$SELFTESTS_OUT/test_progs missing: run 'make build'"
[ -f "$REGRESS_ENV_LIST" ] || die "no environment list at $REGRESS_ENV_LIST"
[ -f "$REGRESS_FLAKY" ] || die "no list of flaky tests at $REGRESS_FLAKY"
dir() { echo "$VM_DIR/regress$KCONFIG_SUFFIX-$1"; }

# run KERNEL [keep]: the guest driver, rebooted after a crash until every
# test has a result; "keep" goes on from the results already there.
run() {
	local k=$1 d bz args boots=0 cur
	d=$(dir "$k")
	bz=$KOBJ/arch/x86/boot/bzImage
	args=("$SELFTESTS_OUT" "$d/out" "$REGRESS_TEST_TIMEOUT" "$REGRESS_MAPS_TIMEOUT" "$REGRESS_ENV_LIST")
	if [ "$k" = base ]; then
		bz=$BASE_KOBJ/arch/x86/boot/bzImage
		args+=("$BASE_KOBJ/bpf_testmod.ko")
	fi
	[ "${2:-}" = keep ] || rm -rf "$d"
	mkdir -p "$d/out/tp"
	while [ ! -f "$d/out/done" ]; do
		if [ -f "$d/out/current" ]; then
			# The previous boot ended inside this test: the kernel died or hung.
			cur=$(cat "$d/out/current")
			[ -f "$d/out/$cur.rc" ] || echo crash >"$d/out/$cur.rc"
			warn "$k kernel: the guest stopped during $cur (logs: $d/console.$boots.log); going on after it"
		fi
		boots=$((boots + 1))
		[ "$boots" -le 10 ] || die "$k kernel: 10 boots without finishing (logs: $d)"
		info "$k kernel: boot $boots ($(ls "$d/out/tp" | grep -c '\.rc$' || true) tests done)"
		VM_RUN_DIR=$d "$REPO/scripts/vm.sh" --kernel "$bz" --timeout "${REGRESS_VM_TIMEOUT:-14400}" -- \
			"$REPO/scripts/regress-guest.sh" "${args[@]}" >"$d/guest.$boots.log" 2>&1 || true
		cp "$d/console.log" "$d/console.$boots.log" 2>/dev/null || true
	done
	info "$k kernel: finished after $boots boot(s)"
}

# results KERNEL: "suite<TAB>test<TAB>status" for every test and subtest.
# Status: ok, skip, fail, timeout, crash, kernel (a kernel report during the
# test), env (left out: tests/regress-env).
results() {
	local o t rc st
	o=$(dir "$1")/out
	# test_verifier: "#N/u descr OK|SKIP ...|FAIL ..." ('u': unprivileged run,
	# 'p': privileged)
	grep -aE '^#[0-9]+/[up] ' "$o/test_verifier.log" | sed -E \
		-e 's/^(#[0-9]+\/[up] .*) OK$/test_verifier\t\1\tok/' \
		-e 's/^(#[0-9]+\/[up] .*) SKIP.*$/test_verifier\t\1\tskip/' \
		-e 's/^(#[0-9]+\/[up] .*) FAIL.*$/test_verifier\t\1\tfail/' | grep -aP '\t(ok|skip|fail)$' |
		# named without the number, which a test added before it shifts
		# (a description that repeats gets " [N]" from its second time on)
		awk -F'\t' '{ k = $2; sub(/^#[0-9]+/, "", k); if (++n[k] > 1) k = k " [" n[k] "]"; print $1 "\t" k "\t" $3 }'
	for t in test_verifier test_maps; do
		rc=$(cat "$o/$t.rc" 2>/dev/null || echo crash)
		st=ok
		case $rc in 0) ;; 124 | 137) st=timeout ;; crash) st=crash ;; *) st=fail ;; esac
		[ ! -s "$o/$t.kernel" ] || st=kernel
		printf '%s\t(whole run)\t%s\n' "$t" "$st"
	done
	while read -r t; do
		# no result: the guest died in it, or (run unfinished) it did not run yet
		rc=crash
		[ -f "$o/done" ] || [ "$(cat "$o/current" 2>/dev/null)" = "tp/$t" ] || rc=notrun
		[ ! -f "$o/tp/$t.rc" ] || rc=$(cat "$o/tp/$t.rc")
		# listed after the run: left out on both kernels alike
		grep -qE "^$t[[:space:]]*(#|$)" "$REGRESS_ENV_LIST" && rc=env
		case $rc in
		env | crash | notrun) printf 'test_progs\t%s\t%s\n' "$t" "$rc"; continue ;;
		124 | 137) printf 'test_progs\t%s\ttimeout\n' "$t"; continue ;;
		esac
		if [ -s "$o/tp/$t.kernel" ]; then
			printf 'test_progs\t%s\tkernel\n' "$t"
		elif ! jq -e '.results | length > 0' "$o/tp/$t.json" >/dev/null 2>&1; then
			printf 'test_progs\t%s\t%s\n' "$t" "$([ "$rc" = 0 ] && echo skip || echo fail)"
		else
			jq -r '.results[] | . as $t
				| def st: if .failed then "fail" elif .skipped then "skip" else "ok" end;
				  "test_progs\t\($t.name)\t\($t | st)",
				  (.subtests[] | "test_progs\t\($t.name)/\(.name)\t\(st)")' "$o/tp/$t.json"
			[ "$rc" = 0 ] || jq -e '.results[0].failed' "$o/tp/$t.json" >/dev/null ||
				printf 'test_progs\t%s\tfail\n' "$t"
		fi
	done <"$o/tests.list"
}

compare() {
	local b p
	b=$(mktemp) p=$(mktemp)
	results base | sort -t$'\t' -k1,2 -u >"$b"
	results patched | sort -t$'\t' -k1,2 -u >"$p"
	# suite, test, base, patched, verdict (a test that exists on one side only is "-").
	join -t$'\t' -a1 -a2 -e - -o 0,1.2,2.2 <(awk -F'\t' '{print $1 "|" $2 "\t" $3}' "$b" | sort -t$'\t' -k1,1) \
		<(awk -F'\t' '{print $1 "|" $2 "\t" $3}' "$p" | sort -t$'\t' -k1,1) |
		awk -F'\t' 'FILENAME != "-" { if ($0 !~ /^[[:space:]]*(#|$)/) { sub(/[[:space:]]*#.*/, ""); flaky[$0] = 1 }; next }
		{
			split($1, k, "|"); b = $2; p = $3
			t = k[2]; sub(/\/.*/, "", t)
			v = "same"
			if (b == "ok" && p != "ok" && p != "skip") v = (k[1] == "test_progs" && (flaky[k[2]] || flaky[t])) ? "flaky" : "REGRESSION"
			else if (b == "ok" && p == "skip") v = "REGRESSION (skipped)"
			else if (b != "ok" && p == "ok") v = "fixed or new"
			else if (b != p) v = "differs"
			print k[1] "\t" k[2] "\t" b "\t" p "\t" v
		}' "$REGRESS_FLAKY" - >"$(dir compare).tsv"
	rm -f "$b" "$p"
}

report() {
	local t=$1 suite
	{
		echo "# Base 6.1 vs patched: whole suites"
		echo
		echo "Generated by \`make regress\` on $(date -u +%F) from series $(patches_hash)."
		echo "Same binaries (built from the patched tree) on both kernels; the base kernel has its own bpf_testmod.ko."
		echo "test_verifier runs with kernel.unprivileged_bpf_disabled=0, so its unprivileged variants ('/u') run too."
		echo "Left out on both kernels: $(grep -cvE '^[[:space:]]*(#|$)' "$REGRESS_ENV_LIST") test_progs tests listed with their reasons in tests/regress-env."
		echo
		echo "| suite | tests | ok base | ok patched | failed base | failed patched | regressions |"
		echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
		for suite in test_verifier test_maps test_progs; do
			awk -F'\t' -v s="$suite" '$1 == s {
				n++; ob += $3 == "ok"; op += $4 == "ok"
				fb += $3 != "ok" && $3 != "skip" && $3 != "env" && $3 != "-"
				fp += $4 != "ok" && $4 != "skip" && $4 != "env" && $4 != "-"
				r += $5 ~ /^REGRESSION/
			} END { printf "| %s | %d | %d | %d | %d | %d | %d |\n", s, n, ob, op, fb, fp, r }' "$t"
		done
		echo
		echo "Statuses: ok, skip, fail, timeout (killed after ${REGRESS_TEST_TIMEOUT} s, test_maps after ${REGRESS_MAPS_TIMEOUT} s), crash (the guest died), notrun (the run is unfinished),"
		echo "kernel (a kernel report while it ran), env (left out), - (not on that kernel's side)."
		echo "Rows below: every test or subtest that does not pass on both kernels alike."
		echo
		echo "| suite | test | base | patched | verdict | reason (failing on both: ${REGRESS_KNOWN#"$REPO"/}) |"
		echo "| --- | --- | --- | --- | --- | --- |"
		known_reasons | awk -F'\t' -v flakyfile="${REGRESS_FLAKY#"$REPO"/}" -v flakypath="$REGRESS_FLAKY" '
			FILENAME == flakypath { if ($0 !~ /^[[:space:]]*(#|$)/) { n = $0; sub(/[[:space:]]*#.*/, "", n); r = $0; sub(/^[^#]*#[[:space:]]*/, "", r); flaky[n] = r }; next }
			FILENAME != "-" && FNR == 1 { in_t = 1 }
			!in_t { reason[$1 "\t" $2] = $3; next }
			!($3 == $4 && ($3 == "ok" || $3 == "env")) && !($3 == "skip" && $4 == "skip") {
				r = ""
				if ($5 == "flaky") {
					k = $2; sub(/\/.*/, "", k)
					r = "flaky, see " flakyfile ": " flaky[k]
				} else if ($5 == "same" && $3 != "skip") {
					k = $2
					sub(/^#[0-9]+/, "", k)
					r = reason[$1 "\t" k]
					if (r == "") { k = $2; sub(/\/.*/, "", k); r = reason[$1 "\t" k] }
					if (r == "") r = "NONE RECORDED"
				}
				gsub(/\|/, "\\|", $2); gsub(/\|/, "\\|", r)
				print "| " $1 " | " $2 " | " $3 " | " $4 " | " $5 " | " r " |" }' "$REGRESS_FLAKY" - "$t"
	} >"$REGRESS_RESULTS"
	if grep -q '| NONE RECORDED |$' "$REGRESS_RESULTS"; then
		warn "tests fail on both kernels without a reason: add them to ${REGRESS_KNOWN#"$REPO"/} (rows 'NONE RECORDED' in ${REGRESS_RESULTS#"$REPO"/})"
	fi
}

# "suite<TAB>test<TAB>reason" of the failures both kernels share.
known_reasons() {
	sed -E -e '/^[[:space:]]*(#|$)/d' -e 's/^([^ ]+) (.*[^ ]) +# +(.*)$/\1\t\2\t\3/' "$REGRESS_KNOWN"
	sed -E -e '/^[[:space:]]*(#|$)/d' -e 's/^(.*[^ ]) +# +(.*)$/test_verifier\t\1\t\2/' "$TEST_VERIFIER_KNOWN"
}

case $what in
all)
	base_kernel
	info "building test_verifier and test_maps"
	make -s -C "$TREE/tools/testing/selftests/bpf" -j"$JOBS" O="$KOBJ" OUTPUT="$SELFTESTS_OUT" \
		CC="ccache gcc" VMLINUX_BTF="$KOBJ/vmlinux" "$SELFTESTS_OUT/test_verifier" "$SELFTESTS_OUT/test_maps" \
		>"$SELFTESTS_OUT/regress-build.log" 2>&1 || die "test_verifier/test_maps build failed (log: $SELFTESTS_OUT/regress-build.log)"
	# The two kernels run side by side: results, not timings, are compared.
	run base &
	pid=$!
	run patched
	wait "$pid" || die "the base kernel's run failed"
	;;
base | patched)
	run "$what"
	exit 0
	;;
rerun)
	k=$2
	shift 2
	case $k in base | patched) ;; *) die "$usage" ;; esac
	[ -s "$(dir "$k")/out/tests.list" ] || die "no earlier run on the $k kernel to go on from: run 'make regress'"
	for t in "$@"; do
		case $t in test_verifier | test_maps) f=$(dir "$k")/out/$t ;; *) f=$(dir "$k")/out/tp/$t ;; esac
		[ -f "$f.rc" ] || grep -qx "$t" "$(dir "$k")/out/tests.list" || die "no test '$t' in the $k kernel's run"
		rm -f "$f".*
	done
	rm -f "$(dir "$k")/out/done"
	run "$k" keep
	;;
esac
compare
t=$(dir compare).tsv
report "$t"
grep -vP '\t(same)$' "$t" | grep -vP '\tok\tok\t' | column -t -s$'\t' | grep -v '^$' >&2 || true
regressions=$(grep -cP '\tREGRESSION' "$t" || true)
flaky=$(grep -cP '\tflaky$' "$t" || true)
[ "$flaky" = 0 ] || warn "$flaky row(s) failed on the patched kernel only in tests listed as flaky (${REGRESS_FLAKY#"$REPO"/}): 'regress.sh rerun patched TEST' to see them pass"
info "results: ${REGRESS_RESULTS#"$REPO"/}"
# rows of flaky tests count neither way (the warning above names them)
awk -F'\t' '$5 != "flaky" { n++; p += $5 !~ /^REGRESSION/ } END { printf "%d passed, %d failed\n", p, n - p }' "$t"
[ "$regressions" = 0 ] || die "$regressions regression(s): rows marked REGRESSION above"
