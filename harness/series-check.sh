#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make series-check`: what a maintainer runs before reading the series.
#   1. checkpatch.pl --strict on every patch: no error, warning or check;
#   2. kernel-doc -none -Wall on our kernel sources: no report;
#   3. the networking Sphinx docs build with no warning from our page;
#   4. at every patch, out/linux checked out there (and put back after):
#      the kernel and the BPF objects build (out/build-series,
#      out/series-st), and sparse (C=2) and W=1 on the objects the series
#      touches report nothing the previous patch (or the base) did not;
#   5. at the tip, `make configs`: the build matrix (harness/configs.sh).
# Slow (a kernel build per patch): not part of `make check`.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
# Debian's python3, which has the modules of checkpatch's spdxcheck.py
PATH=/usr/bin:$PATH

SERIES=$OUT/series
OUR_KERNEL_SOURCES="net/ipv6/seg6_bpf.c net/ipv6/seg6_bpf_helpers.c net/ipv6/seg6_bpf_kfuncs.c
	include/net/seg6_bpf.h tools/lib/bpf/seg6local.c"
# objects built from the files our diffs and files touch
OBJECTS="net/ipv6/seg6_bpf.o net/ipv6/seg6_bpf_helpers.o net/ipv6/seg6_bpf_kfuncs.o
	net/ipv6/seg6_local.o net/ipv6/seg6.o net/bpf/test_run.o"
failed=0
t0=$(date +%s)

fail() { say "FAIL: $*"; failed=$((failed + 1)); }

# checkpatch asks "does MAINTAINERS need updating?" of every patch that
# adds a file.  A fix's selftest adds files under a selftests directory
# the base's MAINTAINERS already lists (F: tools/testing/selftests/bpf/):
# no update is due there, and the question is not asked of a patch whose
# new files are all such selftests.
new_files_maintained() {
	local f d maintained
	maintained=$(git_src show base:MAINTAINERS | sed -n 's/^F:[[:space:]]*//p')
	! grep -q '^ rename ' "$1" || return 1
	for f in $(sed -n 's/^ \(create\|delete\) mode [0-7]* //p' "$1"); do
		case "$f" in tools/testing/selftests/*) ;; *) return 1 ;; esac
		d=$f
		while [[ $d == */* ]]; do
			d=${d%/*}
			grep -qxF "$d/" <<<"$maintained" && continue 2
		done
		return 1
	done
}

check_patches() {
	local p out ignore
	step "checkpatch --strict on $(ls "$SERIES"/*/0*.patch | grep -vc 0000-) patches"
	for p in "$SERIES"/*/0*.patch; do
		case "$p" in *0000-cover-letter.patch) continue ;; esac
		# out/linux has no mainline history, so every Fixes: id is
		# "unknown" to it; the id's form and subject are still checked.
		# BIT(): include/linux/btf.h writes every KF_* flag (1 << n),
		# and KF_CHANGES_PKT follows its neighbours.
		ignore=UNKNOWN_COMMIT_ID,BIT_MACRO
		! new_files_maintained "$p" || ignore+=,FILE_PATH_CHANGES
		out=$(cd "$SRC" && scripts/checkpatch.pl --strict --quiet \
			--ignore "$ignore" "$p" || true)
		if [ -n "$out" ]; then
			fail "checkpatch: ${p#"$SERIES"/}"
			say "$out"
		fi
	done
}

check_kernel_doc() {
	local out
	step "kernel-doc -none -Wall on $OUR_KERNEL_SOURCES"
	# shellcheck disable=SC2086
	out=$(cd "$SRC" && scripts/kernel-doc -none -Wall $OUR_KERNEL_SOURCES 2>&1 || true)
	[ -z "$out" ] || { fail "kernel-doc"; say "$out"; }
}

# sparse and W=1 reports on the objects of the checked-out tree, without
# positions (so that moved lines compare equal), one line each, sorted.
STATIC_BUILD=$OUT/build-static
static_reports() {
	local o
	mkdir -p "$STATIC_BUILD"
	cp "$BUILD/.config" "$STATIC_BUILD/.config"
	make -s -C "$SRC" O="$STATIC_BUILD" CC="ccache gcc" olddefconfig >/dev/null
	make -s -C "$SRC" O="$STATIC_BUILD" CC="ccache gcc" -j"$JOBS" prepare >/dev/null 2>&1
	for o in $OBJECTS; do
		[ -f "$SRC/${o%.o}.c" ] || continue
		make -s -C "$SRC" O="$STATIC_BUILD" CC="ccache gcc" C=2 W=1 "$o" 2>&1 || true
	done | sed -e "s|$SRC/||" -e 's/:[0-9]\+:[0-9]\+:/:/' | known_kfunc_reports | sort
}

# Kfuncs are global without a prototype by design (BTF names them;
# __bpf_kfunc_start_defs() silences the compiler about it, not sparse),
# as every kfunc upstream; the cover letter says so.
known_kfunc_reports() {
	grep -v "^net/ipv6/seg6_bpf_kfuncs.c: warning: symbol 'bpf_seg6_[a-z_]*' was not declared. Should it be static?$" || true
}

check_docs() {
	local out
	step "Sphinx: make SPHINXDIRS=networking htmldocs"
	out=$(make -s -C "$SRC" O="$OUT/build-docs" SPHINXDIRS=networking htmldocs 2>&1 || true)
	if grep -E 'seg6-bpf|ERROR' <<<"$out" | grep -qiE 'warning|error'; then
		fail "htmldocs"
		grep -iE 'seg6-bpf|ERROR' <<<"$out" >&2
	fi
	[ -f "$OUT/build-docs/Documentation/output/networking/seg6-bpf.html" ] ||
		fail "htmldocs: no seg6-bpf.html"
}

stamp_saved=
restore_tree() {
	git_src checkout -q -f series
	[ -z "$stamp_saved" ] || echo "$stamp_saved" > "$SRC/.git/seg6-stamp"
}

check_bisect() {
	local c n=0 total new
	total=$(git_src rev-list --count base..upstream)
	# while out/linux is elsewhere, `make tree` must not trust it
	stamp_saved=$(cat "$SRC/.git/seg6-stamp")
	rm -f "$SRC/.git/seg6-stamp"
	trap restore_tree EXIT
	step "sparse and W=1 at the base: $OBJECTS"
	git_src checkout -q -f --detach base
	static_reports > "$STATIC_BUILD.before"
	say "    $(grep -c . "$STATIC_BUILD.before" || true) report line(s) from upstream code"
	for c in $(git_src rev-list --reverse base..upstream); do
		n=$((n + 1))
		step "bisect $n/$total: $(git_src log -1 --format=%s "$c")"
		git_src checkout -q -f --detach "$c"
		BUILD=$OUT/build-series "$ROOT/harness/kernel.sh" ||
			{ fail "patch $n does not build the kernel"; continue; }
		BUILD=$OUT/build-series ST=$OUT/series-st "$ROOT/harness/selftests.sh" ||
			fail "patch $n does not build the BPF objects and test_progs"
		static_reports > "$STATIC_BUILD.after"
		new=$(comm -13 "$STATIC_BUILD.before" "$STATIC_BUILD.after")
		[ -z "$new" ] || { fail "patch $n: new sparse or W=1 reports"; say "$new"; }
		mv "$STATIC_BUILD.after" "$STATIC_BUILD.before"
	done
	restore_tree
	trap - EXIT
}

main() {
	"$ROOT/harness/series.sh"
	check_patches
	check_kernel_doc
	check_docs
	check_bisect
	"$ROOT/harness/configs.sh" || fail "configs"
	say "series-check: $failed failure(s) in $(since "$t0") s"
	[ "$failed" = 0 ]
}

main "$@"
