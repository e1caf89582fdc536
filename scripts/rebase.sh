#!/usr/bin/env bash
# Follow Debian's uploads: apply patches/ to a linux-source-6.1 upload (default:
# the newest that apt offers), report for every patch whether it applies
# exactly, at an offset, only with fuzz or not at all, then build everything
# and run the test command on it. Only when all of that passes does the pin in
# config/pins.env move to that upload (version and tarball sha256).
#   rebase.sh [VERSION]        e.g. 6.1.192-3
# Each upload gets its own build directory, build/rebase/VERSION, laid out like
# build/ so that ccache serves every file the upload did not change; it is
# regenerated when patches/ changed (your work tree build/linux is never touched: after
# the pin moves, 'make tree' moves its commits onto the new upload).
. "$(dirname "$0")/lib.sh"

ver=${1:-}
if [ -z "$ver" ]; then
	ver=$(apt-cache madison linux-source-6.1 2>/dev/null | awk '{ print $3 }' | sort -V | tail -1)
	[ -n "$ver" ] || die "apt offers no linux-source-6.1: check Debian's bookworm and bookworm-security sources, run 'apt-get update'"
fi
[[ $ver =~ ^6\.1\.[0-9]+-[0-9]+$ ]] || die "VERSION=$ver: expected a linux-source-6.1 version like 6.1.192-3"
[ -n "${LINUX_TARBALL:-}" ] && die "LINUX_TARBALL is set: rebase.sh takes the tarball from Debian's package (unset it)"

work=$BUILD_DIR/rebase/$ver
mkdir -p "$work/deb"
deb=$(find "$work/deb" -maxdepth 1 -name "linux-source-6.1_*_all.deb" | head -1)
if [ -z "$deb" ]; then
	info "downloading linux-source-6.1=$ver"
	(cd "$work/deb" && apt-get download -q -o APT::Sandbox::User=root "linux-source-6.1=$ver") >"$work/deb/apt.log" 2>&1 ||
		die "apt-get download linux-source-6.1=$ver failed (log: $work/deb/apt.log); 'apt-cache madison linux-source-6.1' lists what Debian serves"
	deb=$(find "$work/deb" -maxdepth 1 -name "linux-source-6.1_*_all.deb" | head -1)
fi
tarball=$work/deb/linux-source-6.1.tar.xz
[ -f "$tarball" ] || dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/src/linux-source-6.1.tar.xz >"$tarball" ||
	die "$deb holds no usr/src/linux-source-6.1.tar.xz"
sum=$(sha256sum "$tarball" | cut -d' ' -f1)
info "linux-source-6.1 $ver: tarball sha256 $sum (pin: $LINUX_DEB_VERSION)"

# The upload's own build directory: the same names under it as under build/.
sub() {
	env -u TREE -u KOBJ -u SELFTESTS_OUT -u TOOLS_OUT -u VM_DIR -u BASE_TREE -u BASE_KOBJ \
		BUILD_DIR="$work" LINUX_DEB_VERSION="$ver" LINUX_TARBALL_DEFAULT="$tarball" \
		LINUX_TARBALL_SHA256="$sum" APPLY_REPORT="$work/apply.tsv" "$@"
}
if [ -s "$work/apply.tsv" ] && [ "$(cut -d' ' -f2 "$work/linux/.git/series-sync" 2>/dev/null)" = "$(patches_hash)" ]; then
	info "patches/ unchanged since the last run on $ver: reusing its tree and builds"
else
	rm -rf "$work/linux" "$work/linux.new" "$work/apply.tsv"
	info "applying patches/ to $ver"
	sub "$REPO/scripts/tree.sh" || true
fi
[ -s "$work/apply.tsv" ] || die "no patch was tried on $ver (see the error above)"
total=$(sed 's/#.*//' "$PATCHES/series" | grep -c .)
{
	echo "linux-source-6.1 $ver ($(date -u +%F)), $total patches:"
	awk -F'\t' '{ n[$2]++ } END { printf "  exact %d, offset %d, fuzz %d, conflict %d\n", n["exact"], n["offset"], n["fuzz"], n["conflict"] }' "$work/apply.tsv"
	awk -F'\t' '$2 != "exact" { printf "  %-9s %s\n", $2, $1 }' "$work/apply.tsv"
	tried=$(wc -l <"$work/apply.tsv")
	[ "$tried" -eq "$total" ] || echo "  not tried (after the conflict): $((total - tried))"
} | tee "$work/report.txt" >&2
grep -q $'\tconflict$' "$work/apply.tsv" &&
	die "the series does not apply to $ver: resolve the conflict in build/linux after the pin moves by hand (report: $work/report.txt)"

info "building on $ver (log: $work/build.log)"
sub "$REPO/scripts/build.sh" all >"$work/build.log" 2>&1 || die "the build on $ver failed (log: $work/build.log)"
info "running the test command on $ver (log: $work/test.log)"
rc=0
sub "$REPO/scripts/test.sh" >"$work/test.log" 2>&1 || rc=$?
summary=$(grep -aE '^[0-9]+ passed, [0-9]+ failed$' "$work/test.log" | tail -1 || true)
[ -n "$summary" ] || die "the test command on $ver ended without its summary (log: $work/test.log)"
info "$ver: $summary"
echo "  test command: $summary" >>"$work/report.txt"
[ "$rc" = 0 ] && [[ $summary == *" 0 failed" ]] ||
	die "tests fail on $ver: the pin stays at $LINUX_DEB_VERSION (log: $work/test.log)"

if [ "$ver" = "$LINUX_DEB_VERSION" ]; then
	info "the pin is already $ver"
	exit 0
fi
sed -i -e "s/^: \"\${LINUX_DEB_VERSION:=[^}]*}\"/: \"\${LINUX_DEB_VERSION:=$ver}\"/" \
	-e "s/^: \"\${LINUX_TARBALL_SHA256:=[^}]*}\"/: \"\${LINUX_TARBALL_SHA256:=$sum}\"/" "$REPO/config/pins.env"
grep -q "LINUX_DEB_VERSION:=$ver}" "$REPO/config/pins.env" && grep -q "LINUX_TARBALL_SHA256:=$sum}" "$REPO/config/pins.env" ||
	die "could not write the pin into config/pins.env"
info "pin moved to $ver in config/pins.env: commit it; 'make tree' then moves build/linux onto $ver"
