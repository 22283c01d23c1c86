// SPDX-License-Identifier: GPL-2.0
/*
 * Attached to the receiving veth of the benchmarks so that it takes the
 * frames seg6_gen redirects to it (a veth takes XDP frames only when it
 * has an XDP program or GRO on).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
