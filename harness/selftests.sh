#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build what `make check` runs in the VM from out/linux (see selftests.mk):
# our prog_tests and progs (the files under tools/testing/selftests/bpf of
# this repository) plus the upstream BPF objects the harness tests use.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ST=${ST:-$OUT/selftests}
# Upstream programs our harness tests run (built from out/linux, not copied).
UPSTREAM_PROGS="test_lwt_seg6local"

# Names (no extension) of our files matching git pathspecs.
# Only those the tree in $SRC has: `make series-check` builds every patch.
ours() {
	git -C "$ROOT" ls-files --cached --others --exclude-standard -- "$@" |
		while read -r f; do [ -f "$SRC/$f" ] && echo "$f"; done |
		xargs -r -n1 basename | sed 's/\.bpf\.c$//; s/\.c$//' | paste -sd' '
}

# The sample daemons' shared code (samples/bpf/srv6_*.c but the programs),
# as paths in $SRC.
sample_libs() {
	git -C "$ROOT" ls-files --cached --others --exclude-standard -- 'samples/bpf/srv6_*.c' ':(exclude)samples/bpf/*.bpf.c' |
		while read -r f; do [ -f "$SRC/$f" ] && echo "$SRC/$f"; done | paste -sd' '
}

t0=$(date +%s)
step "building test_progs (our tests only) and BPF objects into $ST"
mkdir -p "$ST"
make -s -j"$JOBS" -f "$ROOT/harness/selftests.mk" SRC="$SRC" BUILD="$BUILD" ST="$ST" \
	CLANG="$CLANG" CC="ccache gcc" OUR_TESTS="$(ours 'tools/testing/selftests/bpf/prog_tests/*.c')" \
	OUR_PROGS="$(ours 'tools/testing/selftests/bpf/progs/*.c')" \
	OUR_SAMPLES="$(ours 'samples/bpf/*.bpf.c')" \
	OUR_TOOLS="$(ours 'samples/bpf/*.c' ':(exclude)samples/bpf/*.bpf.c' ':(exclude)samples/bpf/srv6_*.c')" \
	SAMPLE_LIBS="$(sample_libs)" \
	OUR_NET_TESTS="$(ours 'tools/testing/selftests/net/*.c')" \
	UPSTREAM_PROGS="$UPSTREAM_PROGS" BENCH_SRC="$ROOT/harness/bench/seg6_bench.c"
# bpf_testmod.ko, with the test kfuncs of the generic verifier tests;
# test_progs loads it from its directory.  External modules build in
# their source directory: out/linux's, rebuilt by tree.sh.
TESTMOD=$SRC/tools/testing/selftests/bpf/bpf_testmod
# Its BTF is split on vmlinux's, but kbuild does not relink an external
# module when vmlinux changes: the kernel then refuses it ("failed to
# validate module [bpf_testmod] BTF: -22").  Nor does it recompile it for
# another kernel build (out/build-rt's mutexes are other symbols): rebuild
# it from clean when vmlinux is newer or the build is another one.
if [ "$TESTMOD/bpf_testmod.ko" -ot "$BUILD/vmlinux" ] ||
   [ "$(cat "$TESTMOD/.seg6-build" 2>/dev/null)" != "$BUILD" ]; then
	make -s -C "$SRC" O="$BUILD" M="$TESTMOD" clean
	echo "$BUILD" > "$TESTMOD/.seg6-build"
fi
make -s -C "$SRC" O="$BUILD" CC="ccache gcc" -j"$JOBS" M="$TESTMOD" modules 2>&1 |
	{ grep -v 'Symbol info of vmlinux is missing' || true; } >&2
cp "$TESTMOD/bpf_testmod.ko" "$ST/"
say "    built in $(since "$t0") s"
