// SPDX-License-Identifier: GPL-2.0
/*
 * SRv6 End.BPF: run a BPF_PROG_TYPE_LWT_SEG6LOCAL program at an SRv6
 * endpoint (RFC 8986 endpoint behaviour, SRH of RFC 8754).
 *
 * The seg6local route holds the program.  On a packet, End.BPF finds and
 * validates the SRH, advances to the next segment as End does, and runs the
 * program with a per-CPU description of the SRH (struct seg6_bpf_srh_state)
 * that the helpers below use and keep up to date:
 *
 *  - bpf_lwt_seg6_store_bytes() writes the SRH flags, tag and TLV area;
 *  - bpf_lwt_seg6_adjust_srh() grows or shrinks the TLV area;
 *  - bpf_lwt_seg6_action() hands the packet to another SRv6 behaviour.
 *
 * Edits of the TLV area are validated once, after the program (or before an
 * action that depends on the SRH), so that a program can build TLVs in
 * several steps.  The program's verdict then decides: BPF_OK forwards on
 * the new destination address, BPF_REDIRECT keeps the route an action chose,
 * anything else drops the packet.
 *
 * BPF_PROG_TEST_RUN goes through the same steps (seg6_bpf_test_run()), with
 * actions recorded for user space instead of routed.
 */

#include <linux/bpf.h>
#include <linux/etherdevice.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/nospec.h>
#include <linux/seg6.h>
#include <linux/seg6_local.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/l3mdev.h>
#include <net/route.h>
#include <net/seg6.h>
#include <net/seg6_bpf.h>
#include <net/seg6_hmac.h>
#include <net/seg6_local.h>

/* Longest program name accepted from user space, NUL excluded.  The value
 * is part of the UAPI behaviour of the first End.BPF implementation.
 */
#define SEG6_BPF_MAX_NAME	256

DEFINE_PER_CPU(struct seg6_bpf_srh_state, seg6_bpf_srh_states) = {
	.bh_lock = INIT_LOCAL_LOCK(bh_lock),
};

/* A received CHECKSUM_COMPLETE sum no longer matches once the headers
 * change; let the stack verify transport checksums in software instead.
 */
static void seg6_bpf_csum_forget(struct sk_buff *skb)
{
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;
}

/**
 * seg6_bpf_find_srh() - find the SRH End.BPF works on
 * @skb: IPv6 packet, skb->data at its network header
 * @flags: IP6_FH_F_SKIP_RH to want segments left > 0, or 0
 *
 * Return: the SRH, validated (HMAC included when configured), linear and
 * writable; NULL when there is none or it is not valid.
 */
static struct ipv6_sr_hdr *seg6_bpf_find_srh(struct sk_buff *skb, int flags)
{
	struct ipv6_sr_hdr *srh;
	unsigned int off;

	srh = seg6_get_srh(skb, flags);
	if (!srh)
		return NULL;
#ifdef CONFIG_IPV6_SEG6_HMAC
	if (!seg6_hmac_validate_skb(skb))
		return NULL;
#endif
	off = (unsigned char *)srh - skb->data;
	if (skb_ensure_writable(skb, off + ipv6_optlen(srh)))
		return NULL;
	return (struct ipv6_sr_hdr *)(skb->data + off);
}

/* Re-read the SRH after a helper replaced the headers: the packet may carry
 * a new SRH (End.B6), or none (End.DT6).  Only a valid, linear SRH is
 * exposed to the helpers again.
 */
static void seg6_bpf_state_reload(struct sk_buff *skb,
				  struct seg6_bpf_srh_state *state)
{
	struct ipv6_sr_hdr *srh;
	unsigned int off;

	state->has_srh = false;
	srh = seg6_get_srh(skb, 0);
	if (!srh)
		return;
	off = (unsigned char *)srh - skb->data;
	if (skb_ensure_writable(skb, off + ipv6_optlen(srh)))
		return;
	srh = (struct ipv6_sr_hdr *)(skb->data + off);
	state->srhoff = off;
	state->hdrlen = srh->hdrlen << 3;
	state->has_srh = true;
	state->valid = true;
}

/**
 * seg6_bpf_state_begin() - take this CPU's SRH state for a program run
 * @skb: the packet the program will see
 * @srh: its SRH, as returned by seg6_bpf_find_srh(), or NULL for none
 *
 * Must be called with BH disabled; pair with seg6_bpf_state_end().
 *
 * Return: the state, describing @srh.
 */
static struct seg6_bpf_srh_state *seg6_bpf_state_begin(struct sk_buff *skb,
						       struct ipv6_sr_hdr *srh)
{
	struct seg6_bpf_srh_state *state;

	local_lock_nested_bh(&seg6_bpf_srh_states.bh_lock);
	state = this_cpu_ptr(&seg6_bpf_srh_states);
	state->srhoff = srh ? (unsigned char *)srh - skb->data : 0;
	state->hdrlen = srh ? srh->hdrlen << 3 : 0;
	state->has_srh = !!srh;
	state->valid = true;
	state->redirected = false;
	state->test = NULL;
	memset(&state->fwd, 0, sizeof(state->fwd));
	return state;
}

/**
 * seg6_bpf_state_end() - release the state taken by seg6_bpf_state_begin()
 * @state: the state
 */
static void seg6_bpf_state_end(struct seg6_bpf_srh_state *state)
{
	local_unlock_nested_bh(&seg6_bpf_srh_states.bh_lock);
}

/**
 * seg6_bpf_srh_ok() - validate the SRH a program edited
 * @skb: the packet
 * @state: this CPU's state, describing its SRH
 *
 * Validates once after edits, and writes the length the edits left into
 * the SRH.
 *
 * Return: true if the SRH is valid.
 */
bool seg6_bpf_srh_ok(struct sk_buff *skb, struct seg6_bpf_srh_state *state)
{
	struct ipv6_sr_hdr *srh = seg6_bpf_srh(skb, state);

	lockdep_assert_held(&state->bh_lock);
	if (state->valid)
		return true;
	if (state->hdrlen % 8 || state->hdrlen > SEG6_BPF_MAX_HDRLEN)
		return false;
	srh->hdrlen = state->hdrlen / 8;
	if (!seg6_validate_srh(srh, sizeof(*srh) + state->hdrlen, true))
		return false;
	state->valid = true;
	return true;
}

/**
 * seg6_bpf_run() - run an End.BPF program and check what it left
 * @prog: LWT_SEG6LOCAL program
 * @skb: packet, already advanced to its next segment
 * @state: this CPU's state from seg6_bpf_state_begin()
 *
 * Return: BPF_OK or BPF_REDIRECT when the packet goes on; BPF_DROP when the
 * program asked for it, returned an unknown code, returned BPF_REDIRECT
 * without a successful bpf_lwt_seg6_action(), or left an invalid SRH.
 */
static int seg6_bpf_run(const struct bpf_prog *prog, struct sk_buff *skb,
			struct seg6_bpf_srh_state *state)
{
	int verdict;

	rcu_read_lock();
	bpf_compute_data_pointers(skb);
	verdict = bpf_prog_run_save_cb(prog, skb);
	rcu_read_unlock();

	if (state->test) {
		state->test->ran = 1;
		state->test->prog_ret = verdict;
	}

	switch (verdict) {
	case BPF_OK:
		break;
	case BPF_REDIRECT:
		/* Without an action the route is still this End.BPF one:
		 * forwarding on it would run the program again, recursively.
		 */
		if (!state->redirected)
			return BPF_DROP;
		break;
	case BPF_DROP:
		return BPF_DROP;
	default:
		net_warn_ratelimited("End.BPF: program %s returned unknown verdict %d, packet dropped\n",
				     prog->aux->name, verdict);
		return BPF_DROP;
	}

	/* BPF_OK routes on the IPv6 destination: after a decapsulation, only
	 * an inner IPv6 packet has one
	 */
	if (verdict == BPF_OK && state->fwd.finish &&
	    state->fwd.proto != IPPROTO_IPV6)
		return BPF_DROP;
	if (state->has_srh && !seg6_bpf_srh_ok(skb, state))
		return BPF_DROP;
	return verdict;
}

/* What End.BPF does before the program: find the SRH and advance to the
 * next segment as End does; or, after a NEXT-C-SID shift of the DA, leave
 * the SRH (if any) as it is.
 */
static struct ipv6_sr_hdr *seg6_bpf_prepare(struct sk_buff *skb, u32 flv,
					    bool *drop)
{
	struct ipv6_sr_hdr *srh;

	*drop = false;
	if (flv & SEG6_BPF_FLV_CSID_SHIFTED)
		return seg6_bpf_find_srh(skb, 0);

	srh = seg6_bpf_find_srh(skb, IP6_FH_F_SKIP_RH);
	if (!srh) {
		*drop = true;
		return NULL;
	}
	srh->segments_left--;
	ipv6_hdr(skb)->daddr = srh->segments[srh->segments_left];
	return srh;
}

/* Penultimate segment pop (RFC 8986 4.16.1) once the program forwards the
 * packet to its last segment.
 */
static int seg6_bpf_psp(struct sk_buff *skb, struct seg6_bpf_srh_state *state,
			int verdict)
{
	if (verdict != BPF_OK || !state->has_srh || state->fwd.finish ||
	    seg6_bpf_srh(skb, state)->segments_left)
		return verdict;
	return seg6_bpf_srh_pop(skb, state) ? BPF_DROP : BPF_OK;
}

/* Everything End.BPF does to a packet up to its verdict. */
static int seg6_bpf_process(const struct bpf_prog *prog, struct sk_buff *skb,
			    struct seg6_local_bpf_test *test,
			    struct seg6_bpf_fwd *fwd, u32 flv)
{
	struct seg6_bpf_srh_state *state;
	struct ipv6_sr_hdr *srh;
	bool drop;
	int verdict;

	srh = seg6_bpf_prepare(skb, flv, &drop);
	if (drop)
		return BPF_DROP;

	state = seg6_bpf_state_begin(skb, srh);
	state->test = test;
	verdict = seg6_bpf_run(prog, skb, state);
	if (flv & SEG6_BPF_FLV_PSP)
		verdict = seg6_bpf_psp(skb, state, verdict);
	state->test = NULL;
	*fwd = state->fwd;
	seg6_bpf_state_end(state);
	return verdict;
}

/**
 * seg6_bpf_input() - End.BPF behaviour of a seg6local route
 * @skb: received packet; consumed
 * @bp: the route's program
 * @flv: SEG6_BPF_FLV_* for the route's flavors
 *
 * Return: the result of dst_input(), or -EINVAL when the packet was dropped
 * (counted in the route's error counter when the route has counters).
 */
int seg6_bpf_input(struct sk_buff *skb, const struct seg6_bpf_prog *bp, u32 flv)
{
	struct seg6_bpf_fwd fwd;

	switch (seg6_bpf_process(bp->prog, skb, NULL, &fwd, flv)) {
	case BPF_OK:
		/* a decapsulated IPv6 packet: as End.DX6 to its destination,
		 * the main table lookup End.BPF has always done for it
		 */
		if (fwd.finish)
			return seg6_local_end_dx6(skb, NULL);
		seg6_lookup_nexthop(skb, NULL, 0);
		return dst_input(skb);
	case BPF_REDIRECT:
		if (fwd.finish)
			return fwd.finish(skb, &fwd);
		return dst_input(skb);
	default:
		kfree_skb(skb);
		return -EINVAL;
	}
}

/**
 * seg6_bpf_test_run() - one End.BPF run on a packet, for BPF_PROG_TEST_RUN
 * @prog: LWT_SEG6LOCAL program
 * @skb: IPv6 packet, skb->data at its network header, with a dst
 * @result: filled with what the program did (see struct seg6_local_bpf_test)
 *
 * The packet goes through exactly what seg6_bpf_input() does before and
 * after the program, but bpf_lwt_seg6_action() records the action and its
 * parameter in @result instead of looking up a route.
 *
 * Return: the End.BPF verdict: BPF_OK, BPF_REDIRECT or BPF_DROP.
 */
u32 seg6_bpf_test_run(const struct bpf_prog *prog, struct sk_buff *skb,
		      struct seg6_local_bpf_test *result)
{
	struct seg6_bpf_fwd fwd;

	memset(result, 0, sizeof(*result));
	return seg6_bpf_process(prog, skb, result, &fwd, 0);
}

BPF_CALL_4(bpf_lwt_seg6_store_bytes, struct sk_buff *, skb, u32, offset,
	   const void *, from, u32, len)
{
	struct seg6_bpf_srh_state *state = this_cpu_ptr(&seg6_bpf_srh_states);
	u64 end = (u64)offset + len;

	lockdep_assert_held(&state->bh_lock);
	if (!state->has_srh)
		return -EINVAL;

	/* Writable: the TLV area (validated later), or the flags and tag.
	 * The segment list, its length fields and segments left are not.
	 */
	if (offset >= seg6_bpf_tlv_start(skb, state) &&
	    end <= seg6_bpf_srh_end(state))
		state->valid = false;
	else if (offset < state->srhoff + offsetof(struct ipv6_sr_hdr, flags) ||
		 end > state->srhoff + offsetof(struct ipv6_sr_hdr, segments))
		return -EFAULT;

	memcpy(skb->data + offset, from, len);
	seg6_bpf_csum_forget(skb);
	return 0;
}

static const struct bpf_func_proto bpf_lwt_seg6_store_bytes_proto = {
	.func		= bpf_lwt_seg6_store_bytes,
	.gpl_only	= false,
	.ret_type	= RET_INTEGER,
	.arg1_type	= ARG_PTR_TO_CTX,
	.arg2_type	= ARG_ANYTHING,
	.arg3_type	= ARG_PTR_TO_MEM | MEM_RDONLY,
	.arg4_type	= ARG_CONST_SIZE,
};

/* Insert @len zero bytes at @off from the IPv6 header: the headers before
 * @off, and the MAC header before them, move towards the head; the payload
 * stays in place.
 */
static int seg6_bpf_grow(struct sk_buff *skb, u32 off, u32 len)
{
	int err;

	err = skb_cow_head(skb, len + skb->mac_len);
	if (err)
		return err;
	__skb_push(skb, len);
	/* the MAC header first: moving the headers may overwrite it */
	skb_reset_network_header(skb);
	skb_mac_header_rebuild(skb);
	memmove(skb->data, skb->data + len, off);
	memset(skb->data + off, 0, len);
	return 0;
}

/* Remove @len bytes at @off from the IPv6 header (all linear and writable:
 * they are inside the SRH); the MAC header follows the IPv6 header.
 */
static void seg6_bpf_shrink(struct sk_buff *skb, u32 off, u32 len)
{
	memmove(skb->data + len, skb->data, off);
	__skb_pull(skb, len);
	skb_reset_network_header(skb);
	skb_mac_header_rebuild(skb);
}

/**
 * seg6_bpf_splice() - replace bytes of the SRH a program works on
 * @skb: the packet
 * @state: this CPU's state, describing its SRH
 * @off: offset from skb->data, in the SRH's TLV area or at its end
 * @del: how many bytes to remove at @off
 * @data: the bytes to put at @off instead, NULL for zeros
 * @len: how many
 *
 * The headers before @off move, the payload stays in place.  The SRH
 * length kept in @state, the payload length and the checksum state
 * follow; the SRH is left for seg6_bpf_srh_ok() to validate.
 *
 * Return: 0, or -ENOMEM when the headroom could not grow (nothing changed).
 */
int seg6_bpf_splice(struct sk_buff *skb, struct seg6_bpf_srh_state *state,
		    u32 off, u32 del, const void *data, u32 len)
{
	int err = 0;

	if (len > del)
		err = seg6_bpf_grow(skb, off, len - del);
	else if (del > len)
		seg6_bpf_shrink(skb, off, del - len);
	bpf_compute_data_pointers(skb);
	if (err)
		return err;

	if (data)
		memcpy(skb->data + off, data, len);
	else
		memset(skb->data + off, 0, len);
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, sizeof(struct ipv6hdr));
	ipv6_hdr(skb)->payload_len = htons(skb->len - sizeof(struct ipv6hdr));
	seg6_bpf_csum_forget(skb);
	state->hdrlen += len - del;
	state->valid = false;
	return 0;
}

/**
 * seg6_bpf_srh_pop() - remove the SRH a program works on
 * @skb: the packet
 * @state: this CPU's state, describing a valid SRH with segments left 0
 *
 * What the penultimate segment pop of RFC 8986 4.16.1 does: the header
 * before the SRH takes its next header, and the SRH goes.  The state then
 * describes a packet without SRH.
 *
 * Return: 0; -EINVAL when segments left is not 0, or when a fragment or
 * authentication header comes before the SRH (they would have to move
 * with it); -ENOMEM.
 */
int seg6_bpf_srh_pop(struct sk_buff *skb, struct seg6_bpf_srh_state *state)
{
	struct ipv6_sr_hdr *srh = seg6_bpf_srh(skb, state);
	u32 prev = offsetof(struct ipv6hdr, nexthdr);
	u32 off = sizeof(struct ipv6hdr);
	u8 nexthdr = ipv6_hdr(skb)->nexthdr;
	int err;

	if (srh->segments_left)
		return -EINVAL;
	/* the headers up to the SRH are linear: seg6_bpf_find_srh() */
	while (off < state->srhoff) {
		struct ipv6_opt_hdr *hp = (struct ipv6_opt_hdr *)(skb->data + off);

		if (nexthdr == NEXTHDR_FRAGMENT || nexthdr == NEXTHDR_AUTH)
			return -EINVAL;
		prev = off + offsetof(struct ipv6_opt_hdr, nexthdr);
		nexthdr = hp->nexthdr;
		off += ipv6_optlen(hp);
	}
	if (off != state->srhoff)
		return -EINVAL;

	skb->data[prev] = srh->nexthdr;
	err = seg6_bpf_splice(skb, state, state->srhoff,
			      sizeof(*srh) + state->hdrlen, NULL, 0);
	if (err)
		return err;
	state->has_srh = false;
	return 0;
}

BPF_CALL_3(bpf_lwt_seg6_adjust_srh, struct sk_buff *, skb, u32, offset,
	   s32, len)
{
	struct seg6_bpf_srh_state *state = this_cpu_ptr(&seg6_bpf_srh_states);
	u32 tlvs, end;

	lockdep_assert_held(&state->bh_lock);
	if (!state->has_srh)
		return -EINVAL;

	tlvs = seg6_bpf_tlv_start(skb, state);
	end = seg6_bpf_srh_end(state);
	if (offset < tlvs || offset > end)
		return -EFAULT;
	if (len < 0 && (s64)offset - len > end)
		return -EFAULT;
	/* hdrlen counts 8-octet units in 8 bits: do not grow past it, with
	 * no sum that could wrap (len may be anything up to S32_MAX).
	 */
	if (len > 0 && len > SEG6_BPF_MAX_HDRLEN - state->hdrlen)
		return -EINVAL;

	if (len > 0)
		return seg6_bpf_splice(skb, state, offset, 0, NULL, len);
	return seg6_bpf_splice(skb, state, offset, -len, NULL, 0);
}

static const struct bpf_func_proto bpf_lwt_seg6_adjust_srh_proto = {
	.func		= bpf_lwt_seg6_adjust_srh,
	.gpl_only	= false,
	.ret_type	= RET_INTEGER,
	.arg1_type	= ARG_PTR_TO_CTX,
	.arg2_type	= ARG_ANYTHING,
	.arg3_type	= ARG_ANYTHING,
};

/* Where an action sends the packet: a next hop, a table, or neither (the
 * main table on the destination address).
 */
struct seg6_bpf_nexthop {
	struct in6_addr *addr;
	u32 table;
};

/**
 * struct seg6_bpf_action - an SRv6 behaviour bpf_lwt_seg6_action() applies
 * @param_len: exact length of the parameter, 0 for a variable one
 * @needs_srh: the packet must still carry its SRH
 * @apply: transform the packet and choose where it goes; on success the
 *	   helper looks the route up.  A parameter of @param_len bytes, or
 *	   of the length given, is at @param.
 */
struct seg6_bpf_action {
	u32 param_len;
	bool needs_srh;
	int (*apply)(struct sk_buff *skb, struct seg6_bpf_srh_state *state,
		     void *param, u32 len, struct seg6_bpf_nexthop *nh);
};

static int seg6_bpf_end_x(struct sk_buff *skb, struct seg6_bpf_srh_state *state,
			  void *param, u32 len, struct seg6_bpf_nexthop *nh)
{
	nh->addr = param;
	return 0;
}

static int seg6_bpf_end_t(struct sk_buff *skb, struct seg6_bpf_srh_state *state,
			  void *param, u32 len, struct seg6_bpf_nexthop *nh)
{
	nh->table = *(u32 *)param;
	return 0;
}

/* A decapsulation that failed after removing the outer headers: the
 * packet is neither the one the program had nor the inner one.
 */
static int seg6_bpf_decap_broken(struct sk_buff *skb, struct seg6_bpf_fwd *fwd)
{
	kfree_skb(skb);
	return -EINVAL;
}

/**
 * seg6_bpf_decap() - decapsulate for an action, as its static behaviour does
 * @skb: the packet
 * @state: this CPU's state
 * @proto: the inner packet's protocol (IPPROTO_IPV6, IPPROTO_IPIP or
 *	   IPPROTO_ETHERNET)
 * @finish: the rest of the behaviour, for BPF_REDIRECT
 *
 * seg6_local.c decapsulates (segments left 0, HMAC) and the program sees
 * the inner packet.  The rest of the behaviour, which sets up the inner
 * control block that the program run saves and restores, runs once the
 * program returned (struct seg6_bpf_fwd).
 *
 * Return: 0, or -EBADMSG when the packet cannot be decapsulated.
 */
static int seg6_bpf_decap(struct sk_buff *skb, struct seg6_bpf_srh_state *state,
			  u8 proto,
			  int (*finish)(struct sk_buff *skb,
					struct seg6_bpf_fwd *fwd))
{
	unsigned int len = skb->len;

	if (!seg6_local_decap(skb, proto)) {
		if (skb->len != len) {
			/* no action and no verdict but BPF_DROP any more */
			state->has_srh = false;
			state->fwd.finish = seg6_bpf_decap_broken;
		}
		return -EBADMSG;
	}
	state->fwd.finish = finish;
	state->fwd.proto = proto;
	if (proto == IPPROTO_IPV6) {
		seg6_bpf_state_reload(skb, state);
	} else {
		state->has_srh = false;
		if (proto == IPPROTO_IPIP)
			skb->protocol = htons(ETH_P_IP);
	}
	return 0;
}

static int seg6_bpf_finish_dx6(struct sk_buff *skb, struct seg6_bpf_fwd *fwd)
{
	return seg6_local_end_dx6(skb, &fwd->nh6);
}

static int seg6_bpf_finish_dx4(struct sk_buff *skb, struct seg6_bpf_fwd *fwd)
{
	return seg6_local_end_dx4(skb, fwd->nh4);
}

static int seg6_bpf_finish_dt6(struct sk_buff *skb, struct seg6_bpf_fwd *fwd)
{
	return seg6_local_end_dt6(skb, fwd->table);
}

static int seg6_bpf_finish_dt_vrf(struct sk_buff *skb, struct seg6_bpf_fwd *fwd)
{
	return seg6_local_end_dt_vrf(skb, fwd->vrf, fwd->proto == IPPROTO_IPIP ?
				     AF_INET : AF_INET6);
}

static int seg6_bpf_finish_dx2(struct sk_buff *skb, struct seg6_bpf_fwd *fwd)
{
	return seg6_local_end_dx2(skb, fwd->oif);
}

#if IS_ENABLED(CONFIG_NET_L3_MASTER_DEV)
static bool seg6_bpf_is_vrf_of(const struct net_device *dev, u32 table)
{
	return dev && netif_is_l3_master(dev) &&
	       l3mdev_fib_table_rcu(dev) == table;
}

/* This CPU's entry for @table of @net, NULL if it has none */
static struct seg6_bpf_vrf *seg6_bpf_vrf_entry(struct seg6_bpf_srh_state *state,
					       const struct net *net, u32 table)
{
	struct seg6_bpf_vrf *vrf;

	for (vrf = state->vrfs; vrf < state->vrfs + SEG6_BPF_VRFS; vrf++)
		if (vrf->ifindex && vrf->table == table &&
		    vrf->net_cookie == net->net_cookie)
			return vrf;
	return NULL;
}

/* The VRF device of @table: the one this CPU found for it lately if it
 * still is, otherwise a walk of the netns' devices.  A router has
 * thousands of devices and uses a few VRFs at a time, whichever their
 * tables and however many netns share a table number: each CPU remembers
 * the last SEG6_BPF_VRFS VRFs it found, by netns and table; a table that
 * has no VRF takes no entry.  (The VRF driver's own map is for process
 * context and strict mode only.)
 */
static int seg6_bpf_vrf_of(struct sk_buff *skb,
			   struct seg6_bpf_srh_state *state, u32 table)
{
	struct net *net = dev_net(skb->dev);
	struct seg6_bpf_vrf *vrf = seg6_bpf_vrf_entry(state, net, table);
	struct net_device *dev;

	if (vrf) {
		dev = dev_get_by_index_rcu(net, vrf->ifindex);
		if (seg6_bpf_is_vrf_of(dev, table))
			return dev->ifindex;
	}
	for_each_netdev_rcu(net, dev) {
		if (!seg6_bpf_is_vrf_of(dev, table))
			continue;
		if (!vrf) {
			vrf = &state->vrfs[state->vrf_next];
			state->vrf_next = (state->vrf_next + 1) % SEG6_BPF_VRFS;
		}
		vrf->net_cookie = net->net_cookie;
		vrf->table = table;
		vrf->ifindex = dev->ifindex;
		return dev->ifindex;
	}
	return -EINVAL;
}
#else
static int seg6_bpf_vrf_of(struct sk_buff *skb,
			   struct seg6_bpf_srh_state *state, u32 table)
{
	return -EOPNOTSUPP;
}
#endif

/* End.DT6: decapsulate, then look the inner packet up in a table. */
static int seg6_bpf_end_dt6(struct sk_buff *skb, struct seg6_bpf_srh_state *state,
			    void *param, u32 len, struct seg6_bpf_nexthop *nh)
{
	u32 table = *(u32 *)param;	/* once: the program may change it */
	int err = seg6_bpf_decap(skb, state, IPPROTO_IPV6, seg6_bpf_finish_dt6);

	if (err)
		return err;
	nh->table = table;
	state->fwd.table = table;
	return 0;
}

/* End.DX6: decapsulate, then forward the inner packet to a next hop (::
 * meaning the inner destination itself, as for the static behaviour).
 */
static int seg6_bpf_end_dx6(struct sk_buff *skb, struct seg6_bpf_srh_state *state,
			    void *param, u32 len, struct seg6_bpf_nexthop *nh)
{
	int err;

	/* before the decapsulation, which may move the program's memory */
	memcpy(&state->fwd.nh6, param, sizeof(state->fwd.nh6));
	err = seg6_bpf_decap(skb, state, IPPROTO_IPV6, seg6_bpf_finish_dx6);
	if (err)
		return err;
	if (!ipv6_addr_any(&state->fwd.nh6))
		nh->addr = &state->fwd.nh6;
	return 0;
}

/* End.DX4: decapsulate, then route the inner IPv4 packet towards a next
 * hop (0.0.0.0: its own destination), as the static behaviour does.
 */
static int seg6_bpf_end_dx4(struct sk_buff *skb, struct seg6_bpf_srh_state *state,
			    void *param, u32 len, struct seg6_bpf_nexthop *nh)
{
	__be32 nh4 = *(__be32 *)param;
	int err = seg6_bpf_decap(skb, state, IPPROTO_IPIP, seg6_bpf_finish_dx4);

	if (err)
		return err;
	state->fwd.nh4 = nh4;
	return 0;
}

/* End.DT4 and End.DT46: decapsulate, then route the inner packet in the
 * table of a VRF device, as static routes with a vrftable do.
 */
static int seg6_bpf_end_dt_vrf(struct sk_buff *skb,
			       struct seg6_bpf_srh_state *state, u32 table,
			       u8 proto, struct seg6_bpf_nexthop *nh)
{
	int vrf = seg6_bpf_vrf_of(skb, state, table);
	int err;

	if (vrf < 0)
		return vrf;
	err = seg6_bpf_decap(skb, state, proto, seg6_bpf_finish_dt_vrf);
	if (err)
		return err;
	nh->table = table;
	state->fwd.vrf = vrf;
	return 0;
}

static int seg6_bpf_end_dt4(struct sk_buff *skb, struct seg6_bpf_srh_state *state,
			    void *param, u32 len, struct seg6_bpf_nexthop *nh)
{
	return seg6_bpf_end_dt_vrf(skb, state, *(u32 *)param, IPPROTO_IPIP, nh);
}

/* End.DT46: End.DT4 or End.DT6 in VRF mode by the inner packet's family. */
static int seg6_bpf_end_dt46(struct sk_buff *skb, struct seg6_bpf_srh_state *state,
			     void *param, u32 len, struct seg6_bpf_nexthop *nh)
{
	unsigned int off = 0;
	int proto = ipv6_find_hdr(skb, &off, -1, NULL, NULL);

	if (proto != IPPROTO_IPIP && proto != IPPROTO_IPV6)
		return -EBADMSG;
	return seg6_bpf_end_dt_vrf(skb, state, *(u32 *)param, proto, nh);
}

/* End.DX2: decapsulate, then send the inner Ethernet frame out of an
 * interface, which has to be an Ethernet one.
 */
static int seg6_bpf_end_dx2(struct sk_buff *skb, struct seg6_bpf_srh_state *state,
			    void *param, u32 len, struct seg6_bpf_nexthop *nh)
{
	u32 oif = *(u32 *)param;
	struct net_device *odev;
	int err;

	odev = dev_get_by_index_rcu(dev_net(skb->dev), oif);
	if (!odev || odev->type != ARPHRD_ETHER)
		return -EINVAL;
	err = seg6_bpf_decap(skb, state, IPPROTO_ETHERNET, seg6_bpf_finish_dx2);
	if (err)
		return err;
	state->fwd.oif = oif;
	return 0;
}

/* The SRH of End.B6 and End.B6.Encaps, copied before it is validated: the
 * program's memory (a map value) may change while it is being used.
 */
static struct ipv6_sr_hdr *seg6_bpf_srh_param(struct seg6_bpf_srh_state *state,
					      const void *param, u32 len)
{
	struct ipv6_sr_hdr *srh = (struct ipv6_sr_hdr *)state->srh_param;

	if (len > sizeof(state->srh_param))
		return NULL;
	memcpy(srh, param, len);
	return seg6_validate_srh(srh, len, false) ? srh : NULL;
}

static int seg6_bpf_end_b6(struct sk_buff *skb, struct seg6_bpf_srh_state *state,
			   void *param, u32 len, struct seg6_bpf_nexthop *nh)
{
	struct ipv6_sr_hdr *srh = seg6_bpf_srh_param(state, param, len);
	int err;

	if (!srh)
		return -EINVAL;
	if (skb->protocol != htons(ETH_P_IPV6))
		return -EBADMSG;
	err = seg6_do_srh_inline(skb, srh);
	if (err)
		return err;
	skb_set_transport_header(skb, sizeof(struct ipv6hdr));
	seg6_bpf_state_reload(skb, state);
	return 0;
}

static int seg6_bpf_end_b6_encap(struct sk_buff *skb,
				 struct seg6_bpf_srh_state *state,
				 void *param, u32 len,
				 struct seg6_bpf_nexthop *nh)
{
	struct ipv6_sr_hdr *srh = seg6_bpf_srh_param(state, param, len);
	int err;

	if (!srh)
		return -EINVAL;
	skb_reset_inner_headers(skb);
	skb->encapsulation = 1;
	err = seg6_do_srh_encap(skb, srh, IPPROTO_IPV6);
	if (err)
		return err;
	skb_set_transport_header(skb, sizeof(struct ipv6hdr));
	seg6_bpf_state_reload(skb, state);
	return 0;
}

static const struct seg6_bpf_action seg6_bpf_actions[] = {
	[SEG6_LOCAL_ACTION_END_X] = {
		.param_len	= sizeof(struct in6_addr),
		.needs_srh	= true,
		.apply		= seg6_bpf_end_x,
	},
	[SEG6_LOCAL_ACTION_END_T] = {
		.param_len	= sizeof(u32),
		.needs_srh	= true,
		.apply		= seg6_bpf_end_t,
	},
	[SEG6_LOCAL_ACTION_END_DT6] = {
		.param_len	= sizeof(u32),
		.needs_srh	= true,
		.apply		= seg6_bpf_end_dt6,
	},
	[SEG6_LOCAL_ACTION_END_DX6] = {
		.param_len	= sizeof(struct in6_addr),
		.needs_srh	= true,
		.apply		= seg6_bpf_end_dx6,
	},
	[SEG6_LOCAL_ACTION_END_DX4] = {
		.param_len	= sizeof(struct in_addr),
		.needs_srh	= true,
		.apply		= seg6_bpf_end_dx4,
	},
	[SEG6_LOCAL_ACTION_END_DT4] = {
		.param_len	= sizeof(u32),
		.needs_srh	= true,
		.apply		= seg6_bpf_end_dt4,
	},
	[SEG6_LOCAL_ACTION_END_DT46] = {
		.param_len	= sizeof(u32),
		.needs_srh	= true,
		.apply		= seg6_bpf_end_dt46,
	},
	[SEG6_LOCAL_ACTION_END_DX2] = {
		.param_len	= sizeof(u32),
		.needs_srh	= true,
		.apply		= seg6_bpf_end_dx2,
	},
	[SEG6_LOCAL_ACTION_END_B6] = {
		.apply		= seg6_bpf_end_b6,
	},
	[SEG6_LOCAL_ACTION_END_B6_ENCAP] = {
		.apply		= seg6_bpf_end_b6_encap,
	},
};

/* BPF_PROG_TEST_RUN: report where the packet would go, touch no route. */
static int seg6_bpf_test_record(struct seg6_local_bpf_test *test, u32 action,
				const struct seg6_bpf_nexthop *nh,
				const struct seg6_bpf_fwd *fwd)
{
	test->action = action;
	test->table = nh->table;
	if (nh->addr)
		memcpy(test->nh6, nh->addr, sizeof(test->nh6));
	test->nh4 = (__force u32)fwd->nh4;
	test->oif = fwd->oif;
	return 0;
}

BPF_CALL_4(bpf_lwt_seg6_action, struct sk_buff *, skb, u32, action,
	   void *, param, u32, param_len)
{
	struct seg6_bpf_srh_state *state = this_cpu_ptr(&seg6_bpf_srh_states);
	struct seg6_bpf_nexthop nh = {};
	const struct seg6_bpf_action *act;
	int err;

	lockdep_assert_held(&state->bh_lock);
	if (action >= ARRAY_SIZE(seg6_bpf_actions))
		return -EINVAL;
	act = &seg6_bpf_actions[array_index_nospec(action, ARRAY_SIZE(seg6_bpf_actions))];
	if (!act->apply)
		return -EINVAL;
	/* after a decapsulation, its behaviour has the packet */
	if (state->fwd.finish ||
	    (state->has_srh ? !seg6_bpf_srh_ok(skb, state) : act->needs_srh))
		return -EBADMSG;
	if (act->param_len && param_len != act->param_len)
		return -EINVAL;

	err = act->apply(skb, state, param, param_len, &nh);
	bpf_compute_data_pointers(skb);
	if (err)
		return err;

	state->redirected = true;
	if (state->test)
		return seg6_bpf_test_record(state->test, action, &nh, &state->fwd);
	if (state->fwd.finish)
		return 0;
	return seg6_lookup_nexthop(skb, nh.addr, nh.table);
}

static const struct bpf_func_proto bpf_lwt_seg6_action_proto = {
	.func		= bpf_lwt_seg6_action,
	.gpl_only	= false,
	.ret_type	= RET_INTEGER,
	.arg1_type	= ARG_PTR_TO_CTX,
	.arg2_type	= ARG_ANYTHING,
	.arg3_type	= ARG_PTR_TO_MEM | MEM_RDONLY,
	.arg4_type	= ARG_CONST_SIZE,
};

static const struct bpf_func_proto *
seg6_bpf_func_proto(enum bpf_func_id func_id, const struct bpf_prog *prog)
{
	switch (func_id) {
	case BPF_FUNC_skb_pull_data:
		/* The state describes the linear headers as found; a pull
		 * would not break them, but nothing needs it and the first
		 * implementation refused it: keep programs portable.
		 */
		return NULL;
	case BPF_FUNC_lwt_seg6_store_bytes:
		return &bpf_lwt_seg6_store_bytes_proto;
	case BPF_FUNC_lwt_seg6_action:
		return &bpf_lwt_seg6_action_proto;
	case BPF_FUNC_lwt_seg6_adjust_srh:
		return &bpf_lwt_seg6_adjust_srh_proto;
	default:
		return lwt_out_func_proto(func_id, prog);
	}
}

/* The LWT context, plus a read of skb->tstamp: the receive time, when the
 * stack timestamps packets, is what a delay-measurement endpoint stamps.
 */
static bool seg6_bpf_is_valid_access(int off, int size,
				     enum bpf_access_type type,
				     const struct bpf_prog *prog,
				     struct bpf_insn_access_aux *info)
{
	if (off == offsetof(struct __sk_buff, tstamp) && type == BPF_READ)
		return size == sizeof(__u64);
	return lwt_is_valid_access(off, size, type, prog, info);
}

const struct bpf_verifier_ops lwt_seg6local_verifier_ops = {
	.get_func_proto		= seg6_bpf_func_proto,
	.is_valid_access	= seg6_bpf_is_valid_access,
	.convert_ctx_access	= bpf_convert_ctx_access,
};

const struct bpf_prog_ops lwt_seg6local_prog_ops = {
	.test_run		= bpf_prog_test_run_seg6local,
};

static const struct nla_policy seg6_bpf_policy[SEG6_LOCAL_BPF_PROG_MAX + 1] = {
	[SEG6_LOCAL_BPF_PROG]		= { .type = NLA_U32 },
	[SEG6_LOCAL_BPF_PROG_NAME]	= { .type = NLA_NUL_STRING,
					    .len = SEG6_BPF_MAX_NAME },
};

/**
 * seg6_bpf_parse() - parse the SEG6_LOCAL_BPF attribute of a route
 * @attr: the nested attribute
 * @bp: filled with a reference on the program and a copy of its name
 * @extack: says why the attribute was rejected
 *
 * Return: 0, or a negative errno with an extack message.
 */
int seg6_bpf_parse(const struct nlattr *attr, struct seg6_bpf_prog *bp,
		   struct netlink_ext_ack *extack)
{
	struct nlattr *tb[SEG6_LOCAL_BPF_PROG_MAX + 1];
	struct bpf_prog *prog;
	char *name;
	int err;

	err = nla_parse_nested_deprecated(tb, SEG6_LOCAL_BPF_PROG_MAX, attr,
					  seg6_bpf_policy, extack);
	if (err)
		return err;
	if (!tb[SEG6_LOCAL_BPF_PROG]) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "End.BPF: missing program fd (SEG6_LOCAL_BPF_PROG)");
		return -EINVAL;
	}
	if (!tb[SEG6_LOCAL_BPF_PROG_NAME]) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "End.BPF: missing program name (SEG6_LOCAL_BPF_PROG_NAME)");
		return -EINVAL;
	}

	prog = bpf_prog_get_type(nla_get_u32(tb[SEG6_LOCAL_BPF_PROG]),
				 BPF_PROG_TYPE_LWT_SEG6LOCAL);
	if (IS_ERR(prog)) {
		if (PTR_ERR(prog) == -EBADF)
			NL_SET_ERR_MSG_ATTR(extack, tb[SEG6_LOCAL_BPF_PROG],
					    "End.BPF: program fd is not an open file descriptor");
		else
			NL_SET_ERR_MSG_ATTR(extack, tb[SEG6_LOCAL_BPF_PROG],
					    "End.BPF: fd is not a BPF_PROG_TYPE_LWT_SEG6LOCAL program");
		return PTR_ERR(prog);
	}

	name = nla_strdup(tb[SEG6_LOCAL_BPF_PROG_NAME], GFP_KERNEL);
	if (!name) {
		bpf_prog_put(prog);
		return -ENOMEM;
	}
	bp->prog = prog;
	bp->name = name;
	return 0;
}

/**
 * seg6_bpf_put() - dump the SEG6_LOCAL_BPF attribute of a route
 * @skb: netlink message
 * @bp: the route's program
 *
 * Return: 0 or -EMSGSIZE.
 */
int seg6_bpf_put(struct sk_buff *skb, const struct seg6_bpf_prog *bp)
{
	struct nlattr *nest;

	nest = nla_nest_start_noflag(skb, SEG6_LOCAL_BPF);
	if (!nest ||
	    nla_put_u32(skb, SEG6_LOCAL_BPF_PROG, bp->prog->aux->id) ||
	    nla_put_string(skb, SEG6_LOCAL_BPF_PROG_NAME, bp->name))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/**
 * seg6_bpf_nlsize() - room seg6_bpf_put() needs at most
 *
 * Return: size in bytes, the longest name and its NUL included.
 */
size_t seg6_bpf_nlsize(void)
{
	return nla_total_size(0) + nla_total_size(sizeof(u32)) +
	       nla_total_size(SEG6_BPF_MAX_NAME + 1);
}

/**
 * seg6_bpf_cmp() - compare the programs of two routes
 * @a: first route's program
 * @b: second route's program
 *
 * Two End.BPF routes are the same only if they run the same program: the
 * name alone is what user space chose to call it.
 *
 * Return: 0 when equal.
 */
int seg6_bpf_cmp(const struct seg6_bpf_prog *a, const struct seg6_bpf_prog *b)
{
	if (a->prog != b->prog)
		return 1;
	return strcmp(a->name, b->name);
}

/**
 * seg6_bpf_destroy() - release what seg6_bpf_parse() took
 * @bp: the route's program
 */
void seg6_bpf_destroy(struct seg6_bpf_prog *bp)
{
	kfree(bp->name);
	if (bp->prog)
		bpf_prog_put(bp->prog);
}
