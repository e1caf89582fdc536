#!/usr/bin/env bash
# Build every commit REV..HEAD of the series (default base..HEAD) on its own,
# in a scratch worktree: the kernel objects and directories it touches
# (kernel/bpf/ always, when it touches the kernel), libbpf and bpftool when it
# touches them. At every commit that touches the verifier
# (kernel/bpf/verifier.c, bpf_verifier.h) it also builds that commit's kernel
# and test_verifier and runs the whole test_verifier (unprivileged variants
# too) in the VM: each such patch must pass on its own.
#   check-build.sh [REV]
. "$(dirname "$0")/lib.sh"

bad=0

[ -f "$KOBJ/.config" ] || die "no kernel config: run 'make build' first"
wt=$BUILD_DIR/check-tree obj=$BUILD_DIR/check-kernel
[ -d "$wt" ] || git -C "$TREE" worktree add -q --detach "$wt" base
mkdir -p "$obj/libbpf" "$obj/bpftool" "$obj/selftests"
cp "$KOBJ/.config" "$obj/.config"
# test_verifier_at SUBJECT LOG: the checked-out commit's kernel and
# test_verifier, run in the VM; "Summary: N PASSED, N SKIPPED, N FAILED".
test_verifier_at() {
	local run sum
	make -C "$wt" O="$obj" -j"$JOBS" CC="ccache gcc" bzImage >>"$2" 2>&1 &&
		make -C "$wt/tools/testing/selftests/bpf" -j"$JOBS" O="$obj" OUTPUT="$obj/selftests" \
			CC="ccache gcc" VMLINUX_BTF="$obj/vmlinux" "$obj/selftests/test_verifier" >>"$2" 2>&1 ||
		{ warn "kernel or test_verifier does not build at: $1 (log: $2)"; return 1; }
	run=$(mktemp -d "$VM_DIR/check.XXXXXX")
	VM_RUN_DIR=$run "$REPO/scripts/vm.sh" --kernel "$obj/arch/x86/boot/bzImage" -- bash -c \
		'echo 0 >/proc/sys/kernel/unprivileged_bpf_disabled && cd "$1" && ./test_verifier >"$VM_RUN/tv.log" 2>&1' \
		tv "$obj/selftests" >>"$2" 2>&1 || true
	sum=$(grep -a '^Summary:' "$run/tv.log" 2>/dev/null || true)
	new=$(test_verifier_new_failures "$run/tv.log" 2>/dev/null || true)
	if [ -n "$sum" ] && [ -z "$new" ]; then
		info "test_verifier at: $1: ${sum#Summary: } (failures the base has too: ${TEST_VERIFIER_KNOWN#"$REPO"/})"
		return 0
	fi
	printf '%s\n' "$new" | head -5 >&2
	warn "test_verifier fails at: $1: ${sum:-no summary} (log: $run/tv.log)"
	return 1
}

mkdir -p "$VM_DIR"
from=${1:-base}
git -C "$TREE" rev-parse -q --verify "$from^{commit}" >/dev/null ||
	die "no commit '$from' in $TREE: give a revision of the series branch"
for c in $(git -C "$TREE" rev-list --reverse "$from"..HEAD); do
	git -C "$wt" checkout -q --detach "$c"
	subject=$(git -C "$wt" log -1 --format=%s)
	files=$(git -C "$wt" diff-tree --no-commit-id --name-only -r "$c")
	log=$obj/check-$(git -C "$wt" rev-parse --short "$c").log
	targets=()
	while read -r f; do
		case "$f" in
		tools/*|Documentation/*|samples/*) ;;
		*.c) targets+=("${f%.c}.o") ;;
		esac
	done <<<"$files"
	if grep -qvE '^(tools|Documentation|samples)/' <<<"$files"; then
		targets+=(kernel/bpf/)
		make -C "$wt" O="$obj" -j"$JOBS" CC="ccache gcc" olddefconfig prepare >"$log" 2>&1 &&
			make -C "$wt" O="$obj" -j"$JOBS" CC="ccache gcc" "${targets[@]}" >>"$log" 2>&1 ||
			{ warn "kernel objects do not build at: $subject (log: $log)"; bad=1; }
	fi
	if grep -q '^tools/lib/bpf/' <<<"$files"; then
		make -C "$wt/tools/lib/bpf" -j"$JOBS" OUTPUT="$obj/libbpf/" >>"$log" 2>&1 ||
			{ warn "libbpf does not build at: $subject (log: $log)"; bad=1; }
	fi
	if grep -qE '^tools/(bpf/bpftool|lib/bpf)/' <<<"$files"; then
		make -C "$wt/tools/bpf/bpftool" -j"$JOBS" OUTPUT="$obj/bpftool/" >>"$log" 2>&1 ||
			{ warn "bpftool does not build at: $subject (log: $log)"; bad=1; }
	fi
	if grep -qE '^(kernel/bpf/verifier\.c|include/linux/bpf_verifier\.h)$' <<<"$files"; then
		test_verifier_at "$subject" "$log" || bad=1
	fi
	info "built: $subject"
done
exit "$bad"
