#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make series`: out/series/, the patch series for netdev/bpf.  The patches
# are built on the base as harness/series/plan groups our diffs and files
# (a patch per logical change, not per file), committed to branch
# "upstream" of out/linux without touching its work tree, checked to end
# on the very tree `make tree` builds, and written out by git format-patch
# with the cover letter of harness/series/cover.txt.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PLAN=$ROOT/harness/series/plan
SERIES=$OUT/series
PREFIX=${PREFIX:-PATCH bpf-next}
DEFAULT_AUTHOR="seg6-bpf <seg6-bpf@localhost>"

INDEX=$(mktemp)
MSG=$(mktemp)
trap 'rm -f "$INDEX" "$MSG"' EXIT
# an index of its own: out/linux's work tree and index stay as they are
gidx() { GIT_INDEX_FILE=$INDEX git_src "$@"; }

# Words after each "KEYWORD" line of the plan, one per line.
plan_words() { sed -n "s/^$1 //p" "$PLAN" | tr ' ' '\n' | sed '/^$/d'; }

# Each diff of patches/series and each file of ours in exactly one patch.
check_coverage() {
	local used missing twice
	used=$(plan_words diff | sort)
	missing=$(comm -23 <(series_patches | sort) <(echo "$used" | sort -u))
	twice=$(echo "$used" | uniq -d)
	[ -z "$missing" ] || die "harness/series/plan leaves out: $missing"
	[ -z "$twice" ] || die "harness/series/plan uses twice: $twice"
	# shellcheck disable=SC2086
	used=$(sed -n 's/^files //p' "$PLAN" | while read -r p; do overlay_files $p; done | sort)
	missing=$(comm -23 <(overlay_files | sort) <(echo "$used" | sort -u))
	twice=$(echo "$used" | uniq -d)
	[ -z "$missing" ] || die "harness/series/plan leaves out: $missing"
	[ -z "$twice" ] || die "harness/series/plan names twice: $twice"
}

# Our MAINTAINERS fragment is the section the series leaves in MAINTAINERS.
check_maintainers() {
	local title
	title=$(head -n1 "$ROOT/MAINTAINERS")
	git_src show series:MAINTAINERS | sed -n "/^$title\$/,/^\$/p" | sed '/^$/d' |
		diff - "$ROOT/MAINTAINERS" >/dev/null ||
		die "MAINTAINERS differs from the section the MAINTAINERS-* diffs build"
}

add_files() {
	local f blob mode
	overlay_files "$@" | while read -r f; do
		blob=$(git_src hash-object -w --path="$f" "$ROOT/$f")
		mode=100644
		[ ! -x "$ROOT/$f" ] || mode=100755	# selftest scripts
		gidx update-index --add --cacheinfo "$mode,$blob,$f"
	done
}

# Commit the index on $1 with the message of the current block; print it.
commit_block() {
	local parent=$1 source=$2 author=$DEFAULT_AUTHOR tree
	case "$source" in
	patches/*) patch_message "$ROOT/$source" > "$MSG"
		   author=$(patch_author "$ROOT/$source") ;;
	*) cp "$ROOT/harness/series/$source" "$MSG" ;;
	esac
	tree=$(gidx write-tree)
	GIT_AUTHOR_NAME=${author% <*} GIT_AUTHOR_EMAIL=$(echo "$author" | sed 's/.*<\(.*\)>/\1/') \
		git_src commit-tree "$tree" -p "$parent" -F "$MSG"
}

build_commits() {
	local head keyword args message=
	head=$(git_src rev-parse base)
	gidx read-tree base
	while read -r keyword args; do
		case "$keyword" in
		""|"#"*) continue ;;
		message)
			[ -z "$message" ] || head=$(commit_block "$head" "$message")
			message=$args ;;
		diff)
			gidx apply --cached "$ROOT/patches/$args" ||
				die "patches/$args does not apply at its place in harness/series/plan" ;;
		files)
			# shellcheck disable=SC2086
			add_files $args ;;
		*) die "harness/series/plan: unknown keyword '$keyword'" ;;
		esac
	done < "$PLAN"
	head=$(commit_block "$head" "$message")
	[ "$(git_src rev-parse "$head^{tree}")" = "$(git_src rev-parse "series^{tree}")" ] ||
		die "the series does not end on the tree of 'make tree' (git -C $SRC diff series $head)"
	git_src branch -f upstream "$head"
}

write_series() {
	local cover subject
	rm -rf "$SERIES"
	git_src format-patch -q --cover-letter --subject-prefix="$PREFIX" \
		-o "$SERIES" base..upstream
	cover=$SERIES/0000-cover-letter.patch
	subject=$(head -n1 "$ROOT/harness/series/cover.txt")
	sed -i "s|\*\*\* SUBJECT HERE \*\*\*|$subject|" "$cover"
	sed -i -e "/\*\*\* BLURB HERE \*\*\*/{r /dev/stdin" -e "d}" "$cover" \
		< <(tail -n +3 "$ROOT/harness/series/cover.txt")
}

main() {
	"$ROOT/harness/tree.sh"
	step "building the upstream series from harness/series/plan"
	check_coverage
	check_maintainers
	build_commits
	write_series
	say "    $(git_src rev-list --count base..upstream) patches in $SERIES (branch 'upstream' of $SRC)"
	git_src log --format='    %s' --reverse base..upstream >&2
}

main "$@"
