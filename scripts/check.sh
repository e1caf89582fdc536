#!/usr/bin/env bash
# checkpatch --strict on every patch of the series, with the tree's own script.
. "$(dirname "$0")/lib.sh"

[ -x "$TREE/scripts/checkpatch.pl" ] || die "no work tree at $TREE: run 'make tree' first"
bad=0
while read -r p; do
	case "$p" in ''|'#'*) continue ;; esac
	out=$("$TREE/scripts/checkpatch.pl" --strict --terse --no-summary --show-types \
		"$PATCHES/$p" 2>/dev/null | grep -E 'ERROR|WARNING|CHECK') || true
	if [ -n "$out" ]; then
		printf '%s\n%s\n' "$p:" "$out"
		bad=1
	fi
done <"$PATCHES/series"
[ "$bad" = 0 ] && info "all patches checkpatch --strict clean"
exit "$bad"
