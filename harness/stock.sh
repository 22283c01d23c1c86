#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The unpatched base kernel, for `make bench`'s regression pairs: the base
# commit of out/linux checked out in out/stock/linux and built by
# harness/kernel.sh with the same fragments into out/stock/build.  The
# ccache is shared: paths relative to out/ are the same as for our build.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

STOCK=$OUT/stock
if [ ! -f "$STOCK/linux/.git/seg6-base-version" ]; then
	step "checking the base out into $STOCK/linux"
	rm -rf "$STOCK/linux"
	mkdir -p "$STOCK"
	git clone -q --shared --no-checkout "$SRC" "$STOCK/linux"
	git -C "$STOCK/linux" checkout -q base
	cp "$SRC/.git/seg6-base-version" "$STOCK/linux/.git/"
fi
KERNEL_SRC=$STOCK/linux BUILD=$STOCK/build "$ROOT/harness/kernel.sh"
