/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by progs/test_seg6_bpf.c and the End.BPF prog_tests. */
#ifndef __TEST_SEG6_BPF_H
#define __TEST_SEG6_BPF_H

/* What progs/test_seg6_bpf.c does with the next packet. */
enum seg6_test_mode {
	MODE_OK,
	MODE_DROP,
	MODE_REDIRECT_NO_ACTION,
	MODE_UNKNOWN_VERDICT,
	MODE_FLAGS_TAG,
	MODE_STORE_SEGLIST,
	MODE_TLV_ADD,
	MODE_TLV_BAD,
	MODE_GROW_PAST_MAX,
	MODE_END_X,
	MODE_END_T,
	MODE_END_DT6,
	MODE_END_B6,
	MODE_END_B6_ENCAP,
	MODE_TLV_REMOVE,
	MODE_EVERY_HELPER,	/* tag, TLV in and out, then End.T to @table */
	MODE_TIMESTAMPS,	/* record skb->tstamp and TAI time, BPF_OK */
	MODE_END_DX6,		/* End.DX6 to @nh6 */
	MODE_END_DX4,		/* End.DX4 to @nh4 */
	MODE_END_DT4,		/* End.DT4 in @table */
	MODE_END_DT46,		/* End.DT46 in @table */
	MODE_END_DX2,		/* End.DX2 out of @oif */
	MODE_DX4_THEN_OK,	/* End.DX4, then BPF_OK: dropped */
	MODE_DX4_THEN_END_X,	/* End.DX4, then End.X (rc[1]) */
	MODE_RECORD_DADDR,	/* the DA into @seen_daddr, BPF_OK */
	MODE_GROW_72,		/* a 72-byte PadN, checked run after run */
};

/* What progs/test_seg6_bpf_edges.c's seg6_edge does with a packet. */
enum seg6_edge_op {
	EDGE_ADJUST,		/* bpf_lwt_seg6_adjust_srh() by @len */
	EDGE_GROW_THEN_ADJUST,	/* by 8, then by @len */
	EDGE_PADN,		/* a PadN TLV of @len bytes */
};

struct seg6_edge_arg {
	__s32 len;
	__u32 op;
};

/* What progs/test_seg6_bpf_tlv.c does with the next packet. */
enum seg6_tlv_op {
	TLV_OP_FIND,
	TLV_OP_INSERT,
	TLV_OP_REMOVE,
	TLV_OP_INSERT_UNTIL_FULL,	/* @tlv at the end until refused */
	TLV_OP_FIND_AFTER_BAD_EDIT,	/* find while the SRH is unaligned */
	TLV_OP_SRH_POP,			/* pop, then find (in @ret2) */
};

/* A next hop from bpf_seg6_ecmp_nexthops(), as the kernel lays it out. */
struct bpf_seg6_nexthop {
	struct in6_addr gw;
	__u32 ifindex;
	__u32 weight;
	__u32 flags;
};

/* The TLV progs/test_seg6_bpf_smp.c's programs add, right after the
 * segment list: which of its SMP_PROGS programs ran, on which CPU, on
 * which packet (the sequence number, as the packet carries it).
 */
#define SMP_PROGS	2
#define SMP_TLV_TYPE	125

struct seg6_smp_tlv {
	__u8 type;
	__u8 len;
	__u8 prog;
	__u8 cpu;
	__u32 seq;
};

#endif /* __TEST_SEG6_BPF_H */
