/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SRv6 End.BPF: seg6local behaviour that runs a BPF_PROG_TYPE_LWT_SEG6LOCAL
 * program at an SRv6 endpoint (net/ipv6/seg6_bpf.c), and the helpers and
 * kfuncs of those programs (net/ipv6/seg6_bpf_helpers.c and
 * seg6_bpf_kfuncs.c, with CONFIG_IPV6_SEG6_BPF).
 */
#ifndef _NET_SEG6_BPF_H
#define _NET_SEG6_BPF_H

#include <linux/bpf.h>
#include <linux/local_lock.h>
#include <linux/netlink.h>
#include <linux/skbuff.h>
#include <linux/ipv6.h>
#include <linux/seg6.h>
#include <linux/seg6_local.h>

/**
 * struct seg6_bpf_prog - program bound to an End.BPF route
 * @prog: the program; the route holds the only reference iproute2 leaves
 * @name: name given by user space (object file and section for iproute2),
 *	  reported back in route dumps
 */
struct seg6_bpf_prog {
	struct bpf_prog *prog;
	char *name;
};

/**
 * struct bpf_seg6_nexthop - a next hop, as bpf_seg6_ecmp_nexthops() reports it
 * @gw: the gateway; :: when the destination is on the link
 * @ifindex: the output interface
 * @weight: its weight in a multipath route (1 otherwise)
 * @flags: its RTNH_F_* flags (RTNH_F_DEAD, RTNH_F_LINKDOWN...)
 */
struct bpf_seg6_nexthop {
	struct in6_addr gw;
	u32 ifindex;
	u32 weight;
	u32 flags;
};

/**
 * struct seg6_bpf_fwd - the rest of a decapsulating action
 * @finish: runs the rest of the action's static behaviour (seg6_local.c)
 *	    once the program returned BPF_REDIRECT, or drops a packet whose
 *	    decapsulation failed half-way; NULL when no action decapsulated
 *	    the packet
 * @proto: the inner packet's protocol (IPPROTO_IPV6, IPPROTO_IPIP or
 *	   IPPROTO_ETHERNET)
 * @nh6: IPv6 next hop of End.DX6; :: routes on the inner destination
 * @nh4: IPv4 next hop of End.DX4; 0 routes on the inner destination
 * @table: table of End.DT6
 * @vrf: ifindex of the VRF the packet enters (End.DT4, End.DT46)
 * @oif: ifindex of the interface the frame leaves from (End.DX2)
 *
 * Decapsulating actions only decapsulate while the program runs: the rest
 * sets up the inner packet's control block, which overlaps the part of
 * skb->cb that the program run saves and restores, and may go through
 * netfilter, so it happens afterwards.
 */
struct seg6_bpf_fwd {
	int (*finish)(struct sk_buff *skb, struct seg6_bpf_fwd *fwd);
	u8 proto;
	struct in6_addr nh6;
	__be32 nh4;
	u32 table;
	int vrf;
	int oif;
};

/* Largest SRH hdrlen in bytes (after the first 8): the field is 8 bits of
 * 8-octet units.
 */
#define SEG6_BPF_MAX_HDRLEN	(U8_MAX << 3)

/**
 * struct seg6_bpf_srh_state - per-CPU state of the program being run
 * @bh_lock: serialises users of this CPU's state (softirq, or PREEMPT_RT),
 *	     and of the per-CPU memory of bpf_lwt_seg6_action()
 * @srhoff: offset of the SRH from skb->data
 * @hdrlen: SRH length in bytes after its first 8, as the program left it;
 *	    may be unaligned between two calls of bpf_lwt_seg6_adjust_srh()
 * @has_srh: the packet still carries the SRH (false after a decapsulation)
 * @valid: the SRH is known valid; cleared by edits that may break it
 * @redirected: an action set the packet's route (BPF_REDIRECT is allowed)
 * @test: set by BPF_PROG_TEST_RUN: record the program's return value and
 *	  the action it applies instead of looking routes up
 * @fwd: set by a decapsulating action (End.DX*, End.DT*)
 *
 * Only the data path (seg6_bpf_input()) and test_run set this up; the
 * helpers and kfuncs of LWT_SEG6LOCAL programs use it while the program runs.
 */
struct seg6_bpf_srh_state {
	local_lock_t bh_lock;
	u16 srhoff;
	u16 hdrlen;
	bool has_srh;
	bool valid;
	bool redirected;
	struct seg6_local_bpf_test *test;
	struct seg6_bpf_fwd fwd;
};

DECLARE_PER_CPU(struct seg6_bpf_srh_state, seg6_bpf_srh_states);

static inline struct ipv6_sr_hdr *
seg6_bpf_srh(const struct sk_buff *skb, const struct seg6_bpf_srh_state *state)
{
	return (struct ipv6_sr_hdr *)(skb->data + state->srhoff);
}

/* Offset from skb->data of the TLV area: right after the segment list. */
static inline u32 seg6_bpf_tlv_start(const struct sk_buff *skb,
				     const struct seg6_bpf_srh_state *state)
{
	const struct ipv6_sr_hdr *srh = seg6_bpf_srh(skb, state);

	return state->srhoff + sizeof(*srh) +
	       (srh->first_segment + 1) * sizeof(struct in6_addr);
}

/* Offset from skb->data of the first byte after the SRH. */
static inline u32 seg6_bpf_srh_end(const struct seg6_bpf_srh_state *state)
{
	return state->srhoff + sizeof(struct ipv6_sr_hdr) + state->hdrlen;
}

/* A received CHECKSUM_COMPLETE sum no longer matches once the headers
 * change; let the stack verify transport checksums in software instead.
 */
static inline void seg6_bpf_csum_forget(struct sk_buff *skb)
{
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;
}

bool seg6_bpf_srh_ok(struct sk_buff *skb, struct seg6_bpf_srh_state *state);
int seg6_bpf_splice(struct sk_buff *skb, struct seg6_bpf_srh_state *state,
		    u32 off, u32 del, const void *data, u32 len);
int seg6_bpf_srh_pop(struct sk_buff *skb, struct seg6_bpf_srh_state *state);

/* Flavors of an End.BPF route (seg6_bpf_input()) */
#define SEG6_BPF_FLV_CSID_SHIFTED	BIT(0)	/* NEXT-C-SID moved the DA */
#define SEG6_BPF_FLV_PSP		BIT(1)	/* pop the SRH at SL 0 */

int seg6_bpf_process(const struct bpf_prog *prog, struct sk_buff *skb,
		     struct seg6_local_bpf_test *test, struct seg6_bpf_fwd *fwd,
		     u32 flv);
int seg6_bpf_input(struct sk_buff *skb, const struct seg6_bpf_prog *bp, u32 flv);
u32 seg6_bpf_test_run(const struct bpf_prog *prog, struct sk_buff *skb,
		      struct seg6_local_bpf_test *result);
#ifdef CONFIG_BPF_SYSCALL
int bpf_prog_test_run_seg6local(struct bpf_prog *prog,
				const union bpf_attr *kattr,
				union bpf_attr __user *uattr);
#else
/* net/bpf/test_run.c is built with the bpf() syscall only */
static inline int bpf_prog_test_run_seg6local(struct bpf_prog *prog,
					      const union bpf_attr *kattr,
					      union bpf_attr __user *uattr)
{
	return -EOPNOTSUPP;
}
#endif
int seg6_bpf_parse(const struct nlattr *attr, struct seg6_bpf_prog *bp,
		   struct netlink_ext_ack *extack);
int seg6_bpf_put(struct sk_buff *skb, const struct seg6_bpf_prog *bp);
int seg6_bpf_cmp(const struct seg6_bpf_prog *a, const struct seg6_bpf_prog *b);
void seg6_bpf_destroy(struct seg6_bpf_prog *bp);
size_t seg6_bpf_nlsize(void);

/* Shared with net/core/filter.c: what every LWT_SEG6LOCAL program may
 * call and read (its verifier ops without CONFIG_IPV6_SEG6_BPF), and the
 * LWT context rewrite.
 */
const struct bpf_func_proto *
lwt_seg6local_func_proto(enum bpf_func_id func_id, const struct bpf_prog *prog);
bool lwt_seg6local_is_valid_access(int off, int size,
				   enum bpf_access_type type,
				   const struct bpf_prog *prog,
				   struct bpf_insn_access_aux *info);
u32 bpf_convert_ctx_access(enum bpf_access_type type,
			   const struct bpf_insn *si,
			   struct bpf_insn *insn_buf,
			   struct bpf_prog *prog, u32 *target_size);

#endif /* _NET_SEG6_BPF_H */
