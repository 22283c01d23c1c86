#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# In the VM, on the IPV6=m kernel (configs.sh boots it): once ipv6.ko is
# loaded, End.BPF is offered, as upstream offers it there, and runs
# programs that read the packet and skb->tstamp.  Two kinds of program
# are refused with the verifier's reason, leaving no route: one calling
# bpf_skb_pull_data(), which every kernel refuses End.BPF programs, and
# one calling a seg6 helper, which needs IPv6 built in.
#
# On harness/vm/srv6_line.sh's line, with End.BPF at the SID fc00::a.
#
#   ipv6-m.sh MODULES OBJECT   (MODULES: a modules_install root)
set -u
MODS=$1
OBJ=$2
SID=fc00::a
failures=0
. "$(dirname "$0")/../../vm/srv6_line.sh"

ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; failures=$((failures + 1)); }
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}
sr() { ip netns exec t_sr "$@"; }
ping_hl() { ip netns exec t_src ping -6 -c1 -W2 -t "$1" fc00::d1 >/dev/null 2>&1; }
no_route() { [ -z "$(sr ip -6 route show $SID)" ]; }

# add_refused SECTION HELPER: the route with SECTION's program is refused
# by the verifier, which names HELPER; no route is left.
add_refused() {
	local out
	out=$(sr ip -6 route add $SID encap seg6local action End.BPF \
		endpoint obj "$OBJ" sec "$1" dev r0 2>&1)
	if [ $? = 0 ]; then
		bad "a program calling $2 is refused"
		sr ip -6 route del $SID
		return
	fi
	if grep -q "cannot use helper $2#" <<<"$out"; then
		ok "a program calling $2 is refused by the verifier, naming it"
	else
		bad "a program calling $2 is refused by the verifier, naming it"
		printf '%s\n' "$out" | tail -n 5 | sed 's/^/# /'
	fi
	check "no route is left after the refusal of $2" no_route
}

# The kernel loads modules too (ipv6.ko's HMAC asks for hmac and sha1):
# from MODS, as this shell does.
modprobe_from_mods() {
	printf '#!/bin/sh\nexec /sbin/modprobe -d %s "$@"\n' "$MODS" > /tmp/modprobe &&
		chmod +x /tmp/modprobe && echo /tmp/modprobe > /proc/sys/kernel/modprobe
}

check "the kernel's modprobe looks in $MODS" modprobe_from_mods
check "ipv6.ko loads (IPV6=m)" /tmp/modprobe ipv6
check "IPv6 is a module here" grep -qw '^ipv6' /proc/modules
check "three-namespace topology" srv6_line $SID
if out=$(sr ip -6 route add $SID encap seg6local action End.BPF \
	endpoint obj "$OBJ" sec hop dev r0 2>&1); then
	ok "End.BPF route added"
else
	bad "End.BPF route added"
	printf '%s\n' "$out" | tail -n 5 | sed 's/^/# /'
fi
check "End.BPF route dumped with its program" \
	grep -q 'action End.BPF endpoint' <<<"$(sr ip -6 route show $SID)"
check "the program's BPF_OK: a ping crosses End.BPF" ping_hl 64
check "the program reads the packet: BPF_DROP at hop limit 42 only" \
	eval 'ping_hl 63 && ! ping_hl 42'
check "End.BPF route deleted" sr ip -6 route del $SID
check "a program reading skb->tstamp is accepted" sr ip -6 route add $SID \
	encap seg6local action End.BPF endpoint obj "$OBJ" sec tstamp dev r0
check "its route deleted" sr ip -6 route del $SID
add_refused pull bpf_skb_pull_data
add_refused store bpf_lwt_seg6_store_bytes

srv6_line_del
echo "$failures failed"
[ "$failures" = 0 ]
