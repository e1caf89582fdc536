#!/usr/bin/env bash
# Iterators at scale (test_progs -t iters_stress): the task walks over
# STRESS_THREADS threads of one process and the css walks over
# STRESS_CGROUPS cgroups, each on both surfaces, in a guest with
# STRESS_VM_MEM of memory. A soft lockup, an RCU stall or any other kernel
# report fails the run (vm.sh). KCONFIG=debug runs the walks under KASAN,
# lockdep and PROVE_RCU.
#   stress.sh            sizes and memory from config/pins.env
. "$(dirname "$0")/lib.sh"

prog=$SELFTESTS_OUT/test_progs
[ -x "$prog" ] || die "$prog missing: run 'make build'"
[[ $STRESS_THREADS =~ ^[0-9]+$ && $STRESS_CGROUPS =~ ^[0-9]+$ ]] ||
	die "STRESS_THREADS=$STRESS_THREADS STRESS_CGROUPS=$STRESS_CGROUPS: expected whole numbers"
info "walking $STRESS_THREADS threads and $STRESS_CGROUPS cgroups (kernel config: $KCONFIG, guest memory: $STRESS_VM_MEM)"
# The guest gets the sizes on its command line: the environment does not
# cross into the VM.
VM_MEM=$STRESS_VM_MEM "$REPO/scripts/vm.sh" --timeout "$STRESS_VM_TIMEOUT" -- bash -c \
	'cd "$1" && ITERS_STRESS_THREADS=$2 ITERS_STRESS_CGROUPS=$3 ./test_progs -v -t iters_stress' \
	stress "$SELFTESTS_OUT" "$STRESS_THREADS" "$STRESS_CGROUPS"
