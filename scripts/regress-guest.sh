#!/bin/bash
# Guest side of `make regress`: the whole test_verifier (unprivileged variants
# included), test_maps and every test_progs test, one process per test, each
# result in OUT as soon as it is known. Rerun after a crash, it goes on after
# the test that was running (the host marks that one).
#   regress-guest.sh SELFTESTS_OUT OUT TIMEOUT MAPS_TIMEOUT ENV_LIST [BPF_TESTMOD_KO]
# (TIMEOUT: seconds per test_progs test and for test_verifier; test_maps,
# whose 100-process stress rounds take most of an hour under TCG, has its own)
set -uo pipefail
sel=$1 out=$2 timeout=$3 maps_timeout=$4 env_list=$5 testmod=${6:-}
mkdir -p "$out/tp"
cd "$sel" || exit 1
# The base kernel needs its own module; test_progs loads ./bpf_testmod.ko.
if [ -n "$testmod" ]; then
	mount --bind "$testmod" "$sel/bpf_testmod.ko" || exit 1
fi
# Debian's default (2) skips every unprivileged variant of test_verifier.
echo 0 >/proc/sys/kernel/unprivileged_bpf_disabled || exit 1

# step NAME CMD...: run once; output in OUT/NAME.log, status in OUT/NAME.rc.
step() {
	local name=$1
	shift
	[ -f "$out/$name.rc" ] && return
	echo "$name" >"$out/current"
	timeout -k 10 "$timeout" "$@" >"$out/$name.log" 2>&1
	echo $? >"$out/$name.rc"
	sync
}
# Kernel reports (WARN, BUG, splats) that appeared while a step ran.
reports() {
	dmesg | tail -n +"$(($1 + 1))" |
		grep -aE 'WARNING:|BUG:|Oops|general protection fault|UBSAN:|KASAN:|INFO: task .* blocked|rcu: INFO:|possible circular locking|inconsistent lock state'
}

n=$(dmesg | wc -l)
step test_verifier ./test_verifier
reports "$n" >"$out/test_verifier.kernel"
n=$(dmesg | wc -l)
timeout=$maps_timeout step test_maps ./test_maps
reports "$n" >"$out/test_maps.kernel"

[ -s "$out/tests.list" ] || ./test_progs -l >"$out/tests.list" || exit 1
while read -r t; do
	[ -f "$out/tp/$t.rc" ] && continue
	if grep -qE "^$t[[:space:]]*(#|$)" "$env_list"; then
		echo env >"$out/tp/$t.rc"
		continue
	fi
	n=$(dmesg | wc -l)
	step "tp/$t" ./test_progs -a "$t" -d "@$env_list" -J "$out/tp/$t.json"
	reports "$n" >"$out/tp/$t.kernel"
done <"$out/tests.list"
rm -f "$out/current"
echo done >"$out/done"
