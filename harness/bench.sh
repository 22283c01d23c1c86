#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: End.BPF benchmarks in the VM, written to out/bench/
# (results.json, report.md, ratios.svg).  Benchmarks are not tests: nothing
# here passes or fails on a number.  Two kinds of cases, each pair measured
# side by side in one boot: BPF_PROG_TEST_RUN ones
# (harness/bench/seg6_bench.c) and data-path ones, packets forwarded by a
# router namespace (harness/bench/datapath.py).  For the regression ratios,
# the data-path cases the unpatched base kernel can run (harness/stock.sh:
# same config, same VM settings) run on both kernels at the same time, in
# two VMs side by side, so that the host's drift is the same for both.
# BENCH_ARGS goes to seg6_bench; BENCH_ROUNDS and BENCH_SECONDS (default 5
# and 1) set the data-path rounds and the seconds per case and round.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ST=$OUT/selftests
RUN=$OUT/bench
STOCK_BUILD=$OUT/stock/build
DATAPATH="SEG6_ST=$ST /usr/bin/python3 $ROOT/harness/bench/datapath.py ${BENCH_ROUNDS:-5} ${BENCH_SECONDS:-1}"
t0=$(date +%s)

"$ROOT/harness/deps.sh" bench
step "[1/4] the unpatched base kernel, configured as ours"
"$ROOT/harness/stock.sh"

rm -rf "$RUN"
mkdir -p "$RUN/ours" "$RUN/regress-ours" "$RUN/regress-stock"
cat > "$RUN/ours/job.sh" <<JOB
set -e
echo "seg6-bpf bench: \$(uname -r), \$(nproc) CPU(s)"
echo "== test_run cases"
"$ST/seg6_bench" ${BENCH_ARGS:-} "$RUN/ours/test_run.json" "$RUN/ours/test_run.md"
echo "== data-path cases"
$DATAPATH "$RUN/ours/datapath.json" "$RUN/ours/datapath.md"
echo "== hybrid access: TCP over two links"
SEG6_ST=$ST /usr/bin/python3 "$ROOT/harness/tests/srv6_hybrid.py" bench ${BENCH_ROUNDS:-5} "$RUN/ours/hybrid.json"
JOB
for k in ours stock; do
	cat > "$RUN/regress-$k/job.sh" <<JOB
set -e
echo "seg6-bpf bench, regression cases: \$(uname -r), \$(nproc) CPU(s)"
$DATAPATH "$RUN/regress-$k/datapath.json" "$RUN/regress-$k/datapath.md" stock
JOB
done

# boot KERNEL LABEL DIR: one VM run of DIR/job.sh
boot() {
	local rc
	VM_KERNEL=$1 VM_APPEND="quiet" "$ROOT/harness/vm.sh" "$3" 900 && rc=0 || rc=$?
	if [ $rc != 0 ] || [ ! -s "$3/datapath.json" ]; then
		say "bench on $2 failed (status $rc); console log in $3/console.log"
		tail -n 30 "$3/console.log" >&2 || true
		exit 1
	fi
}
step "[2/4] regression cases: our kernel and the unpatched one, in two VMs at once"
boot "$BUILD/arch/x86/boot/bzImage" "our kernel" "$RUN/regress-ours" > /dev/null &
ours_pid=$!
boot "$STOCK_BUILD/arch/x86/boot/bzImage" "the unpatched kernel" "$RUN/regress-stock"
wait $ours_pid || exit 1
step "[3/4] booting our kernel $(cat "$BUILD/include/config/kernel.release") for the benchmarks"
boot "$BUILD/arch/x86/boot/bzImage" "our kernel" "$RUN/ours"

step "[4/4] report and plot"
header="$(date -u +%Y-%m-%d), $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)), QEMU $(vm_accel | tr a-z A-Z),"
header+=" kernel $(cat "$BUILD/include/config/kernel.release") (ours) and the unpatched base"
/usr/bin/python3 "$ROOT/harness/bench/report.py" "$RUN" "$header"
gnuplot -e "dat='$RUN/ratios.dat'; out='$RUN/ratios.svg'" "$ROOT/harness/bench/ratios.gp"
cat "$RUN/report.md"
say "bench done in $(since "$t0") s: $RUN/results.json, $RUN/report.md, $RUN/ratios.svg"
