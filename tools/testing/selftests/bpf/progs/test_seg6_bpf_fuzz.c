// SPDX-License-Identifier: GPL-2.0
/*
 * End.BPF program driven by the packet itself, for the test_run fuzz of
 * prog_tests/seg6_bpf_test_run.c: the last 8 bytes of each packet choose
 * the arguments of the three seg6 helpers and the End.BPF kfuncs, and the
 * verdict, so random packets also mean random (often invalid) calls:
 * SRH adjustments of any length (S32_MIN to S32_MAX, after a growth too)
 * and TLVs longer than the headroom among them.
 */
#include <linux/bpf.h>
#include <linux/in6.h>
#include <linux/seg6_local.h>
#include <bpf/bpf_helpers.h>

#include "seg6_bpf_kfuncs.h"
#include "test_seg6_bpf.h"

SEC("lwt_seg6local")
int seg6_fuzz(struct __sk_buff *skb)
{
	__u8 arg[8] = {};
	__u8 buf[40] = {};
	__u8 big[130] = {};
	__u32 action;
	__s32 len;
	int i;

	if (skb->len >= 8 && bpf_skb_load_bytes(skb, skb->len - 8, arg, 8))
		return BPF_DROP;
	/* helper data: the packet's first 40 bytes, scrambled */
	if (bpf_skb_load_bytes(skb, 0, buf, sizeof(buf)))
		return BPF_DROP;
	for (i = 0; i < sizeof(buf); i++)
		buf[i] ^= arg[0];

	if (arg[6] & 1) {
		/* a small length, or one of any size on 32 bits */
		len = arg[7] & 16 ? (__s32)((__u32)arg[1] << 24 | arg[3] << 8 | arg[0])
				  : (__s8)arg[1];
		if (arg[7] & 32)
			bpf_lwt_seg6_adjust_srh(skb, 40 + arg[0], 8);
		bpf_lwt_seg6_adjust_srh(skb, 40 + arg[0], len);
	}
	if (arg[6] & 2)
		bpf_lwt_seg6_store_bytes(skb, 40 + arg[2], buf, (arg[3] & 7) + 1);
	if (arg[6] & 4) {
		/* End.X 16, End.T/End.DT6 4, End.B6* a 40-byte "SRH" */
		action = arg[4] % 16;
		if (arg[7] & 1)
			bpf_lwt_seg6_action(skb, action, buf, 16);
		else if (arg[7] & 2)
			bpf_lwt_seg6_action(skb, action, buf, 4);
		else
			bpf_lwt_seg6_action(skb, action, buf, 40);
	}
	if (arg[6] & 8) {
		__u32 len = 0;

		bpf_seg6_tlv_find(skb, 40 + arg[0], arg[1], &len);
	}
	if (arg[6] & 16) {
		/* a well-formed TLV of 2 to 17 octets half of the time */
		if (arg[7] & 4)
			buf[1] = arg[3] & 15;
		bpf_seg6_tlv_insert(skb, arg[7] & 8 ? 0 : 40 + arg[2], buf,
				    (arg[3] & 15) + 2);
	}
	if (arg[7] & 64) {
		/* a well-formed TLV of 2 to 129 octets: more than the headroom */
		big[0] = 124;
		big[1] = arg[3] & 127;
		bpf_seg6_tlv_insert(skb, 0, big, (arg[3] & 127) + 2);
	}
	if (arg[6] & 32)
		bpf_seg6_tlv_remove(skb, 40 + arg[2]);
	if (arg[6] & 64)
		bpf_seg6_srh_pop(skb);
	if (arg[6] & 128) {
		struct bpf_seg6_nexthop nhs[2];

		bpf_seg6_ecmp_nexthops(skb, (void *)buf, arg[4], nhs, sizeof(nhs));
	}
	return arg[5] % 9;
}

char _license[] SEC("license") = "GPL";
