#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 600
#
# Hybrid access: samples/bpf/srv6-hybrid on two sites joined by two
# netem-shaped access links (harness/tests/srv6_hybrid.py): usage and
# refusals leave nothing installed; the UDP split follows the weights
# within 1 %, also after weights changed at run time, and bad changes keep
# the previous ones; End.DM measures each link and the faster is held
# back by the difference; TCP over each link alone, and aggregated without
# and with compensation (iperf3).
exec /usr/bin/python3 "$SEG6_ROOT/harness/tests/srv6_hybrid.py" test
