#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Capture and decode the demo's SRv6 packets (Debian's python3-scapy).

  srh.py sniff IFACE PCAP READY   capture the first demo packet on IFACE
  srh.py show LABEL PCAP          print it, SRH decoded
"""
import sys

from scapy.all import (IPv6, IPv6ExtHdrSegmentRouting, UDP, Raw, rdpcap,
                       sniff, wrpcap)

MARK = b"seg6-bpf demo"


def is_demo(pkt):
    return Raw in pkt and MARK in bytes(pkt[Raw].load)


def do_sniff(iface, pcap, ready):
    def started():
        open(ready, "w").close()
    pkts = sniff(iface=iface, count=1, timeout=60, lfilter=is_demo,
                 started_callback=started)
    wrpcap(pcap, pkts)


def tlvs(srh):
    out = []
    for tlv in srh.tlv_objects:
        data = bytes(tlv)
        out.append("type %d len %d [%s]" % (data[0], data[1] if len(data) > 1 else 0,
                                            data[2:].hex()))
    return ", ".join(out) or "none"


def do_show(label, pcap):
    pkts = rdpcap(pcap)
    if not pkts:
        print("%-14s (nothing captured)" % label)
        return 1
    pkt = pkts[0]
    ip6 = pkt[IPv6]
    print("%-14s IPv6 %s -> %s" % (label, ip6.src, ip6.dst))
    if IPv6ExtHdrSegmentRouting in pkt:
        srh = pkt[IPv6ExtHdrSegmentRouting]
        print("%-14s SRH  segments left %d, last entry %d, tag %d, hdrlen %d"
              % ("", srh.segleft, srh.lastentry, srh.tag, srh.len))
        print("%-14s      segments %s" % ("", ", ".join(reversed(srh.addresses))))
        print("%-14s      TLVs %s" % ("", tlvs(srh)))
        inner = srh.payload
        if isinstance(inner, IPv6):
            print("%-14s inner IPv6 %s -> %s" % ("", inner.src, inner.dst))
    udp = pkt[UDP]
    print("%-14s UDP %d -> %d: %r" % ("", udp.sport, udp.dport,
                                       bytes(udp.payload).decode(errors="replace").strip()))
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "sniff":
        do_sniff(*sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == "show":
        sys.exit(do_show(*sys.argv[2:]))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
