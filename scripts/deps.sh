#!/usr/bin/env bash
# Install the Debian packages the build and the VM need, if any is missing.
. "$(dirname "$0")/lib.sh"

missing=()
for p in $DEB_PACKAGES; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || missing+=("$p")
done
if [ -z "${LINUX_TARBALL:-}" ]; then
	v=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || true)
	[ "$v" = "$LINUX_DEB_VERSION" ] || missing+=("linux-source-6.1=$LINUX_DEB_VERSION")
fi
[ ${#missing[@]} -eq 0 ] && exit 0

[ "$(id -u)" = 0 ] || die "missing packages: ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}"
info "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null || die "apt-get update failed"
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >"${TMPDIR:-/tmp}/deps-apt.log" 2>&1; then
	grep -q "Version '$LINUX_DEB_VERSION'.*not found" "${TMPDIR:-/tmp}/deps-apt.log" &&
		die "Debian no longer serves linux-source-6.1=$LINUX_DEB_VERSION: update the pin in config/pins.env (version and sha256), or set LINUX_TARBALL=/path/to/linux-6.1.y.tar.xz"
	tail -5 "${TMPDIR:-/tmp}/deps-apt.log" >&2
	die "apt-get install failed (full log: ${TMPDIR:-/tmp}/deps-apt.log)"
fi
