#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The delay-measurement part of the demo, run inside the VM: srv6-dm
# (samples/bpf/srv6-dm.c) measures the one-way delay of h1's traffic to h2
# while netem delays the link r2 -> r3, first by 10 ms, then by 25 ms.
#
#   h1 --- r1 --------- r2 ------- r3 --- h2
#          injector     netem      End.DM fc00:3::a + End.DT6 fc00:3::d6
set -eu
BIN=$SEG6_ST/samples/srv6-dm
NODES="h1 r1 r2 r3 h2"
OUT=/tmp/demo-dm
pids=

cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	for n in $NODES; do ip netns del "$n" 2>/dev/null || true; done
}
trap cleanup EXIT
mkdir -p "$OUT"

for n in $NODES; do
	ip netns add "$n"
	ip -n "$n" link set lo up
done
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
ip -n h1 -6 route add default via fd00:1::2
ip -n h2 -6 route add default via fd00:4::1
ip -n r1 -6 route add fc00::/16 via fd00:2::2
ip -n r1 -6 route add fd00:4::/64 via fd00:2::2
ip -n r2 -6 route add fc00:3::/48 via fd00:3::2
ip -n r2 -6 route add fd00:4::/64 via fd00:3::2
ip -n r2 -6 route add fd00:1::/64 via fd00:2::1
ip -n r3 -6 route add fd00:1::/64 via fd00:3::1
ip -n r3 -6 route add fc00:3::d6/128 encap seg6local action End.DT6 table 254 dev r3-r2

# measure DELAY: netem on r2 -> r3, 100 pings from h1 to h2, the table
measure() {
	local verb=add
	tc -n r2 qdisc show dev r2-r3 | grep -q netem && verb=change
	tc -n r2 qdisc "$verb" dev r2-r3 root netem delay "$1" 1ms
	local r3=(-t 4 endpoint fc00:3::a dev r3-r2 session 1)
	local r1=(-q -t 5 inject fd00:4::2/128 dev r1-r2 segs fc00:3::a,fc00:3::d6 session 1 every 5)
	echo "  # ip netns exec r3 srv6-dm ${r3[*]}"
	echo "  # ip netns exec r1 srv6-dm ${r1[*]}"
	ip netns exec r3 "$BIN" "${r3[@]}" > "$OUT/r3.out" &
	pids=$!
	ip netns exec r1 "$BIN" "${r1[@]}" > "$OUT/r1.out" &
	pids="$pids $!"
	sleep 1
	echo "  # ip netns exec h1 ping -6 -q -c 100 -i 0.02 fd00:4::2"
	ip netns exec h1 ping -6 -q -c 100 -i 0.02 fd00:4::2 | grep 'packets transmitted'
	wait $pids
	pids=
	echo "-- netem on r2 -> r3: delay $1 +- 1ms; srv6-dm on r3 (1 probe per 5 packets):"
	tail -n 3 "$OUT/r3.out" | sed 's/^/   /'
}

echo "== delay measurement: srv6-dm injects on r1, End.DM on r3"
measure 10ms
measure 25ms
