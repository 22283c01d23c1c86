#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: run every test inside the VM and report TAP.
#
# Tests are harness/tests/*.sh (run as scripts; "# timeout: N" sets their
# limit) and every test_progs entry point of our prog_tests.  T=<glob>
# selects tests by name; SEG6_FUZZ_SEED=N replays a fuzz run.  The result is out/check/results.tap, closed by an
# "N passed, N failed" line, also printed last.  Exit status is non-zero on
# any failed, missing or timed-out test, on a kernel splat in the console
# (BUG/WARNING/Oops/KASAN/kmemleak/UBSAN/panic...) and on a VM crash.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ST=$OUT/selftests
CHECK=$OUT/check
RUN=$CHECK/run
TAP=$CHECK/results.tap
SPLATS='BUG:|WARNING:|Oops|KASAN|kmemleak: [0-9]+ new|unreferenced object|UBSAN|Kernel panic|general protection fault|rcu.*stall|INFO: task .* blocked|possible circular locking|Call Trace:'
FILTER=${T:-*}
PROG_TEST_TIMEOUT=300
DEFAULT_TIMEOUT=120

# name<TAB>timeout<TAB>command for every selected test.
manifest() {
	local f name tmo
	for f in "$ROOT"/harness/tests/*.sh; do
		name=$(basename "$f" .sh)
		# shellcheck disable=SC2053
		[[ $name == $FILTER ]] || continue
		tmo=$(sed -n 's/^# timeout: \([0-9]\+\)$/\1/p' "$f" | head -n1)
		printf '%s\t%s\tbash %s\n' "$name" "${tmo:-$DEFAULT_TIMEOUT}" "$f"
	done
	sed -n 's/^DEFINE_TEST(\(.*\))$/\1/p' "$ST/prog_tests/tests.h" | while read -r name; do
		# shellcheck disable=SC2053
		[[ $name == $FILTER ]] || continue
		printf '%s\t%s\t%s %s %s\n' "$name" "$PROG_TEST_TIMEOUT" \
			"$ROOT/harness/vm/test-progs.sh" "$ST" "$name"
	done
}

write_job() {
	cat > "$RUN/job.sh" <<JOB
export SEG6_ROOT=$ROOT SEG6_SRC=$SRC SEG6_BUILD=$BUILD SEG6_ST=$ST
${SEG6_FUZZ_SEED:+export SEG6_FUZZ_SEED=$SEG6_FUZZ_SEED}
echo "seg6-bpf check: \$(uname -r) \$(uname -v)"
bash "$ROOT/harness/vm/run-tests.sh" "$RUN/manifest"
rc=\$?
# a debug kernel: report leaks now, on the console the scan below reads
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan > /sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak > /dev/console
	echo "seg6-bpf check: kmemleak scan done" > /dev/console
fi
exit \$rc
JOB
}

# Final TAP: the VM's lines, tests the VM never reached, and the console scan.
assemble() {
	local vm_rc=$1 n i=0 name line splats
	n=$(( $(grep -c . "$RUN/manifest") + 1 ))
	{
		echo "TAP version 13"
		echo "1..$n"
		while IFS=$'\t' read -r name _; do
			i=$((i + 1))
			line=$(grep -E "^(not )?ok $i - $name( |$)" "$RUN/results.vm.tap" 2>/dev/null || true)
			if [ -n "$line" ]; then
				echo "$line"
			else
				echo "not ok $i - $name # not run: the VM ended early (status $vm_rc)"
			fi
		done < "$RUN/manifest"
		splats=$(grep -aE "$SPLATS" "$RUN/console.log" | grep -avE 'Command line:' || true)
		if [ -z "$splats" ] && [ "$vm_rc" = 0 ]; then
			echo "ok $n - kernel console clean and VM exited normally"
		else
			echo "not ok $n - kernel console clean and VM exited normally # VM status $vm_rc"
			[ -z "$splats" ] || printf '%s\n' "$splats" | head -n 20 | sed 's/^/  # /'
		fi
	} > "$TAP"
}

report() {
	local passed failed
	passed=$(grep -c '^ok ' "$TAP" || true)
	failed=$(grep -c '^not ok ' "$TAP" || true)
	{ grep -E '^not ok ' "$TAP" || true; } | while read -r _ _ _ _ name _; do
		[ -f "$RUN/logs/$name.log" ] || continue
		say "---- log of $name (last 60 lines) ----"
		tail -n 60 "$RUN/logs/$name.log" >&2
	done
	if [ "$1" != 0 ] || grep -qE "^not ok .* - kernel console clean" "$TAP"; then
		say "---- VM console (last 60 lines) ----"
		tail -n 60 "$RUN/console.log" >&2
	fi
	# what tests report besides pass/fail: benchmark figures, fuzz seeds, churn
	cat "$RUN"/logs/*.log 2>/dev/null | grep -hE '^(bench|fuzz|churn): ' | sed 's/^/    /' >&2 || true
	echo "$passed passed, $failed failed" >> "$TAP"
	cat "$TAP"
	[ "$failed" = 0 ]
}

main() {
	local t0 tmo vm_rc=0
	t0=$(date +%s)
	rm -rf "$RUN"
	mkdir -p "$RUN"
	manifest > "$RUN/manifest"
	[ -s "$RUN/manifest" ] || die "no test matches T=$FILTER"
	write_job
	tmo=$(awk -F'\t' '{ s += $2 + 10 } END { print s + 120 }' "$RUN/manifest")
	step "booting $(cat "$BUILD/include/config/kernel.release") in QEMU for $(wc -l < "$RUN/manifest") test(s) (limit $tmo s)"
	"$ROOT/harness/vm.sh" "$RUN" "$tmo" > "$CHECK/vm.out" 2>&1 || vm_rc=$?
	grep -aE '^\[[0-9]+/[0-9]+\]|^(not )?ok ' "$CHECK/vm.out" | sed 's/^/    /' >&2 || true
	# vm.sh reports the job's own status; the job (the runner) always exits 0
	# unless it crashed, so anything else is a VM failure.
	assemble "$vm_rc"
	say "    VM run took $(since "$t0") s"
	report "$vm_rc"
}

main "$@"
