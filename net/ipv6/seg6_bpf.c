// SPDX-License-Identifier: GPL-2.0
/*
 * SRv6 End.BPF: run a BPF_PROG_TYPE_LWT_SEG6LOCAL program at an SRv6
 * endpoint (RFC 8986 endpoint behaviour, SRH of RFC 8754).
 *
 * This is the behaviour of the seg6local route, built where seg6_local.c
 * is (in ipv6.ko when IPv6 is a module).  The route holds the program.  On
 * a packet, End.BPF finds and validates the SRH, advances to the next
 * segment as End does, and runs the program with a per-CPU description of
 * the SRH (struct seg6_bpf_srh_state) that the helpers and kfuncs use and
 * keep up to date (seg6_bpf_helpers.c, seg6_bpf_kfuncs.c; built in with
 * IPv6, as filter.c and the verifier that call them are).
 *
 * Edits of the TLV area are validated once, after the program (or before an
 * action that depends on the SRH), so that a program can build TLVs in
 * several steps.  The program's verdict then decides: BPF_OK forwards on
 * the new destination address, BPF_REDIRECT keeps the route an action chose,
 * anything else drops the packet.  Without the helpers (IPv6 as a module),
 * the program can only read the packet: BPF_REDIRECT, which needs an
 * action, drops it there too.
 */

#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/netlink.h>
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

/**
 * seg6_bpf_process() - everything End.BPF does to a packet up to its verdict
 * @prog: LWT_SEG6LOCAL program
 * @skb: the packet, skb->data at its IPv6 header
 * @test: where BPF_PROG_TEST_RUN wants the run recorded, or NULL
 * @fwd: filled with what a decapsulating action left to do
 * @flv: SEG6_BPF_FLV_* of the route
 *
 * Return: BPF_OK, BPF_REDIRECT or BPF_DROP.
 */
int seg6_bpf_process(const struct bpf_prog *prog, struct sk_buff *skb,
		     struct seg6_local_bpf_test *test, struct seg6_bpf_fwd *fwd,
		     u32 flv)
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
