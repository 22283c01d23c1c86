#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# where: host
# timeout: 900
#
# `make bench` counts instructions (harness/bench.sh): in a one-vCPU VM
# under QEMU's -icount shift=0 the guest clock advances 1 ns per guest
# instruction, so a guest-timed cost does not depend on the host.  This
# checks the tooling on a short run: the same data-path cases
# (harness/bench/datapath.py), in two such VMs booted at once and so
# sharing the host's two cores with each other, must give costs per
# forwarded packet and ratios that agree within 0.5 %.  Without icount
# (multi-threaded TCG, wall clock) they differ by tens of percent.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

ST=$OUT/selftests
DIR=$OUT/check/bench_icount
CASES='^(End|End\.BPF no-op|End\.T|End\.BPF -> End\.T)$'
TOLERANCE=0.005

rm -rf "$DIR"
for i in 1 2; do
	mkdir -p "$DIR/$i"
	cat > "$DIR/$i/job.sh" <<JOB
set -e
BENCH_CASES='$CASES' SEG6_CLOCK=icount SEG6_ST=$ST /usr/bin/python3 \\
	$ROOT/harness/bench/datapath.py 1 0.2 $DIR/$i/datapath.json $DIR/$i/datapath.md stock
JOB
done

boot() {
	VM_ICOUNT=1 VM_APPEND=quiet "$ROOT/harness/vm.sh" "$DIR/$1" 600 > /dev/null ||
		{ echo "bench_icount: VM $1 failed; its console:"; tail -n 20 "$DIR/$1/console.log"; return 1; }
	[ "$(cat "$DIR/$1/job.rc")" = 0 ] ||
		{ echo "bench_icount: datapath.py failed in VM $1:"; tail -n 20 "$DIR/$1/console.log"; return 1; }
}
boot 1 & first=$!
rc=0
boot 2 || rc=1
wait $first || rc=1
[ $rc = 0 ] || exit 1

/usr/bin/python3 - "$DIR/1/datapath.json" "$DIR/2/datapath.json" "$TOLERANCE" <<'PY'
import json
import sys

a, b = (json.load(open(p)) for p in sys.argv[1:3])
tolerance = float(sys.argv[3])
bad = 0


def agree(what, x, y):
    global bad
    diff = abs(x - y) / max(x, y)
    ok = diff <= tolerance
    bad += not ok
    print("%s %s: %.4f and %.4f, %.3f %% apart" % ("ok" if ok else "DIFFER", what, x, y,
                                                    100 * diff))


if a["unit"] != "instructions" or b["unit"] != "instructions":
    sys.exit("bench_icount: datapath.py counted %s and %s, not instructions"
             % (a["unit"], b["unit"]))
if set(a["cases"]) != set(b["cases"]) or len(a["cases"]) != 4:
    sys.exit("bench_icount: the runs measured %s and %s" % (sorted(a["cases"]),
                                                            sorted(b["cases"])))
for name in sorted(a["cases"]):
    agree("%s, instructions per packet" % name, a["cases"][name]["median"],
          b["cases"][name]["median"])
for p, q in zip(a["pairs"], b["pairs"]):
    agree("%s / %s" % (p["case"], p["reference"]), p["median"], q["median"])
if bad or len(a["pairs"]) != 2:
    sys.exit("bench_icount: %d of the figures of two runs differ by more than %g %%"
             % (bad, 100 * tolerance))
PY
