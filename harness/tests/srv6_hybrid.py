#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""SRv6 hybrid access (samples/bpf/srv6_hybrid.bpf.c, samples/bpf/srv6-hybrid.c)
on namespaces, inside the VM.

  srv6_hybrid.py test    the checks of harness/tests/srv6_hybrid.sh (TAP lines)
  srv6_hybrid.py demo    TCP over each link, then aggregated without and with
                         delay compensation (`make demo`)
  srv6_hybrid.py bench ROUNDS FILE
                         the same, ROUNDS times aggregated, into FILE as JSON
                         (`make bench`)

    h1 ---- cpe ==== dsl: fd00:a::/64, RATE_A, DELAY_A ==== agg ---- h2
                ==== lte: fd00:b::/64, RATE_B, DELAY_B ====

Each access link is a veth pair shaped at both ends: netem's delay, then
tbf's rate with a queue of 100 ms.  Upstream, cpe's srv6-hybrid spreads h1's
packets to fd00:2::/64 over the SIDs fc00:2::a (routed over dsl) and
fc00:2::b (lte) towards agg's End.DT6 fc00:2::d6, and agg's srv6-hybrid
measures both links and holds back the faster one on agg-h2 (fq).
Downstream the same from agg to cpe (fc00:1::a, fc00:1::b, fc00:1::d6).

The LAN and the links carry jumbo frames (MTU 9000) so that the SRv6
encapsulation (80 octets: outer IPv6 header and a 2-segment SRH) costs
under 1 % of a link's rate; with 1500-octet frames it alone would take 5 %.
The links' MTU is 128 octets more than the LAN's: the encapsulation and a
probe's DM TLV (48).  Rates are on the link, every header counted; goodput
is iperf3's.
"""
import ctypes
import json
import os
import signal
import struct
import subprocess
import sys
import time

from tap import Checks, sh

ST = os.environ.get("SEG6_ST", "")
HYBRID = ST + "/samples/srv6-hybrid"
TMP = "/tmp/srv6-hybrid-test"
NODES = ("h1", "cpe", "agg", "h2")
MTU = 9000
LINK_MTU = MTU + 80 + 48
# name, subnet, rate (Mbit/s), one-way delay (ms), queue (ms at the rate)
LINKS = (("dsl", "fd00:a", 24, 5, 50), ("lte", "fd00:b", 12, 40, 50))
SIDS = {"cpe": "fc00:1", "agg": "fc00:2"}


def sid(node, net):
    """node's SID for the link on subnet net: fc00:2::a for agg on fd00:a."""
    return "%s::%s" % (SIDS[node], net[-1])


class Access:
    """The two sites and their access links."""

    def build(self, links=LINKS):
        self.destroy()
        for n in NODES:
            sh("ip", "netns", "add", n)
            sh("ip", "-n", n, "link", "set", "lo", "up")
        for n in ("cpe", "agg"):
            sh("sysctl", "-qw", "net.ipv6.conf.all.forwarding=1", ns=n)
        # each TCP run on its own: no ssthresh or reordering cached from the last
        for n in ("h1", "h2"):
            sh("sysctl", "-qw", "net.ipv4.tcp_no_metrics_save=1", ns=n)
        self.veth("h1", "h1-cpe", "cpe", "cpe-h1", "fd00:1", MTU)
        # two TX queues on agg's LAN, as a multiqueue NIC has: mq can be its root
        self.veth("agg", "agg-h2", "h2", "h2-agg", "fd00:2", MTU, queues=2)
        for name, net, rate, delay, queue in links:
            self.veth("cpe", "cpe-" + name, "agg", "agg-" + name, net, LINK_MTU)
            for n in ("cpe", "agg"):
                self.shape(n, "%s-%s" % (n, name), rate, delay, queue)
        # Hosts put frames on the LAN one by one: no TSO/GSO bursts, which
        # would go over one link as a whole, and no GRO at the sites.
        for n, dev in (("h1", "h1-cpe"), ("cpe", "cpe-h1"), ("agg", "agg-h2"), ("h2", "h2-agg")):
            sh("ethtool", "-K", dev, "tso", "off", "gso", "off", "gro", "off", ns=n)
        sh("ip", "-n", "h1", "-6", "route", "add", "default", "via", "fd00:1::2")
        sh("ip", "-n", "h2", "-6", "route", "add", "default", "via", "fd00:2::1")
        for n, peer, lan in (("cpe", "agg", "cpe-h1"), ("agg", "cpe", "agg-h2")):
            for name, net, _, _, _ in links:
                gw = net + (("::2") if n == "cpe" else "::1")
                sh("ip", "-n", n, "-6", "route", "add", sid(peer, net) + "/128",
                   "via", gw, "dev", "%s-%s" % (n, name))
            sh("ip", "-n", n, "-6", "route", "add", SIDS[n] + "::d6/128", "encap", "seg6local",
               "action", "End.DT6", "table", "254", "dev", lan)
            sh("tc", "qdisc", "replace", "dev", lan, "root", "fq", "flow_limit", "1000", ns=n)
        self.links = links

    def veth(self, a, da, b, db, net, mtu, queues=1):
        q = ["numtxqueues", str(queues), "numrxqueues", str(queues)]
        sh("ip", "link", "add", da, "netns", a, "mtu", str(mtu), *q, "type", "veth",
           "peer", "name", db, "netns", b, "mtu", str(mtu), *q)
        sh("ip", "-n", a, "addr", "add", net + "::1/64", "dev", da, "nodad")
        sh("ip", "-n", b, "addr", "add", net + "::2/64", "dev", db, "nodad")
        sh("ip", "-n", a, "link", "set", da, "up")
        sh("ip", "-n", b, "link", "set", db, "up")

    def shape(self, ns, dev, rate, delay, queue):
        """netem delays, then tbf sends at the rate from a queue of queue ms."""
        sh("tc", "qdisc", "replace", "dev", dev, "root", "handle", "1:", "netem", "delay",
           "%dms" % delay, "limit", "100000", ns=ns)
        sh("tc", "qdisc", "add", "dev", dev, "parent", "1:1", "handle", "10:", "tbf", "rate",
           "%dmbit" % rate, "burst", str(2 * (LINK_MTU + 14)),
           "limit", str(int(rate * 1e6 / 8 * queue / 1000)), ns=ns)

    def hybrid_args(self, n, weights=None, compensate=True, links=None):
        """srv6-hybrid's objects on node n; weights: {link: w}, default the rates."""
        peer = "agg" if n == "cpe" else "cpe"
        lan, remote = ("cpe-h1", "fd00:2::/64") if n == "cpe" else ("agg-h2", "fd00:1::/64")
        links = links or self.links
        args = ["aggregate", remote, "dev", "%s-%s" % (n, links[0][0]), "decap",
                SIDS[peer] + "::d6"]
        for name, net, rate, _, _ in links:
            w = (weights or {}).get(name, rate)
            args += ["link", name, "sid", sid(peer, net), "weight", str(w)]
        for name, net, _, _, _ in links:
            args += ["endpoint", name, "sid", sid(n, net), "dev",
                     "%s-%s" % (n, name)]
        if compensate:
            args += ["compensate", lan]
        return args

    def destroy(self):
        for n in NODES:
            sh("ip", "netns", "del", n, check=False)


class Daemon:
    """srv6-hybrid -j in a namespace: its JSON lines (stdout) in a file,
    its messages (stderr) in another."""

    def __init__(self, ns, args, pin=None):
        os.makedirs(TMP, exist_ok=True)
        self.ns = ns
        self.json = "%s/%s.json" % (TMP, ns)
        self.jf = open(self.json, "w+")
        self.out = open("%s/%s.out" % (TMP, ns), "w+")
        opts = ["-j", "-i", "0.2"] + (["-p", pin] if pin else [])
        self.proc = subprocess.Popen(["ip", "netns", "exec", ns, HYBRID] + opts + args,
                                     stdout=self.jf, stderr=self.out, text=True)
        for _ in range(100):
            if self.lines("installed") or self.proc.poll() is not None:
                break
            time.sleep(0.1)
        if not self.lines("installed"):
            raise RuntimeError("srv6-hybrid in %s: %s" % (ns, self.output()))

    def output(self):
        self.out.seek(0)
        return self.out.read()

    def lines(self, kind):
        """Its complete JSON lines of type @kind."""
        with open(self.json) as f:
            return [line for line in map(json.loads, (l for l in f if l.endswith("\n")))
                    if line["type"] == kind]

    def last(self, n=None):
        """The last refresh (a JSON line of type links), or a list of the
        last @n."""
        lines = self.lines("links")
        if n is not None:
            return lines[-n:]
        return lines[-1] if lines else {}

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        rc = self.proc.wait(timeout=10)
        return rc


def hybrid(ns, *args):
    res = sh(HYBRID, *args, ns=ns, check=False)
    return res.returncode, res.stdout, res.stderr


SYS_BPF = 321


def bpf(cmd, attr):
    """The bpf(2) command cmd on attr (bytes); its result, or OSError."""
    libc = ctypes.CDLL(None, use_errno=True)
    buf = ctypes.create_string_buffer(attr, 128)
    ret = libc.syscall(SYS_BPF, cmd, buf, 128)
    if ret < 0:
        raise OSError(ctypes.get_errno(), "bpf(%d)" % cmd)
    return ret


def pin_array(path, name, value_size):
    """Pin a new one-entry BPF array of value_size-byte values at path;
    return its fd."""
    # BPF_MAP_CREATE: map_type, key_size, value_size, max_entries, map_flags,
    # inner_map_fd, numa_node, then map_name (16 bytes)
    fd = bpf(0, struct.pack("=7I", 2, 4, value_size, 1, 0, 0, 0) +
             name.encode().ljust(16, b"\0"))
    pathname = ctypes.create_string_buffer(path.encode())
    bpf(6, struct.pack("=QI", ctypes.addressof(pathname), fd))             # BPF_OBJ_PIN
    return fd


def array_value(fd, value_size):
    """The value of entry 0 of the array map fd."""
    key = ctypes.create_string_buffer(4)
    value = ctypes.create_string_buffer(value_size)
    bpf(1, struct.pack("=IIQQQ", fd, 0, ctypes.addressof(key),               # BPF_MAP_LOOKUP_ELEM
                       ctypes.addressof(value), 0))
    return value.raw


def tx_packets(ns, dev):
    info = json.loads(sh("ip", "-s", "-j", "link", "show", "dev", dev, ns=ns).stdout)
    return info[0]["stats64"]["tx"]["packets"]


def udp_burst(count, size=400, gap=0.001):
    """count datagrams from h1 to h2, gap seconds apart."""
    code = ("import socket, time\n"
            "s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)\n"
            "for i in range(%d):\n"
            "    s.sendto(b'x' * %d, ('fd00:2::2', 9))\n"
            "    time.sleep(%f)\n" % (count, size, gap))
    sh("/usr/bin/python3", "-c", code, ns="h1")


def split(before, after, key):
    """Per-link packet counts between two JSON lines of a daemon."""
    return [a[key] - b[key] for a, b in zip(after, before)]


def iperf(seconds):
    """TCP goodput h1 -> h2 in Mbit/s, the first 2 s left out."""
    server = subprocess.Popen(["ip", "netns", "exec", "h2", "iperf3", "-s", "-1"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    try:
        res = sh("iperf3", "-c", "fd00:2::2", "-t", str(seconds), "-O", "2", "-J",
                 "--connect-timeout", "3000", ns="h1", check=False)
        out = json.loads(res.stdout)
        return out["end"]["sum_received"]["bits_per_second"] / 1e6
    except (ValueError, KeyError):
        return 0.0
    finally:
        server.kill()
        server.wait()


def no_leftovers(c, what):
    left = []
    for n in ("cpe", "agg"):
        routes = sh("ip", "-n", n, "-6", "route", "show", ns=None).stdout
        left += ["%s: %s" % (n, r) for r in routes.splitlines()
                 if "bpf" in r or "hybrid" in r]
        for dev in sh("ls", "/sys/class/net", ns=n).stdout.split():
            if "clsact" in sh("tc", "qdisc", "show", "dev", dev, ns=n).stdout:
                left.append("%s: clsact on %s" % (n, dev))
    c.check("%s: nothing left installed" % what, not left, "\n".join(left))


USAGE_ERRORS = (
    ["link", "dsl", "sid", "fc00:2::a", "weight", "0"],
    ["link", "dsl", "sid", "fc00:2::a", "weight", "-3"],
    ["link", "dsl", "sid", "fc00:2::a", "weight", "1000000001"],
    ["link", "dsl", "sid", "fc00:2::a", "weight", "many"],
    ["link", "dsl", "weight", "5"],
    ["link", "dsl", "sid", "fc00:2::/64", "weight", "5"],
    ["aggregate", "fd00:2::/64", "dev", "lo"],
    ["aggregate", "fd00:2::/64", "dev", "lo", "decap", "fc00:2::d6"],
    ["link", "dsl", "sid", "fc00:2::a", "weight", "5"],
    ["aggregate", "fd00:2::/64", "dev", "lo", "decap", "fc00:2::d6",
     "link", "a", "sid", "fc00:2::a", "weight", "5", "link", "b", "sid", "fc00:2::a", "weight", "5"],
    ["endpoint", "dsl", "sid", "fc00:1::a"],
    ["endpoint", "a", "sid", "fc00:1::a", "dev", "lo", "endpoint", "b", "sid", "fc00:1::a",
     "dev", "lo"],
    ["compensate", "lo"],
    ["frobnicate"],
    [],
    ["-x"],
    ["set", "fc00:2::a", "weight", "5"],
    ["-p", "/tmp", "set", "fc00:2::a", "weight", "0"],
    ["-p", "/tmp", "set", "fc00:2::a", "weight"],
    ["-p", "/tmp", "set", "fc00:2::a", "size", "3"],
    ["-p", "/tmp", "set", "fc00:2::a", "weight", "0x10"],
    ["-i"],
)


HINT = "Try 'srv6-hybrid --help' for more information."


def usage_errors(c):
    """Bad usage: exit 2, what is wrong in one line and the hint; -h and
    --help: the usage on stdout, exit 0."""
    for args in USAGE_ERRORS:
        rc, out, err = hybrid(None, *args)
        lines = err.splitlines()
        c.check("usage error %s: exit 2, one line and the hint" % (" ".join(args) or
                                                                  "(no argument)"),
                rc == 2 and len(lines) == 2 and lines[0].startswith("srv6-hybrid: ") and
                lines[1] == HINT, "exit %d: %s" % (rc, err))
    for h in ("-h", "--help"):
        rc, out, err = hybrid(None, h)
        c.check("%s: usage on stdout, exit 0" % h,
                rc == 0 and out.startswith("Usage: srv6-hybrid") and err == "",
                "exit %d: %s" % (rc, err))
    rc, out, err = hybrid(None, "link", "a", "sid", "fc00:2::a", "weight", "0")
    c.check("weight 0 says why", "at least 1" in err, err)
    rc, out, err = hybrid(None, "endpoint", "a", "sid", "fc00:1::a", "dev", "nosuchdev")
    c.check("unknown device: exit 1, named", rc == 1 and "no device 'nosuchdev'" in err, err)


def refused(c, a):
    """What the kernel refuses leaves nothing behind."""
    sh("tc", "qdisc", "replace", "dev", "agg-h2", "root", "pfifo", ns="agg")
    rc, out, err = hybrid("agg", *a.hybrid_args("agg"))
    c.check("compensate without fq: exit 1, says to use fq",
            rc == 1 and "not fq" in err and "root fq" in err, err)
    sh("tc", "qdisc", "replace", "dev", "agg-h2", "root", "fq", "flow_limit", "1000", ns="agg")
    no_leftovers(c, "after the fq refusal")
    mq(c, a)
    sh("ip", "-n", "cpe", "-6", "route", "add", "fd00:2::/64", "dev", "cpe-dsl")
    rc, out, err = hybrid("cpe", *a.hybrid_args("cpe"))
    c.check("aggregate route already there: exit 1 with the kernel's reason",
            rc == 1 and "aggregate fd00:2::/64" in err, err)
    sh("ip", "-n", "cpe", "-6", "route", "del", "fd00:2::/64", "dev", "cpe-dsl")
    no_leftovers(c, "after the route refusal")


def mq(c, a):
    """A multiqueue device's mq root: refused until each queue has fq,
    with the command that keeps mq; then compensation goes in."""
    sh("tc", "qdisc", "replace", "dev", "agg-h2", "root", "handle", "9:", "mq", ns="agg")
    rc, out, err = hybrid("agg", *a.hybrid_args("agg"))
    fix = ("use: for q in $(seq 2); do tc qdisc replace dev agg-h2 parent 9:$(printf %x $q) fq;"
           " done")
    c.check("compensate on mq without fq per queue: exit 1, 2 of 2 queues, the fix keeps mq",
            rc == 1 and "root qdisc is mq, and 2 of its 2 queues have no fq" in err and fix in err,
            err)
    no_leftovers(c, "after the mq refusal")
    # the command the refusal gives, as an operator would paste it
    sh("sh", "-c", fix[len("use: "):], ns="agg")
    kinds = sh("tc", "qdisc", "show", "dev", "agg-h2", ns="agg").stdout
    c.check("the fix puts fq on both queues under mq",
            kinds.count("qdisc fq ") == 2 and "qdisc mq 9: root" in kinds, kinds)
    d, rc, filters = None, None, ""
    try:
        d = Daemon("agg", a.hybrid_args("agg"))
        filters = sh("tc", "filter", "show", "dev", "agg-h2", "egress", ns="agg").stdout
        rc = d.stop()
    except RuntimeError as e:
        filters = str(e)
    finally:
        if d and d.proc.poll() is None:
            d.proc.kill()
            d.proc.wait()
    c.check("compensate on mq with fq per queue: installed on agg-h2's egress, exit 0",
            "bpf" in filters and rc == 0, "exit %s: %s" % (rc, filters))
    no_leftovers(c, "after compensating on mq")
    sh("tc", "qdisc", "replace", "dev", "agg-h2", "root", "fq", "flow_limit", "1000", ns="agg")


def measured_delays(c, lines, when=""):
    """What agg's End.DM measured of the links, while traffic flowed: its
    JSON lines of the last 2 s of a burst.  (Read later, they would show a
    link's delay forgotten, 2 s after its last probe.)"""
    d = {l["link"]: l for l in lines[-1]["receive"]}
    # the estimate follows the newest probes: one the emulated CPU held up
    # moves it for a moment; check its median over the 2 s (10 lines)
    est = {link: median([l["delay_ms"] for line in lines for l in line["receive"]
                         if l["link"] == link]) for link in d}
    dsl, lte = LINKS[0][3], LINKS[1][3]
    print("# measured one-way delays: dsl %.2f ms, lte %.2f ms (median of 2 s; netem %d and %d); "
          "dsl held back %.2f ms" % (est["dsl"], est["lte"], dsl, lte, d["dsl"]["held_ms"]))
    c.check("End.DM measured each link (netem's delay, up to 3 ms more)%s" % when,
            dsl <= est["dsl"] <= dsl + 3 and lte <= est["lte"] <= lte + 3, (est, d))
    held_back(c, d, when)


def held_back(c, d, when):
    """d: agg's JSON entries of the links, by name."""
    dsl, lte = LINKS[0][3], LINKS[1][3]
    c.check("the faster link is held back by the difference, the slower not at all%s" % when,
            abs(d["dsl"]["held_ms"] - (d["lte"]["delay_ms"] - d["dsl"]["delay_ms"])) < 0.5 and
            lte - dsl - 3 <= d["dsl"]["held_ms"] <= lte - dsl + 3 and
            d["lte"]["held_ms"] == 0 and d["dsl"]["delayed"] > 0, d)


def set_tai(offset):
    """Set the kernel's TAI - UTC offset (adjtimex(2), ADJ_TAI); return the
    one it had."""
    libc = ctypes.CDLL(None, use_errno=True)
    tx = ctypes.create_string_buffer(208)       # struct timex on x86_64
    if libc.adjtimex(tx) < 0:
        raise OSError(ctypes.get_errno(), "adjtimex")
    old = struct.unpack_from("=i", tx, 160)[0]  # .tai
    struct.pack_into("=I", tx, 0, 0x80)         # .modes = ADJ_TAI
    struct.pack_into("=q", tx, 48, offset)      # .constant
    if libc.adjtimex(tx) < 0:
        raise OSError(ctypes.get_errno(), "adjtimex(ADJ_TAI)")
    return old


def links_by_identity(c, a):
    """agg lists the links in the other order than cpe: a link's probes are
    told apart by the SID both ends give it, not by rank."""
    cpe = Daemon("cpe", a.hybrid_args("cpe"))
    agg = Daemon("agg", a.hybrid_args("agg", links=LINKS[::-1]))
    try:
        udp_burst(200)
        time.sleep(0.5)
        udp_burst(2000)
        measured_delays(c, agg.last(10), ", links listed in the other order at agg")
    finally:
        rc = [cpe.stop(), agg.stop()]
    c.check("both daemons exit 0 on SIGTERM", rc == [0, 0], rc)


def clock_offset(c, a):
    """The sites' NTP timestamps 37 s apart: each daemon turns CLOCK_TAI
    into UTC with the TAI - UTC offset it read at start, cpe 0 and agg 37
    (as when a site's NTP daemon sets the offset after srv6-hybrid
    started).  The sender's clock runs 37 s ahead, and every one-way delay
    agg measures is 37 s below 0.  Compensation only uses differences."""
    old = set_tai(0)
    try:
        cpe = Daemon("cpe", a.hybrid_args("cpe"))
        set_tai(37)
        agg = Daemon("agg", a.hybrid_args("agg"))
    finally:
        set_tai(old)
    try:
        udp_burst(200)
        time.sleep(0.5)
        udp_burst(2000)
        d = {l["link"]: l for l in agg.last()["receive"]}
        print("# with cpe's clock 37 s ahead: one-way delays dsl %.2f ms, lte %.2f ms; "
              "dsl held back %.2f ms" % (d["dsl"]["delay_ms"], d["lte"]["delay_ms"],
                                         d["dsl"]["held_ms"]))
        c.check("the one-way delays carry the 37 s offset",
                all(-37000 < l["delay_ms"] < -36900 for l in d.values()), d)
        held_back(c, d, ", the sender's clock 37 s ahead")
    finally:
        rc = [cpe.stop(), agg.stop()]
    c.check("both daemons exit 0 on SIGTERM", rc == [0, 0], rc)


def weights_and_split(c, a):
    pin = TMP + "/bpffs"
    os.makedirs(pin, exist_ok=True)
    sh("mount", "-t", "bpf", "bpf", pin)
    cpe = Daemon("cpe", a.hybrid_args("cpe", weights={"dsl": 3, "lte": 1}), pin=pin)
    agg = Daemon("agg", a.hybrid_args("agg"))
    try:
        udp_burst(200)          # neighbours resolved, flows warm
        time.sleep(0.5)
        for weights, label in (((3, 1), "3:1 at start"), ((1, 1), "1:1 set at run time"),
                               ((2, 5), "2:5 set at run time")):
            if label != "3:1 at start":
                rc, out, err = hybrid(None, "-p", pin, "set", "fc00:2::a", "weight",
                                      str(weights[0]), "fc00:2::b", "weight", str(weights[1]))
                c.check("set %d:%d: exit 0" % weights, rc == 0, err)
            time.sleep(0.5)
            b_cpe, b_agg = cpe.last(), agg.last()
            b_dev = [tx_packets("cpe", "cpe-dsl"), tx_packets("cpe", "cpe-lte")]
            udp_burst(2000)
            during = agg.last(10)
            time.sleep(1)
            sent = split(b_cpe["send"], cpe.last()["send"], "packets")
            got = split(b_agg["receive"], agg.last()["receive"], "packets")
            dev = [tx_packets("cpe", "cpe-dsl") - b_dev[0], tx_packets("cpe", "cpe-lte") - b_dev[1]]
            want = weights[0] / sum(weights)
            for what, n in (("scheduled", sent), ("on the wire", dev), ("received", got)):
                share = n[0] / max(1, sum(n))
                c.check("UDP %s, %s: dsl's share %.4f, weights say %.4f (within 1 %%)" %
                        (label, what, share, want),
                        sum(n) >= 2000 and abs(share - want) <= 0.01 * want, n)
            if label == "3:1 at start":
                measured_delays(c, during)
        before = cpe.last()["send"]
        for args, rc_want, why in ((["set", "fc00:2::c", "weight", "5"], 1, "no link with SID"),
                                   (["set", "fc00:2::a", "weight", "0"], 2, "at least 1"),
                                   (["set", "fc00:2::a", "weight", "4", "fc00:2::c", "weight", "4"],
                                    1, "no link with SID")):
            rc, out, err = hybrid(None, "-p", pin, *args)
            time.sleep(0.3)
            kept = [l["weight"] for l in cpe.last()["send"]] == [l["weight"] for l in before]
            c.check("%s: exit %d, says '%s', weights kept" % (" ".join(args), rc_want, why),
                    rc == rc_want and why in err and kept, "exit %d: %s" % (rc, err))
        # another version's map under the name, in a DIR of its own
        other = pin + "/other"
        os.mkdir(other)
        fd = pin_array(other + "/hybrid_cfg", "hybrid_cfg", 8)
        rc, out, err = hybrid(None, "-p", other, "set", "fc00:2::a", "weight", "4")
        c.check("set on a hybrid_cfg pin of another layout: exit 1, says so, changes nothing",
                rc == 1 and "not this srv6-hybrid's map" in err and
                array_value(fd, 8) == bytes(8) and
                [l["weight"] for l in cpe.last()["send"]] == [l["weight"] for l in before],
                "exit %d: %s" % (rc, err))
        os.close(fd)
        os.unlink(other + "/hybrid_cfg")
        os.rmdir(other)
        last = cpe.last()
        c.check("no drop counted by the programs",
                last["no_link"] == last["tail_call_failed"] == last["unknown_sid"] == 0 and
                agg.last()["unknown_sid"] == 0, last)
    finally:
        rc = [cpe.stop(), agg.stop()]
        sh("umount", pin, check=False)
    c.check("both daemons exit 0 on SIGTERM", rc == [0, 0], rc)
    no_leftovers(c, "after SIGTERM")
    with open(cpe.json) as f:
        lines = [json.loads(l) for l in f]
    c.check("-j: stdout is JSON Lines only, each with a time and a type; "
            "the start, the refreshes and the last one",
            lines and all(isinstance(l.get("time"), float) and isinstance(l.get("type"), str)
                          for l in lines) and
            [l["type"] for l in lines][:2] == ["installed", "links"] and
            lines[-1]["type"] == "links", lines[:2])


def other_stops(c, a):
    """A closed session (SIGHUP) and SIGQUIT uninstall as SIGTERM does:
    nothing may be left installed."""
    for sig in (signal.SIGHUP, signal.SIGQUIT):
        daemons, rc = [], None
        try:
            daemons.append(Daemon("cpe", a.hybrid_args("cpe")))
            daemons.append(Daemon("agg", a.hybrid_args("agg")))
            rc = [d.stop(sig) for d in daemons]
        finally:
            for d in daemons:
                if d.proc.poll() is None:
                    d.proc.kill()
                    d.proc.wait()
        c.check("both daemons exit 0 on %s" % sig.name, rc == [0, 0], rc)
        no_leftovers(c, "after %s" % sig.name)


def killed(c, a):
    """SIGKILL leaves routes, compensation and pins behind: the next start
    names them and refuses, and `flush` removes them, and nothing else."""
    pin = TMP + "/bpffs"
    os.makedirs(pin, exist_ok=True)
    sh("mount", "-t", "bpf", "bpf", pin)
    try:
        for d in (Daemon("cpe", a.hybrid_args("cpe"), pin=pin), Daemon("agg", a.hybrid_args("agg"))):
            d.proc.kill()
            d.proc.wait()
        routes = sh("ip", "-n", "cpe", "-6", "route", "show", "proto", "201", ns=None).stdout
        c.check("its routes carry protocol 201: the aggregate and 2 End.BPF SIDs",
                len(routes.splitlines()) == 3 and routes.count("End.BPF") == 2, routes)
        c.check("SIGKILL: routes, compensation and the pin are left",
                "clsact" in sh("tc", "qdisc", "show", "dev", "cpe-h1", ns="cpe").stdout and
                os.listdir(pin) == ["hybrid_cfg"], os.listdir(pin))
        rc, out, err = hybrid("cpe", "-q", "-t", "1", "-p", pin, *a.hybrid_args("cpe"))
        c.check("the next start: exit 1, the leftovers named, and how to remove them",
                rc == 1 and "3 route(s) of protocol 201 and 1 map(s) pinned in %s" % pin in err and
                "remove them with: srv6-hybrid -p %s flush" % pin in err, "exit %d: %s" % (rc, err))
        # someone else's filter on the clsact agg's compensation made
        sh("tc", "filter", "add", "dev", "agg-h2", "ingress", "bpf", "bytecode",
           "1,6 0 0 4294967295,", ns="agg")
        rc, out, err = hybrid("cpe", "-p", pin, "flush")
        c.check("flush on cpe: exit 0, 3 routes, the map, the filter and its clsact removed",
                rc == 0 and out.splitlines() == [
                    "srv6-hybrid: removed 3 route(s) of protocol 201 and 1 map(s) pinned in " + pin,
                    "srv6-hybrid: removed 1 compensation filter(s) and 1 clsact qdisc(s) it left empty"],
                "exit %d: %s%s" % (rc, out, err))
        rc, out, err = hybrid("agg", "flush")
        c.check("flush on agg: exit 0, its filter removed, the clsact another filter uses kept",
                rc == 0 and out.splitlines()[1:] == [
                    "srv6-hybrid: removed 1 compensation filter(s) and 0 clsact qdisc(s) it left empty"] and
                "bpf" in sh("tc", "filter", "show", "dev", "agg-h2", "ingress", ns="agg").stdout,
                "exit %d: %s%s" % (rc, out, err))
        c.check("flush on agg: no egress filter left on agg-h2",
                not sh("tc", "filter", "show", "dev", "agg-h2", "egress", ns="agg").stdout.strip())
        sh("tc", "qdisc", "del", "dev", "agg-h2", "clsact", ns="agg")
        c.check("flush: no pin left", not os.listdir(pin), os.listdir(pin))
        no_leftovers(c, "after SIGKILL and flush")
        d = Daemon("cpe", a.hybrid_args("cpe"), pin=pin)
        c.check("after flush it starts, and stops with exit 0", d.stop() == 0)
        no_leftovers(c, "after it ran again")
    finally:
        hybrid("cpe", "-p", pin, "flush")
        hybrid("agg", "flush")
        sh("umount", pin, check=False)


def tcp(a, links, compensate, seconds=10):
    cpe = Daemon("cpe", a.hybrid_args("cpe", links=links, compensate=compensate))
    agg = Daemon("agg", a.hybrid_args("agg", links=links, compensate=compensate))
    try:
        return iperf(seconds)
    finally:
        cpe.stop()
        agg.stop()


def tcp_checks(c, a):
    rates = [link[2] for link in LINKS]
    total = sum(rates)
    alone = [tcp(a, LINKS[:1], True), tcp(a, LINKS[1:], True)]
    # three times each, in turn, 15 s each: one TCP flow's goodput over two
    # links varies from run to run with where its losses fall
    plain, comp = [], []
    for _ in range(3):
        plain.append(tcp(a, LINKS, False, 15))
        comp.append(tcp(a, LINKS, True, 15))
    print("# TCP goodput (Mbit/s): dsl alone %.2f of %d, lte alone %.2f of %d; aggregated, of %d: "
          "%s without compensation, %s with" %
          (alone[0], rates[0], alone[1], rates[1], total, " ".join("%.2f" % g for g in plain),
           " ".join("%.2f" % g for g in comp)))
    # how close one link comes to its rate is make bench's figure too; a
    # tunnel that drops or misroutes packets gives a fraction of it
    for (name, _, rate, _, _), g in zip(LINKS, alone):
        c.check("%s alone: %.1f %% of its rate, more than half" % (name, 100 * g / rate),
                g > 0.5 * rate)
    # how close to the sum it comes is make bench's figure (TCP under TCG
    # varies by 20 % from run to run); what must hold is that aggregating
    # gives more than the faster link alone
    mid = median(comp)
    c.check("aggregated with compensation: %.1f %% of the sum, the median run, more than "
            "the faster link alone (%.2f Mbit/s)" % (100 * mid / total, max(alone)),
            min(comp) > max(alone), comp)
    c.check("compensation helps: every run with it beats every run without",
            min(comp) > max(plain), (plain, comp))


def test():
    c = Checks()
    usage_errors(c)
    a = Access()
    try:
        a.build()
        refused(c, a)
        weights_and_split(c, a)
        links_by_identity(c, a)
        clock_offset(c, a)
        other_stops(c, a)
        killed(c, a)
        tcp_checks(c, a)
    finally:
        a.destroy()
    return 1 if c.failures else 0


def demo():
    a = Access()
    try:
        a.build()
        print("h1 - cpe = dsl (%d Mbit/s, %d ms) + lte (%d Mbit/s, %d ms) = agg - h2; "
              "iperf3 TCP from h1 to h2, 10 s each:" %
              (LINKS[0][2], LINKS[0][3], LINKS[1][2], LINKS[1][3]), flush=True)
        print("  (aggregated with delay compensation, each site runs:)")
        for n in ("cpe", "agg"):
            print("  # ip netns exec %s srv6-hybrid %s" % (n, " ".join(a.hybrid_args(n))),
                  flush=True)
        for label, links, comp in (("dsl alone", LINKS[:1], True),
                                   ("lte alone", LINKS[1:], True),
                                   ("aggregated, no delay compensation", LINKS, False),
                                   ("aggregated, delay compensation", LINKS, True)):
            rate = sum(link[2] for link in links)
            g = tcp(a, links, comp)
            print("  %-36s %6.2f Mbit/s  (%5.1f %% of %d)" % (label, g, 100 * g / rate, rate),
                  flush=True)
    finally:
        a.destroy()
    return 0


def median(v):
    v = sorted(v)
    return (v[(len(v) - 1) // 2] + v[len(v) // 2]) / 2


def bench(rounds, path):
    a = Access()
    try:
        a.build()
        alone = [tcp(a, LINKS[:1], True), tcp(a, LINKS[1:], True)]
        plain, comp = [], []
        for i in range(rounds):
            plain.append(tcp(a, LINKS, False))
            comp.append(tcp(a, LINKS, True))
            print("hybrid access round %d/%d: %.2f Mbit/s without compensation, %.2f with" %
                  (i + 1, rounds, plain[-1], comp[-1]), flush=True)
    finally:
        a.destroy()
    total = sum(link[2] for link in LINKS)
    res = {"links": [{"name": n, "rate_mbit": r, "delay_ms": d, "queue_ms": q, "alone_mbit": g}
                     for (n, _, r, d, q), g in zip(LINKS, alone)],
           "ideal_mbit": total, "plain_mbit": plain, "comp_mbit": comp,
           "fraction": {"median": median(comp) / total, "min": min(comp) / total,
                        "max": max(comp) / total},
           "plain_fraction": {"median": median(plain) / total, "min": min(plain) / total,
                              "max": max(plain) / total}}
    with open(path, "w") as f:
        json.dump(res, f, indent=1)
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] in ("test", "demo"):
        sys.exit(test() if sys.argv[1] == "test" else demo())
    if len(sys.argv) == 4 and sys.argv[1] == "bench":
        sys.exit(bench(int(sys.argv[2]), sys.argv[3]))
    sys.exit("Usage: srv6_hybrid.py test|demo|bench ROUNDS FILE")
