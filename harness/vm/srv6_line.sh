# SPDX-License-Identifier: GPL-2.0
# A three-namespace SRv6 line for the VM's tests (sourced, not run):
#
#   t_src (fd01::1) --- t_sr (SID $SID) --- t_dst (fc00::d1)
#
# t_src reaches fc00::d1 with an inline SRH <$SID, fc00::d1> (the SID is
# routed like the rest of fc00::/16), so a ping crosses what t_sr binds to
# the SID; replies come back as plain IPv6.

# srv6_line SID: build it; srv6_line_del: remove it.
srv6_line() {
	ip netns add t_src && ip netns add t_sr && ip netns add t_dst &&
	ip link add s0 netns t_src type veth peer name r0 netns t_sr &&
	ip link add r1 netns t_sr type veth peer name d0 netns t_dst &&
	ip -n t_src addr add fd01::1/64 dev s0 nodad &&
	ip -n t_sr addr add fd01::2/64 dev r0 nodad &&
	ip -n t_sr addr add fd02::1/64 dev r1 nodad &&
	ip -n t_dst addr add fd02::2/64 dev d0 nodad &&
	ip -n t_dst addr add fc00::d1/128 dev lo &&
	for l in "t_src s0" "t_sr r0" "t_sr r1" "t_dst d0" "t_dst lo"; do
		ip -n ${l% *} link set ${l#* } up || return 1
	done &&
	ip netns exec t_sr sysctl -qw net.ipv6.conf.all.forwarding=1 &&
	ip netns exec t_dst sysctl -qw net.ipv6.conf.all.seg6_enabled=1 &&
	ip netns exec t_dst sysctl -qw net.ipv6.conf.d0.seg6_enabled=1 &&
	ip -n t_src -6 route add fc00::/16 via fd01::2 dev s0 &&
	ip -n t_src -6 route add fc00::d1/128 encap seg6 mode inline segs "$1" \
		via fd01::2 dev s0 &&
	ip -n t_sr -6 route add fc00::d1/128 via fd02::2 &&
	ip -n t_dst -6 route add fd01::/64 via fd02::1
}

srv6_line_del() {
	local ns

	for ns in t_src t_sr t_dst; do ip netns del "$ns" 2>/dev/null; done
}
