#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 900
#
# Upstream's own SRv6 selftests, unmodified: every
# tools/testing/selftests/net/srv6_*.sh of the base tree (out/linux), run
# from their directory as kselftest runs them.  They cover the seg6local
# behaviours our diffs to seg6_local.c touch (decapsulation, VRFs,
# netfilter, flavors) and the seg6 encapsulations.  Each script prints its
# own "Tests passed/failed" summary; this one fails if any script does not
# exit 0 (a kselftest skip, 4, counts as a failure: a missing kernel option
# or tool is a harness bug here).
cd "$SEG6_SRC/tools/testing/selftests/net" || exit 1

failed=0
for t in srv6_*.sh; do
	t0=$(date +%s)
	bash "./$t" > "/tmp/$t.log" 2>&1
	rc=$?
	summary=$(sed -n 's/^Tests \(passed\|failed\): *\([0-9]\+\)$/\1 \2/p' "/tmp/$t.log" |
		  paste -sd' ')
	echo "$t: exit $rc, ${summary:-no summary}, $(( $(date +%s) - t0 )) s"
	if [ "$rc" != 0 ]; then
		failed=$((failed + 1))
		grep -v '\[ OK \]' "/tmp/$t.log" | tail -n 40
	fi
done
echo "upstream SRv6 selftests: $(ls srv6_*.sh | wc -l) scripts, $failed failed"
[ "$failed" = 0 ]
