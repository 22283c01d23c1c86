# SPDX-License-Identifier: GPL-2.0
#
# seg6-bpf: SRv6 End.BPF as a Linux 6.12 patch series.  Every target runs
# the harness scripts in harness/; build output goes to out/ (see README).

H := harness

# DEBUG=1: build and test the kernel with KASAN, lockdep, kmemleak and
# UBSAN (harness/config/debug.config) in out/build-debug.
ifeq ($(DEBUG),1)
export BUILD := $(CURDIR)/out/build-debug
export EXTRA_CONFIG := $(CURDIR)/harness/config/debug.config
endif

# RT=1: build and test a PREEMPT_RT kernel with lockdep
# (harness/config/rt.config) in out/build-rt.
ifeq ($(RT),1)
ifeq ($(DEBUG),1)
$(error DEBUG=1 and RT=1 are two kernels: choose one)
endif
export BUILD := $(CURDIR)/out/build-rt
export EXTRA_CONFIG := $(CURDIR)/harness/config/rt.config
endif

.PHONY: help deps tree kernel selftests check demo bench vm selftests-full configs series series-check clean

help:
	@sed -n 's/^## //p' $(firstword $(MAKEFILE_LIST))

## deps            install missing build/VM/test packages with apt-get (idempotent)
deps:
	@$(H)/deps.sh

## tree            out/linux: pinned base + patches/ + our files, as git commits
tree: deps
	@$(H)/tree.sh

## kernel          configure (tinyconfig + kvm_guest + harness/config) and build bzImage
kernel: tree
	@$(H)/kernel.sh

## selftests       libbpf, bpftool, our BPF objects/skeletons and test_progs (ours only)
selftests: kernel
	@$(H)/selftests.sh

## check           run every test in the VM; TAP in out/check/results.tap (T=<glob> selects,
##                 DEBUG=1 uses the KASAN/lockdep/kmemleak/UBSAN kernel,
##                 RT=1 a PREEMPT_RT kernel with lockdep)
check: selftests
	@$(H)/check.sh

## demo            boot the VM and run the end-to-end scenario
demo: selftests
	@$(H)/demo.sh

## bench           End.BPF benchmarks in the VM: out/bench/results.json, report.md
bench: selftests
	@$(H)/bench.sh

## vm              interactive shell in the VM (host root read-only, out/vm writable)
vm: kernel
	@mkdir -p out/vm && $(H)/vm.sh --interactive out/vm

## selftests-full  upstream's full tools/testing/selftests/bpf build with our tests in it
selftests-full: kernel
	@$(H)/selftests-full.sh

## configs         the kernel test robot's build matrix at the series tip: vmlinux, modules and
##                 W=1 on the series' objects per configuration (harness/config/matrix;
##                 CONFIGS='i386 clang' selects, `defaults` is the test kernel)
configs: tree
	@$(H)/configs.sh $(CONFIGS)

## series          out/series/: cover letter + git format-patch series (harness/series/plan)
series: tree
	@$(H)/series.sh

## series-check    checkpatch, kernel-doc, sparse, W=1, Sphinx, and a build at every patch
series-check: kernel
	@$(H)/deps.sh series
	@$(H)/series-check.sh

## clean           remove out/ (the ccache outside the repo is kept)
clean:
	rm -rf out
