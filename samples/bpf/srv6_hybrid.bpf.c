// SPDX-License-Identifier: GPL-2.0
/*
 * SRv6 hybrid access (the second use case of End.BPF's paper): one
 * aggregate spread over access links of different capacity and delay, in
 * three programs that srv6-hybrid (samples/bpf/srv6-hybrid.c) attaches.
 * The delay of each link is measured by srv6_dm.bpf.c's programs, which
 * these two tail-call, so that the measurement runs as it does alone:
 *
 * hybrid_wrr, an LWT "in" program on the aggregate's route at the sender:
 * picks the link by weighted round robin over bytes (weights are the
 * links' capacities) and hands the packet to srv6_dm_inject with that
 * link's flow, which gives it the link's SRH and, 1 out of N, a DM probe.
 *
 * hybrid_end, End.BPF at each link SID of the far end: marks the packet
 * with the link it arrived by, then hands it to srv6_dm_end (End.DM),
 * which measures the probes, removes their TLV and goes on to the decap
 * SID (End.DT6).
 *
 * hybrid_comp, tc egress on the far end's device towards the aggregate's
 * destination (whose root qdisc is fq): holds back the packets of faster
 * links by the difference of the measured one-way delays, with an
 * earliest departure time.  fq keeps each flow's packets in departure
 * time order, so the links' packets leave in the order they were sent.
 * Measurement and compensation are on the same node, and only delay
 * differences matter: a clock offset between the ends cancels out.
 */
#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/ipv6.h>
#include <linux/seg6.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include "srv6_dm.h"
#include "srv6_hybrid.h"

/* vtime: bytes << 20 over the weight, so that any weight counts */
#define VTIME_SHIFT	20

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct srv6_hybrid_cfg);
} hybrid_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct srv6_hybrid_wrr);
} hybrid_wrr_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SRV6_HYBRID_MAX_LINKS);
	__type(key, struct in6_addr);
	__type(value, __u32);
} hybrid_sids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SRV6_HYBRID_MAX_LINKS);
	__type(key, __u32);
	__type(value, __u64);
} hybrid_delay SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SRV6_HYBRID_MAX_LINKS);
	__type(key, __u32);
	__type(value, struct srv6_hybrid_link_stats);
} hybrid_link_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SRV6_HYBRID_NR_STATS);
	__type(key, __u32);
	__type(value, __u64);
} hybrid_stats SEC(".maps");

/* The measurement programs, one map each: a prog array has one type. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} to_dm_inject SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} to_dm_end SEC(".maps");

static int drop(enum srv6_hybrid_stat stat)
{
	__u32 key = stat;
	__u64 *n = bpf_map_lookup_elem(&hybrid_stats, &key);

	if (n)
		*n += 1;
	return BPF_DROP;
}

static struct srv6_hybrid_link_stats *link_stats(__u32 link)
{
	return bpf_map_lookup_elem(&hybrid_link_stats, &link);
}

/*
 * The link whose virtual time is the lowest: over time, each link gets
 * bytes in proportion to its weight, and never a burst of more than one
 * packet over its share.  Virtual times are kept relative to the lowest,
 * so they stay below one packet's cost and cannot wrap.
 */
static int wrr_pick(const struct srv6_hybrid_cfg *cfg,
		    struct srv6_hybrid_wrr *st, __u32 len)
{
	__u64 low = ~0ULL;
	__u32 weight = 0;
	int i, best = -1;

	if (st->gen != cfg->gen) {
		__builtin_memset(st->vtime, 0, sizeof(st->vtime));
		st->gen = cfg->gen;
	}
	for (i = 0; i < SRV6_HYBRID_MAX_LINKS; i++) {
		__u32 w = cfg->link[i].weight;

		if (w && st->vtime[i] < low) {
			low = st->vtime[i];
			best = i;
			weight = w;
		}
	}
	if (best < 0)
		return -1;
	for (i = 0; i < SRV6_HYBRID_MAX_LINKS; i++)
		st->vtime[i] = st->vtime[i] > low ? st->vtime[i] - low : 0;
	st->vtime[best] += ((__u64)len << VTIME_SHIFT) / weight;
	return best;
}

SEC("lwt_in")
int hybrid_wrr(struct __sk_buff *skb)
{
	struct srv6_hybrid_link_stats *ls;
	const struct srv6_hybrid_cfg *cfg;
	const struct in6_addr *sid;
	struct srv6_hybrid_wrr *st;
	__u32 zero = 0;
	int link;

	cfg = bpf_map_lookup_elem(&hybrid_cfg, &zero);
	st = bpf_map_lookup_elem(&hybrid_wrr_state, &zero);
	if (!cfg || !st)
		return drop(SRV6_HYBRID_NO_LINK);
	link = wrr_pick(cfg, st, skb->len);
	if (link < 0)
		return drop(SRV6_HYBRID_NO_LINK);
	ls = link_stats(link);
	if (ls) {
		ls->tx_packets++;
		ls->tx_bytes += skb->len;
	}
	sid = &cfg->link[link].sid;
	skb->cb[0] = SRV6_DM_CB_FLOW;
	skb->cb[1] = sid->s6_addr32[0];
	skb->cb[2] = sid->s6_addr32[1];
	skb->cb[3] = sid->s6_addr32[2];
	skb->cb[4] = sid->s6_addr32[3];
	bpf_tail_call(skb, &to_dm_inject, 0);
	return drop(SRV6_HYBRID_TAIL_CALL_FAILED);
}

/*
 * The link SID the packet came by.  End.BPF runs the program once it has
 * advanced to the next segment: the SID is the segment before the active
 * one.  The injector puts the SRH right after the IPv6 header.
 */
static __u32 *arrival_link(struct __sk_buff *skb)
{
	const int srh_off = sizeof(struct ipv6hdr);
	struct ipv6_sr_hdr srh;
	struct in6_addr sid;
	__u8 nexthdr;
	__u32 seg;

	if (bpf_skb_load_bytes(skb, offsetof(struct ipv6hdr, nexthdr), &nexthdr, 1) ||
	    nexthdr != IPPROTO_ROUTING ||
	    bpf_skb_load_bytes(skb, srh_off, &srh, sizeof(srh)) ||
	    srh.type != IPV6_SRCRT_TYPE_4 || srh.segments_left >= srh.first_segment)
		return NULL;
	seg = srh.segments_left + 1;
	if (bpf_skb_load_bytes(skb, srh_off + sizeof(srh) + seg * sizeof(sid), &sid,
			       sizeof(sid)))
		return NULL;
	return bpf_map_lookup_elem(&hybrid_sids, &sid);
}

SEC("lwt_seg6local")
int hybrid_end(struct __sk_buff *skb)
{
	struct srv6_hybrid_link_stats *ls;
	__u32 *link = arrival_link(skb);

	if (!link || *link >= SRV6_HYBRID_MAX_LINKS)
		return drop(SRV6_HYBRID_UNKNOWN_SID);
	skb->mark = SRV6_HYBRID_MARK | *link;
	ls = link_stats(*link);
	if (ls) {
		ls->rx_packets++;
		ls->rx_bytes += skb->len;
	}
	bpf_tail_call(skb, &to_dm_end, 0);
	return drop(SRV6_HYBRID_TAIL_CALL_FAILED);
}

SEC("tc")
int hybrid_comp(struct __sk_buff *skb)
{
	struct srv6_hybrid_link_stats *ls;
	__u64 *delay;
	__u32 link;

	if ((skb->mark & SRV6_HYBRID_MARK_MASK) != SRV6_HYBRID_MARK)
		return TC_ACT_OK;
	link = skb->mark & ~SRV6_HYBRID_MARK_MASK;
	skb->mark = 0;
	delay = bpf_map_lookup_elem(&hybrid_delay, &link);
	if (!delay || !*delay)
		return TC_ACT_OK;
	bpf_skb_set_tstamp(skb, bpf_ktime_get_ns() + *delay,
			   BPF_SKB_TSTAMP_DELIVERY_MONO);
	ls = link_stats(link);
	if (ls)
		ls->delayed++;
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
