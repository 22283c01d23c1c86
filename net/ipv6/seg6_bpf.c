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
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/nospec.h>
#include <linux/seg6.h>
#include <linux/seg6_local.h>
#include <net/dst.h>
#include <net/ipv6.h>
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

static struct ipv6_sr_hdr *state_srh(const struct sk_buff *skb,
				     const struct seg6_bpf_srh_state *state)
{
	return (struct ipv6_sr_hdr *)(skb->data + state->srhoff);
}

/* Offset from skb->data of the first byte after the segment list. */
static u32 state_tlv_start(const struct sk_buff *skb,
			   const struct seg6_bpf_srh_state *state)
{
	const struct ipv6_sr_hdr *srh = state_srh(skb, state);

	return state->srhoff + sizeof(*srh) +
	       (srh->first_segment + 1) * sizeof(struct in6_addr);
}

/* Offset from skb->data of the first byte after the SRH. */
static u32 state_srh_end(const struct seg6_bpf_srh_state *state)
{
	return state->srhoff + sizeof(struct ipv6_sr_hdr) + state->hdrlen;
}

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
 *
 * Return: the SRH with segments left > 0, validated (HMAC included when
 * configured), linear and writable; NULL when the packet must be dropped.
 */
struct ipv6_sr_hdr *seg6_bpf_find_srh(struct sk_buff *skb)
{
	struct ipv6_sr_hdr *srh;
	unsigned int off;

	srh = seg6_get_srh(skb, IP6_FH_F_SKIP_RH);
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
 * @srh: its SRH, as returned by seg6_bpf_find_srh()
 *
 * Must be called with BH disabled; pair with seg6_bpf_state_end().
 *
 * Return: the state, describing @srh.
 */
struct seg6_bpf_srh_state *seg6_bpf_state_begin(struct sk_buff *skb,
						struct ipv6_sr_hdr *srh)
{
	struct seg6_bpf_srh_state *state;

	local_lock_nested_bh(&seg6_bpf_srh_states.bh_lock);
	state = this_cpu_ptr(&seg6_bpf_srh_states);
	state->srhoff = (unsigned char *)srh - skb->data;
	state->hdrlen = srh->hdrlen << 3;
	state->has_srh = true;
	state->valid = true;
	state->redirected = false;
	state->test = NULL;
	return state;
}

/**
 * seg6_bpf_state_end() - release the state taken by seg6_bpf_state_begin()
 * @state: the state
 */
void seg6_bpf_state_end(struct seg6_bpf_srh_state *state)
{
	local_unlock_nested_bh(&seg6_bpf_srh_states.bh_lock);
}

/* Validate the SRH the program edited, once, and write back its length. */
static bool seg6_bpf_srh_ok(struct sk_buff *skb,
			    struct seg6_bpf_srh_state *state)
{
	struct ipv6_sr_hdr *srh = state_srh(skb, state);

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
int seg6_bpf_run(const struct bpf_prog *prog, struct sk_buff *skb,
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

	if (state->has_srh && !seg6_bpf_srh_ok(skb, state))
		return BPF_DROP;
	return verdict;
}

/* Everything End.BPF does to a packet up to its verdict: find the SRH,
 * advance to the next segment as End does, run the program.
 */
static int seg6_bpf_process(const struct bpf_prog *prog, struct sk_buff *skb,
			    struct seg6_local_bpf_test *test)
{
	struct seg6_bpf_srh_state *state;
	struct ipv6_sr_hdr *srh;
	int verdict;

	srh = seg6_bpf_find_srh(skb);
	if (!srh)
		return BPF_DROP;

	srh->segments_left--;
	ipv6_hdr(skb)->daddr = srh->segments[srh->segments_left];

	state = seg6_bpf_state_begin(skb, srh);
	state->test = test;
	verdict = seg6_bpf_run(prog, skb, state);
	state->test = NULL;
	seg6_bpf_state_end(state);
	return verdict;
}

/**
 * seg6_bpf_input() - End.BPF behaviour of a seg6local route
 * @skb: received packet; consumed
 * @bp: the route's program
 *
 * Return: the result of dst_input(), or -EINVAL when the packet was dropped
 * (counted in the route's error counter when the route has counters).
 */
int seg6_bpf_input(struct sk_buff *skb, const struct seg6_bpf_prog *bp)
{
	switch (seg6_bpf_process(bp->prog, skb, NULL)) {
	case BPF_OK:
		seg6_lookup_nexthop(skb, NULL, 0);
		fallthrough;
	case BPF_REDIRECT:
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
	memset(result, 0, sizeof(*result));
	return seg6_bpf_process(prog, skb, result);
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
	if (offset >= state_tlv_start(skb, state) &&
	    end <= state_srh_end(state))
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
 * @off move towards the head, the payload stays in place.
 */
static int seg6_bpf_grow(struct sk_buff *skb, u32 off, u32 len)
{
	int err;

	err = skb_cow_head(skb, len);
	if (err)
		return err;
	__skb_push(skb, len);
	memmove(skb->data, skb->data + len, off);
	memset(skb->data + off, 0, len);
	if (skb_mac_header_was_set(skb))
		skb->mac_header -= len;
	return 0;
}

/* Remove @len bytes at @off from the IPv6 header (all linear and writable:
 * they are inside the SRH).
 */
static void seg6_bpf_shrink(struct sk_buff *skb, u32 off, u32 len)
{
	memmove(skb->data + len, skb->data, off);
	__skb_pull(skb, len);
	if (skb_mac_header_was_set(skb))
		skb->mac_header += len;
}

BPF_CALL_3(bpf_lwt_seg6_adjust_srh, struct sk_buff *, skb, u32, offset,
	   s32, len)
{
	struct seg6_bpf_srh_state *state = this_cpu_ptr(&seg6_bpf_srh_states);
	u32 tlvs, end;
	int err = 0;

	lockdep_assert_held(&state->bh_lock);
	if (!state->has_srh)
		return -EINVAL;

	tlvs = state_tlv_start(skb, state);
	end = state_srh_end(state);
	if (offset < tlvs || offset > end)
		return -EFAULT;
	if (len < 0 && (s64)offset - len > end)
		return -EFAULT;
	/* hdrlen counts 8-octet units in 8 bits: do not grow past it. */
	if (len > 0 && state->hdrlen + len > SEG6_BPF_MAX_HDRLEN)
		return -EINVAL;

	if (len > 0)
		err = seg6_bpf_grow(skb, offset, len);
	else
		seg6_bpf_shrink(skb, offset, -len);
	bpf_compute_data_pointers(skb);
	if (err)
		return err;

	skb_reset_network_header(skb);
	skb_set_transport_header(skb, sizeof(struct ipv6hdr));
	ipv6_hdr(skb)->payload_len = htons(skb->len - sizeof(struct ipv6hdr));
	seg6_bpf_csum_forget(skb);
	state->hdrlen += len;
	state->valid = false;
	return 0;
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

/* Leave the inner IPv6 packet of an IPv6-in-IPv6 encapsulation. */
static int seg6_bpf_decap6(struct sk_buff *skb, struct seg6_bpf_srh_state *state)
{
	int off = 0;

	if (ipv6_find_hdr(skb, &off, IPPROTO_IPV6, NULL, NULL) < 0)
		return -EBADMSG;
	if (!pskb_pull(skb, off))
		return -EBADMSG;
	skb_postpull_rcsum(skb, skb_network_header(skb), off);
	skb_reset_network_header(skb);
	skb_reset_transport_header(skb);
	skb->encapsulation = 0;
	seg6_bpf_state_reload(skb, state);
	return 0;
}

/* End.DT6: decapsulate, then look the inner packet up in a table. */
static int seg6_bpf_end_dt6(struct sk_buff *skb, struct seg6_bpf_srh_state *state,
			    void *param, u32 len, struct seg6_bpf_nexthop *nh)
{
	int err = seg6_bpf_decap6(skb, state);

	if (!err)
		nh->table = *(u32 *)param;
	return err;
}

/* End.DX6: decapsulate, then forward the inner packet to a next hop (::
 * meaning the inner destination itself, as for the static behaviour).
 */
static int seg6_bpf_end_dx6(struct sk_buff *skb, struct seg6_bpf_srh_state *state,
			    void *param, u32 len, struct seg6_bpf_nexthop *nh)
{
	int err = seg6_bpf_decap6(skb, state);

	if (!err && !ipv6_addr_any(param))
		nh->addr = param;
	return err;
}

static int seg6_bpf_end_b6(struct sk_buff *skb, struct seg6_bpf_srh_state *state,
			   void *param, u32 len, struct seg6_bpf_nexthop *nh)
{
	int err;

	if (!seg6_validate_srh(param, len, false))
		return -EINVAL;
	if (skb->protocol != htons(ETH_P_IPV6))
		return -EBADMSG;
	err = seg6_do_srh_inline(skb, param);
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
	int err;

	if (!seg6_validate_srh(param, len, false))
		return -EINVAL;
	skb_reset_inner_headers(skb);
	skb->encapsulation = 1;
	err = seg6_do_srh_encap(skb, param, IPPROTO_IPV6);
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
	[SEG6_LOCAL_ACTION_END_B6] = {
		.apply		= seg6_bpf_end_b6,
	},
	[SEG6_LOCAL_ACTION_END_B6_ENCAP] = {
		.apply		= seg6_bpf_end_b6_encap,
	},
};

/* BPF_PROG_TEST_RUN: report where the packet would go, touch no route. */
static int seg6_bpf_test_record(struct seg6_local_bpf_test *test, u32 action,
				const struct seg6_bpf_nexthop *nh)
{
	test->action = action;
	test->table = nh->table;
	if (nh->addr)
		memcpy(test->nh6, nh->addr, sizeof(test->nh6));
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
	if (state->has_srh ? !seg6_bpf_srh_ok(skb, state) : act->needs_srh)
		return -EBADMSG;
	if (act->param_len && param_len != act->param_len)
		return -EINVAL;

	err = act->apply(skb, state, param, param_len, &nh);
	bpf_compute_data_pointers(skb);
	if (err)
		return err;

	state->redirected = true;
	if (state->test)
		return seg6_bpf_test_record(state->test, action, &nh);
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
	[SEG6_LOCAL_BPF_PROG_NAME]	= { .type = NLA_NUL_STRING },
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
	if (strnlen(nla_data(tb[SEG6_LOCAL_BPF_PROG_NAME]),
		    nla_len(tb[SEG6_LOCAL_BPF_PROG_NAME])) > SEG6_BPF_MAX_NAME) {
		NL_SET_ERR_MSG_ATTR(extack, tb[SEG6_LOCAL_BPF_PROG_NAME],
				    "End.BPF: program name longer than 256 bytes");
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
