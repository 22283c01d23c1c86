// SPDX-License-Identifier: GPL-2.0
/*
 * End.BPF programs of prog_tests/seg6_bpf_edges.c.
 *
 * seg6_edge takes its orders from the packet: the 8 bytes before the test
 * payload (the last 12 bytes) are a struct seg6_edge_arg.  seg6_hook calls
 * a global function that freplace programs replace; seg6_printk prints.
 */
#include <linux/bpf.h>
#include <linux/in6.h>
#include <bpf/bpf_helpers.h>

#include "test_seg6_bpf.h"

#define TLVS	80	/* IPv6, SRH, two segments */

long rc[2];
int runs;

SEC("lwt_seg6local")
int seg6_edge(struct __sk_buff *skb)
{
	struct seg6_edge_arg arg;
	__u8 padn[2] = { 4 };

	runs++;
	if (skb->len < 20 || bpf_skb_load_bytes(skb, skb->len - 20, &arg, sizeof(arg)))
		return BPF_DROP;
	rc[0] = 0x5555;
	rc[1] = 0x5555;
	switch (arg.op) {
	case EDGE_ADJUST:
		rc[0] = bpf_lwt_seg6_adjust_srh(skb, TLVS, arg.len);
		break;
	case EDGE_GROW_THEN_ADJUST:
		rc[0] = bpf_lwt_seg6_adjust_srh(skb, TLVS, 8);
		rc[1] = bpf_lwt_seg6_adjust_srh(skb, TLVS, arg.len);
		break;
	case EDGE_PADN:
		/* a PadN TLV of arg.len bytes (a multiple of 8, 8 to 248) */
		rc[0] = bpf_lwt_seg6_adjust_srh(skb, TLVS, arg.len);
		padn[1] = arg.len - 2;
		rc[1] = bpf_lwt_seg6_store_bytes(skb, TLVS, padn, sizeof(padn));
		break;
	}
	return BPF_OK;
}

__noinline int seg6_hook(struct __sk_buff *skb)
{
	return skb->len ? BPF_OK : BPF_DROP;
}

SEC("lwt_seg6local")
int seg6_hooked(struct __sk_buff *skb)
{
	return seg6_hook(skb);
}

/* What End.BPF programs written elsewhere do first: print. */
SEC("lwt_seg6local")
int seg6_printk(struct __sk_buff *skb)
{
	bpf_printk("%s: len %u", __func__, skb->len);
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
