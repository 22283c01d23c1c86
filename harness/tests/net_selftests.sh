#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Our C programs of tools/testing/selftests/net (kselftest_harness.h),
# built into $SEG6_ST/net by `make selftests`: srv6_srh_tlv checks the SRH
# TLV parsing of seg6_validate_srh() (Pad1 is one octet) through the
# IPV6_RTHDR socket option.  Each prints its own TAP; any failure fails.
failed=0
n=0
for t in "$SEG6_ST"/net/*; do
	[ -x "$t" ] || continue
	n=$((n + 1))
	"$t" || { echo "$(basename "$t"): exit $?"; failed=$((failed + 1)); }
done
echo "net selftests: $n programs, $failed failed"
[ "$n" -gt 0 ] && [ "$failed" = 0 ]
