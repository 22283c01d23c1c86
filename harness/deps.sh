#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make deps`: install with apt-get whatever is missing (with "series",
# also the static checkers and Sphinx of `make series-check`; with "bench",
# gnuplot).  Idempotent; when
# everything is there it only runs dpkg-query (well under a second).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PACKAGES=(
	# the pinned base
	"$BASE_PKG=$BASE_VERSION"
	# kernel build
	make gcc flex bison bc libelf-dev libssl-dev dwarves cpio ccache xz-utils perl rsync
	# BPF toolchain, libbpf/bpftool build and test_progs
	clang-19 lld-19 llvm-19 libbpf-dev bpftool pkg-config zlib1g-dev libzstd-dev libcap-dev
	# the VM
	qemu-system-x86
	# tests inside the VM (they use the host root)
	iproute2 iputils-ping netcat-openbsd python3 python3-scapy procps kmod binutils iperf3 ethtool iptables
	# the samples' man pages, and their test
	python3-docutils man-db
)

# `deps.sh series`: also what `make series-check` runs; `deps.sh bench`:
# the plot and the perf profile of `make bench`
[ "${1:-}" != series ] || PACKAGES+=(sparse python3-sphinx python3-sphinx-rtd-theme python3-ply python3-git)
[ "${1:-}" != bench ] || PACKAGES+=(gnuplot-nox linux-perf)

missing=()
for p in "${PACKAGES[@]}"; do
	name=${p%%=*}
	want=${p#*=}
	[ "$want" = "$p" ] && want=
	have=$(dpkg-query -W -f '${Status} ${Version}' "$name" 2>/dev/null || true)
	case "$have" in
	"install ok installed "*)
		[ -z "$want" ] || [ "${have##* }" = "$want" ] || missing+=("$p") ;;
	*) missing+=("$p") ;;
	esac
done
[ ${#missing[@]} = 0 ] && exit 0

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
step "installing ${missing[*]}"
t0=$(date +%s)
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
if ! $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
	apt-cache policy "$BASE_PKG" | head -n 5 >&2
	die "apt-get install failed (the base must be exactly $BASE_PKG $BASE_VERSION)"
fi
say "    installed in $(since "$t0") s"
