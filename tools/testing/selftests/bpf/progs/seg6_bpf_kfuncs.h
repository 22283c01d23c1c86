/* SPDX-License-Identifier: GPL-2.0 */
/* The End.BPF kfuncs (net/ipv6/seg6_bpf_kfuncs.c), for BPF programs. */
#ifndef __SEG6_BPF_KFUNCS_H
#define __SEG6_BPF_KFUNCS_H

struct __sk_buff;
struct in6_addr;
struct bpf_seg6_nexthop;	/* layout in test_seg6_bpf.h */

/* Declarations without "extern": a function declaration is one already. */
int bpf_seg6_tlv_find(struct __sk_buff *skb, __u32 from, __u8 type,
		      __u32 *len) __ksym;
int bpf_seg6_tlv_insert(struct __sk_buff *skb, __u32 offset,
			const __u8 *tlv, __u32 tlv__sz) __ksym;
int bpf_seg6_tlv_remove(struct __sk_buff *skb, __u32 offset) __ksym;
int bpf_seg6_srh_pop(struct __sk_buff *skb) __ksym;
int bpf_seg6_ecmp_nexthops(struct __sk_buff *skb,
			   const struct in6_addr *dst, __u32 table,
			   struct bpf_seg6_nexthop *nhs,
			   __u32 nhs__sz) __ksym;

#endif /* __SEG6_BPF_KFUNCS_H */
