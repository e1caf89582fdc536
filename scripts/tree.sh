#!/usr/bin/env bash
# Unpack the pinned base into $TREE as a git repository (base commit + one commit per
# patch), or bring an existing tree in line with patches/ without losing anybody's work.
. "$(dirname "$0")/lib.sh"

tarball() {
	if [ -n "${LINUX_TARBALL:-}" ]; then
		[ -f "$LINUX_TARBALL" ] || die "LINUX_TARBALL=$LINUX_TARBALL does not exist"
		warn "using LINUX_TARBALL=$LINUX_TARBALL instead of the pinned linux-source-6.1 $LINUX_DEB_VERSION"
		echo "$LINUX_TARBALL"
		return
	fi
	local t=$LINUX_TARBALL_DEFAULT sum
	[ -f "$t" ] || die "$t missing: run 'make deps' (installs linux-source-6.1=$LINUX_DEB_VERSION)"
	sum=$(sha256sum "$t" | cut -d' ' -f1)
	[ "$sum" = "$LINUX_TARBALL_SHA256" ] ||
		die "$t has sha256 $sum, not the pinned $LINUX_TARBALL_SHA256 (linux-source-6.1 $LINUX_DEB_VERSION): install that version, or set LINUX_TARBALL to use another tarball on purpose"
	echo "$t"
}

apply_series() {
	local p
	[ -f "$PATCHES/series" ] || return 0
	while read -r p; do
		case "$p" in ''|'#'*) continue ;; esac
		if ! git -C "$TREE" am -q --whitespace=nowarn "$PATCHES/$p" >/dev/null 2>&1; then
			git -C "$TREE" am --abort >/dev/null 2>&1 || true
			die "patches/$p does not apply on $(git -C "$TREE" log -1 --format=%s): fix it in the tree and 'make export'"
		fi
	done <"$PATCHES/series"
}

record_sync() {
	echo "$(git -C "$TREE" rev-parse HEAD) $(patches_hash)" >"$SYNC_FILE"
}

create() {
	local t tmp=$BUILD_DIR/linux.new line
	t=$(tarball)
	rm -rf "$tmp"
	mkdir -p "$tmp"
	info "unpacking $(basename "$t")"
	tar -xf "$t" -C "$tmp" --strip-components=1
	[ -f "$tmp/Makefile" ] && grep -q '^PATCHLEVEL = 1$' "$tmp/Makefile" ||
		die "$t is not a 6.1 kernel tarball"
	# Debian's .gitignore ends by ignoring everything at the top level (its packaging
	# repo holds only debian/). Drop that block once, in the base commit, so that files
	# a patch adds are visible to git like in any kernel tree.
	line=$(grep -n '^# Debian packaging' "$tmp/.gitignore" | cut -d: -f1 || true)
	[ -n "$line" ] && sed -i "$((line - 1)),\$d" "$tmp/.gitignore"
	git -C "$tmp" init -q -b series
	git -C "$tmp" config user.name "bpf-6.1 series"
	git -C "$tmp" config user.email "bpf-6.1-series@example.org"
	git -C "$tmp" config core.untrackedCache true
	git -C "$tmp" config gc.auto 0
	info "committing the base (takes ~30 s)"
	git -C "$tmp" add -A -f
	git -C "$tmp" commit -q -m "base: $(basename "$t") (linux-source-6.1 ${LINUX_TARBALL:+custom }${LINUX_TARBALL:-$LINUX_DEB_VERSION})"
	git -C "$tmp" tag base
	mv "$tmp" "$TREE"
	apply_series
	record_sync
	info "tree ready: $TREE ($(git -C "$TREE" rev-list --count base..HEAD) patches on base)"
}

# Existing tree: keep it if it agrees with patches/, re-apply patches/ if only they
# changed, refuse whenever that could lose work.
update() {
	local head want_head want_hash dirty
	git -C "$TREE" rev-parse -q --verify base >/dev/null ||
		die "$TREE exists but is not a series work tree (no 'base' tag): move it away and re-run"
	head=$(git -C "$TREE" rev-parse HEAD)
	read -r want_head want_hash <"$SYNC_FILE" 2>/dev/null || { want_head=; want_hash=; }
	dirty=$(git -C "$TREE" status --porcelain --untracked-files=no | head -1)
	if [ "$want_hash" = "$(patches_hash)" ]; then
		[ "$head" = "$want_head" ] || info "tree has commits not exported yet: 'make export' to save them in patches/"
		exit 0
	fi
	[ "$head" = "$want_head" ] ||
		die "patches/ changed and $TREE has commits not in patches/: 'make export' to keep the tree, or move $TREE away to take patches/"
	[ -z "$dirty" ] ||
		die "patches/ changed but $TREE has uncommitted edits: commit or stash them, then re-run"
	info "patches/ changed: re-applying the series on base"
	git -C "$TREE" reset -q --hard base
	apply_series
	record_sync
}

mkdir -p "$BUILD_DIR"
if [ -d "$TREE/.git" ]; then update; else create; fi
