#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 120
#
# What the samples' four tools share: -h and --help print the same usage
# on stdout and exit 0; an option letter takes the same argument (or none)
# in every tool that has it; and each tool has a man page
# (samples/bpf/man/TOOL.rst, rendered by the samples' build into
# $SEG6_ST/samples/man/man8) that man renders without a warning and that
# documents what the tool's --help names: every option, and every literal
# word of the usage lines (verbs, keywords; placeholders are upper case).
set -u
MAN8=$SEG6_ST/samples/man/man8
TOOLS="seg6bpf segtrace srv6-dm srv6-hybrid"
failures=0

ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; failures=$((failures + 1)); }

# usage_words HELP: the options and the literal words of HELP's usage (its
# lines up to the first blank one, and the "OBJECT := ..." grammar)
usage_words() {
	{
		grep -oE '(^|[[ ])--?[a-zA-Z][a-z-]*' <<<"$1" | tr -d '[ '
		awk '/^$/ { if (seen) usage = 0 } /^Usage:/ { usage = seen = 1 } /:=/ { usage = 1 }
		     usage { print }' <<<"$1" |
			sed 's/^Usage://; s/[A-Z][A-Za-z_]*[A-Z][A-Za-z_]*//g' |
			grep -oE '(^|[^A-Za-z-])[a-z][a-z0-9-]+' | tr -d ' |[{,'
	} | sort -u
}

# options TOOL: "-x ARG" (or "-x") for each option its --help explains
options() {
	"$SEG6_ST/samples/$1" --help | sed -n 's/^\(-[a-zA-Z]\)\( [A-Z][A-Z]*\)\?  .*/\1\2/p'
}

shared=$(for tool in $TOOLS; do options "$tool"; done | sort -u |
	awk '{ n[$1]++; arg[$1] = arg[$1] " [" $0 "]" } END { for (o in n) if (n[o] > 1) print o arg[o] }')
n=$(for tool in $TOOLS; do options "$tool"; done | cut -d' ' -f1 | sort -u | grep -c .)
if [ -z "$shared" ] && [ "$n" -ge 8 ]; then
	ok "the $n option letters of the tools each take one kind of argument everywhere"
else
	bad "option letters that differ from tool to tool: $shared (of $n)"
fi

for tool in $TOOLS; do
	bin=$SEG6_ST/samples/$tool page=$MAN8/$tool.8
	help=$("$bin" --help 2>/tmp/man_pages.err)
	rc=$?
	if [ $rc = 0 ] && [ -n "$help" ] && [ ! -s /tmp/man_pages.err ] &&
	   [ "$("$bin" -h 2>/dev/null)" = "$help" ]; then
		ok "$tool: -h and --help print the usage on stdout, exit 0"
	else
		bad "$tool --help: exit $rc, stderr: $(cat /tmp/man_pages.err)"
	fi
	if [ ! -s "$page" ]; then
		bad "$tool: no man page at $page"
		continue
	fi
	text=$(MANWIDTH=200 man --warnings -l "$page" 2>/tmp/man_pages.err | col -b)
	if [ -n "$text" ] && [ ! -s /tmp/man_pages.err ]; then
		ok "$tool.8: man renders it without a warning"
	else
		bad "$tool.8: man says: $(cat /tmp/man_pages.err)"
	fi
	missing=
	while read -r word; do
		grep -qE -- "(^|[^A-Za-z0-9-])$word([^A-Za-z0-9-]|$)" <<<"$text" ||
			missing+=" $word"
	done < <(usage_words "$help")
	n=$(usage_words "$help" | grep -c .)
	if [ -z "$missing" ] && [ "$n" -ge 3 ]; then
		ok "$tool.8 documents the $n options and words of its usage"
	else
		bad "$tool.8 lacks what its usage names:$missing (of $n)"
	fi
done
exit $((failures > 0))
