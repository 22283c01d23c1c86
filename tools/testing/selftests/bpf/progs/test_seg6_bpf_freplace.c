// SPDX-License-Identifier: GPL-2.0
/*
 * An freplace program that extends an End.BPF program (seg6_hook() of
 * progs/test_seg6_bpf_edges.c) and calls End.BPF kfuncs, as the End.BPF
 * program itself may.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "seg6_bpf_kfuncs.h"

long found = -1;
__u32 found_len;

SEC("freplace/seg6_hook")
int seg6_hook_tlv(struct __sk_buff *skb)
{
	found = bpf_seg6_tlv_find(skb, 0, 124, &found_len);
	return BPF_OK;
}

/* Refused: seg6_hook() is not known to change packet data. */
SEC("freplace/seg6_hook")
int seg6_hook_insert(struct __sk_buff *skb)
{
	__u8 tlv[8] = { 124, 6 };

	bpf_seg6_tlv_insert(skb, 0, tlv, sizeof(tlv));
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
