#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 240
#
# samples/bpf/seg6bpf on a live SID: bad usage exits 2 with one line and a
# pointer to --help (-h and --help print the usage on stdout, exit 0),
# refusals exit 1 with the kernel's (or libbpf's) reason and leave nothing
# behind, attach/show/replace/detach drive real traffic, pins are removed
# only when they are the route's own, and a program
# attached by iproute2 and by seg6bpf behaves and shows the same.
#
# On harness/vm/srv6_line.sh's line, with End.BPF at the SID fc00::a.
set -u
BIN=$SEG6_ST/samples/seg6bpf
OBJ=$SEG6_ST/seg6_bpf_iproute2.bpf.o
OAMP=$SEG6_ST/samples/srv6_oamp.bpf.o	# a program with maps and globals
SID=fc00::a
# `ip netns exec` mounts a fresh /sys, hiding /sys/fs/bpf: pin elsewhere
BPFFS=$(mktemp -d)
PIN=$BPFFS/seg6bpf_cli
failures=0

ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; failures=$((failures + 1)); }
sr() { ip netns exec t_sr "$@"; }

. "$SEG6_ROOT/harness/vm/srv6_line.sh"

cleanup() {
	srv6_line_del
	umount "$BPFFS" 2>/dev/null
	rmdir "$BPFFS"
}
trap cleanup EXIT

# expect_exit STATUS PATTERN -- ARGS: seg6bpf ARGS (in sr) exits STATUS and
# its stderr matches PATTERN (a grep -E regex); a usage error (exit 2) is
# one line and a pointer to --help, nothing more
expect_exit() {
	local want=$1 pattern=$2 got err
	shift 3
	err=$(sr "$BIN" "$@" 2>&1 >/dev/null)
	got=$?
	if [ "$got" = "$want" ] && grep -qE -- "$pattern" <<<"$err" &&
	   { [ "$want" != 2 ] || [ "$(sed -n '2,$p' <<<"$err")" = "$HINT" ]; }; then
		ok "seg6bpf $* -> $got: $(head -n1 <<<"$err")"
	else
		bad "seg6bpf $* -> exit $got (want $want), stderr: $err"
	fi
}
HINT="Try 'seg6bpf --help' for more information."

no_route() {
	if [ -z "$(ip -n t_sr -6 route show $SID)" ]; then ok "no route left: $1"
	else bad "route left behind: $1: $(ip -n t_sr -6 route show $SID)"; fi
}

ping_through() {
	ip netns exec t_src ping -6 -c1 -W2 fc00::d1 >/dev/null 2>&1
}

expect_ping() {
	if [ "$1" = pass ] && ping_through; then ok "$2: traffic passes"
	elif [ "$1" = drop ] && ! ping_through; then ok "$2: traffic dropped"
	else bad "$2: expected traffic to $1"; fi
}

srv6_line $SID || { echo "not ok - topology"; exit 1; }
ip netns exec t_src ping -6 -c1 -W5 fd01::2 >/dev/null
sr ping -6 -c1 -W5 fd02::2 >/dev/null

# usage errors: exit 2, one line and the hint on stderr
expect_exit 2 '^seg6bpf: a command is needed' --
expect_exit 2 "unknown command 'frob'" -- frob $SID
expect_exit 2 "-j is for show, not attach" -- -j attach $SID dev r0 obj "$OBJ" prog end_pass
expect_exit 2 "bad SID 'fc00::zz'" -- attach fc00::zz dev r0 obj "$OBJ" prog end_pass
expect_exit 2 "bad SID prefix length" -- attach $SID/129 dev r0 obj "$OBJ" prog end_pass
expect_exit 2 'needs dev, obj and prog' -- attach $SID dev r0 obj "$OBJ"
expect_exit 2 "'dev' needs a value" -- detach $SID dev
expect_exit 2 "'dev' given twice" -- detach $SID dev r0 dev r1
expect_exit 2 "unexpected 'o'" -- attach $SID dev r0 o "$OBJ" prog end_pass
expect_exit 2 "unexpected 'obj'" -- detach $SID dev r0 obj "$OBJ"
expect_exit 2 "bad table '-1'" -- attach $SID dev r0 obj "$OBJ" prog end_pass table -1
expect_exit 2 "bad table '0'" -- show table 0
expect_exit 2 "needs a SID" -- detach
expect_exit 2 "bad table '0x10'" -- show table 0x10
ERR=$(mktemp)
for h in -h --help; do
	out=$(sr "$BIN" $h 2>"$ERR") && rc=0 || rc=$?
	if [ $rc = 0 ] && grep -q '^Usage: seg6bpf' <<<"$out" && [ ! -s "$ERR" ]; then
		ok "$h: usage on stdout, exit 0"
	else bad "$h: exit $rc, stderr: $(cat "$ERR")"; fi
done
rm -f "$ERR"
no_route "after usage errors"

# refusals: exit 1 with the reason, nothing left behind
expect_exit 1 "unknown device 'nope0'" -- attach $SID dev nope0 obj "$OBJ" prog end_pass
expect_exit 1 "no program 'nope' in" -- attach $SID dev r0 obj "$OBJ" prog nope
expect_exit 1 "cannot open" -- attach $SID dev r0 obj /nonexistent.o prog end_pass
expect_exit 1 "fd is not a BPF_PROG_TYPE_LWT_SEG6LOCAL program" -- \
	attach $SID dev r0 obj "$OBJ" prog xdp_pass
no_route "after wrong program type"
expect_exit 1 "no End.BPF route for this SID and device" -- \
	replace $SID dev r0 obj "$OBJ" prog end_pass
expect_exit 1 "no End.BPF route for this SID and device" -- detach $SID dev r0
expect_exit 1 "no End.BPF route for $SID" -- show $SID
mount -t bpf bpf "$BPFFS" || bad "mount bpffs"
expect_exit 1 "pin /nonexistent/dir" -- \
	attach $SID dev r0 obj "$OBJ" prog end_pass pin /nonexistent/dir
no_route "after failed pin"

# attach, traffic, show, replace, detach
expect_ping drop "no route yet"
expect_exit 0 '^$' -- attach $SID dev r0 obj "$OBJ" prog end_pass count pin "$PIN"
expect_ping pass "seg6bpf attach end_pass"
show=$(sr "$BIN" show $SID)
echo "$show" | sed 's/^/# /'
if grep -qE "^$SID/128 dev r0 table 254 prog id [0-9]+ name pass_prog tag [0-9a-f]{16} attached as \".*seg6_bpf_iproute2.bpf.o:end_pass\"" <<<"$show" &&
   grep -qE '^    packets [1-9][0-9]* bytes [1-9][0-9]* errors 0$' <<<"$show"; then
	ok "show: program, tag and counters"
else
	bad "show output"
fi
[ -e "$PIN/prog" ] && ok "program pinned" || bad "program not pinned"
if grep -q '^    runs ' <<<"$show"; then bad "run time shown without bpf_stats"; fi
sysctl -qw kernel.bpf_stats_enabled=1
expect_ping pass "with kernel.bpf_stats_enabled"
runs=$(sr "$BIN" show $SID | sed -n 's/^    runs \([0-9]*\), [0-9.]* ns each$/\1/p')
sysctl -qw kernel.bpf_stats_enabled=0
if [ "${runs:-0}" -ge 1 ]; then ok "show: the program's runs ($runs) with bpf_stats"
else bad "show: no run count with bpf_stats"; fi
expect_exit 1 "a route for this SID already exists" -- \
	attach $SID dev r0 obj "$OBJ" prog end_drop
expect_ping pass "duplicate attach left the first program"
expect_exit 0 '^$' -- replace $SID dev r0 obj "$OBJ" prog end_drop pin "$PIN"
expect_ping drop "seg6bpf replace end_drop"
# pinned_id PATH: the id of the program pinned at PATH; route_id: the id
# of the program the route runs
pinned_id() { sr /usr/bin/python3 "$SEG6_ROOT/harness/tests/pinned_id.py" "$1" 2>/dev/null; }
route_id() { sr "$BIN" show $SID | sed -n 's/.* prog id \([0-9]*\) .*/\1/p'; }
if [ -n "$(route_id)" ] && [ "$(pinned_id "$PIN/prog")" = "$(route_id)" ] && [ ! -e "${PIN}_new" ]; then
	ok "replace moved the pins to the new program ($(route_id))"
else
	bad "pins after replace: $PIN/prog is $(pinned_id "$PIN/prog"), the route runs $(route_id); $(ls -d "$PIN"* 2>&1)"
fi

# detach and replace with pin DIR change nothing unless DIR holds exactly
# this route's program and its maps
route_kept() {
	if [ -n "$(ip -n t_sr -6 route show $SID)" ]; then ok "route kept: $1"
	else bad "route gone: $1"; fi
}
VICTIM=$(mktemp -d)
echo data > "$VICTIM/keep"
expect_exit 1 "pin $VICTIM: not on a bpffs; nothing changed" -- \
	detach $SID dev r0 pin "$VICTIM"
[ -f "$VICTIM/keep" ] && ok "a directory off bpffs keeps its files" || bad "$VICTIM/keep deleted"
route_kept "detach with a directory off bpffs"
expect_exit 1 "pin $VICTIM: not on a bpffs; nothing changed" -- \
	replace $SID dev r0 obj "$OBJ" prog end_pass pin "$VICTIM"
[ -f "$VICTIM/keep" ] && ok "replace keeps it too" || bad "$VICTIM/keep deleted by replace"
rm -rf "$VICTIM"
expect_ping drop "refused replace left end_drop"
expect_exit 1 "is not a pinned program; nothing changed" -- detach $SID dev r0 pin "$BPFFS"
[ -e "$PIN/prog" ] && ok "the bpffs root keeps its pins" || bad "pins under $BPFFS deleted"
mkdir "$PIN/other-tool"
expect_exit 1 "$PIN/other-tool is not a map of the program; nothing changed" -- \
	detach $SID dev r0 pin "$PIN"
[ -d "$PIN/other-tool" ] && [ -e "$PIN/prog" ] && ok "a foreign entry refuses the detach, nothing removed" ||
	bad "pins removed despite a foreign entry"
route_kept "detach with a foreign entry in DIR"
rmdir "$PIN/other-tool"
expect_exit 0 '^$' -- attach fc00::b dev r0 obj "$OBJ" prog end_pass pin "$BPFFS/b"
expect_exit 1 "$BPFFS/b/prog is program [0-9]+, not the route's [0-9]+; nothing changed" -- \
	detach $SID dev r0 pin "$BPFFS/b"
mv "$BPFFS/b/prog" "$PIN/b-prog"
expect_exit 1 "$PIN/b-prog is not a map of the program" -- detach $SID dev r0 pin "$PIN"
mv "$PIN/b-prog" "$BPFFS/b/prog"
route_kept "detach with another route's pins"
expect_exit 0 '^$' -- detach fc00::b dev r0 pin "$BPFFS/b"
[ ! -e "$BPFFS/b" ] && ok "fc00::b's pins removed" || bad "fc00::b's pins left"

expect_exit 0 '^$' -- detach $SID dev r0 pin "$PIN"
[ ! -e "$PIN" ] && ok "pins removed" || bad "pins left"
[ -z "$(ls -A "$BPFFS")" ] && ok "nothing else on the bpffs" || bad "left on bpffs: $(ls -A "$BPFFS")"
no_route "after detach"

# a program with maps: the ones it uses are pinned (names without dots),
# moved by replace, and removed by detach; another route's map is not ours
expect_exit 0 '^$' -- attach $SID dev r0 obj "$OAMP" prog srv6_oamp pin "$PIN"
pins=$(ls "$PIN" | tr '\n' ' ')
echo "# pinned: $pins"
if grep -qw prog <<<"$pins" && grep -qw oamp_stats <<<"$pins"; then
	ok "program and its maps pinned ($pins)"
else
	bad "pins of srv6_oamp: $pins"
fi
expect_exit 0 '^$' -- replace $SID dev r0 obj "$OAMP" prog srv6_oamp pin "$PIN"
[ "$(pinned_id "$PIN/prog")" = "$(route_id)" ] && [ "$(ls "$PIN" | tr '\n' ' ')" = "$pins" ] &&
	ok "replace moved every pin to the new program" || bad "pins after replace: $(ls "$PIN")"
expect_exit 0 '^$' -- attach fc00::b dev r0 obj "$OAMP" prog srv6_oamp pin "$BPFFS/b"
mv "$BPFFS/b/oamp_stats" "$PIN/b_stats"
expect_exit 1 "$PIN/b_stats is not a map of the program" -- detach $SID dev r0 pin "$PIN"
mv "$PIN/b_stats" "$BPFFS/b/oamp_stats"
route_kept "detach with another route's map in DIR"
expect_exit 0 '^$' -- detach fc00::b dev r0 pin "$BPFFS/b"
expect_exit 0 '^$' -- detach $SID dev r0 pin "$PIN"
[ -z "$(ls -A "$BPFFS")" ] && ok "every pin removed" || bad "left on bpffs: $(ls -A "$BPFFS")"
no_route "after detaching srv6_oamp"
# globals: libbpf's map "test_seg.bss" is pinned as test_seg_bss
expect_exit 0 '^$' -- attach $SID dev r0 obj "$SEG6_ST/test_seg6_bpf.bpf.o" prog seg6_test pin "$PIN"
bss=$(ls "$PIN" | grep '_bss$')
[ -n "$bss" ] && ok "the map of the program's globals pinned as $bss" || bad "globals not pinned: $(ls "$PIN")"
expect_exit 0 '^$' -- detach $SID dev r0 pin "$PIN"
[ -z "$(ls -A "$BPFFS")" ] && ok "its pins removed" || bad "left on bpffs: $(ls -A "$BPFFS")"

# iproute2 and seg6bpf: the same program, the same behaviour and tag
sr ip -6 route add $SID encap seg6local action End.BPF endpoint obj "$OBJ" \
	sec end_drop dev r0
expect_ping drop "iproute2 end_drop"
ip_tag=$(sr "$BIN" show $SID | sed -n 's/.* tag \([0-9a-f]*\) .*/\1/p')
expect_exit 0 '^$' -- replace $SID dev r0 obj "$OBJ" prog end_pass
expect_ping pass "seg6bpf replaced iproute2's route"
sr ip -6 route replace $SID encap seg6local action End.BPF endpoint obj "$OBJ" \
	sec end_drop dev r0
expect_ping drop "iproute2 replaced seg6bpf's route"
expect_exit 0 '^$' -- detach $SID dev r0
expect_exit 0 '^$' -- attach $SID dev r0 obj "$OBJ" prog end_drop
expect_ping drop "seg6bpf end_drop"
cli_tag=$(sr "$BIN" show $SID | sed -n 's/.* tag \([0-9a-f]*\) .*/\1/p')
if [ -n "$ip_tag" ] && [ "$ip_tag" = "$cli_tag" ]; then ok "same program tag $ip_tag"
else bad "tags differ: iproute2 '$ip_tag', seg6bpf '$cli_tag'"; fi
if sr ip -6 route show $SID | grep -q "action End.BPF endpoint"; then
	ok "iproute2 shows seg6bpf's route"
else
	bad "iproute2 does not show the route"
fi
sr ip -6 route del $SID
no_route "iproute2 removed seg6bpf's route"

# a route of another protocol (a routing daemon's, `proto static`): replace
# keeps the SID working, and detach removes it as any End.BPF route
sr ip -6 route add $SID encap seg6local action End.BPF endpoint obj "$OBJ" \
	sec end_drop dev r0 proto static
expect_exit 0 '^$' -- replace $SID dev r0 obj "$OBJ" prog end_pass
expect_ping pass "seg6bpf replaced a proto static route"
expect_exit 0 '^$' -- detach $SID dev r0
no_route "seg6bpf detached the route of a proto static SID"
sr ip -6 route add $SID encap seg6local action End.BPF endpoint obj "$OBJ" \
	sec end_drop dev r0 proto 200
expect_exit 0 '^$' -- detach $SID dev r0
no_route "seg6bpf detached the route of proto 200"

echo "$failures failures"
[ "$failures" = 0 ]
