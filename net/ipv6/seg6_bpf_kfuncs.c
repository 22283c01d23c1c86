// SPDX-License-Identifier: GPL-2.0
/*
 * SRv6 End.BPF kfuncs: whole-TLV edits of the SRH (RFC 8754 section 2.1)
 * that an End.BPF program works on, and the next hops of a route.
 *
 * With bpf_lwt_seg6_adjust_srh() and bpf_lwt_seg6_store_bytes() a program
 * counts bytes itself: where TLVs start, and the padding that keeps the
 * SRH a multiple of 8 octets.  These kfuncs work on TLVs:
 *
 *  - bpf_seg6_tlv_find() tells where a TLV of a given type is;
 *  - bpf_seg6_tlv_insert() inserts a TLV where one starts or after the last;
 *  - bpf_seg6_tlv_remove() removes one;
 *  - bpf_seg6_srh_pop() removes the SRH at its last segment (PSP).
 *
 * TLV insertion and removal then rewrite the padding that follows the
 * last TLV (Pad1 or PadN, as RFC 8754 2.1.1 asks), so that the SRH they
 * leave is valid; its length, the payload length and the checksum state
 * follow.  These four move packet data: the verifier forgets packet
 * pointers across them (KF_CHANGES_PKT).
 *
 * bpf_seg6_ecmp_nexthops() reports every next hop of the IPv6 route to a
 * destination, where bpf_fib_lookup() returns the one a flow would take:
 * what an OAM endpoint needs to let a prober discover all ECMP paths.
 *
 * Only LWT_SEG6LOCAL programs may call these kfuncs.
 */

#include <linux/bpf.h>
#include <linux/bpf_verifier.h>
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <linux/init.h>
#include <linux/seg6.h>
#include <net/ip6_fib.h>
#include <net/ip6_route.h>
#include <net/nexthop.h>
#include <net/seg6_bpf.h>

/* Length of the TLV at @p: Pad1 is a single octet (RFC 8754 2.1.1.1). */
static u32 seg6_tlv_size(const u8 *p)
{
	return p[0] == SR6_TLV_PAD1 ? 1 : sizeof(struct sr6_tlv) + p[1];
}

static bool seg6_tlv_is_padding(const u8 *p)
{
	return p[0] == SR6_TLV_PAD1 || p[0] == SR6_TLV_PADDING;
}

/* The TLV area of the SRH, as offsets from skb->data. */
struct seg6_tlvs {
	u32 start;	/* first TLV */
	u32 used;	/* after the last TLV that is not padding */
	u32 end;	/* after the SRH */
};

/* The TLVs fill the area exactly: the SRH was valid, and edits only ever
 * insert or remove whole TLVs.  The bound check is a safety net.
 */
static void seg6_tlvs_scan(const struct sk_buff *skb,
			   const struct seg6_bpf_srh_state *state,
			   struct seg6_tlvs *t)
{
	u32 off, size;

	t->start = seg6_bpf_tlv_start(skb, state);
	t->end = seg6_bpf_srh_end(state);
	t->used = t->start;
	for (off = t->start; off < t->end; off += size) {
		size = seg6_tlv_size(skb->data + off);
		if (off + size > t->end)
			break;
		if (!seg6_tlv_is_padding(skb->data + off))
			t->used = off + size;
	}
}

/* Does a TLV start at @off, or is @off right after the last one? */
static bool seg6_tlv_boundary(const struct sk_buff *skb,
			      const struct seg6_tlvs *t, u32 off)
{
	u32 at;

	for (at = t->start; at < t->used; at += seg6_tlv_size(skb->data + at))
		if (at == off)
			return true;
	return off == t->used;
}

/* This CPU's End.BPF state, for a packet whose SRH is there and valid. */
static int seg6_kfunc_state(struct sk_buff *skb,
			    struct seg6_bpf_srh_state **statep)
{
	struct seg6_bpf_srh_state *state = this_cpu_ptr(&seg6_bpf_srh_states);

	lockdep_assert_held(&state->bh_lock);
	if (!state->has_srh)
		return -EINVAL;
	if (!seg6_bpf_srh_ok(skb, state))
		return -EBADMSG;
	*statep = state;
	return 0;
}

/* Padding of @len octets at @p, which are zero: Pad1 or PadN. */
static void seg6_tlv_pad(u8 *p, u32 len)
{
	if (len > 1) {
		p[0] = SR6_TLV_PADDING;
		p[1] = len - sizeof(struct sr6_tlv);
	}
}

/* The least padding that aligns a TLV area of @len octets: the fixed part
 * of the SRH and the segments are multiples of 8 octets.
 */
static u32 seg6_tlv_pad_len(u32 len)
{
	return -len & 7;
}

/* Replace the padding after the last TLV by the least that aligns the
 * SRH, then check what the edit left.
 */
static int seg6_tlvs_repad(struct sk_buff *skb,
			   struct seg6_bpf_srh_state *state)
{
	struct seg6_tlvs t;
	u32 len;
	int err;

	seg6_tlvs_scan(skb, state, &t);
	len = seg6_tlv_pad_len(t.used - t.start);
	err = seg6_bpf_splice(skb, state, t.used, t.end - t.used, NULL, len);
	if (err)
		return err;
	seg6_tlv_pad(skb->data + t.used, len);
	return seg6_bpf_srh_ok(skb, state) ? 0 : -EBADMSG;
}

/* The next hops bpf_seg6_ecmp_nexthops() has seen, and room for them. */
struct seg6_nh_fill {
	struct bpf_seg6_nexthop *nhs;
	u32 max;
	u32 n;
};

static void seg6_nh_add(struct seg6_nh_fill *f, const struct fib6_nh *nh,
			u32 weight)
{
	struct bpf_seg6_nexthop *e;

	if (!nh || f->n++ >= f->max)
		return;
	e = &f->nhs[f->n - 1];
	memset(e, 0, sizeof(*e));
	if (nh->fib_nh_gw_family == AF_INET6)
		e->gw = nh->fib_nh_gw6;
	e->ifindex = nh->fib_nh_dev ? nh->fib_nh_dev->ifindex : 0;
	e->weight = weight;
	e->flags = nh->fib_nh_flags;
}

/* The siblings of a multipath route.  A route deleted or replaced while
 * this walks is taken out of the ring of siblings, which then never leads
 * back to it: stop when it has no siblings any more, as fib6_select_path()
 * does.  What was added until then were next hops of the route.
 */
static void seg6_nh_add_siblings(struct seg6_nh_fill *f, struct fib6_info *f6i)
{
	struct fib6_info *sibling;

	if (!READ_ONCE(f6i->fib6_nsiblings))
		return;
	list_for_each_entry_rcu(sibling, &f6i->fib6_siblings, fib6_siblings) {
		if (!READ_ONCE(f6i->fib6_nsiblings))
			break;
		seg6_nh_add(f, sibling->fib6_nh, sibling->fib6_nh->fib_nh_weight);
	}
}

/* A nexthop object: one next hop, or each member of a group. */
static void seg6_nh_add_object(struct seg6_nh_fill *f, struct nexthop *nh)
{
	struct nh_group *nhg;
	u16 i;

	if (!nh->is_group) {
		seg6_nh_add(f, nexthop_fib6_nh(nh), 1);
		return;
	}
	nhg = rcu_dereference(nh->nh_grp);
	for (i = 0; i < nhg->num_nh; i++)
		seg6_nh_add(f, nexthop_fib6_nh(nhg->nh_entries[i].nh),
			    nhg->nh_entries[i].weight);
}

__bpf_kfunc_start_defs();

/**
 * bpf_seg6_tlv_find() - find a TLV in the SRH of an End.BPF packet
 * @s: the program's context
 * @from: offset from the packet start where the search starts; 0 for the
 *	  first TLV, the offset of a TLV found plus its length for the next
 * @type: TLV type (Pad1 and PadN included)
 * @len: set to the length of the TLV found, its type and length octets
 *	 included (1 for Pad1)
 *
 * Return: the offset of the TLV from the packet start; -ENOENT when there
 * is none of @type at or after @from, -EINVAL when the packet has no SRH,
 * -EBADMSG when the program left the SRH invalid.
 */
__bpf_kfunc int bpf_seg6_tlv_find(struct __sk_buff *s, u32 from, u8 type,
				  u32 *len)
{
	struct sk_buff *skb = (struct sk_buff *)s;
	struct seg6_bpf_srh_state *state;
	struct seg6_tlvs t;
	u32 off, size;
	int err;

	err = seg6_kfunc_state(skb, &state);
	if (err)
		return err;
	seg6_tlvs_scan(skb, state, &t);
	for (off = t.start; off < t.end; off += size) {
		size = seg6_tlv_size(skb->data + off);
		if (off >= from && skb->data[off] == type) {
			*len = size;
			return off;
		}
	}
	return -ENOENT;
}

/**
 * bpf_seg6_tlv_insert() - insert a TLV into the SRH of an End.BPF packet
 * @s: the program's context
 * @offset: offset from the packet start where a TLV starts, or where the
 *	    last TLV that is not padding ends; 0 for the latter
 * @tlv: the TLV, type and length octets included; not padding
 * @tlv__sz: its size, which must be what its length octet says
 *
 * The padding after the last TLV is rewritten to align the SRH.  Packet
 * pointers are invalid after the call.
 *
 * Return: the offset of the inserted TLV from the packet start;
 * -EFAULT when @offset is outside the TLV area, -EINVAL when it is not
 * where a TLV starts, when @tlv is not a TLV of @tlv__sz bytes or is
 * padding, when the packet has no SRH or when the SRH would grow past
 * 2048 bytes, -EBADMSG when the program left the SRH invalid, -ENOMEM.
 */
__bpf_kfunc int bpf_seg6_tlv_insert(struct __sk_buff *s, u32 offset,
				    const u8 *tlv, u32 tlv__sz)
{
	struct sk_buff *skb = (struct sk_buff *)s;
	struct seg6_bpf_srh_state *state;
	struct seg6_tlvs t;
	u32 pad;
	u8 *data;
	int err;

	err = seg6_kfunc_state(skb, &state);
	if (err)
		return err;
	if (tlv__sz < sizeof(struct sr6_tlv) || seg6_tlv_is_padding(tlv) ||
	    seg6_tlv_size(tlv) != tlv__sz)
		return -EINVAL;
	seg6_tlvs_scan(skb, state, &t);
	if (!offset)
		offset = t.used;
	else if (offset < t.start || offset > t.used)
		return -EFAULT;
	else if (!seg6_tlv_boundary(skb, &t, offset))
		return -EINVAL;
	pad = seg6_tlv_pad_len(t.used - t.start + tlv__sz);
	if (t.start - state->srhoff - sizeof(struct ipv6_sr_hdr) +
	    t.used - t.start + tlv__sz + pad > SEG6_BPF_MAX_HDRLEN)
		return -EINVAL;

	/* One move of the headers: the old padding gives way to room for
	 * the TLV and the new padding, then the TLVs after @offset shift.
	 */
	err = seg6_bpf_splice(skb, state, t.used, t.end - t.used, NULL,
			      tlv__sz + pad);
	if (err)
		return err;
	data = skb->data;
	memmove(data + offset + tlv__sz, data + offset, t.used - offset);
	memcpy(data + offset, tlv, tlv__sz);
	seg6_tlv_pad(data + t.used + tlv__sz, pad);
	return seg6_bpf_srh_ok(skb, state) ? offset : -EBADMSG;
}

/**
 * bpf_seg6_tlv_remove() - remove a TLV from the SRH of an End.BPF packet
 * @s: the program's context
 * @offset: offset from the packet start of the TLV
 *
 * The padding after the last TLV is rewritten to align the SRH (padding
 * that a removed last TLV leaves at the end goes with it).  Packet
 * pointers are invalid after the call.
 *
 * Return: 0; -EFAULT when @offset is outside the TLVs, -EINVAL when no TLV
 * starts there or the packet has no SRH, -EBADMSG when the program left
 * the SRH invalid, -ENOMEM.
 */
__bpf_kfunc int bpf_seg6_tlv_remove(struct __sk_buff *s, u32 offset)
{
	struct sk_buff *skb = (struct sk_buff *)s;
	struct seg6_bpf_srh_state *state;
	struct seg6_tlvs t;
	int err;

	err = seg6_kfunc_state(skb, &state);
	if (err)
		return err;
	seg6_tlvs_scan(skb, state, &t);
	if (offset < t.start || offset >= t.end)
		return -EFAULT;
	if (offset >= t.used || !seg6_tlv_boundary(skb, &t, offset))
		return -EINVAL;
	/* room for the repad below, which must not fail once the TLV is
	 * gone: growths move the MAC header too
	 */
	err = skb_cow_head(skb, 8 + skb->mac_len);
	if (err)
		return err;

	err = seg6_bpf_splice(skb, state, offset,
			      seg6_tlv_size(skb->data + offset), NULL, 0);
	return err ?: seg6_tlvs_repad(skb, state);
}

/**
 * bpf_seg6_srh_pop() - remove the SRH of an End.BPF packet (PSP)
 * @s: the program's context
 *
 * Once the active segment is the last one (segments left 0), removes the
 * SRH as the penultimate segment pop of RFC 8986 4.16.1 does; BPF_OK then
 * forwards the packet to that last segment without it.  The SRH helpers
 * and kfuncs return -EINVAL afterwards.  Packet pointers are invalid after
 * the call.
 *
 * Return: 0; -EINVAL when the packet has no SRH, when segments left is not
 * 0 or when a fragment or authentication header precedes the SRH;
 * -EBADMSG when the program left the SRH invalid; -ENOMEM.
 */
__bpf_kfunc int bpf_seg6_srh_pop(struct __sk_buff *s)
{
	struct sk_buff *skb = (struct sk_buff *)s;
	struct seg6_bpf_srh_state *state;
	int err;

	err = seg6_kfunc_state(skb, &state);
	return err ?: seg6_bpf_srh_pop(skb, state);
}

/**
 * bpf_seg6_ecmp_nexthops() - every next hop of the route to a destination
 * @s: the program's context
 * @dst: IPv6 destination
 * @table: routing table to look @dst up in, 0 for the main table
 * @nhs: filled with up to @nhs__sz / sizeof(*@nhs) next hops, in the
 *	 order of the route
 * @nhs__sz: size of @nhs, a non-zero multiple of its element size
 *
 * Looks the route up in the network namespace of the packet's device, as
 * bpf_fib_lookup() with BPF_FIB_LOOKUP_DIRECT would, but reports all the
 * next hops of a multipath route (siblings or nexthop group) with their
 * weights instead of the one a flow hashes to.
 *
 * Return: the number of next hops of the route, which may be more than
 * @nhs holds; -ENOENT when @table does not exist, -ENETUNREACH when no
 * route leads to @dst (or a reject route does), -EINVAL for a bad @nhs__sz.
 */
__bpf_kfunc int bpf_seg6_ecmp_nexthops(struct __sk_buff *s,
				       const struct in6_addr *dst, u32 table,
				       struct bpf_seg6_nexthop *nhs,
				       u32 nhs__sz)
{
	struct sk_buff *skb = (struct sk_buff *)s;
	struct seg6_nh_fill f = { .nhs = nhs, .max = nhs__sz / sizeof(*nhs) };
	struct net *net = dev_net(skb->dev);
	struct flowi6 fl6 = { .daddr = *dst };
	struct fib6_result res = {};
	struct fib6_table *tb;
	int ret = -ENETUNREACH;

	if (!f.max || nhs__sz % sizeof(*nhs))
		return -EINVAL;
	tb = fib6_get_table(net, table ?: RT6_TABLE_MAIN);
	if (!tb)
		return -ENOENT;

	rcu_read_lock();
	if (fib6_table_lookup(net, tb, 0, &fl6, &res, 0) ||
	    IS_ERR_OR_NULL(res.f6i) || res.f6i == net->ipv6.fib6_null_entry ||
	    res.f6i->fib6_flags & RTF_REJECT)
		goto out;
	if (res.f6i->nh) {
		seg6_nh_add_object(&f, res.f6i->nh);
	} else {
		seg6_nh_add(&f, res.f6i->fib6_nh, res.f6i->fib6_nh->fib_nh_weight);
		seg6_nh_add_siblings(&f, res.f6i);
	}
	ret = f.n;
out:
	rcu_read_unlock();
	return ret;
}

__bpf_kfunc_end_defs();

BTF_KFUNCS_START(seg6_bpf_kfunc_ids)
/* KF_TRUSTED_ARGS: the verifier lets kfuncs take NULL for memory
 * arguments unless told otherwise; none of these has an optional one.
 */
BTF_ID_FLAGS(func, bpf_seg6_tlv_find, KF_TRUSTED_ARGS)
BTF_ID_FLAGS(func, bpf_seg6_tlv_insert, KF_TRUSTED_ARGS | KF_CHANGES_PKT)
BTF_ID_FLAGS(func, bpf_seg6_tlv_remove, KF_TRUSTED_ARGS | KF_CHANGES_PKT)
BTF_ID_FLAGS(func, bpf_seg6_srh_pop, KF_TRUSTED_ARGS | KF_CHANGES_PKT)
BTF_ID_FLAGS(func, bpf_seg6_ecmp_nexthops, KF_TRUSTED_ARGS)
BTF_KFUNCS_END(seg6_bpf_kfunc_ids)

/* The LWT program types share one kfunc hook: keep these to End.BPF,
 * the only one with the SRH state they need, and to the freplace programs
 * that extend End.BPF programs.
 */
static int seg6_bpf_kfunc_filter(const struct bpf_prog *prog, u32 kfunc_id)
{
	if (btf_id_set8_contains(&seg6_bpf_kfunc_ids, kfunc_id) &&
	    resolve_prog_type(prog) != BPF_PROG_TYPE_LWT_SEG6LOCAL)
		return -EACCES;
	return 0;
}

static const struct btf_kfunc_id_set seg6_bpf_kfunc_set = {
	.owner	= THIS_MODULE,
	.set	= &seg6_bpf_kfunc_ids,
	.filter	= seg6_bpf_kfunc_filter,
};

static int __init seg6_bpf_kfunc_init(void)
{
	return register_btf_kfunc_id_set(BPF_PROG_TYPE_LWT_SEG6LOCAL,
					 &seg6_bpf_kfunc_set);
}
late_initcall(seg6_bpf_kfunc_init);
