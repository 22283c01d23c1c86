#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The network-discovery part of the demo, run inside the VM: segtrace
# (samples/bpf/segtrace.c) prints every ECMP path of a two-level diamond,
# asking End.OAMP (samples/bpf/srv6_oamp.bpf.c) on each router.
exec /usr/bin/python3 "$SEG6_ROOT/harness/tests/segtrace.py" demo
