# Entry points. Every target is a small script in scripts/; pins and paths live in
# config/pins.env. `make help` lists them.
SHELL := /bin/bash
S := scripts

.PHONY: help deps tree export build vm run test rebase regress verifier-cost fuzz stress runner-check bench check clean
.DEFAULT_GOAL := help

help:
	@echo "make vm [CMD='...']   build everything, boot it in QEMU, run the demo (or CMD; CMD=shell for a shell)"
	@echo "make test [T='...'] [KCONFIG=debug]  build everything, run the selected selftests in QEMU, print"
	@echo "                      'N passed, N failed' (KCONFIG=debug: KASAN, kmemleak, fault injection kernel)"
	@echo "make tree             unpack the pinned 6.1 base into build/linux and apply patches/ (one commit each)"
	@echo "make rebase [VERSION=6.1.x-y]  apply patches/ to a linux-source-6.1 upload (default: the newest"
	@echo "                      apt offers), report each patch, build and test there; move the pin if it passes"
	@echo "make export           rewrite patches/ from the commits in build/linux"
	@echo "make build            incremental build: kernel, bpf_testmod.ko, libbpf, bpftool, test_progs, demo"
	@echo "make regress          the whole test_verifier (unprivileged too), test_maps and test_progs on the"
	@echo "                      base 6.1 kernel and the patched one: table of differences, fails on a regression"
	@echo "                      (writes tests/regress-results.md)"
	@echo "make verifier-cost [ROUNDS=N|REPORT=1]  veristat over every selftests BPF object on base and patched"
	@echo "                      kernel, rounds alternating (writes bench/verifier.md)"
	@echo "make fuzz [SECONDS=N] [SEED=N] [JIT=0]  long run of the loop-verification fuzzer in QEMU (default"
	@echo "                      3600 s; JIT=0 with KCONFIG=debug: programs run in the interpreter under KASAN)"
	@echo "make stress           iterators over 100k threads and 10k cgroups in QEMU (STRESS_THREADS,"
	@echo "                      STRESS_CGROUPS; fails on a soft lockup, RCU stall or any kernel report)"
	@echo "make runner-check     check that the VM runner fails on a WARN, a hang and a failing command"
	@echo "make bench [SAME=1] [VM_ICOUNT=shift=0,sleep=off]  ring buffer benchmark, base 6.1 vs patched kernel"
	@echo "                      alternating (writes bench/ringbuf.md; SAME=1: the patched kernel against itself)"
	@echo "make check [BUILD=1 [FROM=REV]]  checkpatch --strict on every patch (BUILD=1: also build each patch,"
	@echo "                      on its own, those after REV only if FROM is given, and run test_verifier in"
	@echo "                      the VM at each patch that touches the verifier)"
	@echo "make deps             install the Debian packages the above need"
	@echo "make clean            remove build outputs (never build/linux, your work tree)"

deps:
	@$(S)/deps.sh
tree: deps
	@$(S)/tree.sh
export:
	@$(S)/export.sh
rebase: deps
	@$(S)/rebase.sh $(VERSION)
build: tree
	@$(S)/build.sh
run vm: build
ifeq ($(CMD),)
	@$(S)/vm.sh -- $(CURDIR)/demo/run.sh $(CURDIR)/build/tools/demo $(CURDIR)/build/selftests/tools/sbin/bpftool
else ifeq ($(CMD),shell)
	@$(S)/vm.sh
else
	@$(S)/vm.sh -- bash -c '$(CMD)'
endif
test: build
	@$(S)/test.sh $(if $(T),-a '$(T)')
regress: build
	@$(S)/regress.sh
verifier-cost: build
	@$(S)/verifier-cost.sh $(if $(REPORT),--report,$(ROUNDS))
fuzz: build
	@FUZZ_JIT=$(or $(JIT),1) $(S)/fuzz.sh $(SECONDS) $(SEED)
stress: build
	@$(S)/stress.sh
runner-check: build
	@$(S)/runner-check.sh
bench: build
	@$(S)/bench.sh $(if $(SAME),same)
check: tree
ifneq ($(BUILD),)
	@rc=0; $(S)/check.sh || rc=1; $(S)/check-build.sh $(FROM) || rc=1; exit $$rc
else
	@$(S)/check.sh
endif
clean:
	rm -rf build/kernel build/selftests build/tools build/vm
