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

# apply_one PATCH: commit one patch on the tree's HEAD. Prints how it applied:
# "exact", "offset" (context found at other lines), "fuzz" (context partly
# differs: git apply -C1) or "conflict" (not applied, nothing left behind).
apply_one() {
	local p=$1 dry
	dry=$(cd "$TREE" && patch -p1 -F0 --dry-run -f <"$p" 2>&1) || true
	if git -C "$TREE" am -q --whitespace=nowarn "$p" >/dev/null 2>&1; then
		if grep -q 'succeeded at .*(offset' <<<"$dry"; then echo offset; else echo exact; fi
	# am stopped at the patch: apply it with less context and let am commit it
	elif git -C "$TREE" apply -q -C1 --index --whitespace=nowarn "$p" >/dev/null 2>&1 &&
		git -C "$TREE" am -q --continue >/dev/null 2>&1; then
		echo fuzz
	else
		git -C "$TREE" am --abort >/dev/null 2>&1 || true
		echo conflict
	fi
}

# apply_series: one commit per patch of patches/series. With APPLY_REPORT set to
# a file, every patch's outcome goes there ("name<TAB>outcome") and only a
# conflict stops the series; otherwise anything but an exact or offset
# application stops it.
apply_series() {
	local p how
	[ -f "$PATCHES/series" ] || return 0
	while read -r p; do
		case "$p" in ''|'#'*) continue ;; esac
		how=$(apply_one "$PATCHES/$p")
		[ -z "${APPLY_REPORT:-}" ] || printf '%s\t%s\n' "$p" "$how" >>"$APPLY_REPORT"
		case $how in
		exact | offset) ;;
		fuzz) [ -n "${APPLY_REPORT:-}" ] ||
			die "patches/$p applies only with fuzz on $(git -C "$TREE" log -1 --format=%s base): refresh it ('make rebase' reports every patch)" ;;
		*) die "patches/$p does not apply on $(git -C "$TREE" log -1 --format=%s): fix it in the tree and 'make export'" ;;
		esac
	done <"$PATCHES/series"
}

record_sync() {
	echo "$(git -C "$TREE" rev-parse HEAD) $(patches_hash)" >"$SYNC_FILE"
}

# unpack_base TARBALL DIR: DIR gets the tarball's files (Debian's top-level
# ignore-everything block dropped from .gitignore, so that files a patch adds
# are visible to git like in any kernel tree).
unpack_base() {
	local t=$1 d=$2 line
	info "unpacking $(basename "$t")"
	tar -xf "$t" -C "$d" --strip-components=1
	[ -f "$d/Makefile" ] && grep -q '^PATCHLEVEL = 1$' "$d/Makefile" ||
		die "$t is not a 6.1 kernel tarball"
	line=$(grep -n '^# Debian packaging' "$d/.gitignore" | cut -d: -f1 || true)
	[ -n "$line" ] && sed -i "$((line - 1)),\$d" "$d/.gitignore"
	return 0
}

base_subject() {
	echo "base: $(basename "$1") (linux-source-6.1 ${LINUX_TARBALL:+custom }${LINUX_TARBALL:-$LINUX_DEB_VERSION})"
}

create() {
	local t tmp=$BUILD_DIR/linux.new
	t=$(tarball)
	rm -rf "$tmp"
	mkdir -p "$tmp"
	unpack_base "$t" "$tmp"
	git -C "$tmp" init -q -b series
	git -C "$tmp" config user.name "bpf-6.1 series"
	git -C "$tmp" config user.email "bpf-6.1-series@example.org"
	git -C "$tmp" config core.untrackedCache true
	git -C "$tmp" config gc.auto 0
	info "committing the base (takes ~30 s)"
	git -C "$tmp" add -A -f
	git -C "$tmp" commit -q -m "$(base_subject "$t")"
	git -C "$tmp" tag base
	mv "$tmp" "$TREE"
	apply_series
	record_sync
	info "tree ready: $TREE ($(git -C "$TREE" rev-list --count base..HEAD) patches on base)"
}

# The pin moved to another upload than the tree's base: commit the new upload
# on top of the old base and rebase the tree's commits (the series and any of
# your own) onto it. A conflict leaves the tree as it was.
move_base() {
	local t wt=$BUILD_DIR/linux.newbase new old
	old=$(git -C "$TREE" log -1 --format=%s base)
	t=$(tarball)
	[ -z "$(git -C "$TREE" status --porcelain --untracked-files=no | head -1)" ] ||
		die "$TREE is on '${old#base: }' but the pin is $LINUX_DEB_VERSION: commit or stash your edits, then re-run"
	info "$TREE is on '${old#base: }'; moving its commits onto $LINUX_DEB_VERSION"
	git -C "$TREE" worktree remove --force "$wt" >/dev/null 2>&1 || rm -rf "$wt"
	git -C "$TREE" worktree add -q --detach "$wt" base
	git -C "$wt" rm -rq --cached .
	find "$wt" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
	unpack_base "$t" "$wt"
	git -C "$wt" add -A -f
	git -C "$wt" commit -q --allow-empty -m "$(base_subject "$t")"
	new=$(git -C "$wt" rev-parse HEAD)
	# Rebase in the side work tree, then move the tree's branch there: only
	# the files that differ are rewritten, so the next build stays incremental.
	git -C "$wt" checkout -q --detach "$(git -C "$TREE" rev-parse HEAD)"
	if ! git -C "$wt" rebase -q --onto "$new" "$(git -C "$TREE" rev-parse base)" >/dev/null 2>&1; then
		git -C "$wt" rebase --abort >/dev/null 2>&1 || true
		git -C "$TREE" worktree remove --force "$wt"
		die "the tree's commits do not apply on $LINUX_DEB_VERSION ('make rebase VERSION=$LINUX_DEB_VERSION' reports each patch); the tree stays on '${old#base: }'"
	fi
	git -C "$TREE" reset -q --hard "$(git -C "$wt" rev-parse HEAD)"
	git -C "$TREE" worktree remove --force "$wt"
	git -C "$TREE" tag -f base "$new" >/dev/null
	info "tree moved onto $LINUX_DEB_VERSION (the old base is the new base's parent)"
}

# Existing tree: keep it if it agrees with patches/, re-apply patches/ if only they
# changed, refuse whenever that could lose work.
update() {
	local head want_head want_hash dirty t
	git -C "$TREE" rev-parse -q --verify base >/dev/null ||
		die "$TREE exists but is not a series work tree (no 'base' tag): move it away and re-run"
	head=$(git -C "$TREE" rev-parse HEAD)
	read -r want_head want_hash <"$SYNC_FILE" 2>/dev/null || { want_head=; want_hash=; }
	if [ -z "${LINUX_TARBALL:-}" ]; then
		t=$(tarball)
		if [ "$(git -C "$TREE" log -1 --format=%s base)" != "$(base_subject "$t")" ]; then
			move_base
			# patches/ stays as it was (exported with --zero-commit): still in step
			if [ "$head" = "$want_head" ]; then
				record_sync
				want_head=$(git -C "$TREE" rev-parse HEAD)
			fi
			head=$(git -C "$TREE" rev-parse HEAD)
		fi
	fi
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
