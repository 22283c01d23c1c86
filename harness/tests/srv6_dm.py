#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Packets of harness/tests/srv6_dm.sh, decoded and made by scapy, which
knows SRv6 independently of our code (Debian's python3-scapy).

  srv6_dm.py sniff IFACE PCAP READY SECONDS   capture IPv6 on IFACE
  srv6_dm.py probes PCAP MIN                  >= MIN valid DM probes, and
                                              nothing but valid SRHs
  srv6_dm.py clean PCAP                       no SRH, no IPv6 in IPv6
  srv6_dm.py send SRC SID KIND                a hand-made probe to SID
"""
import socket
import struct
import sys

from scapy.all import (IPv6, IPv6ExtHdrSegmentRouting, UDP, Raw, rdpcap,
                       send, sniff, wrpcap)

DM_TYPE = 253
DM_LEN = 46
PAD1, PADN = 0, 4


def do_sniff(iface, pcap, ready, seconds):
    def started():
        open(ready, "w").close()
    pkts = sniff(iface=iface, timeout=float(seconds), lfilter=lambda p: IPv6 in p,
                 started_callback=started)
    wrpcap(pcap, pkts)


def tlv_area(srh):
    """The TLV octets of an SRH as on the wire, checked against hdrlen."""
    wire = bytes(srh)[: 8 + srh.len * 8]
    if len(wire) != 8 + srh.len * 8:
        raise ValueError("SRH shorter than its hdrlen")
    if srh.lastentry != len(srh.addresses) - 1:
        raise ValueError("last entry %d with %d segments" %
                         (srh.lastentry, len(srh.addresses)))
    if srh.segleft > srh.lastentry:
        raise ValueError("segments left past the last entry")
    return wire[8 + 16 * len(srh.addresses):]


def walk_tlvs(area):
    """(type, value) of every TLV; raises if lengths overrun the area."""
    out, i = [], 0
    while i < len(area):
        if area[i] == PAD1:
            i += 1
            continue
        if i + 2 > len(area) or i + 2 + area[i + 1] > len(area):
            raise ValueError("TLV at %d overruns the SRH" % i)
        out.append((area[i], area[i + 2: i + 2 + area[i + 1]]))
        i += 2 + area[i + 1]
    return out


def check_dm(value):
    if len(value) != DM_LEN:
        raise ValueError("DM TLV length %d" % len(value))
    version, flags, session, seq, mbz, t1 = struct.unpack("!BBIIIQ", value[:22])
    if version != 1 or session >> 24 or mbz or not t1:
        raise ValueError("DM TLV fields: version %d session %#x mbz %d t1 %d" %
                         (version, session, mbz, t1))


def do_probes(pcap, minimum):
    probes = srhs = 0
    for n, pkt in enumerate(rdpcap(pcap)):
        if IPv6ExtHdrSegmentRouting not in pkt:
            continue
        srh = pkt[IPv6ExtHdrSegmentRouting]
        srhs += 1
        try:
            tlvs = walk_tlvs(tlv_area(srh))
            for kind, value in tlvs:
                if kind == DM_TYPE:
                    check_dm(value)
                    probes += 1
            if IPv6 not in srh.payload:
                raise ValueError("no inner IPv6 packet")
        except ValueError as e:
            print("packet %d: %s" % (n, e))
            pkt.show()
            return 1
    print("%d SRv6 packet(s), %d DM probe(s), all valid" % (srhs, probes))
    return 0 if probes >= int(minimum) else 1


def do_clean(pcap):
    for n, pkt in enumerate(rdpcap(pcap)):
        if IPv6ExtHdrSegmentRouting in pkt or \
                (IPv6 in pkt and pkt[IPv6].nh == 41):
            print("packet %d leaked out of the SRv6 domain:" % n)
            pkt.show()
            return 1
    return 0


def dm_tlv(session=1, length=DM_LEN, version=1, flags=0):
    value = struct.pack("!BBIIIQQQQ", version, flags, session, 1, 0,
                        1 << 32, 0, 0, 0)
    return bytes([DM_TYPE, length]) + value[:length]


# Hand-made probes; End.DM must drop and count each of the bad ones.
KINDS = {
    "good": lambda: dm_tlv(),
    "short": lambda: dm_tlv(length=14),
    "version": lambda: dm_tlv(version=2),
    "flags": lambda: dm_tlv(flags=0x80),
    "session-bits": lambda: dm_tlv(session=0x01000001),
    "unknown-session": lambda: dm_tlv(session=77),
}


def do_send(src, sid, kind):
    tlvs = KINDS[kind]()
    segs = ["fc00:3::d6", sid]
    srh = bytes([41, (16 * len(segs) + len(tlvs)) // 8, 4, 1, 1, 0, 0, 0])
    for s in segs:
        srh += socket.inet_pton(socket.AF_INET6, s)
    inner = IPv6(src=src, dst="fd00:4::2") / UDP(sport=9, dport=9) / Raw(b"dm " + kind.encode())
    send(IPv6(src=src, dst=sid, nh=43) / Raw(srh + tlvs) / inner, verbose=False)
    return 0


def main(argv):
    cmds = {"sniff": (do_sniff, 4), "probes": (do_probes, 2),
            "clean": (do_clean, 1), "send": (do_send, 3)}
    if len(argv) < 2 or argv[1] not in cmds or len(argv) - 2 != cmds[argv[1]][1]:
        print(__doc__, file=sys.stderr)
        return 2
    return cmds[argv[1]][0](*argv[2:]) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
