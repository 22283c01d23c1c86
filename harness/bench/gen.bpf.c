// SPDX-License-Identifier: GPL-2.0
/*
 * The XDP half of seg6_gen, the benchmarks' traffic generator: run with
 * BPF_PROG_TEST_RUN in live-frames mode, it writes the packet user space
 * set into each frame and redirects it out of a device.  The frames'
 * pages come back to the generator after the receiver is done with them,
 * in whatever state the receiver left them (hop limit, segments left,
 * grown SRH...): hence a whole copy per frame, not a copy at start.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "gen.h"

struct gen_cfg cfg;
__u64 frames;

SEC("xdp")
int gen_frame(struct xdp_md *ctx)
{
	__u32 len = cfg.len;
	__u8 mark;

	if (!len || len > GEN_MAX_LEN)
		return XDP_ABORTED;
	if (bpf_xdp_store_bytes(ctx, 0, cfg.bytes, len))
		return XDP_ABORTED;
	if (cfg.mark_every) {
		mark = frames % cfg.mark_every ? cfg.mark_other : cfg.mark_value;
		if (bpf_xdp_store_bytes(ctx, cfg.mark_off, &mark, 1))
			return XDP_ABORTED;
	}
	frames++;
	return bpf_redirect(cfg.ifindex, 0);
}

char _license[] SEC("license") = "GPL";
