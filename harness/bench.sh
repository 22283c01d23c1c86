#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: End.BPF benchmarks in the VM, written to out/bench/
# (results.json, report.md, ratios.svg).  Benchmarks are not tests: nothing
# here passes or fails on a number.
#
# Costs are counted in instructions: the VMs of the test_run cases
# (harness/bench/seg6_bench.c) and of the data-path cases
# (harness/bench/datapath.py) run with one vCPU under QEMU's
# `-icount shift=0` (VM_ICOUNT=1, harness/vm.sh), where the guest clock
# advances 1 ns per guest instruction: a guest-timed cost is an instruction
# count, the same whatever the host does.  So the three of them run at
# once: our kernel with every case, and the cases the unpatched base
# kernel can run (harness/stock.sh: same config) on both kernels, for the
# regression ratios.  TCP over hybrid access depends on real time (netem
# delays, TCP's timers): it runs last, alone, in a VM of its own
# (multi-threaded TCG, wall clock).
#
# BENCH_ARGS goes to seg6_bench; BENCH_ROUNDS and BENCH_SECONDS (default 1
# and 1) set the data-path rounds and the guest seconds per case and round;
# BENCH_HYBRID_ROUNDS (default 5) the hybrid-access rounds.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ST=$OUT/selftests
RUN=$OUT/bench
STOCK_BUILD=$OUT/stock/build
DATAPATH="SEG6_CLOCK=icount SEG6_ST=$ST /usr/bin/python3 $ROOT/harness/bench/datapath.py"
DATAPATH+=" ${BENCH_ROUNDS:-1} ${BENCH_SECONDS:-1}"
t0=$(date +%s)

"$ROOT/harness/deps.sh" bench
step "[1/4] the unpatched base kernel, configured as ours"
"$ROOT/harness/stock.sh"

rm -rf "$RUN"
mkdir -p "$RUN/ours" "$RUN/regress-ours" "$RUN/regress-stock" "$RUN/hybrid"
cat > "$RUN/ours/job.sh" <<JOB
set -e
echo "seg6-bpf bench: \$(uname -r), \$(nproc) CPU(s), instructions"
echo "== test_run cases"
"$ST/seg6_bench" -u instructions ${BENCH_ARGS:-} "$RUN/ours/test_run.json" "$RUN/ours/test_run.md"
echo "== data-path cases"
$DATAPATH "$RUN/ours/datapath.json" "$RUN/ours/datapath.md"
JOB
for k in ours stock; do
	cat > "$RUN/regress-$k/job.sh" <<JOB
set -e
echo "seg6-bpf bench, regression cases: \$(uname -r), \$(nproc) CPU(s), instructions"
$DATAPATH "$RUN/regress-$k/datapath.json" "$RUN/regress-$k/datapath.md" stock
JOB
done
cat > "$RUN/hybrid/job.sh" <<JOB
set -e
echo "seg6-bpf bench, hybrid access: \$(uname -r), \$(nproc) CPU(s), wall clock"
SEG6_ST=$ST /usr/bin/python3 "$ROOT/harness/tests/srv6_hybrid.py" bench ${BENCH_HYBRID_ROUNDS:-5} "$RUN/hybrid/hybrid.json"
JOB

# boot KERNEL LABEL DIR RESULT ICOUNT: one VM run of DIR/job.sh, which
# must leave DIR/RESULT
boot() {
	local rc
	VM_ICOUNT=$5 VM_KERNEL=$1 VM_APPEND="quiet" "$ROOT/harness/vm.sh" "$3" 3600 && rc=0 || rc=$?
	if [ $rc != 0 ] || [ ! -s "$3/$4" ]; then
		say "bench on $2 failed (status $rc); console log in $3/console.log"
		tail -n 30 "$3/console.log" >&2 || true
		return 1
	fi
}
step "[2/4] instruction counts: our kernel, and the regression cases on it and on the unpatched one, in three one-vCPU icount VMs at once"
ours_bz=$BUILD/arch/x86/boot/bzImage
pids=()
boot "$ours_bz" "our kernel" "$RUN/ours" datapath.json 1 > /dev/null & pids+=($!)
boot "$ours_bz" "our kernel" "$RUN/regress-ours" datapath.json 1 > /dev/null & pids+=($!)
boot "$STOCK_BUILD/arch/x86/boot/bzImage" "the unpatched kernel" "$RUN/regress-stock" \
	datapath.json 1 > /dev/null & pids+=($!)
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
[ $failed = 0 ] || exit 1
step "[3/4] hybrid access on our kernel $(cat "$BUILD/include/config/kernel.release"), wall clock ($(vm_accel | tr a-z A-Z))"
boot "$ours_bz" "our kernel" "$RUN/hybrid" hybrid.json 0 || exit 1

step "[4/4] report and plot"
header="$(date -u +%Y-%m-%d), $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)),"
header+=" QEMU TCG -icount shift=0 with one vCPU (hybrid access: $(vm_accel | tr a-z A-Z), wall clock),"
header+=" kernel $(cat "$BUILD/include/config/kernel.release") (ours) and the unpatched base"
/usr/bin/python3 "$ROOT/harness/bench/report.py" "$RUN" "$header"
gnuplot -e "dat='$RUN/ratios.dat'; out='$RUN/ratios.svg'" "$ROOT/harness/bench/ratios.gp"
cat "$RUN/report.md"
say "bench done in $(since "$t0") s: $RUN/results.json, $RUN/report.md, $RUN/ratios.svg"
