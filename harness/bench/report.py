#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The report of `make bench`, from what the VM runs wrote (harness/bench.sh).

  report.py RUNDIR HEADER

RUNDIR/ours holds datapath.json and test_run.json from our kernel, in
instructions; RUNDIR/regress-ours and RUNDIR/regress-stock the datapath.json
of the cases both kernels run; RUNDIR/hybrid hybrid.json (wall clock).  Writes
RUNDIR/results.json (all of it), RUNDIR/report.md (tables) and
RUNDIR/ratios.dat (for ratios.gp).
"""
import json
import os
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


# ours / unpatched: the paths our series must not make dearer
GOAL_REGRESSION = {"End": 0.99, "End.BPF no-op": 0.99}


def regression(ours, stock):
    """The unpatched kernel's cost over ours (above 1: ours is cheaper),
    for the cases both ran."""
    rows = []
    for name, case in stock["cases"].items():
        if name in ours["cases"]:
            rows.append({"case": name, "ours": ours["cases"][name]["median"],
                         "stock": case["median"],
                         "ratio": case["median"] / ours["cases"][name]["median"],
                         "goal": GOAL_REGRESSION.get(name)})
    return rows


# The seed reached 96-97 % of the links' sum; the goal is 0.97.  One link
# alone, through both daemons, should carry 95 % of its rate.
SEED_HYBRID = 0.965
GOAL_HYBRID = 0.97
GOAL_HYBRID_ALONE = 0.95


def write_hybrid(f, h):
    """The hybrid-access table: TCP goodput against the links' sum."""
    links = h["links"]
    f.write("\nHybrid access (samples/bpf/srv6-hybrid): one iperf3 TCP flow, 10 s, over %s; "
            "goodput in Mbit/s, medians of %d rounds (min-max):\n\n" % (
                " and ".join("%s (%d Mbit/s, %d ms, %d ms queue)" % (
                    l["name"], l["rate_mbit"], l["delay_ms"], l["queue_ms"]) for l in links),
                len(h["comp_mbit"])))
    f.write("| case | goodput | of the ideal | seed | goal |\n| --- | ---: | ---: | ---: | ---: |\n")
    for l in links:
        f.write("| %s alone | %.2f | %.3f of %d | | %.2f |\n" % (
            l["name"], l["alone_mbit"], l["alone_mbit"] / l["rate_mbit"], l["rate_mbit"],
            GOAL_HYBRID_ALONE))
    for label, frac, seed, goal in (
            ("aggregated, no compensation", h["plain_fraction"], "", ""),
            ("aggregated, delay compensation", h["fraction"],
             "0.96-0.97", "%.2f" % GOAL_HYBRID)):
        ideal = h["ideal_mbit"]
        f.write("| %s | %.2f (%.2f-%.2f) | %.3f (%.3f-%.3f) of %d | %s | %s |\n" % (
            label, frac["median"] * ideal, frac["min"] * ideal, frac["max"] * ideal,
            frac["median"], frac["min"], frac["max"], ideal, seed, goal))


def main(rundir, header):
    ours = load(os.path.join(rundir, "ours", "datapath.json"))
    regress_ours = load(os.path.join(rundir, "regress-ours", "datapath.json"))
    regress_stock = load(os.path.join(rundir, "regress-stock", "datapath.json"))
    test_run = load(os.path.join(rundir, "ours", "test_run.json"))
    hybrid = load(os.path.join(rundir, "hybrid", "hybrid.json"))
    regress = regression(regress_ours, regress_stock)
    results = {"datapath": ours, "regression_ours": regress_ours,
               "regression_stock": regress_stock, "regression": regress,
               "test_run": test_run, "hybrid": hybrid}
    with open(os.path.join(rundir, "results.json"), "w") as f:
        json.dump(results, f, indent=1)

    with open(os.path.join(rundir, "report.md"), "w") as f:
        f.write("# End.BPF benchmarks\n\n%s\n\n" % header)
        with open(os.path.join(rundir, "ours", "datapath.md")) as md:
            f.write(md.read())
        f.write("\nOur kernel against the unpatched base, same config, same cases "
                "(%s per forwarded packet, whole VM; the ratio is the unpatched cost over "
                "ours):\n\n" % regress_ours["unit"])
        f.write("| case | ours | unpatched | ratio | goal |\n| --- | ---: | ---: | ---: | ---: |\n")
        for r in regress:
            f.write("| %s | %.0f | %.0f | %.3f | %s |\n" % (
                r["case"], r["ours"], r["stock"], r["ratio"],
                "%.2f" % r["goal"] if r["goal"] else ""))
        f.write("\nBPF_PROG_TEST_RUN cases (%s per run, as the kernel times a run of "
                "test_run's repeat loop):\n\n" % test_run["unit"])
        with open(os.path.join(rundir, "ours", "test_run.md")) as md:
            f.write(md.read())
        write_hybrid(f, hybrid)
        f.write("\n![ratios](ratios.svg)\n")

    # label, ours (median, min, max), seed, goal; "?" where there is none
    with open(os.path.join(rundir, "ratios.dat"), "w") as f:
        def row(label, med, lo, hi, seed, goal):
            f.write('"%s" %.4f %.4f %.4f %s %s\n' % (
                label, med, lo, hi, "%.3f" % seed if seed else "?",
                "%.2f" % goal if goal else "?"))
        for p in ours["pairs"]:
            row("%s / %s" % (p["case"], p["reference"]), p["median"], p["min"], p["max"],
                p["seed"], p["goal"])
        for r in regress:
            row("%s: ours / unpatched" % r["case"], r["ratio"], r["ratio"], r["ratio"],
                None, r["goal"])
        for l in hybrid["links"]:
            fr = l["alone_mbit"] / l["rate_mbit"]
            row("hybrid TCP, %s alone / its rate" % l["name"], fr, fr, fr, None,
                GOAL_HYBRID_ALONE)
        fr = hybrid["fraction"]
        row("hybrid TCP / link sum", fr["median"], fr["min"], fr["max"], SEED_HYBRID,
            GOAL_HYBRID)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("Usage: report.py RUNDIR HEADER")
    sys.exit(main(sys.argv[1], sys.argv[2]))
