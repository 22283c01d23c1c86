#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: boot the VM and run the end-to-end scenarios (harness/demo/):
# End.BPF hops decoded, delay measurement, ECMP network discovery, then
# hybrid access.
# The console shows the scenario's own output; the full log is kept in
# out/demo/console.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

RUN=$OUT/demo
rm -rf "$RUN"
mkdir -p "$RUN"
cat > "$RUN/job.sh" <<JOB
export SEG6_ROOT=$ROOT SEG6_SRC=$SRC SEG6_BUILD=$BUILD SEG6_ST=$OUT/selftests
bash "$ROOT/harness/demo/chain.sh" && bash "$ROOT/harness/demo/dm.sh" &&
	bash "$ROOT/harness/demo/segtrace.sh" && bash "$ROOT/harness/demo/hybrid.sh"
JOB
step "booting $(cat "$BUILD/include/config/kernel.release") in QEMU for the demo (TCG takes a minute)"
VM_APPEND="quiet" "$ROOT/harness/vm.sh" "$RUN" 600 && rc=0 || rc=$?
if [ $rc = 0 ]; then
	say "demo passed; console log in $RUN/console.log"
else
	say "demo failed (status $rc); console log in $RUN/console.log"
fi
exit $rc
