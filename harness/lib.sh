# SPDX-License-Identifier: GPL-2.0
# Common settings for the seg6-bpf harness scripts (sourced, not run).

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${OUT:-$ROOT/out}
# base tree + our overlay and patches (a git repo); KERNEL_SRC: another
# tree to build (harness/stock.sh: the base alone)
SRC=${KERNEL_SRC:-$OUT/linux}
BUILD=${BUILD:-$OUT/build}	# kernel build output (O=)

# The pinned base.  Debian's security archive keeps older versions, so the
# exact version stays installable; bump it here (and re-test) to move on.
BASE_PKG=linux-source-6.12
BASE_VERSION=6.12.117-1~deb12u1
BASE_TARBALL=/usr/src/linux-source-6.12.tar.xz

# Top-level directories of this repository that hold files the series adds
# at their kernel paths.  Everything else is harness, CI or documentation of
# the repository itself.
OVERLAY_DIRS="Documentation include kernel net samples tools"

CLANG=${CLANG:-clang-19}
LLVM_STRIP=${LLVM_STRIP:-llvm-strip-19}
JOBS=${JOBS:-$(nproc)}

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/seg6-bpf-ccache}
# Relative paths let clones in other directories share the cache.
export CCACHE_BASEDIR=$OUT
export CCACHE_NOHASHDIR=1
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
export KBUILD_BUILD_USER=seg6-bpf
export KBUILD_BUILD_HOST=harness

# What a kernel console must not show (check.sh, configs.sh)
SPLATS='BUG:|WARNING:|Oops|KASAN|kmemleak: [0-9]+ new|unreferenced object|UBSAN|Kernel panic|general protection fault|rcu.*stall|INFO: task .* blocked|possible circular locking|Call Trace:'

say() { printf '%s\n' "$*" >&2; }
step() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# kvm or tcg: how the VM runs.  A /dev/kvm without the CPU's virtualisation
# flags is seen on some sandboxes, where QEMU hangs after the BIOS; so both
# are needed for KVM.  VM_ACCEL=kvm|tcg overrides.
vm_accel() {
	if [ -n "${VM_ACCEL:-}" ]; then
		echo "$VM_ACCEL"
	elif [ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then
		echo kvm
	else
		echo tcg
	fi
}

# make's compiler variables, through ccache: gcc, or clang and LLD when
# LLVM is set (LLVM=-19 for clang-19, as kbuild takes it).  With ARCH
# (ARCH=i386: a 32-bit kernel), they make up kmake's command line.
set_toolchain() {
	if [ -n "${LLVM:-}" ]; then
		TOOLCHAIN=(LLVM="$LLVM" CC="ccache clang${LLVM#1}" HOSTCC="ccache clang${LLVM#1}")
	else
		TOOLCHAIN=(CC="ccache gcc" HOSTCC="ccache gcc")
	fi
}

# Seconds since $1 (an epoch), for "took N s" messages.
since() { echo $(( $(date +%s) - $1 )); }

git_src() { git -C "$SRC" -c user.name=seg6-bpf -c user.email=seg6-bpf@localhost "$@"; }

# Files of ours that go into the kernel tree (those under OVERLAY_DIRS
# matching the optional pathspecs): tracked and not-yet-added ones, so that
# work in progress builds before it is committed.
overlay_files() {
	# shellcheck disable=SC2086
	git -C "$ROOT" ls-files --cached --others --exclude-standard -- ${*:-$OVERLAY_DIRS} |
		while read -r f; do [ -f "$ROOT/$f" ] && echo "$f"; done
}

# The diffs of patches/, in patches/series order.
series_patches() {
	[ -f "$ROOT/patches/series" ] || return 0
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$ROOT/patches/series"
}

# The commit message in the header of a diff in git-format-patch form
# (Subject without its [PATCH] tag, then the body up to "---"), and its
# author, as `git am` would take them.
patch_message() {
	sed -n '/^Subject: /,/^---$/p' "$1" |
		sed -e '1s/^Subject: \(\[PATCH[^]]*\] \)\?//' -e '$d'
}
patch_author() { sed -n 's/^From: //p' "$1" | head -n1; }
