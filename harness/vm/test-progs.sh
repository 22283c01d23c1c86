#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run one test_progs test inside the VM; a skipped subtest fails the run so
# that "passed" always means "ran and passed".
# Usage: test-progs.sh SELFTESTS_OUTPUT_DIR TEST_NAME
set -o pipefail
cd "$1" || exit 1
# -v: the log keeps what passing tests print (fuzz seeds, bench: lines)
out=$(./test_progs -v -a "$2" 2>&1)
rc=$?
printf '%s\n' "$out"
[ $rc = 0 ] || exit $rc
summary=$(printf '%s\n' "$out" | grep '^Summary:' | tail -n 1)
case "$summary" in
"") echo "no test_progs summary"; exit 1 ;;
*" 0 SKIPPED"*) exit 0 ;;
*) echo "skipped subtests: $summary"; exit 1 ;;
esac
