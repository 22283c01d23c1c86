#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# SRv6 End.DX4 and End.DX6 with netfilter hooks on (nf_hooks_lwtunnel) and
# a DNAT rule for the decapsulated packets.  NAT drops the route of a
# packet whose destination it rewrites in PREROUTING; the behaviour must
# still forward the packet to its next hop.
#
#   src (10.0.1.1  fd01::1) --- (fd01::2  10.0.1.2) rt (10.0.2.1  fd02::1)
#                                                    --- (10.0.2.2  fd02::2) dst
#
# src encapsulates its pings to 192.0.2.10 and 2001:db8::10 towards the
# End.DX4 and End.DX6 SIDs of rt, which decapsulate them to next hop dst;
# rt's DNAT rules send them to dst, whose replies come back un-NATed.

source lib.sh

PING_TIMEOUT_SEC=4

cleanup()
{
	cleanup_all_ns
}

setup()
{
	setup_ns SRC RT DST || exit "$ksft_skip"

	ip link add s0 netns "$SRC" type veth peer name r0 netns "$RT"
	ip link add r1 netns "$RT" type veth peer name d0 netns "$DST"
	ip -n "$SRC" addr add 10.0.1.1/24 dev s0
	ip -n "$SRC" addr add fd01::1/64 dev s0 nodad
	ip -n "$RT" addr add 10.0.1.2/24 dev r0
	ip -n "$RT" addr add fd01::2/64 dev r0 nodad
	ip -n "$RT" addr add 10.0.2.1/24 dev r1
	ip -n "$RT" addr add fd02::1/64 dev r1 nodad
	ip -n "$DST" addr add 10.0.2.2/24 dev d0
	ip -n "$DST" addr add fd02::2/64 dev d0 nodad
	ip -n "$SRC" link set s0 up
	ip -n "$RT" link set r0 up
	ip -n "$RT" link set r1 up
	ip -n "$DST" link set d0 up
	ip netns exec "$RT" sysctl -wq net.ipv4.ip_forward=1
	ip netns exec "$RT" sysctl -wq net.ipv6.conf.all.forwarding=1

	ip -n "$DST" route add default via 10.0.2.1
	ip -n "$DST" -6 route add default via fd02::1
	ip -n "$SRC" -6 route add fc00::/16 via fd01::2
	ip -n "$SRC" route add 192.0.2.10/32 encap seg6 mode encap \
		segs fc00::4 dev s0
	ip -n "$SRC" -6 route add 2001:db8::10/128 encap seg6 mode encap \
		segs fc00::6 dev s0

	ip -n "$RT" -6 route add fc00::4/128 encap seg6local \
		action End.DX4 nh4 10.0.2.2 dev r1
	ip -n "$RT" -6 route add fc00::6/128 encap seg6local \
		action End.DX6 nh6 fd02::2 dev r1

	ip netns exec "$RT" sysctl -wq net.netfilter.nf_hooks_lwtunnel=1
	ip netns exec "$RT" iptables -t nat -A PREROUTING -d 192.0.2.10 \
		-j DNAT --to-destination 10.0.2.2
	ip netns exec "$RT" ip6tables -t nat -A PREROUTING -d 2001:db8::10 \
		-j DNAT --to-destination fd02::2
}

check_ping()
{
	local family=$1
	local addr=$2
	local what=$3

	RET=$ksft_pass
	retmsg=
	if ! ip netns exec "$SRC" ping "-$family" -c 1 -W "$PING_TIMEOUT_SEC" \
		"$addr" >/dev/null 2>&1; then
		RET=$ksft_fail
		retmsg="no reply from $addr"
	fi
	log_test "$what"
}

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: Need root privileges"
	exit "$ksft_skip"
fi

for tool in ip iptables ip6tables ping; do
	if [ ! -x "$(command -v "$tool")" ]; then
		echo "SKIP: Could not run test without $tool"
		exit "$ksft_skip"
	fi
done

trap cleanup EXIT
setup

check_ping 4 192.0.2.10 "End.DX4, DNAT to its next hop in PREROUTING"
check_ping 6 2001:db8::10 "End.DX6, DNAT to its next hop in PREROUTING"

exit "$EXIT_STATUS"
