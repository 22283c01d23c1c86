#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo scenario, run inside the VM: a UDP datagram from h1 to h2 crosses
# an SRv6 domain whose segment list names two End.BPF endpoints.
#
#   h1 --- r1 --- r2 --- r3 --- h2
#   headend   End.BPF  End.BPF  End.DT6
#   (encap)   tag+1    add TLV  (decap)
#
# Every link is captured on its receiving side and the SRH printed decoded.
set -eu
OBJ=$SEG6_ST/samples/seg6_demo.bpf.o
PY=/usr/bin/python3
SRH_PY=$SEG6_ROOT/harness/demo/srh.py
CAP=/tmp/demo
NODES="h1 r1 r2 r3 h2"

cleanup() { for n in $NODES; do ip netns del "$n" 2>/dev/null || true; done; }
# cmd ARGS: show the command as an operator types it, then run it
cmd() { echo "  # $*" | sed "s|$SEG6_ST/samples/||g"; "$@"; }
trap cleanup EXIT
mkdir -p "$CAP"

echo "== building the topology: $NODES"
for n in $NODES; do
	ip netns add "$n"
	ip -n "$n" link set lo up
done
# link i joins node i and node i+1 with addresses fd00:i::1 / fd00:i::2
set -- $NODES
i=1
while [ $# -ge 2 ]; do
	ip link add "$1-$2" netns "$1" type veth peer name "$2-$1" netns "$2"
	ip -n "$1" addr add "fd00:$i::1/64" dev "$1-$2" nodad
	ip -n "$2" addr add "fd00:$i::2/64" dev "$2-$1" nodad
	ip -n "$1" link set "$1-$2" up
	ip -n "$2" link set "$2-$1" up
	shift
	i=$((i + 1))
done
for n in r1 r2 r3; do ip netns exec "$n" sysctl -qw net.ipv6.conf.all.forwarding=1; done

echo "== the SRv6 policy at the headend and the SIDs along the way"
ip -n h1 -6 route add fc00::/16 via fd00:1::2
cmd ip -n h1 -6 route add fd00:4::2/128 encap seg6 mode encap \
	segs fc00:1::b,fc00:2::b,fc00:3::d dev h1-r1
cmd ip -n r1 -6 route add fc00:1::b/128 encap seg6local action End.BPF \
	endpoint obj "$OBJ" sec tag_increment dev r1-h1
ip -n r1 -6 route add fc00::/16 via fd00:2::2
cmd ip -n r2 -6 route add fc00:2::b/128 encap seg6local action End.BPF \
	endpoint obj "$OBJ" sec add_tlv dev r2-r1
ip -n r2 -6 route add fc00::/16 via fd00:3::2
cmd ip -n r3 -6 route add fc00:3::d/128 encap seg6local action End.DT6 table 254 dev r3-r2
ip -n h2 -6 route add fd00:1::/64 via fd00:4::1
for n in r1 r2 r3; do
	echo "-- $n: $(ip -n "$n" -6 route show | grep seg6local)"
done

echo "== starting one capture per link (scapy)"
for pair in r1:r1-h1 r2:r2-r1 r3:r3-r2 h2:h2-r3; do
	ns=${pair%%:*}
	ip netns exec "$ns" "$PY" "$SRH_PY" sniff "${pair#*:}" "$CAP/$ns.pcap" "$CAP/$ns.ready" &
done
for n in r1 r2 r3 h2; do
	for _ in $(seq 120); do [ -f "$CAP/$n.ready" ] && break; sleep 0.5; done
done

echo "== h1 sends one UDP datagram to h2 ([fd00:4::2]:7000)"
ip netns exec h2 nc -6 -u -l -W 1 7000 > "$CAP/received" &
listener=$!
sleep 1
echo "seg6-bpf demo" | ip netns exec h1 nc -6 -u -w1 -s fd00:1::1 fd00:4::2 7000
wait
echo
rc=0
"$PY" "$SRH_PY" show "h1 -> r1" "$CAP/r1.pcap" || rc=1
echo
"$PY" "$SRH_PY" show "r1 -> r2" "$CAP/r2.pcap" || rc=1
echo
"$PY" "$SRH_PY" show "r2 -> r3" "$CAP/r3.pcap" || rc=1
echo
"$PY" "$SRH_PY" show "r3 -> h2" "$CAP/h2.pcap" || rc=1
echo
if grep -q "seg6-bpf demo" "$CAP/received"; then
	echo "== h2 received: $(cat "$CAP/received")"
else
	echo "== h2 received nothing"
	rc=1
fi
exit $rc
