#!/usr/bin/env bash
# Inside the VM: run the ring buffer benchmarks once each, one "name<TAB>M/s"
# line each (bench.sh repeats the boots and takes medians over them). Uses the
# in-tree bench tool, without CPU pinning (2 vCPUs cannot host a consumer and
# two pinned producers); what the kernel does not support is "n/a".
set -uo pipefail
cd "$1" || exit 1
run() {
	local name=$1 hits
	shift
	hits=$(./bench -w1 -d4 "$@" 2>&1 | sed -nE 's/^Summary: hits +([0-9.]+) ± .*/\1/p')
	printf '%s\t%s\n' "$name" "${hits:-n/a}"
}
for b in rb-libbpf rb-custom; do
	run "$b 1 producer"            "$b"
	run "$b 2 producers"           -p2 "$b"
	run "$b back-to-back"          --rb-b2b "$b"
	run "$b sampled"               --rb-sampled "$b"
	run "$b sampled 2 producers"   --rb-sampled -p2 "$b"
done
run "rb-prod overwrite 1 producer"  --rb-overwrite rb-prod
run "rb-prod overwrite 2 producers" --rb-overwrite -p2 rb-prod
