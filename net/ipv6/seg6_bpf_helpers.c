// SPDX-License-Identifier: GPL-2.0
/*
 * SRv6 End.BPF: what a BPF_PROG_TYPE_LWT_SEG6LOCAL program may call, and
 * its verifier and test_run operations.
 *
 *  - bpf_lwt_seg6_store_bytes() writes the SRH flags, tag and TLV area;
 *  - bpf_lwt_seg6_adjust_srh() grows or shrinks the TLV area;
 *  - bpf_lwt_seg6_action() hands the packet to another SRv6 behaviour.
 *
 * They work on the per-CPU SRH state that End.BPF (seg6_bpf.c) sets up
 * around the program, and call into seg6_local.c and filter.c: built in,
 * with IPv6 built in (CONFIG_IPV6_SEG6_BPF).  BPF_PROG_TEST_RUN runs the
 * program through the same steps as the route does, with actions recorded
 * for user space instead of routed.
 */

#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/if_arp.h>
#include <linux/nospec.h>
#include <linux/seg6.h>
#include <linux/seg6_local.h>
#include <net/ipv6.h>
#include <net/l3mdev.h>
#include <net/seg6.h>
#include <net/seg6_bpf.h>
#include <net/seg6_local.h>

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

/* VRF devices a CPU remembers for End.DT4 and End.DT46 */
#define SEG6_BPF_VRFS	16

/**
 * struct seg6_bpf_vrf - a VRF device End.DT4 found for a table
 * @net_cookie: the netns of the lookup (net->net_cookie)
 * @table: the table
 * @ifindex: the VRF device that owned it then; 0 for an unused entry
 */
struct seg6_bpf_vrf {
	u64 net_cookie;
	u32 table;
	int ifindex;
};

/**
 * struct seg6_bpf_action_mem - this CPU's memory for bpf_lwt_seg6_action()
 * @vrfs: the VRF devices this CPU found last, for up to SEG6_BPF_VRFS
 *	  tables (of any netns) that have one; checked before use, so that
 *	  End.DT4 walks the devices only for a table it has not found lately
 * @vrf_next: the entry of @vrfs the next VRF found replaces (first in,
 *	      first out)
 * @srh_param: the copy of the SRH an End.B6 or End.B6.Encaps action inserts
 *
 * Used under the lock of this CPU's SRH state, which the program run
 * holds.  Not part of that state: End.BPF (seg6_bpf.c) may be in ipv6.ko,
 * whose static per-CPU data comes out of the few kilobytes the kernel
 * reserves for every module's.
 */
struct seg6_bpf_action_mem {
	struct seg6_bpf_vrf vrfs[SEG6_BPF_VRFS];
	u8 vrf_next;
	u8 srh_param[sizeof(struct ipv6_sr_hdr) + SEG6_BPF_MAX_HDRLEN]
		__aligned(sizeof(struct in6_addr));
};

static DEFINE_PER_CPU(struct seg6_bpf_action_mem, seg6_bpf_action_mems);

/* This CPU's action memory, for the program that holds its SRH state */
static struct seg6_bpf_action_mem *
seg6_bpf_this_action_mem(struct seg6_bpf_srh_state *state)
{
	lockdep_assert_held(&state->bh_lock);
	return this_cpu_ptr(&seg6_bpf_action_mems);
}

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

/* Describe the SRH again after an action replaced the headers: the packet
 * may carry a new SRH (End.B6), or none (End.DT6).  Only a valid, linear
 * SRH is exposed to the helpers again.
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
static struct seg6_bpf_vrf *seg6_bpf_vrf_entry(struct seg6_bpf_action_mem *mem,
					       const struct net *net, u32 table)
{
	struct seg6_bpf_vrf *vrf;

	for (vrf = mem->vrfs; vrf < mem->vrfs + SEG6_BPF_VRFS; vrf++)
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
	struct seg6_bpf_action_mem *mem = seg6_bpf_this_action_mem(state);
	struct seg6_bpf_vrf *vrf = seg6_bpf_vrf_entry(mem, net, table);
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
			vrf = &mem->vrfs[mem->vrf_next];
			mem->vrf_next = (mem->vrf_next + 1) % SEG6_BPF_VRFS;
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
	struct seg6_bpf_action_mem *mem = seg6_bpf_this_action_mem(state);
	struct ipv6_sr_hdr *srh = (struct ipv6_sr_hdr *)mem->srh_param;

	if (len > sizeof(mem->srh_param))
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
	case BPF_FUNC_lwt_seg6_store_bytes:
		return &bpf_lwt_seg6_store_bytes_proto;
	case BPF_FUNC_lwt_seg6_action:
		return &bpf_lwt_seg6_action_proto;
	case BPF_FUNC_lwt_seg6_adjust_srh:
		return &bpf_lwt_seg6_adjust_srh_proto;
	default:
		return lwt_seg6local_func_proto(func_id, prog);
	}
}

const struct bpf_verifier_ops lwt_seg6local_verifier_ops = {
	.get_func_proto		= seg6_bpf_func_proto,
	.is_valid_access	= lwt_seg6local_is_valid_access,
	.convert_ctx_access	= bpf_convert_ctx_access,
};

const struct bpf_prog_ops lwt_seg6local_prog_ops = {
	.test_run		= bpf_prog_test_run_seg6local,
};

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
