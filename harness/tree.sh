#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build out/linux: the pinned base as the first commit of a git repository,
# our diffs from patches/ (in patches/series order) as one commit each, then
# the files the series adds (the overlay) as the last commit.  Re-running is
# cheap: nothing happens while the overlay and the patches are unchanged, and
# git only rewrites files whose content changed, so kbuild and ccache see
# small rebuilds.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

check_base() {
	local have
	have=$(dpkg-query -W -f '${Version}' "$BASE_PKG" 2>/dev/null || true)
	[ -n "$have" ] || die "$BASE_PKG $BASE_VERSION is not installed (run 'make deps')"
	[ "$have" = "$BASE_VERSION" ] ||
		die "$BASE_PKG is $have, the harness is pinned to $BASE_VERSION (run 'make deps')"
	[ -f "$BASE_TARBALL" ] || die "$BASE_TARBALL missing although $BASE_PKG is installed"
}

unpack_base() {
	local t0 tmp
	t0=$(date +%s)
	tmp=$OUT/linux.tmp
	step "unpacking $BASE_PKG $BASE_VERSION into $SRC"
	rm -rf "$tmp"
	mkdir -p "$tmp"
	tar -C "$tmp" --strip-components=1 -xf "$BASE_TARBALL"
	git -C "$tmp" init -q -b series
	# -f: Debian's tarball ignores everything at its top level.
	git -C "$tmp" add -A -f
	git -C "$tmp" -c user.name=seg6-bpf -c user.email=seg6-bpf@localhost \
		commit -q -m "base: $BASE_PKG $BASE_VERSION"
	git -C "$tmp" tag base
	echo "$BASE_VERSION" > "$tmp/.git/seg6-base-version"
	mv "$tmp" "$SRC"
	say "    unpacked in $(since "$t0") s"
}


input_stamp() {
	{
		echo "$BASE_VERSION"
		series_patches | while read -r p; do echo "$p"; cat "$ROOT/patches/$p"; done
		overlay_files | sort | while read -r f; do echo "$f"; cat "$ROOT/$f"; done
	} | sha256sum | cut -d' ' -f1
}

# Apply one diff with zero fuzz; on failure name the patch and the hunk.
apply_patch() {
	local p=$1 log
	[ -f "$ROOT/patches/$p" ] || die "patches/series names $p, which does not exist"
	if ! log=$(git_src apply --index --verbose "$ROOT/patches/$p" 2>&1); then
		say "$log" | grep -E 'error|Hunk|patch failed|does not' >&2 || true
		die "patch $p does not apply to $BASE_PKG $BASE_VERSION (hunk above)"
	fi
	patch_message "$ROOT/patches/$p" > "$SRC/.git/seg6-msg"
	git_src commit -q --allow-empty -F "$SRC/.git/seg6-msg" \
		--author="$(patch_author "$ROOT/patches/$p")"
}

main() {
	local stamp
	check_base
	mkdir -p "$OUT"
	[ -d "$SRC/.git" ] || unpack_base
	[ "$(cat "$SRC/.git/seg6-base-version" 2>/dev/null)" = "$BASE_VERSION" ] ||
		die "$SRC was made from another base; remove it (rm -rf $SRC) and re-run"
	stamp=$(input_stamp)
	if [ "$(cat "$SRC/.git/seg6-stamp" 2>/dev/null)" = "$stamp" ]; then
		say "    $SRC is up to date ($BASE_PKG $BASE_VERSION + our series)"
		return 0
	fi
	step "applying our series to $SRC"
	git_src checkout -q -f -B series base
	git_src clean -q -fdx
	series_patches | while read -r p; do apply_patch "$p"; done
	overlay_files | while read -r f; do
		mkdir -p "$SRC/$(dirname "$f")"
		cp -p "$ROOT/$f" "$SRC/$f"
		git_src add -f "$f"
	done
	git_src commit -q --allow-empty -m "seg6-bpf: files the series adds"
	echo "$stamp" > "$SRC/.git/seg6-stamp"
	say "    $(series_patches | wc -l) patch(es) and $(overlay_files | wc -l) file(s) on $BASE_PKG $BASE_VERSION"
}

main "$@"
