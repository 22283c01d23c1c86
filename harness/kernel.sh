#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Configure and build the test kernel from out/linux into out/build:
# tinyconfig + kvm_guest.config + harness/config/seg6-bpf.config, merged
# with the kernel's own merge_config.sh, then checked so that a symbol
# Kconfig silently dropped fails the build instead of a test much later.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# kvm_guest.config is generic (it names s390 and SCSI/DRM drivers tinyconfig
# does not have); only our own fragments must come through the merge whole.
# LENIENT_CONFIG (other fragments, merged before ours so that ours win,
# e.g. upstream selftests' own config) is not checked either.
# STRICT_CONFIG replaces seg6-bpf.config as the checked base (harness/
# configs.sh turns options off that seg6-bpf.config asks for).
GUEST_CONFIG=$SRC/kernel/configs/kvm_guest.config
OUR_CONFIG="${STRICT_CONFIG-$ROOT/harness/config/seg6-bpf.config} ${EXTRA_CONFIG:-}"
FRAGMENTS="$GUEST_CONFIG ${LENIENT_CONFIG:-} $OUR_CONFIG"

set_toolchain
kmake() { make -s -C "$SRC" O="$BUILD" ${ARCH:+ARCH="$ARCH"} "${TOOLCHAIN[@]}" "$@"; }

# Symbols our fragments ask for (the last one to name a symbol wins, as in
# merge_config.sh) that did not end up with the requested value.
dropped_symbols() {
	# shellcheck disable=SC2086
	sed -nE 's/^(CONFIG_[A-Za-z0-9_]+)=(.*)$/\1 \2/p; s/^# (CONFIG_[A-Za-z0-9_]+) is not set$/\1 n/p' $OUR_CONFIG |
		awk '{ want[$1] = $2; if (!($1 in seen)) { seen[$1] = 1; order[n++] = $1 } }
		     END { for (i = 0; i < n; i++) print order[i], want[order[i]] }' |
		while read -r sym val; do
			if [ "$val" = n ]; then
				grep -qE "^$sym=" "$BUILD/.config" || continue
			else
				grep -qxF "$sym=$val" "$BUILD/.config" && continue
			fi
			echo "$sym (wanted $val, got $(grep -E "^$sym=|# $sym is not set" "$BUILD/.config" || echo unset))"
		done
}

configure() {
	local stamp dropped
	stamp=$( (cat $FRAGMENTS "$SRC/.git/seg6-base-version"
		  [ -z "${ARCH:-}${LLVM:-}" ] || echo "ARCH=${ARCH:-} LLVM=${LLVM:-}") |
		sha256sum | cut -d' ' -f1)
	if [ -f "$BUILD/.config" ] && [ "$(cat "$BUILD/.seg6-config-stamp" 2>/dev/null)" = "$stamp" ]; then
		return 0
	fi
	step "configuring: tinyconfig + $(for f in $FRAGMENTS; do basename "$f"; done | paste -sd' ')"
	mkdir -p "$BUILD"
	kmake tinyconfig >/dev/null
	# shellcheck disable=SC2086
	(cd "$BUILD" && "$SRC/scripts/kconfig/merge_config.sh" -m -O "$BUILD" "$BUILD/.config" $FRAGMENTS >/dev/null)
	kmake olddefconfig >/dev/null
	dropped=$(dropped_symbols)
	if [ -n "$dropped" ]; then
		say "Kconfig dropped these requested symbols (missing dependency?):"
		say "$dropped"
		die "kernel configuration incomplete"
	fi
	echo "$stamp" > "$BUILD/.seg6-config-stamp"
}

build() {
	local t0
	t0=$(date +%s)
	step "building bzImage with $JOBS jobs through ccache ($CCACHE_DIR)"
	kmake -j"$JOBS" bzImage
	# Module.symvers, for the test modules built against this kernel
	kmake -j"$JOBS" modules
	kmake headers_install INSTALL_HDR_PATH="$BUILD/usr" >/dev/null
	say "    $(cat "$BUILD/include/config/kernel.release") built in $(since "$t0") s: $BUILD/arch/x86/boot/bzImage"
}

configure
build
