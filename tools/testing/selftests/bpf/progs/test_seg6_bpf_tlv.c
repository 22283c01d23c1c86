// SPDX-License-Identifier: GPL-2.0
/*
 * End.BPF program of prog_tests/seg6_bpf_tlv.c: one TLV kfunc call, or a
 * short sequence, chosen by @op with the arguments user space sets; the
 * return values come back in @ret.
 */
#include <linux/bpf.h>
#include <linux/in6.h>
#include <bpf/bpf_helpers.h>

#include "seg6_bpf_kfuncs.h"
#include "test_seg6_bpf.h"

int op;
__u32 offset;
__u8 type;
__u8 tlv[512];
__u32 tlv_len;
long ret;
long ret2;
__u32 found_len;
int inserted;

/* Insert @tlv until the kfunc refuses: the SRH length limit. */
static __always_inline void insert_until_full(struct __sk_buff *skb, __u32 n)
{
	int i;

	for (i = 0; i < 16; i++) {
		ret = bpf_seg6_tlv_insert(skb, 0, tlv, n);
		if (ret < 0)
			break;
		inserted++;
	}
}

SEC("lwt_seg6local")
int seg6_tlv(struct __sk_buff *skb)
{
	/* 1 to sizeof(tlv), in a form the verifier keeps the bounds of */
	__u32 n = ((tlv_len - 1) & (sizeof(tlv) - 1)) + 1;

	switch (op) {
	case TLV_OP_FIND:
		found_len = 0;
		ret = bpf_seg6_tlv_find(skb, offset, type, &found_len);
		break;
	case TLV_OP_INSERT:
		ret = bpf_seg6_tlv_insert(skb, offset, tlv, n);
		break;
	case TLV_OP_REMOVE:
		ret = bpf_seg6_tlv_remove(skb, offset);
		break;
	case TLV_OP_INSERT_UNTIL_FULL:
		inserted = 0;
		insert_until_full(skb, n);
		break;
	case TLV_OP_SRH_POP:
		ret = bpf_seg6_srh_pop(skb);
		ret2 = bpf_seg6_tlv_find(skb, 0, type, &found_len);
		break;
	case TLV_OP_FIND_AFTER_BAD_EDIT:
		/* an unaligned SRH, left for the program to fix */
		bpf_lwt_seg6_adjust_srh(skb, offset, 2);
		ret = bpf_seg6_tlv_find(skb, 0, type, &found_len);
		bpf_lwt_seg6_adjust_srh(skb, offset, -2);
		break;
	}
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
