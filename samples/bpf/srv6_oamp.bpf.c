// SPDX-License-Identifier: GPL-2.0
/*
 * End.OAMP, the network-discovery endpoint of End.BPF's paper: an End.BPF
 * program bound to an OAM SID on every node of an SRv6 domain, which tells
 * a querier (samples/bpf/segtrace.c) every next hop the node has towards
 * a target, ECMP siblings and nexthop-group members included, where
 * traceroute only ever sees the one its flow hashes to.
 *
 * A probe's SRH carries a request TLV (srv6_oamp.h) naming the target.
 * End.OAMP looks the target up with bpf_seg6_ecmp_nexthops(), adds a reply
 * TLV listing the next hops with bpf_seg6_tlv_insert() and forwards the
 * probe as End does: the querier put itself as the segment after the OAM
 * SID, so the answer travels back in the probe, with no daemon on the node
 * and no second packet.  Packets without a request TLV are forwarded as
 * End forwards them; probes with a malformed request, or one already
 * answered, are dropped and counted (oamp_stats).
 */
#include <linux/bpf.h>
#include <linux/ipv6.h>
#include <linux/in6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "srv6_oamp.h"

#define ENOENT		2
#define RT_TABLE_MAIN	254
#define RT_TABLE_LOCAL	255

/* A next hop as bpf_seg6_ecmp_nexthops() writes it (include/net/seg6_bpf.h). */
struct bpf_seg6_nexthop {
	struct in6_addr gw;
	__u32 ifindex;
	__u32 weight;
	__u32 flags;
};

extern int bpf_seg6_tlv_find(struct __sk_buff *skb, __u32 from, __u8 type,
			     __u32 *len) __ksym;
extern int bpf_seg6_tlv_insert(struct __sk_buff *skb, __u32 offset,
			       const __u8 *tlv, __u32 tlv__sz) __ksym;
extern int bpf_seg6_ecmp_nexthops(struct __sk_buff *skb,
				  const struct in6_addr *dst, __u32 table,
				  struct bpf_seg6_nexthop *nhs,
				  __u32 nhs__sz) __ksym;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SRV6_OAMP_NR_STATS);
	__type(key, __u32);
	__type(value, __u64);
} oamp_stats SEC(".maps");

/* The reply and the kfunc's next hops: too big for the stack together. */
struct oamp_scratch {
	struct srv6_oamp_reply reply;
	struct bpf_seg6_nexthop nhs[SRV6_OAMP_MAX_NH];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct oamp_scratch);
} oamp_scratch SEC(".maps");

static int count(enum srv6_oamp_stat stat, int verdict)
{
	__u32 key = stat;
	__u64 *n = bpf_map_lookup_elem(&oamp_stats, &key);

	if (n)
		(*n)++;
	return verdict;
}

/* The request at @off, if it is one End.OAMP can answer. */
static int read_request(struct __sk_buff *skb, int off, __u32 len,
			struct srv6_oamp_req *req)
{
	__u32 reply_len;

	if (len != sizeof(*req) ||
	    bpf_skb_load_bytes(skb, off, req, sizeof(*req)) ||
	    req->mbz[0] || req->mbz[1])
		return -1;
	/* a probe is answered once: a second reply would be ambiguous */
	if (bpf_seg6_tlv_find(skb, 0, SRV6_OAMP_REPLY_TYPE, &reply_len) != -ENOENT)
		return -1;
	return 0;
}

/* Fills @s->reply for the target of @req; returns its TLV's size. */
static __u32 build_reply(struct __sk_buff *skb, const struct srv6_oamp_req *req,
			 struct oamp_scratch *s)
{
	struct srv6_oamp_reply *r = &s->reply;
	__u8 hop_limit = 0;
	int n, i;

	__builtin_memset(r, 0, SRV6_OAMP_REPLY_HDR);
	r->type = SRV6_OAMP_REPLY_TYPE;
	r->id = req->id;
	bpf_skb_load_bytes(skb, offsetof(struct ipv6hdr, hop_limit), &hop_limit, 1);
	r->hop_limit = hop_limit;

	/* The local table holds this node's own addresses. */
	if (bpf_seg6_ecmp_nexthops(skb, &req->target, RT_TABLE_LOCAL, s->nhs,
				   sizeof(s->nhs)) > 0) {
		r->status = SRV6_OAMP_LOCAL;
		n = 0;
	} else {
		n = bpf_seg6_ecmp_nexthops(skb, &req->target, RT_TABLE_MAIN,
					   s->nhs, sizeof(s->nhs));
		r->status = n > 0 ? SRV6_OAMP_ROUTE : SRV6_OAMP_NO_ROUTE;
		if (n < 0)
			n = 0;
	}
	r->nexthops = n > 255 ? 255 : n;
	if (n > SRV6_OAMP_MAX_NH)
		n = SRV6_OAMP_MAX_NH;
	for (i = 0; i < SRV6_OAMP_MAX_NH && i < n; i++) {
		r->nh[i].gw = s->nhs[i].gw;
		r->nh[i].ifindex = bpf_htonl(s->nhs[i].ifindex);
		r->nh[i].weight = bpf_htons(s->nhs[i].weight);
		r->nh[i].flags = bpf_htons(s->nhs[i].flags);
	}
	r->entries = n;
	r->len = SRV6_OAMP_REPLY_HDR - 2 + n * sizeof(r->nh[0]);
	return SRV6_OAMP_REPLY_HDR + n * sizeof(r->nh[0]);
}

SEC("lwt_seg6local")
int srv6_oamp(struct __sk_buff *skb)
{
	struct srv6_oamp_req req;
	struct oamp_scratch *s;
	__u32 key = 0, len;
	__u32 size;
	int off;

	off = bpf_seg6_tlv_find(skb, 0, SRV6_OAMP_REQ_TYPE, &len);
	if (off == -ENOENT)
		return count(SRV6_OAMP_STAT_PASSED, BPF_OK);
	if (off < 0 || read_request(skb, off, len, &req))
		return count(SRV6_OAMP_STAT_MALFORMED, BPF_DROP);

	s = bpf_map_lookup_elem(&oamp_scratch, &key);
	if (!s)
		return count(SRV6_OAMP_STAT_FAILED, BPF_DROP);
	size = build_reply(skb, &req, s);
	if (size > sizeof(s->reply))
		return count(SRV6_OAMP_STAT_FAILED, BPF_DROP);
	if (bpf_seg6_tlv_insert(skb, 0, (__u8 *)&s->reply, size) < 0)
		return count(SRV6_OAMP_STAT_FAILED, BPF_DROP);
	return count(SRV6_OAMP_STAT_REPLIED, BPF_OK);
}

char _license[] SEC("license") = "GPL";
