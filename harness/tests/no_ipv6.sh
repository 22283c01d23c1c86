#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 120
# append: ipv6.disable=1
# prog_test: seg6_bpf_no_ipv6
#
# BPF_PROG_TEST_RUN of End.BPF programs on a kernel whose IPv6 was disabled
# at boot, in a VM of its own (check.sh boots it with the line above).
exec "$SEG6_ROOT/harness/vm/test-progs.sh" "$SEG6_ST" seg6_bpf_no_ipv6
