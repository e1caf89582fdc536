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
