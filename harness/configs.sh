#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make configs`: the builds the kernel test robot would run on the series.
# The test kernel's configuration (`defaults`, out/build), then one build
# per harness/config/matrix/NAME.config into out/configs/NAME: that
# fragment merged over seg6-bpf.config, which then only suggests (the
# matrix turns off what it asks for).  The symbols NAME.config sets are
# checked by kernel.sh, so a variant Kconfig cannot give fails by name.  A
# `# make: VAR=value` line in a fragment is passed to make (ARCH=i386,
# LLVM=-19).
#
# Each build links vmlinux and the modules (where an undefined symbol
# shows), then rebuilds the objects the series touches with W=1: every
# warning from them fails, since the base builds them without one in each
# of these configurations.  A configuration whose behaviour differs at run
# time has a check of its own, NAME.sh (with its BPF programs in
# NAME.bpf.c): its kernel boots in the VM, with its modules, to run it.
#
#   harness/configs.sh [NAME...]     (default: defaults and every fragment)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

MATRIX=$ROOT/harness/config/matrix
# the objects built from the C files the series adds or changes
OBJECTS="kernel/bpf/verifier.o net/core/filter.o net/bpf/test_run.o net/ipv6/seg6.o
	net/ipv6/seg6_local.o net/ipv6/seg6_bpf.o net/ipv6/seg6_bpf_helpers.o
	net/ipv6/seg6_bpf_kfuncs.o"
failed=0
summary=()

usage() {
	say "usage: harness/configs.sh [NAME...]: defaults or one of $MATRIX/NAME.config"
	exit 2
}

# `# make: VAR=value ...` lines of a fragment
make_vars() { sed -n 's/^# make: //p' "$1"; }

# W=1 warnings of the series' objects that this configuration builds
w1_warnings() {
	local build=$1 o ARCH='' LLVM=''	# set_toolchain reads LLVM
	shift
	[ $# = 0 ] || local "$@"	# the fragment's ARCH=, LLVM=
	set_toolchain
	for o in $OBJECTS; do
		[ -f "$build/$o" ] || continue
		make -s -C "$SRC" O="$build" ${ARCH:+ARCH="$ARCH"} "${TOOLCHAIN[@]}" W=1 "$o" 2>&1 || true
	done | grep -E 'warning:|error:' || true
}

build_one() {
	local name=$1 build vars=() t0 warnings what
	t0=$(date +%s)
	if [ "$name" = defaults ]; then
		build=$BUILD
		step "configs: defaults (the test kernel) in $build"
		"$ROOT/harness/kernel.sh" || { record "$name" FAIL "build" "$t0"; return; }
	else
		build=$OUT/configs/$name
		read -ra vars <<<"$(make_vars "$MATRIX/$name.config")"
		step "configs: $name (${vars[*]:-gcc, x86_64}) in $build"
		if ! env BUILD="$build" STRICT_CONFIG= \
			LENIENT_CONFIG="$ROOT/harness/config/seg6-bpf.config" \
			EXTRA_CONFIG="$MATRIX/$name.config" "${vars[@]}" \
			"$ROOT/harness/kernel.sh"; then
			record "$name" FAIL "build" "$t0"
			return
		fi
	fi
	warnings=$(w1_warnings "$build" "${vars[@]}")
	if [ -n "$warnings" ]; then
		say "$warnings"
		record "$name" FAIL "$(grep -c . <<<"$warnings") W=1 warning(s)" "$t0"
		return
	fi
	what="vmlinux, modules, W=1 clean on $(objects_built "$build") object(s)"
	if [ -f "$MATRIX/$name.sh" ]; then
		if ! vm_check "$name" "$build"; then
			record "$name" FAIL "$what; its check in the VM failed" "$t0"
			return
		fi
		what+="; its check passed in the VM"
	fi
	record "$name" ok "$what" "$t0"
}

# Boot configuration $1's kernel (built in $2) in the VM and run
# $MATRIX/$1.sh there, with its modules and its BPF programs.
vm_check() {
	local name=$1 build=$2 run=$OUT/configs/$1.run rc=0 splats
	rm -rf "$run"
	mkdir -p "$run"
	step "configs: $name: its check in the VM"
	make -s -C "$SRC" O="$build" INSTALL_MOD_PATH="$run/modules" modules_install ||
		return 1
	"$CLANG" -O2 -g -target bpf -I/usr/include/"$(gcc -dumpmachine)" \
		-c "$MATRIX/$name.bpf.c" -o "$run/$name.bpf.o" || return 1
	cat > "$run/job.sh" <<JOB
bash "$MATRIX/$name.sh" "$run/modules" "$run/$name.bpf.o"
JOB
	VM_KERNEL=$build/arch/x86/boot/bzImage "$ROOT/harness/vm.sh" "$run" 300 \
		> "$run/vm.out" 2>&1 || rc=$?
	grep -aE '^(not )?ok |^# ' "$run/vm.out" | sed 's/^/    /' >&2
	splats=$(grep -aE "$SPLATS" "$run/console.log" | grep -avE 'Command line:' || true)
	[ -z "$splats" ] || { say "kernel splat on the console:"; say "$splats"; rc=1; }
	[ "$rc" = 0 ]
}

objects_built() {
	local o n=0
	for o in $OBJECTS; do [ -f "$1/$o" ] && n=$((n + 1)); done
	echo "$n"
}

record() {
	local s
	s=$(since "$4")
	summary+=("$(printf '%-16s %-4s %5s s  %s' "$1" "$2" "$s" "$3")")
	[ "$2" = ok ] || failed=$((failed + 1))
}

main() {
	local names=("$@") n t0
	t0=$(date +%s)
	[ ${#names[@]} -gt 0 ] || {
		names=(defaults)
		for n in "$MATRIX"/*.config; do names+=("$(basename "$n" .config)"); done
	}
	for n in "${names[@]}"; do
		[ "$n" = defaults ] || [ -f "$MATRIX/$n.config" ] || { say "no configuration '$n'"; usage; }
	done
	for n in "${names[@]}"; do build_one "$n"; done
	step "configs: ${#names[@]} built in $(since "$t0") s, $failed failed"
	printf '%s\n' "${summary[@]}" >&2
	[ "$failed" = 0 ]
}

main "$@"
