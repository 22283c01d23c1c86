#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make series`: out/series/TREE/, a patch series per target tree (net,
# bpf, bpf-next), each with its own cover letter.  The patches are built
# on the base as harness/series/plan groups our diffs and files (a patch
# per logical change, not per file), committed to branch "upstream" of
# out/linux without touching its work tree, checked to end on the very
# tree `make tree` builds, and written out by git format-patch, tree by
# tree, with the cover letter of harness/series/cover-TREE.txt.  The fixes
# trees (net, bpf) are checked patch by patch: each applies to the base
# alone, and each that is not a selftest carries a Fixes: tag.
#
# From: and Signed-off-by: are the submitter's git identity (user.name and
# user.email, or GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL); an unset or
# placeholder identity is refused.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PLAN=$ROOT/harness/series/plan
SERIES=$OUT/series
FIXES_TREES="net bpf"
# The maintainer our MAINTAINERS section names in this repository; the
# series names the submitter instead.
MAINTAINER_PLACEHOLDER="seg6-bpf developers <seg6-bpf@localhost>"

INDEX=$(mktemp)
MSG=$(mktemp)
trap 'rm -f "$INDEX" "$MSG"' EXIT
# an index of its own: out/linux's work tree and index stay as they are
gidx() { GIT_INDEX_FILE=$INDEX git_src "$@"; }

# Why the email of "Name <email>" $1 cannot receive review, if it cannot:
# no domain, a name reserved for examples, tests or local use (RFC 2606,
# RFC 6761), or a no-reply address.
placeholder_email() {
	local email=${1##*<} domain
	email=${email%>}
	domain=$(tr 'A-Z' 'a-z' <<<"${email#*@}")
	case "$email" in
	*@*.*) ;;
	*) echo "no domain"; return ;;
	esac
	case "$domain" in
	localhost|*.localhost|*.localdomain|*.local|*.lan|*.internal|*.home.arpa|\
	example|*.example|*.invalid|*.test|\
	example.com|*.example.com|example.net|*.example.net|example.org|*.example.org)
		echo "$domain is reserved, no one reads it" ;;
	esac
	case "$(tr 'A-Z' 'a-z' <<<"$email")" in
	*noreply*|*no-reply*) echo "a no-reply address cannot receive review" ;;
	esac
}

# The submitter, "Name <email>", from git; dies on a placeholder.
submitter() {
	local ident why
	# not one git makes up from the host's name
	ident=$(git -C "$ROOT" -c user.useConfigOnly=true var GIT_AUTHOR_IDENT 2>/dev/null |
		sed 's/> .*/>/') || true
	why=$(placeholder_email "$ident" | sed ':a;N;$!ba;s/\n/; /g')
	case "$ident" in
	""|" <"*|"<"*) why="no name" ;;
	esac
	[ -z "$why" ] ||
		die "the series needs your identity for From: and Signed-off-by: ($why: '$ident'); set it with: git config user.name 'Your Name'; git config user.email you@your.domain"
	echo "$ident"
}

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

# Commit the index on $1 with the message of the current block, signed
# off by the submitter alone; print it.
commit_block() {
	local parent=$1 source=$2 tree
	case "$source" in
	patches/*) patch_message "$ROOT/$source" ;;
	*) cat "$ROOT/harness/series/$source" ;;
	esac | sed '/^Signed-off-by: /d' > "$MSG"
	printf 'Signed-off-by: %s\n' "$AUTHOR" >> "$MSG"
	tree=$(gidx write-tree)
	GIT_AUTHOR_NAME=${AUTHOR% <*} GIT_AUTHOR_EMAIL=$EMAIL \
	GIT_COMMITTER_NAME=${AUTHOR% <*} GIT_COMMITTER_EMAIL=$EMAIL \
		git_src commit-tree "$tree" -p "$parent" -F "$MSG"
}

# Trees of the plan, in order.
plan_trees() { sed -n 's/^tree //p' "$PLAN"; }

build_commits() {
	local head keyword args message= tree=
	head=$(git_src rev-parse base)
	gidx read-tree base
	while read -r keyword args; do
		case "$keyword" in
		""|"#"*) continue ;;
		tree)
			[ -z "$message" ] || head=$(commit_block "$head" "$message")
			message=
			[ -z "$tree" ] || git_src branch -f "upstream-$tree" "$head"
			[ -f "$ROOT/harness/series/cover-$args.txt" ] ||
				die "harness/series/plan: tree $args has no harness/series/cover-$args.txt"
			[ "$(plan_trees | grep -cxF "$args")" = 1 ] ||
				die "harness/series/plan: tree $args given twice"
			tree=$args ;;
		message)
			[ -n "$tree" ] || die "harness/series/plan: a patch before the first 'tree'"
			[ -z "$message" ] || head=$(commit_block "$head" "$message")
			message=$args ;;
		diff)
			sed "s|$MAINTAINER_PLACEHOLDER|$AUTHOR_SED|" "$ROOT/patches/$args" |
				gidx apply --cached - ||
				die "patches/$args does not apply at its place in harness/series/plan" ;;
		files)
			# shellcheck disable=SC2086
			add_files $args ;;
		*) die "harness/series/plan: unknown keyword '$keyword'" ;;
		esac
	done < "$PLAN"
	head=$(commit_block "$head" "$message")
	git_src branch -f "upstream-$tree" "$head"
	# the tree of `make tree`, but the submitter as our section's maintainer
	git_src diff --quiet series "$head" -- . ':!MAINTAINERS' &&
		diff -q <(git_src show series:MAINTAINERS | sed "s|$MAINTAINER_PLACEHOLDER|$AUTHOR_SED|") \
			<(git_src show "$head:MAINTAINERS") >/dev/null ||
		die "the series does not end on the tree of 'make tree' (git -C $SRC diff series $head)"
	git_src branch -f upstream "$head"
}

# The commits of tree $1: from the previous tree's tip (or the base).
tree_range() {
	local prev=base t
	for t in $(plan_trees); do
		[ "$t" = "$1" ] && { echo "$prev..upstream-$t"; return; }
		prev=upstream-$t
	done
	die "no tree $1 in harness/series/plan"
}

is_fixes_tree() { case " $FIXES_TREES " in *" $1 "*) return 0 ;; esac; return 1; }

# A fix goes to its tree alone: it applies to the base without the patches
# before it, and says which upstream commit it fixes.
check_fixes_tree() {
	local c commits range subject
	range=$(tree_range "$1")
	commits=$(git_src rev-list --reverse "$range")
	gidx read-tree base
	for c in $commits; do
		subject=$(git_src log -1 --format=%s "$c")
		git_src diff "$c^" "$c" | gidx apply --cached --check - 2>/dev/null ||
			die "[PATCH $1] '$subject' does not apply to the base alone"
		case "$subject" in selftests/*) continue ;; esac
		git_src log -1 --format=%B "$c" | grep -q '^Fixes: [0-9a-f]\{12\} ("' ||
			die "[PATCH $1] '$subject' has no Fixes: tag"
	done
}

# What a feature tree's cover letter says it needs first: the trees
# before it.  A fixes tree needs nothing but the base.
prerequisites() {
	local t n
	! is_fixes_tree "$1" || return 0
	for t in $(plan_trees); do
		[ "$t" = "$1" ] && return
		n=$(git_src rev-list --count "$(tree_range "$t")")
		printf -- '- [PATCH %s] %s (%s patches)\n' "$t" \
			"$(head -n1 "$ROOT/harness/series/cover-$t.txt")" "$n"
	done
}

# out/series/$1/: the patches of tree $1 and their cover letter.
write_tree() {
	local tree=$1 dir=$SERIES/$1 cover text need
	text=$ROOT/harness/series/cover-$tree.txt
	git_src -c user.name="${AUTHOR% <*}" -c user.email="$EMAIL" format-patch -q \
		--cover-letter --subject-prefix="PATCH $tree" -o "$dir" "$(tree_range "$tree")"
	cover=$dir/0000-cover-letter.patch
	need=$(prerequisites "$tree")
	# the subject as a literal sed replacement: &, | and \ escaped
	sed -i "s|\*\*\* SUBJECT HERE \*\*\*|$(head -n1 "$text" | sed 's/[&|\\]/\\&/g')|" "$cover"
	{
		tail -n +3 "$text"
		echo
		echo "Based on Debian's $BASE_PKG $BASE_VERSION."
		if [ -n "$need" ]; then
			echo
			echo "Applies on top of:"
			echo
			echo "$need"
		fi
	} | sed -i -e "/\*\*\* BLURB HERE \*\*\*/{r /dev/stdin" -e "d}" "$cover"
}

main() {
	local t
	AUTHOR=$(submitter)
	AUTHOR_SED=$(sed 's/[&|\\]/\\&/g' <<<"$AUTHOR")
	EMAIL=${AUTHOR##*<}
	EMAIL=${EMAIL%>}
	"$ROOT/harness/tree.sh"
	step "building the upstream series from harness/series/plan"
	check_coverage
	check_maintainers
	build_commits
	rm -rf "$SERIES"
	for t in $(plan_trees); do
		! is_fixes_tree "$t" || check_fixes_tree "$t"
		write_tree "$t"
		say "    [PATCH $t]: $(git_src rev-list --count "$(tree_range "$t")") patches in $SERIES/$t"
		git_src log --format='      %s' --reverse "$(tree_range "$t")" >&2
	done
	say "    from $AUTHOR; all of them on branch 'upstream' of $SRC"
}

main "$@"
