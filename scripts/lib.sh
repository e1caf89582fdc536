# shellcheck shell=bash
# Sourced by every script: strict mode, pins, paths and small helpers.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../config/pins.env
. "$REPO/config/pins.env"
# Paths under BUILD_DIR enter ccache's hashes relative to it, and the working
# directory not at all, so that every clone of the repo shares one cache
# (debug info of a cache hit names the clone that compiled it first).
export CCACHE_DIR CCACHE_BASEDIR=$BUILD_DIR CCACHE_NOHASHDIR=true

PROG=$(basename "$0" .sh)
die()  { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
warn() { printf '%s: warning: %s\n' "$PROG" "$*" >&2; }
info() { printf '%s: %s\n' "$PROG" "$*" >&2; }

JOBS=${JOBS:-$(nproc)}

# Kernel make with the out-of-tree object directory and ccache, one at a
# time per configuration: two makes in one object directory corrupt it.
kmake() {
	flock "$BUILD_DIR/.kmake$KCONFIG_SUFFIX.lock" make -C "$TREE" O="$KOBJ" -j"$JOBS" CC="ccache gcc" HOSTCC="ccache gcc" "$@"
}

# Hash of the exported series, used to tell whether patches/ and the tree agree.
patches_hash() {
	(cd "$PATCHES" && cat series && sed 's/#.*//' series | xargs -r cat) 2>/dev/null | sha256sum | cut -c1-16
}

export SYNC_FILE=$TREE/.git/series-sync   # "<tree HEAD> <patches hash>" at last tree/export

# The unpatched base kernel (the tree's 'base' commit, the patched kernel's
# config) and a bpf_testmod.ko built against it, in $BASE_KOBJ. Incremental:
# skipped when the base commit and the config did not change.
base_kernel() {
	[ -f "$KOBJ/.config" ] || die "no patched kernel config: run 'make build'"
	if [ ! -d "$BASE_TREE" ]; then
		git -C "$TREE" worktree add -q --detach "$BASE_TREE" base || die "cannot check out the base commit into $BASE_TREE"
	fi
	[ "$(git -C "$BASE_TREE" rev-parse HEAD)" = "$(git -C "$TREE" rev-parse base)" ] ||
		git -C "$BASE_TREE" checkout -q --detach base
	local h
	h=$(git -C "$BASE_TREE" rev-parse HEAD)-$(sha256sum <"$KOBJ/.config" | cut -c1-16)
	if [ -f "$BASE_KOBJ/bpf_testmod.ko" ] && [ "$(cat "$BASE_KOBJ/.build-stamp" 2>/dev/null)" = "$h" ]; then
		return
	fi
	mkdir -p "$BASE_KOBJ"
	cp "$KOBJ/.config" "$BASE_KOBJ/.config"
	info "building the base kernel and its bpf_testmod.ko (log: $BASE_KOBJ/build.log)"
	local t0=$SECONDS mod=$BASE_TREE/tools/testing/selftests/bpf/bpf_testmod
	{
		TREE=$BASE_TREE KOBJ=$BASE_KOBJ KCONFIG_SUFFIX=-base$KCONFIG_SUFFIX kmake olddefconfig &&
		TREE=$BASE_TREE KOBJ=$BASE_KOBJ KCONFIG_SUFFIX=-base$KCONFIG_SUFFIX kmake bzImage modules &&
		rm -f "$mod/bpf_testmod.ko" &&
		make -C "$BASE_KOBJ" M="$mod" CC="ccache gcc" modules &&
		cp "$mod/bpf_testmod.ko" "$BASE_KOBJ/bpf_testmod.ko"
	} >"$BASE_KOBJ/build.log" 2>&1 || die "base kernel build failed (log: $BASE_KOBJ/build.log)"
	echo "$h" >"$BASE_KOBJ/.build-stamp"
	info "base kernel built in $((SECONDS - t0)) s"
}

# test_verifier_new_failures LOG: the "#N/u descr FAIL" lines of a
# test_verifier log whose test is not in $TEST_VERIFIER_KNOWN (failures the
# unpatched base has too).
test_verifier_new_failures() {
	local line name
	while read -r line; do
		name=${line#\#*/} name=/${name% FAIL*}
		grep -qxF "$name" < <(sed -e '/^#/d' -e 's/ # .*//' -e 's/[[:space:]]*$//' "$TEST_VERIFIER_KNOWN") ||
			printf '%s\n' "$line"
	done < <(grep -a -E '^#[0-9]+/[up] .* FAIL' "$1")
}
