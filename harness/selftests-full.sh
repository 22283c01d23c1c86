#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make selftests-full`: upstream's own, complete build of
# tools/testing/selftests/bpf from out/linux (our tests included), then our
# tests run from that build inside the VM.  Too slow for every CI run; it
# proves that our tests live as ordinary selftests.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

FULL=$OUT/selftests-full
LLVM="CLANG=$CLANG LLC=llc-19 LLVM_STRIP=$LLVM_STRIP LLVM_OBJCOPY=llvm-objcopy-19"
SELFTESTS=$SRC/tools/testing/selftests/bpf

t0=$(date +%s)
# Upstream's BPF programs need the kernel types its own config enables
# (MPTCP, netfilter, ...): build that kernel, with ours on top, apart.
BUILD=$OUT/build-full \
	LENIENT_CONFIG="$SELFTESTS/config $SELFTESTS/config.$(uname -m) $SELFTESTS/config.vm" \
	EXTRA_CONFIG="$ROOT/harness/config/selftests-full.config" \
	"$ROOT/harness/kernel.sh"
BUILD=$OUT/build-full
# bpf_testmod.ko links against the kernel's Module.symvers
make -s -C "$SRC" O="$BUILD" CC="ccache gcc" -j"$JOBS" modules
step "building the full tools/testing/selftests/bpf into $FULL"
mkdir -p "$FULL"
# The base tarball ships stable backports whose skeleton's BPF program is
# missing (6.12.117: bpf_attr_size.c needs progs/cgroup_skb_direct_packet_access.c).
# Set such tests aside for this build; the trap puts them back.
orphans=()
for t in "$SELFTESTS"/prog_tests/*.c; do
	for skel in $(sed -n 's/^#include "\(.*\)\.skel\.h"$/\1/p' "$t"); do
		[ -e "$SELFTESTS/progs/$skel.c" ] && continue
		grep -q "$skel\.skel\.h" "$SELFTESTS/Makefile" && continue # linked
		orphans+=("${t#"$SRC"/}")
		say "    base defect: ${t#"$SRC"/} needs missing progs/$skel.c; left out"
		break
	done
done
restore_orphans() { [ ${#orphans[@]} -eq 0 ] || git -C "$SRC" checkout -q -- "${orphans[@]}"; }
trap restore_orphans EXIT
for o in "${orphans[@]}"; do rm -f "$SRC/$o"; done
# Upstream's dependency files name light skeletons relative to the output
# directory ("atomics.lskel.h"), which breaks rebuilds from another
# directory: recompile the test objects (ccache makes it cheap).
rm -f "$FULL"/*.test.d "$FULL"/*.test.o
# shellcheck disable=SC2086
make -s -C "$SRC/tools/testing/selftests/bpf" -j"$JOBS" OUTPUT="$FULL" \
	VMLINUX_BTF="$BUILD/vmlinux" KDIR="$BUILD" CC="ccache gcc" $LLVM test_progs
say "    built in $(since "$t0") s"

ours=$(git -C "$ROOT" ls-files -- 'tools/testing/selftests/bpf/prog_tests/*.c' |
	xargs -r -n1 basename | sed 's/\.c$//' | paste -sd,)
RUN=$OUT/selftests-full-run
rm -rf "$RUN"
mkdir -p "$RUN"
cat > "$RUN/job.sh" <<JOB
cd "$FULL" && ./test_progs -a "$ours" > "$RUN/test_progs.log" 2>&1
JOB
step "running our tests ($ours) from the full build in the VM"
VM_KERNEL=$BUILD/arch/x86/boot/bzImage "$ROOT/harness/vm.sh" "$RUN" 1800 > "$RUN/vm.out" 2>&1 || true
tail -n 5 "$RUN/test_progs.log" 2>/dev/null || die "no test_progs output (see $RUN/vm.out)"
grep -q '^Summary: .* 0 FAILED' "$RUN/test_progs.log" || die "our tests fail in the full build"
say "    selftests-full done in $(since "$t0") s"
