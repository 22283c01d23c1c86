# SPDX-License-Identifier: GPL-2.0
#
# A reduced build of tools/testing/selftests/bpf for `make check`: the
# in-tree libbpf and bpftool, vmlinux.h from the freshly built kernel, the
# BPF objects and skeletons our tests use, and a test_progs runner whose
# test table holds only our prog_tests.  The framework sources are compiled
# straight from out/linux, never copied.  The full upstream build is
# `make selftests-full`.
#
# Called by harness/selftests.sh with SRC, BUILD, ST, OUR_TESTS, OUR_PROGS,
# OUR_SAMPLES (samples/bpf/*.bpf.c), OUR_TOOLS (the other samples/bpf/*.c,
# user space linked with the in-tree libbpf), SAMPLE_LIBS (the daemons'
# shared code, samples/bpf/srv6_*.c), OUR_NET_TESTS (our C programs of
# tools/testing/selftests/net), UPSTREAM_PROGS and BENCH_SRC
# (harness/bench/seg6_bench.c) set.

CLANG		?= clang-19
BPFDIR		:= $(SRC)/tools/lib/bpf
BPFTOOLDIR	:= $(SRC)/tools/bpf/bpftool
SELFTESTS	:= $(SRC)/tools/testing/selftests/bpf
LIBBPF_A	:= $(ST)/libbpf/libbpf.a
INCLUDE_DIR	:= $(ST)/include
BPFTOOL		:= $(ST)/bpftool/bootstrap/bpftool
VMLINUX_H	:= $(ST)/vmlinux.h
TESTS_HDR	:= $(ST)/prog_tests/tests.h

# Framework pieces of test_progs that our tests link against.
FRAMEWORK	:= test_progs cgroup_helpers trace_helpers network_helpers \
		   testing_helpers btf_helpers cap_helpers unpriv_helpers \
		   netlink_helpers jit_disasm_helpers test_loader xsk disasm \
		   disasm_helpers json_writer

CFLAGS		:= -g -O0 -Wall -Werror -fno-omit-frame-pointer -rdynamic \
		   -I$(SELFTESTS) -I$(INCLUDE_DIR) -I$(SRC)/tools/lib \
		   -I$(SRC)/tools/include -I$(SRC)/tools/arch/x86/include \
		   -I$(SRC)/tools/include/uapi -I$(ST) -isystem $(BUILD)/usr/include
LDLIBS		:= -lelf -lz -lrt -lpthread

# System include directories clang would use for the host, so that BPF
# programs that include libc/kernel headers find them.
SYS_INCLUDES	:= $(shell $(CLANG) -v -E - </dev/null 2>&1 | \
		     sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')
BPF_CFLAGS	:= -g -O2 -Wall -Werror --target=bpf -mcpu=v3 -D__TARGET_ARCH_x86 \
		   -Wno-compare-distinct-pointer-types \
		   -I$(ST) -I$(INCLUDE_DIR) -I$(SELFTESTS) -I$(SRC)/tools/include/uapi \
		   -I$(BUILD)/usr/include $(SYS_INCLUDES)

BPF_OBJS	:= $(patsubst %,$(ST)/%.bpf.o,$(OUR_PROGS) $(UPSTREAM_PROGS))
SKELS		:= $(patsubst %,$(ST)/%.skel.h,$(OUR_PROGS))
SAMPLE_OBJS	:= $(patsubst %,$(ST)/samples/%.bpf.o,$(OUR_SAMPLES))
SAMPLE_SKELS	:= $(patsubst %,$(ST)/samples/%.skel.h,$(OUR_SAMPLES))
TOOLS		:= $(patsubst %,$(ST)/samples/%,$(OUR_TOOLS))
MAN_PAGES	:= $(patsubst %,$(ST)/samples/man/man8/%.8,$(OUR_TOOLS))
TEST_OBJS	:= $(patsubst %,$(ST)/prog_tests/%.test.o,$(OUR_TESTS))
NET_TESTS	:= $(patsubst %,$(ST)/net/%,$(OUR_NET_TESTS))
FRAMEWORK_OBJS	:= $(patsubst %,$(ST)/%.o,$(FRAMEWORK))

# The bench needs the End.BPF test programs and kfuncs: trees without them
# (early patches of the series) skip it.  Besides seg6_bench (test_run
# cases), the data-path cases' generator and programs (harness/bench/).
BENCH_DIR	:= $(dir $(BENCH_SRC))
BENCH		:= $(if $(filter test_seg6_bpf_tlv,$(OUR_PROGS)),$(ST)/seg6_bench \
		   $(ST)/seg6_gen $(ST)/bench/end_progs.bpf.o $(ST)/bench/xdp_pass.bpf.o)

all: $(ST)/test_progs $(BPF_OBJS) $(SAMPLE_OBJS) $(TOOLS) $(MAN_PAGES) $(BENCH) $(NET_TESTS)

.DELETE_ON_ERROR:
.SECONDARY:

$(ST) $(ST)/libbpf $(ST)/bpftool $(ST)/prog_tests:
	mkdir -p $@

$(LIBBPF_A): $(wildcard $(BPFDIR)/*.[ch] $(BPFDIR)/Makefile) | $(ST)/libbpf
	$(MAKE) -s -C $(BPFDIR) OUTPUT=$(ST)/libbpf/ DESTDIR=$(ST) prefix= \
		EXTRA_CFLAGS=-g $(LIBBPF_A) install_headers

$(BPFTOOL): $(wildcard $(BPFTOOLDIR)/*.[ch] $(BPFTOOLDIR)/Makefile) | $(ST)/bpftool
	$(MAKE) -s -C $(BPFTOOLDIR) OUTPUT=$(ST)/bpftool/ bootstrap

$(VMLINUX_H): $(BUILD)/vmlinux $(BPFTOOL)
	$(BPFTOOL) btf dump file $< format c > $@

$(ST)/%.bpf.o: $(SELFTESTS)/progs/%.c $(VMLINUX_H) $(LIBBPF_A) $(wildcard $(SELFTESTS)/progs/*.h) \
		$(wildcard $(SELFTESTS)/test_seg6*.h)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(ST)/samples/%.bpf.o: $(SRC)/samples/bpf/%.bpf.c $(wildcard $(SRC)/samples/bpf/*.h) \
		$(VMLINUX_H) $(LIBBPF_A)
	mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(ST)/%.skel.h: $(ST)/%.bpf.o $(BPFTOOL)
	$(BPFTOOL) gen skeleton $< name $(notdir $*) > $@

# Sample tools include the skeletons of the sample programs they load, and
# link the daemons' shared code (SAMPLE_LIBS).
$(ST)/samples/%: $(SRC)/samples/bpf/%.c $(wildcard $(SRC)/samples/bpf/*.h) \
		$(SAMPLE_SKELS) $(SAMPLE_LIBS) $(LIBBPF_A)
	mkdir -p $(@D)
	$(CC) $(CFLAGS) -I$(ST)/samples -I$(SRC)/samples/bpf $< $(SAMPLE_LIBS) \
		$(LIBBPF_A) $(LDLIBS) -o $@

# Their man pages, from samples/bpf/man/TOOL.rst (MANPATH=$(ST)/samples/man).
$(ST)/samples/man/man8/%.8: $(SRC)/samples/bpf/man/%.rst
	mkdir -p $(@D)
	rst2man --strict $< > $@

# Our kselftest_harness programs of tools/testing/selftests/net, built as
# its Makefile builds them (TEST_GEN_PROGS).
$(ST)/net/%: $(SRC)/tools/testing/selftests/net/%.c $(SRC)/tools/testing/selftests/kselftest_harness.h
	mkdir -p $(@D)
	$(CC) -Wall -Werror -O2 -isystem $(BUILD)/usr/include $< -lpthread -o $@

# `make bench`'s test_run cases, on the skeletons of our test programs.
$(ST)/seg6_bench: $(BENCH_SRC) $(SKELS) $(LIBBPF_A)
	$(CC) $(CFLAGS) $< $(LIBBPF_A) $(LDLIBS) -o $@

$(ST)/bench/%.bpf.o: $(BENCH_DIR)%.bpf.c $(wildcard $(BENCH_DIR)*.h) $(VMLINUX_H) $(LIBBPF_A)
	mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(ST)/bench/%.skel.h: $(ST)/bench/%.bpf.o $(BPFTOOL)
	$(BPFTOOL) gen skeleton $< name $(notdir $*) > $@

$(ST)/seg6_gen: $(BENCH_DIR)seg6_gen.c $(BENCH_DIR)gen.h $(ST)/bench/gen.skel.h $(LIBBPF_A)
	$(CC) $(CFLAGS) -I$(ST)/bench -I$(BENCH_DIR) $< $(LIBBPF_A) $(LDLIBS) -o $@

# The names of our prog_tests, rewritten only when they change: a test
# added to the tree with an older date than the table still gets in.
TESTS_LIST	:= $(ST)/prog_tests/tests.list
$(TESTS_LIST): FORCE | $(ST)/prog_tests
	@echo '$(OUR_TESTS)' | cmp -s - $@ || echo '$(OUR_TESTS)' > $@

.PHONY: FORCE
FORCE:

# The runner's test table: one DEFINE_TEST per test entry point in our files.
$(TESTS_HDR): $(patsubst %,$(SELFTESTS)/prog_tests/%.c,$(OUR_TESTS)) $(TESTS_LIST) | $(ST)/prog_tests
	{ echo '/* Generated by harness/selftests.mk */'; \
	  cat $(filter %.c,$^) /dev/null | sed -n -E 's/^void (serial_)?test_([A-Za-z0-9_]+)\((void)?\).*/DEFINE_TEST(\2)/p' | sort; } > $@

# Tests of the samples' programs include their skeletons (samples/NAME.skel.h).
$(ST)/prog_tests/%.test.o: $(SELFTESTS)/prog_tests/%.c $(wildcard $(SELFTESTS)/prog_tests/*.h) \
			$(SKELS) $(SAMPLE_SKELS) $(wildcard $(SRC)/samples/bpf/*.h) \
			$(LIBBPF_A) | $(ST)/prog_tests
	$(CC) $(CFLAGS) -I$(SELFTESTS)/prog_tests -c $< -o $@

$(ST)/%.o: $(SELFTESTS)/%.c $(TESTS_HDR) $(LIBBPF_A) | $(ST)
	$(CC) $(CFLAGS) -c $< -o $@

$(ST)/test_progs: $(FRAMEWORK_OBJS) $(TEST_OBJS) $(LIBBPF_A)
	$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@
