#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# `make demo`'s first two parts (harness/demo/chain.sh and dm.sh) as a
# test: they pass, and they show the commands they run next to their
# results, as an operator would type them (tools and objects by name).
set -u
failures=0
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; failures=$((failures + 1)); }

# shows PART OUTPUT COMMAND...: OUTPUT has each COMMAND on a "# " line
shows() {
	local part=$1 out=$2 c
	shift 2
	for c in "$@"; do
		if grep -qF -- "# $c" <<<"$out"; then
			ok "$part shows: $c"
		else
			bad "$part does not show: $c"
		fi
	done
}

# part SCRIPT WHAT: run harness/demo/SCRIPT, its output in $out, shown
part() {
	local rc
	out=$(bash "$SEG6_ROOT/harness/demo/$1" 2>&1)
	rc=$?
	echo "$out" | sed 's/^/# | /'
	[ $rc = 0 ] && ok "$1: $2" || bad "$1 exit $rc"
}

part chain.sh "the datagram crossed both End.BPF nodes"
shows chain.sh "$out" \
	"ip -n h1 -6 route add fd00:4::2/128 encap seg6 mode encap segs fc00:1::b,fc00:2::b,fc00:3::d dev h1-r1" \
	"ip -n r1 -6 route add fc00:1::b/128 encap seg6local action End.BPF endpoint obj seg6_demo.bpf.o sec tag_increment dev r1-h1" \
	"ip -n r2 -6 route add fc00:2::b/128 encap seg6local action End.BPF endpoint obj seg6_demo.bpf.o sec add_tlv dev r2-r1"
part dm.sh "srv6-dm measured both delays"
shows dm.sh "$out" \
	"ip netns exec r3 srv6-dm -t 4 endpoint fc00:3::a dev r3-r2 session 1" \
	"ip netns exec r1 srv6-dm -q -t 5 inject fd00:4::2/128 dev r1-r2 segs fc00:3::a,fc00:3::d6 session 1 every 5"
exit $((failures > 0))
