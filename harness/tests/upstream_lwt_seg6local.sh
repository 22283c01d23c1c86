#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 90
#
# Upstream's End.BPF scenario, unmodified: the six-namespace chain of
# tools/testing/selftests/bpf/test_lwt_seg6local.sh with
# progs/test_lwt_seg6local.c, both from out/linux (the object is built by
# harness/selftests.sh).  It runs from the directory holding the object.
cd "$SEG6_ST" || exit 1
exec bash "$SEG6_SRC/tools/testing/selftests/bpf/test_lwt_seg6local.sh"
