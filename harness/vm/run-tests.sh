#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the VM: every test of MANIFEST (lines "name<TAB>timeout<TAB>
# command") in order, each with its own timeout and log, writing TAP to
# results.vm.tap in the current directory.  A test passes when its command
# exits 0 and printed something; a command that printed nothing, timed out,
# or exited with 4 (kselftest's "skip") fails.
manifest=$1
mkdir -p logs
n=$(grep -c . "$manifest")
echo "TAP version 13" > results.vm.tap
echo "1..$n" >> results.vm.tap
i=0
while IFS=$'\t' read -r name tmo cmd; do
	i=$((i + 1))
	log=logs/$name.log
	t0=$(date +%s)
	printf '[%d/%d] %s ...\n' "$i" "$n" "$name" > /dev/console
	timeout -k 5 "$tmo" bash -c "$cmd" > "$log" 2>&1 < /dev/null
	rc=$?
	dt=$(( $(date +%s) - t0 ))
	why=
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		why="timed out after $tmo s"
	elif [ $rc = 4 ]; then
		why="skipped (exit 4): skips count as failures here"
	elif [ $rc != 0 ]; then
		why="exit status $rc"
	elif [ ! -s "$log" ]; then
		why="printed nothing"
	fi
	if [ -z "$why" ]; then
		line="ok $i - $name # ${dt}s"
	else
		line="not ok $i - $name # ${dt}s, $why"
	fi
	echo "$line" >> results.vm.tap
	echo "$line" > /dev/console
	sync
done < "$manifest"
