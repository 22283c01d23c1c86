#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot out/build's bzImage under QEMU with the host root shared read-only
# over virtio-9p and RUNDIR shared read-write at the same path, and run
# RUNDIR/job.sh as the VM's only workload (harness/vm/init).  The VM powers
# off when the job ends; its exit status is left in RUNDIR/job.rc.
#
#   vm.sh RUNDIR TIMEOUT          run RUNDIR/job.sh, console to RUNDIR/console.log
#   vm.sh --interactive RUNDIR    a shell on the serial console
#
# KVM is used when /dev/kvm and the CPU's virtualisation flags are there,
# TCG otherwise.  VM_ICOUNT=1: one vCPU under single-threaded TCG whose
# clock advances 1 ns per guest instruction (-icount shift=0), so that a
# rate measured in the guest counts instructions, whatever the host does.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

interactive=0
if [ "${1:-}" = --interactive ]; then interactive=1; shift; fi
RUNDIR=$(realpath "$1")
TIMEOUT=${2:-600}
KERNEL=${VM_KERNEL:-$BUILD/arch/x86/boot/bzImage}

[ -f "$KERNEL" ] || die "no kernel at $KERNEL (run 'make kernel')"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing (run 'make deps')"

accel=$(vm_accel)
[ "${VM_ICOUNT:-0}" = 1 ] && accel=icount
case $accel in
kvm) ACCEL=(-accel kvm -cpu host) ;;
tcg) ACCEL=(-accel tcg,thread=multi -cpu max) ;;
icount)
	ACCEL=(-accel tcg,thread=single -icount shift=0,sleep=off,align=off -cpu max)
	VM_CPUS=1
	;;
*) die "VM_ACCEL=$accel: kvm or tcg" ;;
esac

APPEND="console=ttyS0 root=hostroot rootfstype=9p ro panic=-1 oops=panic"
APPEND+=" rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=loose"
APPEND+=" init=$ROOT/harness/vm/init SEG6_RUN=$RUNDIR SEG6_INTERACTIVE=$interactive"
# the vCPUs the guest is given, for kernel_identity to check it runs them
APPEND+=" SEG6_CPUS=${VM_CPUS:-2}"
# Under TCG the guest's TSC runs at the host's rate.  On a busy host the
# guest's calibration against the PIT fails, and with no HPET or PM timer
# (no ACPI) it falls back to the jiffies clocksource: timers then fire on
# 4 ms ticks, which delay measurement sees.  Tell it the rate instead,
# and that the TSC is reliable: the clocksource watchdog checks it against
# jiffies, whose ticks a busy host delays, and would otherwise mark it
# unstable and fall back to jiffies all the same.
if [ "$accel" = icount ]; then
	# the TSC counts the virtual clock: 1 GHz
	APPEND+=" tsc_early_khz=1000000 tsc=reliable"
elif [ "$accel" = tcg ] && grep -qw constant_tsc /proc/cpuinfo; then
	APPEND+=" tsc_early_khz=$(awk '/^cpu MHz/ { printf "%d", $4 * 1000; exit }' /proc/cpuinfo)"
	APPEND+=" tsc=reliable"
fi
APPEND+=" ${VM_APPEND:-}"

QEMU=(qemu-system-x86_64 "${ACCEL[@]}" -smp "${VM_CPUS:-2}" -m "${VM_MEM:-2048}"
	-kernel "$KERNEL" -append "$APPEND"
	-fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap
	-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot
	-fsdev local,id=run,path="$RUNDIR",security_model=none,multidevs=remap
	-device virtio-9p-pci,fsdev=run,mount_tag=seg6run
	-nic none -no-reboot -display none)

rm -f "$RUNDIR/job.rc"
if [ $interactive = 1 ]; then
	exec "${QEMU[@]}" -serial mon:stdio
fi
# The console goes to the log and, for progress, to our stdout.
set +e
timeout -k 10 "$TIMEOUT" "${QEMU[@]}" -serial stdio </dev/null 2>&1 |
	tee "$RUNDIR/console.log"
qemu_rc=${PIPESTATUS[0]}
set -e
[ "$qemu_rc" = 124 ] && { say "VM timed out after $TIMEOUT s"; exit 124; }
[ -f "$RUNDIR/job.rc" ] || { say "VM ended without finishing its job (crash or panic?)"; exit 125; }
exit "$(cat "$RUNDIR/job.rc")"
