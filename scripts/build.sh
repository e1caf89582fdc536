#!/usr/bin/env bash
# Build the kernel (incremental, ccache), bpf_testmod.ko, libbpf, bpftool and
# test_progs from the work tree. Skips each part whose inputs did not change.
. "$(dirname "$0")/lib.sh"

[ -d "$TREE/.git" ] || die "no work tree at $TREE: run 'make tree' first"
mkdir -p "$KOBJ" "$SELFTESTS_OUT" "$TOOLS_OUT"

# Content hash of the work tree (committed + uncommitted + untracked), without the
# top-level directories named as arguments; cheap enough to run on every build.
tree_hash() {
	local skip=("$@") spec=(.) d
	for d in "${skip[@]}"; do spec+=(":!$d"); done
	{
		git -C "$TREE" ls-tree HEAD | awk -v skip=" ${skip[*]} " 'index(skip, " " $4 " ") == 0'
		git -C "$TREE" diff HEAD -- "${spec[@]}"
		git -C "$TREE" ls-files -o --exclude-standard -z -- "${spec[@]}" |
			(cd "$TREE" && xargs -0r sha256sum)
	} | sha256sum | cut -c1-16
}

config() {
	local frags=("$TREE/arch/x86/configs/x86_64_defconfig"
		     "$TREE/tools/testing/selftests/bpf/config")
	# shellcheck disable=SC2206 # paths without blanks, from pins.env
	frags+=($KCONFIG_FRAGMENTS)
	local got name val bad=0 h
	h=$(cat "${frags[@]}" | sha256sum | cut -c1-16)
	if [ -f "$KOBJ/.config" ] && [ "$(cat "$KOBJ/.config-inputs" 2>/dev/null)" = "$h" ]; then
		return
	fi
	info "merging kernel config ($KCONFIG): defconfig + selftests/bpf/config + ${KCONFIG_FRAGMENTS//$REPO\//}"
	(cd "$TREE" && ./scripts/kconfig/merge_config.sh -y -O "$KOBJ" "${frags[@]}") \
		>"$KOBJ/merge_config.log" 2>&1 || { tail -20 "$KOBJ/merge_config.log" >&2; die "merge_config.sh failed"; }
	# Every option that selftests/bpf/config or our fragment asks for (the
	# last request wins) must survive; defconfig is the base they change.
	while IFS='=' read -r name val; do
		got=$(sed -n -e "s/^$name=//p" -e "s/^# $name is not set/n/p" "$KOBJ/.config")
		[ -n "$got" ] || got=n
		[ "$val" = "$got" ] || { [ "$val" = m ] && [ "$got" = y ]; } && continue
		warn "$name=$val requested but the merged config has $name=$got (missing dependency?)"
		bad=1
	done < <(cat "${frags[@]:1}" |
		sed -n -e 's/^\(CONFIG_[A-Za-z0-9_]*\)=\(.*\)/\1=\2/p' -e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set/\1=n/p' |
		awk -F= '{v[$1]=$2; if (!($1 in o)) o[$1]=NR} END {for (k in v) print k "=" v[k]}' | sort)
	[ "$bad" = 0 ] || die "kernel config lost requested options (above): fix config/series.config"
	echo "$h" >"$KOBJ/.config-inputs"
}

kernel() {
	local h
	h=$(tree_hash tools Documentation samples)-$(cat "$KOBJ/.config-inputs")
	if [ -f "$KOBJ/arch/x86/boot/bzImage" ] && [ "$(cat "$KOBJ/.build-stamp" 2>/dev/null)" = "$h" ]; then
		info "kernel up to date"
		return
	fi
	info "building kernel (log: $KOBJ/build.log)"
	local t0=$SECONDS
	if ! kmake bzImage modules >"$KOBJ/build.log" 2>&1; then
		grep -E 'error|Error' "$KOBJ/build.log" | head -20 >&2
		die "kernel build failed (full log: $KOBJ/build.log)"
	fi
	echo "$h" >"$KOBJ/.build-stamp"
	info "kernel built in $((SECONDS - t0)) s"
}

selftests() {
	local h
	h=$(tree_hash)-$(cat "$KOBJ/.build-stamp")
	if [ -x "$SELFTESTS_OUT/test_progs" ] && [ "$(cat "$SELFTESTS_OUT/.build-stamp" 2>/dev/null)" = "$h" ]; then
		info "selftests up to date"
		return
	fi
	# The debug kernel's BTF holds struct net_device twice (pahole 1.24's
	# dedup with KASAN), which makes vmlinux.h fail to compile: its BPF
	# programs are compiled against the default kernel's BTF and CO-RE
	# relocates them at load time; bpf_testmod.ko is built for it.
	local btf=$KOBJ/vmlinux
	if [ "$KCONFIG" = debug ]; then
		btf=$BUILD_DIR/kernel/vmlinux
		[ -f "$btf" ] || die "KCONFIG=debug compiles BPF programs against $btf: run 'make build' first"
	fi
	info "building libbpf, bpftool, bpf_testmod.ko, test_progs and test_verifier (log: $SELFTESTS_OUT/build.log)"
	local t0=$SECONDS
	if ! make -C "$TREE/tools/testing/selftests/bpf" -j"$JOBS" O="$KOBJ" OUTPUT="$SELFTESTS_OUT" \
		CC="ccache gcc" VMLINUX_BTF="$btf" \
		"$SELFTESTS_OUT/test_progs" "$SELFTESTS_OUT/test_verifier" "$SELFTESTS_OUT/bpf_testmod.ko" \
		>"$SELFTESTS_OUT/build.log" 2>&1; then
		grep -E 'error|Error' "$SELFTESTS_OUT/build.log" | head -20 >&2
		die "selftests build failed (full log: $SELFTESTS_OUT/build.log)"
	fi
	echo "$h" >"$SELFTESTS_OUT/.build-stamp"
	info "selftests built in $((SECONDS - t0)) s"
}

demo() {
	mkdir -p "$TOOLS_OUT/demo"
	make -s -C "$REPO/demo" OUT="$TOOLS_OUT/demo" KOBJ="$KOBJ" SELFTESTS_OUT="$SELFTESTS_OUT" \
		>"$TOOLS_OUT/demo/build.log" 2>&1 ||
		{ tail -20 "$TOOLS_OUT/demo/build.log" >&2; die "demo build failed (log: $TOOLS_OUT/demo/build.log)"; }
}

case "${1:-all}" in
config) config ;;
kernel) config; kernel ;;
all) config; kernel; selftests; demo ;;
*) die "usage: build.sh [config|kernel|all]" ;;
esac
