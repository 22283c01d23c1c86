#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 30
#
# The VM runs the kernel this checkout just built: same release string and
# the same GNU build ID as out/build/vmlinux; and it runs every vCPU QEMU
# gives it (SEG6_CPUS on the command line, from vm.sh), with the SMP,
# preemption and tracing of the kernels people run (and PREEMPT_RT when
# it was built with it, RT=1).
set -eu
want_release=$(cat "$SEG6_BUILD/include/config/kernel.release")
want_id=$(readelf -n "$SEG6_BUILD/vmlinux" | sed -n 's/.*Build ID: \([0-9a-f]*\).*/\1/p')
notes=$(od -An -v -tx1 /sys/kernel/notes | tr -d ' \n')
echo "release: running $(uname -r), built $want_release"
echo "build id: built $want_id"
[ "$(uname -r)" = "$want_release" ] || { echo "FAIL: release differs"; exit 1; }
[ -n "$want_id" ] || { echo "FAIL: no build id in vmlinux"; exit 1; }
case "$notes" in
*"$want_id"*) echo "build id found in /sys/kernel/notes" ;;
*) echo "FAIL: running kernel's notes do not carry build id $want_id"; exit 1 ;;
esac
want_cpus=$(sed -n 's/.*SEG6_CPUS=\([0-9]*\).*/\1/p' /proc/cmdline)
echo "cpus: given $want_cpus, online $(nproc)"
[ -n "$want_cpus" ] || { echo "FAIL: no SEG6_CPUS on the command line"; exit 1; }
[ "$(nproc)" = "$want_cpus" ] || { echo "FAIL: the guest runs $(nproc) of its $want_cpus vCPUs"; exit 1; }
# full preemption: CONFIG_PREEMPT, or PREEMPT_RT (RT=1)
for opt in CONFIG_SMP=y CONFIG_PREEMPTION=y CONFIG_PREEMPT_RCU=y CONFIG_BPF_EVENTS=y; do
	grep -qx "$opt" "$SEG6_BUILD/.config" || { echo "FAIL: the kernel lacks $opt"; exit 1; }
done
echo "SMP, full preemption, preemptible tree RCU, BPF_EVENTS"
# RT=1's kernel (harness/config/rt.config) must run as one
if grep -qx CONFIG_PREEMPT_RT=y "$SEG6_BUILD/.config"; then
	case "$(uname -v)" in
	*PREEMPT_RT*) echo "PREEMPT_RT: $(uname -v)" ;;
	*) echo "FAIL: built with PREEMPT_RT, running $(uname -v)"; exit 1 ;;
	esac
fi
