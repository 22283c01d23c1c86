#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 900
#
# ECMP-aware network discovery: segtrace (samples/bpf/segtrace.c) against
# End.OAMP (samples/bpf/srv6_oamp.bpf.c) on three SRv6 domains built from
# namespaces: a two-level diamond (4 paths), an unequal fan-out with a
# router that has no End.OAMP, and GEANT (37 routers, Internet Topology
# Zoo).  The paths segtrace reports must be exactly those the namespaces'
# routes define.  Also: malformed requests dropped and counted, traffic
# without a request untouched, unreachable destinations, bad usage.
exec /usr/bin/python3 "$SEG6_ROOT/harness/tests/segtrace.py" test
