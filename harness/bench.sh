#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: End.BPF benchmarks in the VM, written to out/bench/
# (results.json, results.md).  Benchmarks are not tests: nothing here passes
# or fails on a number.  The cases so far are BPF_PROG_TEST_RUN ones
# (harness/bench/seg6_bench.c), each pair measured side by side.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ST=$OUT/selftests
RUN=$OUT/bench
t0=$(date +%s)
rm -rf "$RUN"
mkdir -p "$RUN"
cat > "$RUN/job.sh" <<JOB
set -e
echo "seg6-bpf bench: \$(uname -r), \$(nproc) CPU(s)"
"$ST/seg6_bench" ${BENCH_ARGS:-} "$RUN/results.json" "$RUN/results.md"
JOB
step "booting $(cat "$BUILD/include/config/kernel.release") in QEMU for the benchmarks"
VM_APPEND="quiet" "$ROOT/harness/vm.sh" "$RUN" 900 && rc=0 || rc=$?
if [ $rc != 0 ] || [ ! -s "$RUN/results.md" ]; then
	say "bench failed (status $rc); console log in $RUN/console.log"
	tail -n 30 "$RUN/console.log" >&2 || true
	exit 1
fi
{
	echo "# End.BPF benchmarks"
	echo
	echo "$(date -u +%Y-%m-%d), $(nproc) CPUs, $(uname -m), QEMU $(if [ -w /dev/kvm ]; then echo KVM; else echo TCG; fi)," \
	     "kernel $(cat "$BUILD/include/config/kernel.release")"
	echo
	cat "$RUN/results.md"
} > "$RUN/report.md"
cat "$RUN/report.md"
say "bench done in $(since "$t0") s: $RUN/results.json, $RUN/report.md"
