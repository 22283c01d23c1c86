#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: run every test inside the VM and report TAP.
#
# Tests are harness/tests/*.sh (run as scripts; "# timeout: N" sets their
# limit) and every test_progs entry point of our prog_tests.  They share
# one VM, but for scripts with "# append: ARGS": those boot their own VM,
# with ARGS on the kernel command line (ipv6.disable=1...), one VM per
# distinct ARGS; "# prog_test: NAME" there claims a prog_test for it.
# Scripts with "# where: host" run on the host after the VMs, for what a
# guest cannot do itself (booting VMs of another kind).  T=<glob>
# selects tests by name; SEG6_FUZZ_SEED=N replays a fuzz run.  The result is
# out/check/results.tap, closed by an "N passed, N failed" line and printed;
# after it come the logs of failed tests and a last line naming them.  Exit
# status is non-zero on
# any failed, missing or timed-out test, on a kernel splat in the console
# (BUG/WARNING/Oops/KASAN/kmemleak/UBSAN/panic...) and on a VM crash.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ST=$OUT/selftests
CHECK=$OUT/check
RUN=$CHECK/run
TAP=$CHECK/results.tap
FILTER=${T:-*}
PROG_TEST_TIMEOUT=300
DEFAULT_TIMEOUT=120
# A debug kernel (KASAN, lockdep) under TCG runs several times slower:
# every limit is multiplied by TIMEOUT_SCALE (4 with DEBUG=1, 2 with RT=1).
if [ -z "${TIMEOUT_SCALE:-}" ]; then
	case "$BUILD" in *-debug) TIMEOUT_SCALE=4 ;; *-rt) TIMEOUT_SCALE=2 ;; *) TIMEOUT_SCALE=1 ;; esac
fi

# The kernel command line a test script's VM appends ("" for the shared VM).
append_of() { sed -n 's/^# append: //p' "$1" | head -n1; }
on_host() { grep -qx '# where: host' "$1"; }

# The selected test scripts that run on the host.
host_tests() {
	local f
	for f in "$ROOT"/harness/tests/*.sh; do
		[[ $(basename "$f" .sh) == $FILTER ]] && on_host "$f" && echo "$f"
	done
	return 0
}

# The distinct command lines of the selected tests' VMs, "" (shared) first.
groups() {
	local f name
	echo ""
	for f in "$ROOT"/harness/tests/*.sh; do
		name=$(basename "$f" .sh)
		# shellcheck disable=SC2053
		[[ $name == $FILTER ]] || continue
		on_host "$f" || append_of "$f"
	done | sed '/^$/d' | sort -u
}

# name<TAB>timeout<TAB>command for every selected test of the VM booted
# with command line $1.
manifest() {
	local f name tmo claimed
	for f in "$ROOT"/harness/tests/*.sh; do
		name=$(basename "$f" .sh)
		# shellcheck disable=SC2053
		[[ $name == $FILTER ]] || continue
		! on_host "$f" || continue
		[ "$(append_of "$f")" = "$1" ] || continue
		tmo=$(sed -n 's/^# timeout: \([0-9]\+\)$/\1/p' "$f" | head -n1)
		printf '%s\t%s\tbash %s\n' "$name" $(( ${tmo:-$DEFAULT_TIMEOUT} * TIMEOUT_SCALE )) "$f"
	done
	[ -z "$1" ] || return 0
	claimed=$(sed -n 's/^# prog_test: //p' "$ROOT"/harness/tests/*.sh)
	sed -n 's/^DEFINE_TEST(\(.*\))$/\1/p' "$ST/prog_tests/tests.h" | while read -r name; do
		# shellcheck disable=SC2053
		[[ $name == $FILTER ]] || continue
		grep -qxF "$name" <<< "$claimed" && continue
		printf '%s\t%s\t%s %s %s\n' "$name" $(( PROG_TEST_TIMEOUT * TIMEOUT_SCALE )) \
			"$ROOT/harness/vm/test-progs.sh" "$ST" "$name"
	done
}

write_job() {
	local RUN=$1
	cat > "$RUN/job.sh" <<JOB
export SEG6_ROOT=$ROOT SEG6_SRC=$SRC SEG6_BUILD=$BUILD SEG6_ST=$ST SEG6_TIMEOUT_SCALE=$TIMEOUT_SCALE
# the heavy loops (fuzz, churn, program replacements) in full
export SEG6_HEAVY=1
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

# TAP lines of one VM's run (directory $1, VM status $2, command line $3),
# numbered from $4 + 1: its tests' lines, tests it never reached, and the
# scan of its console.
assemble_run() {
	local run=$1 vm_rc=$2 append=$3 k=$4 i=0 name line splats what
	what="kernel console clean and VM exited normally${append:+ (booted with $append)}"
	while IFS=$'\t' read -r name _; do
		i=$((i + 1))
		k=$((k + 1))
		line=$(grep -E "^(not )?ok $i - $name( |$)" "$run/results.vm.tap" 2>/dev/null || true)
		if [ -n "$line" ]; then
			echo "$line" | sed "s/^\(\(not \)\?ok\) $i /\1 $k /"
		else
			echo "not ok $k - $name # not run: the VM ended early (status $vm_rc)"
		fi
	done < "$run/manifest"
	k=$((k + 1))
	splats=$(grep -aE "$SPLATS" "$run/console.log" | grep -avE 'Command line:' || true)
	if [ -z "$splats" ] && [ "$vm_rc" = 0 ]; then
		echo "ok $k - $what"
	else
		echo "not ok $k - $what # VM status $vm_rc"
		[ -z "$splats" ] || printf '%s\n' "$splats" | head -n 20 | sed 's/^/  # /'
	fi
}

report() {
	local passed failed
	passed=$(grep -c '^ok ' "$TAP" || true)
	failed=$(grep -c '^not ok ' "$TAP" || true)
	# what tests report besides pass/fail: benchmark figures, fuzz seeds, churn
	cat "$RUN"/logs/*.log "$RUN"-*/logs/*.log 2>/dev/null | grep -hE '^(bench|fuzz|churn): ' | sed 's/^/    /' >&2 || true
	echo "$passed passed, $failed failed" >> "$TAP"
	cat "$TAP"
	# Why a test failed comes last: a CI log that keeps only its head and
	# tail still shows it.
	{ grep -E '^not ok ' "$TAP" || true; } | while read -r _ _ _ _ name _; do
		for log in "$RUN"/logs/"$name".log "$RUN"-*/logs/"$name".log "$CHECK/host/logs/$name.log"; do
			[ -f "$log" ] || continue
			say "---- log of $name (last 30 lines) ----"
			tail -n 30 "$log" >&2
			# the failed checks with their detail: the tail of a long
			# test's log may hold only passing ones
			say "---- failed checks of $name ----"
			awk '/^not ok|:FAIL/ {n = 6} n-- > 0 && ++m <= 30' "$log" >&2
		done
	done
	for run in "$RUN" "$RUN"-*; do
		[ -f "$run/tap" ] && grep -qE "^not ok .* - kernel console clean" "$run/tap" || continue
		say "---- VM console of $(basename "$run") (last 40 lines) ----"
		tail -n 40 "$run/console.log" >&2
	done
	[ "$failed" = 0 ] || say "check: $failed failed: $(sed -n 's/^not ok [0-9]* - //; T; s/ #.*//; p' "$TAP" | paste -sd ';' | sed 's/;/; /g')"
	[ "$failed" = 0 ]
}

# Boot one VM with command line $2 for the tests of its manifest, in run
# directory $1; its TAP lines go to $1/tap, numbered from $3 + 1.
run_vm() {
	local run=$1 append=$2 tmo vm_rc=0
	mkdir -p "$run"
	write_job "$run"
	tmo=$(awk -F'\t' '{ s += $2 + 10 } END { print s + 120 }' "$run/manifest")
	step "booting $(cat "$BUILD/include/config/kernel.release")${append:+ with $append} in QEMU for $(wc -l < "$run/manifest") test(s) (limit $tmo s)"
	VM_APPEND="${VM_APPEND:-} $append" "$ROOT/harness/vm.sh" "$run" "$tmo" > "$run/vm.out" 2>&1 || vm_rc=$?
	grep -aE '^\[[0-9]+/[0-9]+\]|^(not )?ok ' "$run/vm.out" | sed 's/^/    /' >&2 || true
	# vm.sh reports the job's own status; the job (the runner) always exits 0
	# unless it crashed, so anything else is a VM failure.
	assemble_run "$run" "$vm_rc" "$append" "$3" > "$run/tap"
}

# run_host_tests K: the host scripts as TAP lines K+1...
run_host_tests() {
	local k=$1 f name tmo rc t0 why
	mkdir -p "$CHECK/host/logs"
	while read -r f; do
		k=$((k + 1))
		name=$(basename "$f" .sh)
		tmo=$(( $(sed -n 's/^# timeout: \([0-9]\+\)$/\1/p' "$f" | head -n1) * TIMEOUT_SCALE ))
		step "on the host: $name (limit $tmo s)"
		t0=$(date +%s)
		rc=0
		timeout -k 10 "$tmo" bash "$f" > "$CHECK/host/logs/$name.log" 2>&1 < /dev/null || rc=$?
		case $rc in
		0) why= ;;
		124|137) why=", timed out after $tmo s" ;;
		*) why=", exit status $rc" ;;
		esac
		echo "$([ -z "$why" ] || echo "not ")ok $k - $name # $(since "$t0")s$why"
	done < <(host_tests)
}

main() {
	local t0 run append n=0 k=0 i=0
	t0=$(date +%s)
	rm -rf "$CHECK"
	mkdir -p "$RUN"
	# one run directory per VM: $RUN for the shared one, $RUN-N for others
	while read -r append; do
		run=$RUN
		[ "$i" = 0 ] || run=$RUN-$i
		i=$((i + 1))
		mkdir -p "$run"
		manifest "$append" > "$run/manifest"
		[ -s "$run/manifest" ] || continue
		echo "$append" > "$run/append"
		n=$(( n + $(wc -l < "$run/manifest") + 1 ))
	done < <(groups)
	n=$(( n + $(host_tests | grep -c . || true) ))
	[ "$n" -gt 0 ] || die "no test matches T=$FILTER"
	for run in "$RUN" "$RUN"-*; do
		[ -s "$run/manifest" ] || continue
		run_vm "$run" "$(cat "$run/append")" "$k"
		k=$(( k + $(wc -l < "$run/manifest") + 1 ))
	done
	run_host_tests "$k" > "$CHECK/host.tap"
	{
		echo "TAP version 13"
		echo "1..$n"
		for run in "$RUN" "$RUN"-*; do
			[ -s "$run/tap" ] && cat "$run/tap"
		done
		cat "$CHECK/host.tap"
	} > "$TAP"
	say "    VM runs took $(since "$t0") s"
	report
}

main "$@"
