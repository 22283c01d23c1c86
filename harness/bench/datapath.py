#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""End.BPF data-path benchmarks, run inside the VM by harness/bench.sh.

  datapath.py RUNS SECONDS OUT.json OUT.md [stock]

stock: on the unpatched kernel (harness/stock.sh), only the cases it can
run (no kfunc, no srv6-dm), for bench.sh to set ours against them.
BENCH_CASES (a Python regular expression) keeps only the cases whose
name it matches; a pair runs when both of its cases are kept.

A generator namespace sends one kind of frame at a time (seg6_gen: XDP
live frames, in-kernel) into a router namespace whose SIDs are bound to
every behaviour under test at once; the router forwards to a dummy
device, whose transmit counter gives the packets forwarded.  A case's
cost is the guest time test_run timed inside the generator's loops
(making frames, and the router's softirq on the same CPU) per forwarded
packet: in the
VM bench.sh boots (SEG6_CLOCK=icount: QEMU -icount shift=0, one vCPU)
the guest clock advances 1 ns per guest instruction, so that cost is the
whole VM's instructions per packet (generator, router and sink), whatever
the host does.  A pair's ratio is the reference's cost over the case's
(above 1: the case is cheaper), per round; median, min and max over the
RUNS rounds.  Two last passes read the End.BPF programs' own run time
(kernel.bpf_stats_enabled) and sample the whole VM with perf (the
cpu-clock software event, which under icount samples instructions), case
by case, for the kernel functions where the cost goes.
"""
import json
import os
import re
import statistics
import subprocess
import sys

from scapy.all import Ether, IP, IPv6, IPv6ExtHdrSegmentRouting, UDP, Raw

ST = os.environ["SEG6_ST"]
GEN = ST + "/seg6_gen"
SEG6BPF = ST + "/samples/seg6bpf"
SRV6DM = ST + "/samples/srv6-dm"
PROGS = ST + "/bench/end_progs.bpf.o"
DEMO_PROGS = ST + "/samples/seg6_demo.bpf.o"     # its tag increment
XDP_PASS = ST + "/bench/xdp_pass.bpf.o"
PERF = "/usr/bin/perf"
PERF_DATA = "/tmp/seg6-bench.perf"
# what one ns of guest time is: an instruction under icount
UNIT = "instructions" if os.environ.get("SEG6_CLOCK") == "icount" else "ns"

FINAL = "fc00:ff::1"
PAYLOAD = b"\x00" * 56             # a 64-octet UDP datagram
DM_TYPE_OFF = 14 + 40 + 8 + 2 * 16  # the DM TLV's type octet in the frame
# End.DT4's VRFs, among a router's worth of devices.  Their tables took
# the same slot of the per-CPU VRF cache End.BPF had before (a hash of the
# table into 16 entries), so that alternating between them walked every
# device for every packet.
VRF_TABLES = (104, 117)
DEVICES = 1000
INNER4 = "10.9.0.1"                # routed to dummy0 in both VRFs' tables


def run(*cmd, ns=None, check=True):
    full = (["ip", "netns", "exec", ns] if ns else []) + list(cmd)
    res = subprocess.run(full, capture_output=True, text=True)
    if check and res.returncode:
        sys.exit("datapath: %s: %s" % (" ".join(full), res.stderr.strip()))
    return res.stdout


def rtr(*cmd):
    return run(*cmd, ns="rtr")


def topology():
    for ns in ("gen", "rtr"):
        run("ip", "netns", "add", ns)
        run("ip", "-n", ns, "link", "set", "lo", "up")
    run("ip", "link", "add", "g0", "netns", "gen", "type", "veth", "peer", "name", "r0",
        "netns", "rtr")
    run("ip", "-n", "gen", "link", "set", "g0", "up")
    rtr("ip", "link", "add", "dummy0", "type", "dummy")
    for dev in ("r0", "dummy0"):
        rtr("ip", "link", "set", dev, "up")
    rtr("ip", "addr", "add", "fd00:1::2/64", "dev", "r0", "nodad")
    rtr("sysctl", "-qw", "net.ipv6.conf.all.forwarding=1")
    # the encapsulations' source address, as an operator sets it: without
    # it, each packet's source would be chosen among DEVICES devices
    rtr("ip", "sr", "tunsrc", "set", "fd00:1::2")
    for table in ("main", "100"):
        rtr("ip", "-6", "route", "add", "fc00:ff::/64", "dev", "dummy0", "table", table)
    # the veth takes redirected XDP frames only with an XDP program
    rtr("ip", "link", "set", "dev", "r0", "xdpdrv", "obj", XDP_PASS, "sec", "xdp")
    vrfs()


def vrfs():
    """DEVICES dummy devices, and a VRF for each of VRF_TABLES that routes
    INNER4 to dummy0."""
    batch = "/tmp/seg6-bench-devices"
    with open(batch, "w") as f:
        f.writelines("link add nd%d type dummy\n" % i for i in range(DEVICES))
    rtr("ip", "-batch", batch)
    os.unlink(batch)
    # a static End.DT4 finds its VRF by table only in strict mode
    rtr("sysctl", "-qw", "net.vrf.strict_mode=1")
    for t in VRF_TABLES:
        rtr("ip", "link", "add", "vrf%d" % t, "type", "vrf", "table", str(t))
        rtr("ip", "link", "set", "vrf%d" % t, "up")
        rtr("ip", "route", "add", INNER4 + "/32", "dev", "dummy0", "table", str(t))
    rtr("sysctl", "-qw", "net.ipv4.ip_forward=1")


def seg6local(sid, *action):
    rtr("ip", "-6", "route", "add", sid, "encap", "seg6local", "action", *action,
        "dev", "r0")


def end_bpf(sid, prog, obj=PROGS):
    rtr(SEG6BPF, "attach", sid, "dev", "r0", "obj", obj, "prog", prog)


def sids(stock):
    seg6local("fc00::1", "End")
    end_bpf("fc00::2", "noop")
    end_bpf("fc00::3", "increment_tag", DEMO_PROGS)
    seg6local("fc00::4", "End.T", "table", "100")
    end_bpf("fc00::5", "end_t")
    end_bpf("fc00::6", "tlv_helpers")
    rtr("ip", "-6", "route", "add", "fd00:ff::2/128", "encap", "seg6", "mode", "encap",
        "segs", "fc00:ff::2", "dev", "dummy0")
    seg6local("fc00::9", "End.DT4", "vrftable", str(VRF_TABLES[0]))
    if stock:
        return None
    end_bpf("fc00::7", "tlv_kfunc")
    end_bpf("fc00::a", "dt4_one_vrf")
    end_bpf("fc00::b", "dt4_two_vrfs")
    # srv6-dm: End.DM at fc00::8, the injector on fd00:ff::1
    dm = subprocess.Popen(["ip", "netns", "exec", "rtr", SRV6DM, "-q",
                           "inject", "fd00:ff::1/128", "dev", "dummy0", "segs",
                           "fc00:ff::2", "session", "2", "every", "1",
                           "endpoint", "fc00::8", "dev", "r0", "session", "1"],
                          stdout=subprocess.PIPE, text=True)
    if "installed" not in dm.stdout.readline():
        sys.exit("datapath: srv6-dm did not start")
    return dm


def mac(ns, dev):
    return json.loads(run("ip", "-n", ns, "-j", "link", "show", dev))[0]["address"]


# cases the unpatched kernel runs too
STOCK_CASES = ("End", "End.BPF no-op", "End.BPF tag++", "End.T", "End.BPF -> End.T",
               "+8 B TLV: helpers", "End, 48 B TLV", "seg6 encap", "End.DT4")


def frames():
    eth = Ether(src=mac("gen", "g0"), dst=mac("rtr", "r0"))
    udp = UDP(sport=1234, dport=5678) / Raw(PAYLOAD)

    def srv6(sid, tlv=b""):
        srh = IPv6ExtHdrSegmentRouting(addresses=[FINAL, sid], segleft=1,
                                       lastentry=1, nh=17)
        if tlv:
            srh.len = (32 + len(tlv)) // 8
            return eth / IPv6(src="fd00:1::1", dst=sid, hlim=64, nh=43) / \
                Raw(bytes(srh)[:40] + tlv) / udp
        return eth / IPv6(src="fd00:1::1", dst=sid, hlim=64) / srh / udp

    def plain(dst):
        return eth / IPv6(src="fd00:1::1", dst=dst, hlim=64) / udp

    def srv6_ipv4(sid, segleft):
        """IPv4 behind an SRH whose last segment is @sid (@segleft 0), or
        whose active one is (@segleft 1, the last being FINAL)."""
        addrs = [sid] if segleft == 0 else [FINAL, sid]
        srh = IPv6ExtHdrSegmentRouting(addresses=addrs, segleft=segleft,
                                       lastentry=len(addrs) - 1, nh=4)
        return eth / IPv6(src="fd00:1::1", dst=sid, hlim=64) / srh / \
            IP(src="10.8.0.1", dst=INNER4, ttl=64) / udp

    # a DM TLV (samples/bpf/srv6_dm.h) of session 1; 252 makes it another
    # experimental TLV that End.DM lets pass
    dm_tlv = bytes([253, 46, 1, 0, 0, 0, 0, 1]) + bytes(40)
    dm_tlv = dm_tlv[:16] + (1 << 32).to_bytes(8, "big") + dm_tlv[24:]  # T1
    other = bytes([252]) + dm_tlv[1:]
    mark = [str(DM_TYPE_OFF), "100", "253", "252"]
    return [
        ("End", srv6("fc00::1"), []),
        ("End.BPF no-op", srv6("fc00::2"), []),
        ("End.BPF tag++", srv6("fc00::3"), []),
        ("End.T", srv6("fc00::4"), []),
        ("End.BPF -> End.T", srv6("fc00::5"), []),
        ("+8 B TLV: helpers", srv6("fc00::6"), []),
        ("+8 B TLV: kfunc", srv6("fc00::7"), []),
        ("End, 48 B TLV", srv6("fc00::1", other), []),
        ("End.DM 1:100", srv6("fc00::8", other), mark),
        ("End.DM 1:1", srv6("fc00::8", dm_tlv), []),
        ("seg6 encap", plain("fd00:ff::2"), []),
        ("End.DT4", srv6_ipv4("fc00::9", 0), []),
        ("End.BPF -> End.DT4", srv6_ipv4("fc00::a", 1), []),
        ("End.BPF -> End.DT4, 2 VRFs", srv6_ipv4("fc00::b", 1), []),
        ("DM injector 1:1", plain("fd00:ff::1"), []),
    ]


# (case, reference, the seed's ratio, our goal)
PAIRS = [
    ("End.BPF no-op", "End", 0.970, 0.99),
    ("End.BPF tag++", "End", 0.937, None),
    ("End.BPF -> End.T", "End.T", 0.936, 0.98),
    ("+8 B TLV: helpers", "End", 0.906, None),
    ("+8 B TLV: kfunc", "End", 0.906, 0.96),
    ("+8 B TLV: kfunc", "+8 B TLV: helpers", None, 1.0),
    ("End.DM 1:100", "End, 48 B TLV", 0.98, None),
    ("End.DM 1:1", "End, 48 B TLV", None, None),
    ("DM injector 1:1", "seg6 encap", 0.811, 0.95),
    ("End.BPF -> End.DT4", "End.DT4", None, 0.98),
    # alternating VRFs costs what one does: no walk of the devices
    ("End.BPF -> End.DT4, 2 VRFs", "End.BPF -> End.DT4", None, 0.99),
]


def tx_packets():
    return int(rtr("cat", "/sys/class/net/dummy0/statistics/tx_packets"))


def measure(frame, mark, seconds):
    """(guest ns per forwarded packet, share of the frames sent that were
    forwarded), from @seconds of the generator's busy time sending @frame."""
    before = tx_packets()
    out = run(GEN, "g0", str(seconds), bytes(frame).hex(), *mark, ns="gen").split()
    sent, busy = int(out[1]), float(out[5])
    forwarded = tx_packets() - before
    if not forwarded:
        sys.exit("datapath: no packet forwarded")
    return busy * 1e9 / forwarded, forwarded / sent


def summary(values):
    return {"median": statistics.median(values), "min": min(values),
            "max": max(values)}


# End.BPF SIDs whose program's own run time the profile pass reads
PROFILED = {"End.BPF no-op": "fc00::2", "End.BPF tag++": "fc00::3",
            "End.BPF -> End.T": "fc00::5", "+8 B TLV: helpers": "fc00::6",
            "+8 B TLV: kfunc": "fc00::7", "End.DM 1:100": "fc00::8",
            "End.DM 1:1": "fc00::8", "End.BPF -> End.DT4": "fc00::a",
            "End.BPF -> End.DT4, 2 VRFs": "fc00::b"}


def program_time(sid):
    """(runs, total ns) of the program at @sid, from seg6bpf -j show."""
    route = json.loads(rtr(SEG6BPF, "-j", "show", sid).splitlines()[0])
    return route.get("runs", 0), float(route.get("run_time_ns", 0))


def profile(cases, cost, seconds):
    """Where an End.BPF case's cost goes: its program's own run time
    (kernel.bpf_stats_enabled, on for this pass only) against what the
    case costs per packet over its reference."""
    rows = []
    run("sysctl", "-qw", "kernel.bpf_stats_enabled=1")
    for name, frame, mark in cases:
        sid = PROFILED.get(name)
        ref = next((r for c, r, _, _ in PAIRS if c == name), None)
        if not sid or ref not in cost:
            continue
        runs0, ns0 = program_time(sid)
        measure(frame, mark, seconds)
        runs1, ns1 = program_time(sid)
        prog = (ns1 - ns0) / (runs1 - runs0) if runs1 > runs0 else 0.0
        per_pkt = statistics.median(cost[name])
        ref_pkt = statistics.median(cost[ref])
        rows.append({"case": name, "reference": ref, "per_packet": per_pkt,
                     "reference_per_packet": ref_pkt, "extra": per_pkt - ref_pkt,
                     "program": prog})
    run("sysctl", "-qw", "kernel.bpf_stats_enabled=0")
    return rows


# What perf compares: case, reference (their goal's pairs)
PERF_PAIRS = (("End.BPF no-op", "End"), ("+8 B TLV: kfunc", "End"),
              ("DM injector 1:1", "seg6 encap"), ("End.DM 1:100", "End"))
PERF_HZ = 4000
# where the one CPU idles (test_run's set-up and tear-down wait for RCU)
IDLE_SYMBOLS = {"pv_native_safe_halt", "native_safe_halt", "default_idle"}


def symbol_samples():
    """{symbol: samples} of PERF_DATA, idle left out."""
    out = run(PERF, "report", "-i", PERF_DATA, "-n", "--no-children", "--sort", "sym",
              "--stdio", check=False)
    samples = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 4 and f[0].endswith("%") and f[1].isdigit() and \
                f[2] in ("[k]", "[.]") and f[3] not in IDLE_SYMBOLS:
            samples[f[3]] = samples.get(f[3], 0) + int(f[1])
    return samples


def perf_profile(cases, seconds):
    """Guest ns (instructions) per forwarded packet of each kernel symbol,
    for the cases of PERF_PAIRS, from perf record -a -e cpu-clock (each
    sample stands for 1 / PERF_HZ s of the one CPU's guest time)."""
    wanted = {n for pair in PERF_PAIRS for n in pair}
    if not os.access(PERF, os.X_OK):
        return {}
    prof = {}
    for name, frame, mark in cases:
        if name not in wanted:
            continue
        rec = subprocess.Popen([PERF, "record", "-q", "-a", "-e", "cpu-clock", "-F",
                                str(PERF_HZ), "-o", PERF_DATA], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        before = tx_packets()
        measure(frame, mark, seconds)
        packets = tx_packets() - before
        rec.send_signal(2)
        rec.wait(timeout=60)
        ns = 1e9 / PERF_HZ / max(packets, 1)
        prof[name] = {sym: n * ns for sym, n in symbol_samples().items()}
    return prof


def write_perf(f, prof, top=6):
    f.write("\nperf (cpu-clock at %d Hz of guest time over the whole VM: generator, "
            "router and sink), %s per forwarded packet, the symbols that grow most from "
            "the reference to the case:\n\n" % (PERF_HZ, UNIT))
    f.write("| case | reference | %s/packet (all) | grows most |\n"
            "| --- | --- | ---: | --- |\n" % UNIT)
    for case, ref in PERF_PAIRS:
        if case not in prof or ref not in prof:
            continue
        c, r = prof[case], prof[ref]
        grow = sorted(((c.get(s, 0) - r.get(s, 0), s) for s in set(c) | set(r)),
                      reverse=True)[:top]
        f.write("| %s | %s | %.0f vs %.0f | %s |\n" % (
            case, ref, sum(c.values()), sum(r.values()),
            ", ".join("%s +%.0f" % (sym, d) for d, sym in grow)))


def main(argv):
    rounds, seconds, out_json, out_md = int(argv[1]), float(argv[2]), argv[3], argv[4]
    stock = argv[5:] == ["stock"]
    topology()
    dm = sids(stock)
    only = os.environ.get("BENCH_CASES")
    cases = [c for c in frames() if (not stock or c[0] in STOCK_CASES) and
             (not only or re.search(only, c[0]))]
    names = [c[0] for c in cases]
    by_name = {c[0]: c for c in cases}
    pairs = [p for p in PAIRS if p[0] in names and p[1] in names]
    cost = {name: [] for name in names}
    delivered = {name: [] for name in names}
    ratios = {p[:2]: [] for p in pairs}

    # Each case once per round: under icount a case costs the same
    # whenever it runs, so a pair need not be measured side by side.
    for r in range(rounds):
        for name in names:
            _, frame, mark = by_name[name]
            per_packet, share = measure(frame, mark, seconds)
            cost[name].append(per_packet)
            delivered[name].append(share)
        for case, ref, _, _ in pairs:
            ratios[(case, ref)].append(cost[ref][-1] / cost[case][-1])
        print("round %d/%d: %s" % (r + 1, rounds, ", ".join(
            "%s / %s %.3f" % (c, ref, ratios[(c, ref)][-1]) for c, ref, _, _ in pairs)),
            flush=True)
    prof = [] if stock else profile(cases, cost, seconds)
    perf = {} if stock else perf_profile(cases, max(seconds, 2))
    dm_summary = ""
    if dm:
        dm.terminate()
        dm_summary = dm.communicate(timeout=30)[0].strip().splitlines()[-1]

    result = {"rounds": rounds, "seconds": seconds, "unit": UNIT,
              "frame_octets": {name: len(frame) for name, frame, _ in cases},
              "cases": {n: dict(summary(cost[n]), runs=cost[n],
                                forwarded=min(delivered[n])) for n in cost},
              "pairs": [], "profile": prof, "perf": perf, "srv6_dm": dm_summary}
    for case, ref, seed, goal in pairs:
        result["pairs"].append(dict(summary(ratios[(case, ref)]), case=case,
                                    reference=ref, seed=seed, goal=goal))
    with open(out_json, "w") as f:
        json.dump(result, f, indent=1)
    with open(out_md, "w") as f:
        f.write("Data path: %s per forwarded packet for the whole VM (generator, router "
                "and sink), %d round(s) of %g s of guest time per case (median, min-max "
                "over the rounds); the ratio is the reference's cost over the case's; "
                "frames of %d octets (SRH of 2 segments, 64-octet UDP datagram)\n\n" % (
                    UNIT, rounds, seconds, len(cases[0][1])))
        f.write("| case | %s | reference | %s | ratio | min-max | seed | goal |\n" % (
            UNIT, UNIT))
        f.write("| --- | ---: | --- | ---: | ---: | --- | ---: | ---: |\n")
        for p in result["pairs"]:
            c, r = result["cases"][p["case"]], result["cases"][p["reference"]]
            f.write("| %s | %.0f | %s | %.0f | %.3f | %.3f-%.3f | %s | %s |\n" % (
                p["case"], c["median"], p["reference"], r["median"], p["median"],
                p["min"], p["max"], "%.3f" % p["seed"] if p["seed"] else "",
                "%.2f" % p["goal"] if p["goal"] else ""))
        short = [n for n in cost if result["cases"][n]["forwarded"] < 0.99]
        if short:
            f.write("\nNot every frame was forwarded in: %s\n" % ", ".join(short))
        if prof:
            f.write("\nWhere the cost goes (%s per packet from the medians; the "
                    "program's own run time from kernel.bpf_stats_enabled in a pass of its "
                    "own, its two clock reads included; the rest is End.BPF's steps around "
                    "the program):\n\n" % UNIT)
            f.write("| case | per packet | reference | per packet | extra | program | rest |\n")
            f.write("| --- | ---: | --- | ---: | ---: | ---: | ---: |\n")
            for r in prof:
                f.write("| %s | %.0f | %s | %.0f | %.0f | %.0f | %.0f |\n" % (
                    r["case"], r["per_packet"], r["reference"], r["reference_per_packet"],
                    r["extra"], r["program"], r["extra"] - r["program"]))
        if perf:
            write_perf(f, perf)
        if dm_summary:
            f.write("\nsrv6-dm on the router at the end: `%s`\n" % dm_summary)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
