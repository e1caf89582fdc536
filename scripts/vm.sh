#!/usr/bin/env bash
# Boot the built kernel in QEMU with the host's / shared read-only, run a command
# (or an interactive shell) inside, and exit with the command's status.
# Fails if the kernel reports a WARN, BUG, oops, lockdep or KASAN splat, or if the
# guest does not finish within the timeout.
#   vm.sh [--kernel BZIMAGE] [--timeout SECONDS] [--accel tcg|kvm|auto] [COMMAND...]
. "$(dirname "$0")/lib.sh"

kernel=$KOBJ/arch/x86/boot/bzImage
timeout=$VM_TIMEOUT
accel=$VM_ACCEL
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--accel) accel=$2; shift 2 ;;
	--) shift; break ;;
	-*) die "unknown option $1 (see the header of $0)" ;;
	*) break ;;
	esac
done
[ -f "$kernel" ] || die "no kernel at $kernel: run 'make build'"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing: run 'make deps'"

mkdir -p "$VM_DIR"
# A caller that reads the run's files afterwards names the directory
# (VM_RUN_DIR, made under $VM_DIR): "last" may by then be another run's.
run=${VM_RUN_DIR:-$(mktemp -d "$VM_DIR/run.XXXXXX")}
[ -d "$run" ] || die "VM_RUN_DIR=$run is not a directory"
run=$(cd "$run" && pwd)
# The guest puts a tmpfs on /tmp, /run, /var/tmp, /root and /mnt, then binds
# back the host's directories it needs from there: the repository, the build
# directory and the working directory (the run directory is mounted apart).
binds=$BUILD_DIR,$PWD
case "$binds,$run,$REPO" in
*' '* | *$'\t'*) die "the guest cannot use paths with blanks: $binds $run $REPO (move the clone or BUILD_DIR)" ;;
esac
[ "$(tr -cd , <<<"$binds")" = , ] || die "the guest cannot use paths with commas: $binds (move the clone or BUILD_DIR)"
ln -sfn "$(basename "$run")" "$VM_DIR/last"
{
	echo "export VM_RUN=$run"
	echo "cd $(printf '%q' "$PWD") 2>/dev/null || cd /"
	if [ $# -eq 0 ]; then echo 'exec bash -i'; else printf '%q ' "$@"; echo; fi
} >"$run/cmd"

# boot ACCEL TIMEOUT: run the guest once; returns timeout's status.
boot() {
	local cpu=max fg=() icount=()
	[ "$1" = kvm ] && cpu=qemu64
	[ -n "$VM_ICOUNT" ] && icount=(-icount "$VM_ICOUNT")
	# On a terminal QEMU must stay in the foreground process group, or it is
	# stopped (SIGTTOU) as soon as it puts the terminal in raw mode.
	[ -t 0 ] && fg=(--foreground)
	timeout "${fg[@]}" -k 5 "$2" qemu-system-x86_64 -accel "$1" -cpu "$cpu" -m "$VM_MEM" -smp "$VM_SMP" "${icount[@]}" \
		-display none -no-reboot -monitor none \
		-chardev stdio,id=con,signal=off,logfile="$run/console.log" -serial chardev:con \
		-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=root,mount_tag=/dev/root \
		-fsdev local,id=run,path="$run",security_model=none,multidevs=remap \
		-device virtio-9p-pci,fsdev=run,mount_tag=vmrun \
		-kernel "$kernel" \
		-append "console=ttyS0 loglevel=5 panic=-1 root=/dev/root rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=262144 ro init=$REPO/scripts/vm-init vmrun=$run vmbind=$binds"
}

[ -z "$VM_ICOUNT" ] || [ "$accel" = tcg ] ||
	die "VM_ICOUNT=$VM_ICOUNT needs the TCG accelerator (VM_ACCEL=tcg), not $accel"
# QEMU 7.2 with a fixed -icount shift never brings up the second vCPU of this
# kernel (the boot stops after lockdep's banner); shift=auto boots, but its
# guest time follows the host again.
[[ -z "$VM_ICOUNT" || "$VM_SMP" = 1 || "$VM_ICOUNT" == *shift=auto* ]] ||
	die "VM_ICOUNT=$VM_ICOUNT needs VM_SMP=1: with a fixed shift QEMU's guest hangs bringing up its second vCPU"
if [ "$accel" = auto ]; then
	# Nested KVM hangs on some hosts: use it only if a short boot proves it works.
	accel=tcg
	if [ -w /dev/kvm ]; then
		printf 'true\n' >"$run/cmd.probe"; mv "$run/cmd" "$run/cmd.real"; mv "$run/cmd.probe" "$run/cmd"
		boot kvm 30 </dev/null >/dev/null 2>&1 && [ -f "$run/rc" ] && accel=kvm
		rm -f "$run/rc" "$run/dmesg.log" "$run/console.log"; mv "$run/cmd.real" "$run/cmd"
	fi
	info "accelerator: $accel"
fi

t0=$SECONDS
status=0
if [ -t 0 ]; then boot "$accel" "$timeout" || status=$?; else boot "$accel" "$timeout" </dev/null || status=$?; fi
if [ "$status" = 124 ] || [ "$status" = 137 ]; then
	die "guest did not finish within ${timeout}s and was killed (console log: $run/console.log)"
fi
[ -f "$run/rc" ] || die "guest stopped without running the command to its end, QEMU status $status (console log: $run/console.log)"
rc=$(cat "$run/rc")

# Kernel reports fail the run even when the command passed. dmesg.log has the whole
# kernel log; in the console only timestamped kernel lines count.
re='(WARNING:|BUG:|Oops|general protection fault|Kernel panic|kernel BUG at|UBSAN:|KASAN:|INFO: task .* blocked|rcu: INFO:|possible circular locking|inconsistent lock state)'
reports=$( { cat "$run/dmesg.log" 2>/dev/null; grep -aE '^\[ *[0-9]+\.[0-9]+\]' "$run/console.log"; } |
	grep -aE "$re" | sort -u || true)
if [ -n "$reports" ]; then
	printf '%s\n' "$reports" | head -5 >&2
	warn "the kernel reported a problem during the run (kernel log: $run/dmesg.log)"
	[ "$rc" != 0 ] || rc=99
fi
info "guest finished in $((SECONDS - t0)) s with status $rc (logs: $run)"
exit "$rc"
