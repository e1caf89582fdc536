#!/usr/bin/env bash
# Check that the VM runner fails when it must: a command's exit status comes
# back, a kernel WARN fails a run whose command passed, and a hung guest is
# killed at the timeout, and a build and VM directory under /tmp work. Boots
# the VM four times (about a minute and a half under TCG).
. "$(dirname "$0")/lib.sh"

fails=0
check() { # check DESCRIPTION EXPECTED-STATUS COMMAND...
	local what=$1 want=$2 got=0
	shift 2
	"$@" >"$VM_DIR/runner-check.log" 2>&1 || got=$?
	if [ "$got" = "$want" ]; then
		info "ok: $what (status $got)"
	else
		warn "FAILED: $what: status $got, expected $want (log: $VM_DIR/runner-check.log)"
		fails=$((fails + 1))
	fi
}
vm=$REPO/scripts/vm.sh
check "exit status of the command" 7 "$vm" --timeout 300 -- sh -c 'exit 7'
check "kernel WARN fails a passing command" 99 "$vm" --timeout 300 -- \
	sh -c 'echo WARNING >/sys/kernel/debug/provoke-crash/DIRECT'
t0=$SECONDS
check "hung guest killed at the timeout" 1 "$vm" --timeout 60 -- sleep 100000
grep -q 'did not finish within 60s' "$VM_DIR/runner-check.log" ||
	{ warn "FAILED: no timeout message"; fails=$((fails + 1)); }
[ $((SECONDS - t0)) -lt 90 ] || { warn "FAILED: the hung guest took $((SECONDS - t0)) s to kill"; fails=$((fails + 1)); }
pgrep -f "qemu-system-x86_64.*$VM_DIR" >/dev/null && { warn "FAILED: a QEMU process is still running"; fails=$((fails + 1)); }
# A build directory and VM runs under /tmp, which the guest covers with a
# tmpfs: the runner binds them back, the command under it runs.
tmp=$(mktemp -d /tmp/runner-check.XXXXXX)
printf '#!/bin/sh\nexit 5\n' >"$tmp/cmd.sh"
chmod +x "$tmp/cmd.sh"
check "build and run directories under /tmp" 5 env BUILD_DIR="$tmp" VM_DIR="$tmp/vm" \
	"$vm" --kernel "$KOBJ/arch/x86/boot/bzImage" --timeout 300 -- "$tmp/cmd.sh"
rm -rf "$tmp"
[ "$fails" = 0 ] || die "$fails runner check(s) failed"
info "the runner fails when it must"
