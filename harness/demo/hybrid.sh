#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The hybrid-access part of the demo, run inside the VM: iperf3 TCP over
# two netem-shaped access links, each alone, then aggregated by
# srv6-hybrid (samples/bpf/srv6-hybrid.c) without and with delay
# compensation.
exec /usr/bin/python3 "$SEG6_ROOT/harness/tests/srv6_hybrid.py" demo
