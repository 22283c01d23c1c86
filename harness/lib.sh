# SPDX-License-Identifier: GPL-2.0
# Common settings for the seg6-bpf harness scripts (sourced, not run).

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${OUT:-$ROOT/out}
SRC=$OUT/linux		# base tree + our overlay and patches (a git repo)
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

say() { printf '%s\n' "$*" >&2; }
step() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Seconds since $1 (an epoch), for "took N s" messages.
since() { echo $(( $(date +%s) - $1 )); }
