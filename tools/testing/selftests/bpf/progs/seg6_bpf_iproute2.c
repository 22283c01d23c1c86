// SPDX-License-Identifier: GPL-2.0
/* Programs loaded by iproute2 in prog_tests/seg6_bpf_iproute2.c and by
 * samples/bpf/seg6bpf in harness/tests/seg6bpf_cli.sh; both pick a program
 * by its ELF section.  xdp_pass is the wrong type for an End.BPF route.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("end_pass")
int pass_prog(struct __sk_buff *skb)
{
	return BPF_OK;
}

SEC("end_drop")
int drop_prog(struct __sk_buff *skb)
{
	return BPF_DROP;
}

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
