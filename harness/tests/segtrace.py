#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""ECMP network discovery (samples/bpf/srv6_oamp.bpf.c, samples/bpf/segtrace.c)
on SRv6 domains built from network namespaces, inside the VM.

  segtrace.py test    the checks of harness/tests/segtrace.sh (TAP-like lines)
  segtrace.py demo    the two-level diamond of `make demo`, traced

Every router gets End.OAMP at the OAM SID (unless a topology says not),
and static routes to every host's prefix along all the shortest paths (hop
count), as an IGP with ECMP would install them: a multipath route where
several neighbours (or parallel links) are as close.  The paths segtrace
must find are then read back from the namespaces themselves, by following
`ip -6 route get fibmatch` from hop to hop, so the check does not trust the
route computation above it.
"""
import ctypes
import json
import os
import select
import subprocess
import sys
import signal
import time
from collections import deque

from tap import Checks, sh

ST = os.environ.get("SEG6_ST", "")
SEGTRACE = ST + "/samples/segtrace"
SEG6BPF = ST + "/samples/seg6bpf"
OAMP_OBJ = ST + "/samples/srv6_oamp.bpf.o"
SID = "fcff::1"
BPFFS = "/tmp/segtrace-bpffs"

# GEANT, the pan-European research network, as the Internet Topology Zoo
# records it (Knight et al., IEEE JSAC 2011; file Geant2010.gml, August
# 2010): 37 points of presence and their 58 links, two of them doubled
# (IE-UK and SE-FI), which gives ECMP over parallel links as well.
GEANT = """
nl-be nl-dk nl-de be-uk dk-se dk-ee dk-de dk-no dk-ru dk-is pl-lt pl-de
pl-cz de-cz de-lu de-ch de-il de-at de-ru cz-sk lu-fr fr-ch fr-es fr-uk
ch-it ch-es it-gr it-cy it-mt it-es it-at bg-ro bg-mk bg-hu bg-tr bg-gr
ro-hu ro-tr gr-at gr-cy il-uk me-hr hu-hr hu-sk hu-rs sk-at pt-es pt-uk
hr-si si-at lt-lv is-uk ie-uk ie-uk no-se se-fi se-fi ee-lv
""".split()


class Domain:
    """Routers and hosts in namespaces, links as veth pairs."""

    def __init__(self, tag, edges, hosts, no_oamp=()):
        # edges: "a-b" router pairs (repeated for parallel links);
        # hosts: {host: router}
        self.tag = tag
        self.routers = []
        self.adj = {}            # router -> [(neighbour, link index)]
        self.links = []          # (a, b): a gets ::1, b ::2
        for e in edges:
            a, b = e.split("-")
            self.add_link(a, b)
        self.hosts = dict(hosts)
        for h, r in self.hosts.items():
            self.add_link(r, h)
        self.no_oamp = set(no_oamp)
        self.owner = {}          # address -> namespace

    def add_link(self, a, b):
        for n in (a, b):
            self.adj.setdefault(n, [])
        self.links.append((a, b))
        i = len(self.links)
        self.adj[a].append((b, i))
        self.adj[b].append((a, i))

    def ns(self, node):
        return "%s-%s" % (self.tag, node)

    @staticmethod
    def addr(i, side):
        return "fd00:%x::%d" % (i, side)

    def host_addr(self, h):
        for i, (a, b) in enumerate(self.links, 1):
            if b == h:
                return self.addr(i, 2)
        raise KeyError(h)

    def host_prefix(self, h):
        return self.host_addr(h).rsplit("::", 1)[0] + "::/64"

    def nodes(self):
        return list(self.adj)

    def distances(self, target):
        dist = {target: 0}
        todo = deque([target])
        while todo:
            n = todo.popleft()
            if n in self.hosts and n != target:
                continue        # hosts do not forward
            for m, _ in self.adj[n]:
                if m not in dist:
                    dist[m] = dist[n] + 1
                    todo.append(m)
        return dist

    def routes(self, router):
        """`ip -6 route add` lines of @router: every host prefix, ECMP."""
        lines = []
        for h, at in self.hosts.items():
            if at == router:
                continue
            dist = self.distances(h)
            hops = []
            for m, i in self.adj[router]:
                if m in dist and dist[m] == dist[router] - 1 and m not in self.hosts:
                    a, _ = self.links[i - 1]
                    hops.append((self.addr(i, 2 if a == router else 1), "l%d" % i))
            nh = " ".join("nexthop via %s dev %s" % hop for hop in hops)
            lines.append("route add %s %s" % (self.host_prefix(h), nh))
        return lines

    def build(self):
        for n in self.nodes():
            sh("ip", "netns", "add", self.ns(n))
            for key in ("all", "default"):
                sh("sysctl", "-qw", "net.ipv6.conf.%s.seg6_enabled=1" % key, ns=self.ns(n))
            sh("sysctl", "-qw", "net.ipv6.icmp.ratelimit=0", ns=self.ns(n))
            sh("ip", "link", "set", "lo", "up", ns=self.ns(n))
        for i, (a, b) in enumerate(self.links, 1):
            dev = "l%d" % i
            sh("ip", "link", "add", dev, "netns", self.ns(a), "type", "veth",
               "peer", "name", dev, "netns", self.ns(b))
            for n, side in ((a, 1), (b, 2)):
                sh("ip", "-batch", "-", ns=self.ns(n), inp=(
                    "addr add %s/64 dev %s nodad\nlink set %s up\n" %
                    (self.addr(i, side), dev, dev)))
                self.owner[self.addr(i, side)] = self.ns(n)
        for h, r in self.hosts.items():
            gw = self.addr(self.host_link(h), 1)
            sh("ip", "-6", "route", "add", "default", "via", gw, ns=self.ns(h))
        for r in self.nodes():
            if r in self.hosts:
                continue
            sh("sysctl", "-qw", "net.ipv6.conf.all.forwarding=1", ns=self.ns(r))
            sh("ip", "-6", "-batch", "-", ns=self.ns(r), inp="\n".join(self.routes(r)) + "\n")
            if r not in self.no_oamp:
                self.attach_oamp(r)

    def host_link(self, h):
        return next(i for i, (a, b) in enumerate(self.links, 1) if b == h)

    def first_dev(self, r):
        return "l%d" % self.adj[r][0][1]

    def attach_oamp(self, r):
        # iproute2, as an operator would; bound to a real device: a
        # loopback one would make seg6 take the SID for a local address
        sh("ip", "-6", "route", "add", SID, "encap", "seg6local", "action", "End.BPF",
           "endpoint", "obj", OAMP_OBJ, "sec", "lwt_seg6local", "count",
           "dev", self.first_dev(r), ns=self.ns(r))

    def destroy(self):
        for n in self.nodes():
            sh("ip", "netns", "del", self.ns(n), check=False)

    def route_paths(self, src_host, dst):
        """Every path to @dst from @src_host by the namespaces' own routes:
        lists of next-hop addresses, @dst last."""
        paths = []

        def walk(ns, path):
            if len(path) > 64:
                raise RuntimeError("routing loop: %s" % path)
            out = sh("ip", "-6", "-j", "route", "get", "fibmatch", dst, ns=ns).stdout
            route = json.loads(out)[0]
            hops = route.get("nexthops") or [route]
            for hop in hops:
                gw = hop.get("gateway")
                if gw is None:                  # on the link
                    paths.append(path + [dst])
                else:
                    walk(self.owner[gw], path + [gw])
        walk(self.ns(src_host), [])
        return sorted(paths)


def segtrace(ns, *args):
    res = sh(SEGTRACE, *args, ns=ns, check=False)
    return res.returncode, res.stdout, res.stderr


def traced_paths(out):
    return sorted(p["hops"] for p in json.loads(out)["paths"])


def percpu_sum(path, key):
    """Sum over CPUs of @key in the per-CPU array pinned at @path."""
    libc = ctypes.CDLL(None, use_errno=True)
    with open("/sys/devices/system/cpu/possible") as f:
        ncpu = len(_cpus(f.read().strip()))
    name = ctypes.create_string_buffer(path.encode())
    attr = (ctypes.c_uint64 * 16)()
    attr[0] = ctypes.addressof(name)
    fd = libc.syscall(321, 7, ctypes.byref(attr), 128)      # BPF_OBJ_GET
    if fd < 0:
        raise OSError(ctypes.get_errno(), "BPF_OBJ_GET " + path)
    k = ctypes.c_uint32(key)
    vals = (ctypes.c_uint64 * ncpu)()
    attr = (ctypes.c_uint64 * 16)()
    attr[0] = fd
    attr[1] = ctypes.addressof(k)
    attr[2] = ctypes.addressof(vals)
    rc = libc.syscall(321, 1, ctypes.byref(attr), 128)      # BPF_MAP_LOOKUP_ELEM
    os.close(fd)
    if rc:
        raise OSError(ctypes.get_errno(), "BPF_MAP_LOOKUP_ELEM")
    return sum(vals)


def _cpus(spec):
    cpus = []
    for part in spec.split(","):
        lo, _, hi = part.partition("-")
        cpus += range(int(lo), int(hi or lo) + 1)
    return cpus


def route_counters(ns, sid):
    out = sh("ip", "-s", "-6", "route", "show", sid, ns=ns).stdout.split()
    return {k: int(out[out.index(k) + 1]) for k in ("packets", "errors") if k in out}


# srv6_oamp.h: stats indices, TLV types
PASSED, REPLIED, MALFORMED = 0, 1, 2


def malformed_probes(c, d):
    """Hand-made probes at r1's End.OAMP from h1: bad ones dropped and
    counted, a packet without a request forwarded untouched."""
    from scapy.all import IPv6, IPv6ExtHdrSegmentRouting, UDP, Raw, send  # noqa

    r1 = d.ns("r1")
    sh("ip", "-6", "route", "del", SID, ns=r1)
    os.makedirs(BPFFS, exist_ok=True)
    sh("mount", "-t", "bpf", "bpf", BPFFS, check=False)
    pin = BPFFS + "/r1"
    sh(SEG6BPF, "attach", SID, "dev", d.first_dev("r1"), "obj", OAMP_OBJ,
       "prog", "srv6_oamp", "pin", pin, "count", ns=r1)
    src, dst = d.host_addr("h1"), d.host_addr("h2")
    target = bytes(16)

    def probe(tlvs):
        srh = IPv6ExtHdrSegmentRouting(addresses=[src, SID], segleft=1, lastentry=1,
                                       nh=17)
        raw = bytes(srh)[:40] + tlvs
        raw = raw[:1] + bytes([len(raw) // 8 - 1]) + raw[2:]
        return IPv6(src=src, dst=SID, nh=43) / Raw(raw) / UDP(sport=9, dport=9) / b"x"

    def req(length=22, mbz=b"\0\0"):
        body = mbz + (7).to_bytes(4, "big") + target
        return bytes([124, length]) + body[:length]

    reply = bytes([254, 10, 0, 64, 0, 0, 0, 0]) + (7).to_bytes(4, "big")
    # TLV areas of multiples of 8 octets: the SRH itself is valid
    bad = {
        "short request": req(14),
        "long request": bytes([124, 30]) + req()[2:] + bytes(8),
        "MBZ set": req(mbz=b"\1\0"),
        "already answered": req() + reply + bytes([4, 2, 0, 0]),
    }
    script = "\n".join([
        "from scapy.all import *",
        "import sys",
        "for h in sys.argv[1:]: send(IPv6(bytes.fromhex(h)), verbose=0)"])
    pkts = [bytes(probe(t)).hex() for t in bad.values()]
    sh("/usr/bin/python3", "-c", script, *pkts, ns=d.ns("h1"))

    # not a probe: an SRv6 datagram for h2 through the OAM SID
    srh = IPv6ExtHdrSegmentRouting(addresses=[dst, SID], segleft=1, lastentry=1, nh=17)
    plain = IPv6(src=src, dst=SID) / srh / UDP(sport=7, dport=7777) / b"untouched"
    # the receiver says when it is bound: Python starts slowly under TCG
    rx = subprocess.Popen(["ip", "netns", "exec", d.ns("h2"), "/usr/bin/python3", "-c",
                           "import socket; s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);"
                           "s.bind(('::', 7777)); s.settimeout(30); print('bound', flush=True);"
                           "print(s.recv(64).decode())"],
                          stdout=subprocess.PIPE, text=True)
    bound = rx.stdout.readline().strip()
    sh("/usr/bin/python3", "-c", script, bytes(plain).hex(), ns=d.ns("h1"))
    if bound != "bound":
        rx.kill()
    got = rx.communicate(timeout=60)[0].strip() if bound == "bound" else bound
    time.sleep(0.5)

    malformed = percpu_sum(pin + "/oamp_stats", MALFORMED)
    c.check("%d malformed requests dropped and counted (End.OAMP: %d)" % (len(bad), malformed),
            malformed == len(bad))
    errors = route_counters(r1, SID).get("errors")
    c.check("the End.BPF route counted them as errors (%s)" % errors, errors == len(bad))
    c.check("a packet without a request crosses End.OAMP untouched",
            got == "untouched" and percpu_sum(pin + "/oamp_stats", PASSED) == 1, got)
    rc, out, err = segtrace(d.ns("h1"), "-j", "-w", "2000", dst)
    c.check("segtrace still works through the seg6bpf-attached End.OAMP", rc == 0, err)
    c.check("End.OAMP counted the answer", percpu_sum(pin + "/oamp_stats", REPLIED) >= 1)
    lines = out.splitlines()
    trace = json.loads(lines[0]) if len(lines) == 1 else {}
    c.check("segtrace -j: one JSON line, with its time and type trace",
            isinstance(trace.get("time"), float) and trace.get("type") == "trace", out)
    res = sh(SEG6BPF, "-j", "show", SID, ns=r1, check=False)
    lines = res.stdout.splitlines()
    route = json.loads(lines[0]) if len(lines) == 1 else {}
    c.check("seg6bpf -j show: the route as one JSON line, with its time, program, "
            "maps and counters",
            res.returncode == 0 and isinstance(route.get("time"), float) and
            route.get("type") == "route" and route.get("sid") == SID.split("/")[0] and
            route.get("prog_id", 0) > 0 and
            "oamp_stats" in [m["name"] for m in route.get("maps", [])] and
            route.get("errors") == route_counters(r1, SID).get("errors"),
            res.stdout + res.stderr)
    sh(SEG6BPF, "detach", SID, "dev", d.first_dev("r1"), "pin", pin, ns=r1)


def trace_and_compare(c, d, src, dsts, label):
    """segtrace from @src to each of @dsts against the routes' paths;
    returns the probes, the time and the last JSON result."""
    total_probes, total_time, res = 0, 0.0, {}
    for dst_host in dsts:
        dst = d.host_addr(dst_host)
        want = d.route_paths(src, dst)
        t0 = time.time()
        rc, out, err = segtrace(d.ns(src), "-j", "-w", "2000", dst)
        dt = time.time() - t0
        try:
            res = json.loads(out)
            got = traced_paths(out)
        except ValueError:
            res, got = {}, None
        total_probes += res.get("probes", 0)
        total_time += dt
        c.check("%s: %s -> %s: segtrace finds the %d path(s) of the routes (%d probes, %.2f s)"
                % (label, src, dst_host, len(want), res.get("probes", 0), dt),
                rc == 0 and got == want,
                "exit %d\nwant %s\ngot  %s\n%s" % (rc, want, got, err))
    return total_probes, total_time, res


def four_paths(c, d, label):
    """The 4 paths h1 -> h2 of a small domain: from the routes, then segtrace."""
    want = d.route_paths("h1", d.host_addr("h2"))
    c.check("the %s's routes give 4 paths" % label, len(want) == 4, want)
    return trace_and_compare(c, d, "h1", ["h2"], label)[2]


def diamond():
    return Domain("dia", ["r1-r2", "r1-r3", "r2-r4", "r3-r4", "r4-r5", "r4-r6",
                          "r5-r7", "r6-r7"], {"h1": "r1", "h2": "r7"})


def fanout():
    # r1 forks 2 ways, a 3 ways, b 1 way: 4 paths; b has no End.OAMP
    return Domain("fan", ["r1-a", "r1-b", "a-c", "a-d", "a-e", "b-e", "c-z",
                          "d-z", "e-z"], {"h1": "r1", "h2": "z"}, no_oamp={"b"})


def geant():
    hosts = {"h" + pop: pop for pop in ("uk", "gr", "fi", "sk", "lv", "pt", "il")}
    return Domain("g", GEANT, hosts)


HINT = "Try 'segtrace --help' for more information."


def usage_errors(c):
    """Bad usage: exit 2, what is wrong in one line and the hint, nothing
    on stdout; -h and --help: the usage on stdout, exit 0."""
    for args, what in (([], "a DESTINATION is needed"), (["-m", "0", "fd00::1"], "bad -m '0' (1-32)"),
                       (["-m", "33", "fd00::1"], "bad -m '33' (1-32)"),
                       (["-w", "x", "fd00::1"], "bad -w 'x' (1-60000)"),
                       (["-w", "0x10", "fd00::1"], "bad -w '0x10' (1-60000)"),
                       (["-s", "nope", "fd00::1"], "bad SID 'nope'"),
                       (["-f", "17", "fd00::1"], "bad -f '17' (1-16)"),
                       (["-z", "fd00::1"], "unknown option '-z'"),
                       (["fd00::1", "-m"], "option -m needs a value"),
                       (["not-an-address"], "bad DESTINATION 'not-an-address'"),
                       (["fd00::1", "fd00::2"], "one DESTINATION only, not 'fd00::2'")):
        rc, out, err = segtrace(None, *args)
        c.check("usage error %s: exit 2, one line and the hint" % (args or "(no argument)"),
                rc == 2 and out == "" and err.splitlines() == ["segtrace: " + what, HINT],
                "exit %d: %s" % (rc, err))
    for h in ("-h", "--help"):
        rc, out, err = segtrace(None, h)
        c.check("%s: usage on stdout, exit 0" % h,
                rc == 0 and out.startswith("Usage: segtrace") and err == "",
                "exit %d: %s" % (rc, err))


def interrupted(c):
    """Ctrl-C during a long wait: progress came first on stderr, the
    partial result is printed, exit 130.  The first hop is behind a dummy
    device, so a probe waits all of -w."""
    for cmd in (("link", "add", "d0", "type", "dummy"), ("link", "set", "d0", "up"),
                ("-6", "addr", "add", "fd0a::1/64", "dev", "d0", "nodad"),
                ("-6", "route", "add", "fd0b::/64", "via", "fd0a::2", "dev", "d0")):
        sh("ip", "-n", "lonely", *cmd)
    for args, shape in ((["-w", "60000", "-r", "1", "fd0b::1"], "tree"),
                        (["-j", "-w", "60000", "-r", "1", "fd0b::1"], "JSON")):
        p = subprocess.Popen(["ip", "netns", "exec", "lonely", SEGTRACE] + args,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        early = b""             # stderr up to the first progress line, 10 s at most
        deadline = time.time() + 10
        while b"segtrace: depth" not in early and time.time() < deadline:
            if select.select([p.stderr], [], [], max(deadline - time.time(), 0))[0]:
                chunk = os.read(p.stderr.fileno(), 4096)
                if not chunk:
                    break
                early += chunk
        t0 = time.time()
        p.send_signal(signal.SIGINT)
        try:
            out, err = p.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
        out, err = out.decode(), (early + err).decode()
        first = next((l for l in err.splitlines() if l.startswith("segtrace: depth")), "")
        c.check("Ctrl-C (%s): progress on stderr before it" % shape,
                first.startswith("segtrace: depth 1: 1 node to explore"), first)
        c.check("Ctrl-C (%s): exit 130 within 5 s of it" % shape,
                p.returncode == 130 and time.time() - t0 < 5,
                "exit %s after %.1f s" % (p.returncode, time.time() - t0))
        if shape == "tree":
            ok = "; interrupted" in out and "fd0a::2  (not explored)" in out
        else:
            try:
                res = json.loads(out)
            except ValueError:
                res = {}
            ok = res.get("interrupted") is True and \
                [n["state"] for n in res.get("nodes", [])] == ["not explored"]
        c.check("Ctrl-C (%s): what is known is printed" % shape, ok, out + err)


def test():
    c = Checks()
    usage_errors(c)

    d = diamond()
    try:
        d.build()
        four_paths(c, d, "diamond")
        rc, out, err = segtrace(d.ns("h1"), "-w", "2000", d.host_addr("h2"))
        print("\n".join("# " + line for line in out.splitlines()))
        c.check("the tree says 4 paths reached it", rc == 0 and ": 4 paths reached it, 0 did not" in out, out + err)
        rc, out, err = segtrace(d.ns("h1"), "-j", "-w", "500", "fd09::1")
        res = json.loads(out) if out else {}
        c.check("an unreachable destination: exit 1, reported as no route at r1",
                rc == 1 and not res.get("reached") and
                [p["end"] for p in res.get("paths", [])] == ["no route"], out + err)
        rc, out, err = segtrace(d.ns("h1"), "-j", "-w", "500", "-n", "3", d.host_addr("h2"))
        c.check("out of probes (-n 3): exit 1, paths not followed",
                rc == 1 and "not followed" in out, out + err)
        malformed_probes(c, d)
    finally:
        d.destroy()

    sh("ip", "netns", "add", "lonely")
    rc, out, err = segtrace("lonely", "fd00::1")
    c.check("no route at all: exit 1 and says so", rc == 1 and "no route to fd00::1" in err, err)
    try:
        interrupted(c)
    finally:
        sh("ip", "netns", "del", "lonely")

    d = fanout()
    try:
        d.build()
        nodes = four_paths(c, d, "fan-out (2, 3 and 1 ways)").get("nodes", [])
        b = d.addr(2, 2)        # b on the link r1-b
        c.check("b, without End.OAMP, is passed by ICMPv6 Time Exceeded",
                any(n["address"] == b and n["state"] == "icmp" for n in nodes), nodes)
    finally:
        d.destroy()

    d = geant()
    try:
        t0 = time.time()
        d.build()
        routers = len([n for n in d.nodes() if n not in d.hosts])
        print("# GEANT: %d routers, %d links, built in %.1f s" %
              (routers, len(d.links) - len(d.hosts), time.time() - t0))
        dsts = ["hgr", "hfi", "hsk", "hlv", "hpt", "hil"]
        npaths = sum(len(d.route_paths("huk", d.host_addr(h))) for h in dsts)
        c.check("GEANT has ECMP between the pairs traced (%d paths for %d pairs)" %
                (npaths, len(dsts)), npaths > len(dsts))
        probes, secs, _ = trace_and_compare(c, d, "huk", dsts, "GEANT")
        probes2, secs2, _ = trace_and_compare(c, d, "hgr", ["hfi", "hpt"], "GEANT")
        print("# GEANT: %d probes, %.1f s of segtrace for %d pairs" %
              (probes + probes2, secs + secs2, len(dsts) + 2))
    finally:
        d.destroy()
    return 1 if c.failures else 0


def demo():
    d = diamond()
    try:
        d.build()
        print("Two levels of ECMP: h1 - r1 < r2, r3 > r4 < r5, r6 > r7 - h2; End.OAMP at %s "
              "on every router.  segtrace from h1:" % SID)
        print("  # ip netns exec h1 segtrace %s" % d.host_addr("h2"), flush=True)
        rc, out, err = segtrace(d.ns("h1"), d.host_addr("h2"))
        sys.stdout.write(out + err)
        return rc
    finally:
        d.destroy()


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in ("test", "demo"):
        sys.exit("Usage: segtrace.py test|demo")
    sys.exit(test() if sys.argv[1] == "test" else demo())
