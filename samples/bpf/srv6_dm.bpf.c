// SPDX-License-Identifier: GPL-2.0
/*
 * SRv6 delay measurement (the first use case of End.BPF's paper), in two
 * programs that srv6-dm (samples/bpf/srv6-dm.c) attaches:
 *
 * srv6_dm_inject, an LWT "in" program on routes of the headend: gives
 * every packet of a configured flow an outer IPv6 header and SRH with the
 * flow's segments (as `encap seg6 mode encap` would), and to 1 packet out
 * of N a DM TLV (srv6_dm.h) stamped with T1.  bpf_lwt_push_encap() can
 * add an SRH only on input, hence an "in" program: the headend is the
 * router the flow enters the SRv6 domain at.  A program that tail-calls
 * the injector may choose the flow (srv6_dm.h, SRV6_DM_CB_FLOW).
 *
 * srv6_dm_end, End.DM, an End.BPF program: stamps the arrival of a probe
 * and, for a session it knows,
 *  - one-way: emits T1/T2 on the dm_samples ring buffer;
 *  - two-way, first visit: writes T2 and T3 into the TLV and forwards the
 *    probe to the next segment, the way back the headend put in the SRH;
 *  - two-way, back at the querier: emits T1..T4;
 * then removes the TLV (or decapsulates, or drops the probe, as the
 * session says) so that no probe leaves the SRv6 domain.  Packets without
 * a DM TLV are forwarded as End does; so are those whose TLV is malformed
 * or of a session it does not know, without the TLV: a probe is a user
 * packet, which measuring must not lose.
 */
#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/ipv6.h>
#include <linux/seg6_local.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "srv6_dm.h"

#define ENOENT		2
#define NSEC_PER_SEC	1000000000ULL
/* seconds from 1900-01-01 (NTP era 0) to 1970-01-01 */
#define NTP_UNIX_OFFSET	2208988800ULL

extern int bpf_seg6_tlv_find(struct __sk_buff *skb, __u32 from, __u8 type,
			     __u32 *len) __ksym;
extern int bpf_seg6_tlv_remove(struct __sk_buff *skb, __u32 offset) __ksym;

/* TAI - UTC in seconds, from adjtimex(2); NTP timestamps are UTC. */
__u32 tai_utc_offset;

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 256);
	__type(key, struct srv6_dm_flow_key);
	__type(value, struct srv6_dm_flow);
} dm_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, struct srv6_dm_count);
} dm_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, struct srv6_dm_session);
} dm_sessions SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} dm_samples SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SRV6_DM_NR_STATS);
	__type(key, __u32);
	__type(value, __u64);
} dm_stats SEC(".maps");

/* Where the injector builds the SRH it pushes: too big for the stack. */
struct srh_buf {
	__u8 bytes[SRV6_DM_SRH_MAX + sizeof(struct srv6_dm_tlv)];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct srh_buf);
} dm_scratch SEC(".maps");

static void count(enum srv6_dm_stat stat)
{
	__u32 key = stat;
	__u64 *n = bpf_map_lookup_elem(&dm_stats, &key);

	if (n)
		*n += 1;
}

/* A CLOCK_TAI time in the wire format @flags asks for (RFC 8762 4.2.1). */
static __u64 dm_timestamp(__u64 tai_ns, __u8 flags)
{
	__u64 sec = tai_ns / NSEC_PER_SEC, nsec = tai_ns % NSEC_PER_SEC;

	if (flags & SRV6_DM_F_PTP)
		return bpf_cpu_to_be64((sec << 32) | nsec);
	sec = sec - tai_utc_offset + NTP_UNIX_OFFSET;
	return bpf_cpu_to_be64((sec << 32) | ((nsec << 32) / NSEC_PER_SEC));
}

static __always_inline void dm_tlv_init(struct srv6_dm_tlv *tlv,
					const struct srv6_dm_flow *flow, __u32 seq)
{
	__builtin_memset(tlv, 0, sizeof(*tlv));
	tlv->type = SRV6_DM_TLV_TYPE;
	tlv->len = sizeof(*tlv) - 2;
	tlv->version = SRV6_DM_VERSION;
	tlv->flags = flow->flags & (SRV6_DM_F_TWO_WAY | SRV6_DM_F_PTP);
	tlv->session = bpf_htonl(flow->session);
	tlv->seq = bpf_htonl(seq);
	/* last, as close to the transmission as a program can be */
	tlv->t1 = dm_timestamp(bpf_ktime_get_tai_ns(), tlv->flags);
}

SEC("lwt_in")
int srv6_dm_inject(struct __sk_buff *skb)
{
	struct srv6_dm_flow_key key = { .prefixlen = 128 };
	struct srv6_dm_flow *flow;
	struct srv6_dm_count *cnt;
	struct srh_buf *buf;
	__u32 zero = 0, len;
	__u64 n;

	if (skb->protocol != bpf_htons(0x86dd))
		return BPF_OK;
	if (skb->cb[0] == SRV6_DM_CB_FLOW) {
		key.dst.s6_addr32[0] = skb->cb[1];
		key.dst.s6_addr32[1] = skb->cb[2];
		key.dst.s6_addr32[2] = skb->cb[3];
		key.dst.s6_addr32[3] = skb->cb[4];
	} else if (bpf_skb_load_bytes(skb, offsetof(struct ipv6hdr, daddr),
				      &key.dst, sizeof(key.dst))) {
		return BPF_OK;
	}
	flow = bpf_map_lookup_elem(&dm_flows, &key);
	if (!flow)
		return BPF_OK;

	cnt = bpf_map_lookup_elem(&dm_counts, &flow->session);
	buf = bpf_map_lookup_elem(&dm_scratch, &zero);
	len = flow->srh_len;
	/* two checks the compiler cannot merge into one the verifier misreads */
	if (!cnt || !buf || len > SRV6_DM_SRH_MAX)
		goto drop;
	barrier_var(len);
	if (len < 8 + 16)
		goto drop;
	__builtin_memcpy(buf->bytes, flow->srh, SRV6_DM_SRH_MAX);

	n = __sync_fetch_and_add(&cnt->packets, 1);
	if (flow->every && n % flow->every == 0) {
		if (flow->probe_max && skb->len > flow->probe_max) {
			count(SRV6_DM_PROBES_SKIPPED_MTU);
		} else {
			dm_tlv_init((void *)buf->bytes + len, flow,
				    __sync_add_and_fetch(&cnt->seq, 1));
			len += sizeof(struct srv6_dm_tlv);
			count(SRV6_DM_PROBES_SENT);
		}
	}
	buf->bytes[1] = (len - 8) / 8;		/* hdrlen */
	if (bpf_lwt_push_encap(skb, BPF_LWT_ENCAP_SEG6, buf->bytes, len))
		goto drop;
	count(SRV6_DM_ENCAPSULATED);
	return BPF_OK;
drop:
	count(SRV6_DM_ENCAP_FAILED);
	return BPF_DROP;
}

/*
 * Wake the reader once a few samples wait, not for every one: a wake-up
 * is an irq_work and, with the reader on the same CPU, a context switch
 * per probe.  The reader also drains the ring when its poll times out.
 */
#define DM_WAKEUP_BYTES	(16 * (sizeof(struct srv6_dm_sample) + BPF_RINGBUF_HDR_SZ))

static void dm_emit(const struct srv6_dm_tlv *tlv, __u64 t4)
{
	struct srv6_dm_sample *s;
	__u64 flags;

	s = bpf_ringbuf_reserve(&dm_samples, sizeof(*s), 0);
	if (!s) {
		count(SRV6_DM_SAMPLES_LOST);
		return;
	}
	s->session = bpf_ntohl(tlv->session);
	s->seq = bpf_ntohl(tlv->seq);
	s->flags = tlv->flags;
	s->pad = 0;
	s->t[0] = bpf_be64_to_cpu(tlv->t1);
	s->t[1] = bpf_be64_to_cpu(tlv->t2);
	s->t[2] = bpf_be64_to_cpu(tlv->t3);
	s->t[3] = t4;
	flags = bpf_ringbuf_query(&dm_samples, BPF_RB_AVAIL_DATA) >= DM_WAKEUP_BYTES ?
		BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
	bpf_ringbuf_submit(s, flags);
	count(SRV6_DM_SAMPLED);
}

static bool dm_tlv_valid(const struct srv6_dm_tlv *tlv)
{
	return tlv->len == sizeof(*tlv) - 2 &&
	       tlv->version == SRV6_DM_VERSION &&
	       !(tlv->flags & ~SRV6_DM_F_ALL) &&
	       !(bpf_ntohl(tlv->session) & ~SRV6_DM_SESSION_MAX);
}

/*
 * Measuring failed (counted by the caller), forwarding must not: the
 * packet goes on as End sends it, without the TLV at @off if there is one.
 */
static int dm_pass(struct __sk_buff *skb, int off)
{
	if (off >= 0 && bpf_seg6_tlv_remove(skb, off))
		count(SRV6_DM_FORWARD_FAILED);
	return BPF_OK;
}

/* Two-way, first End.DM: T2 and T3 into the probe, which goes back. */
static int dm_reflect(struct __sk_buff *skb, int off, struct srv6_dm_tlv *tlv,
		      __u64 rx_ns)
{
	__u8 flags = tlv->flags | SRV6_DM_F_REFLECTED;
	__be64 t[2];

	t[0] = dm_timestamp(rx_ns, flags);
	t[1] = dm_timestamp(bpf_ktime_get_tai_ns(), flags);
	if (bpf_lwt_seg6_store_bytes(skb, off + offsetof(struct srv6_dm_tlv, flags),
				     &flags, sizeof(flags)) ||
	    bpf_lwt_seg6_store_bytes(skb, off + offsetof(struct srv6_dm_tlv, t2),
				     t, sizeof(t))) {
		count(SRV6_DM_FORWARD_FAILED);
		return BPF_DROP;
	}
	count(SRV6_DM_REFLECTED);
	return BPF_OK;
}

/* The measurement is over: take the probe out of the SRv6 domain. */
static int dm_finish(struct __sk_buff *skb, int off,
		     const struct srv6_dm_session *sess)
{
	int table = sess->table;

	switch (sess->then) {
	case SRV6_DM_THEN_NEXT:
		if (bpf_seg6_tlv_remove(skb, off))
			break;
		return BPF_OK;
	case SRV6_DM_THEN_DECAP:
		if (bpf_lwt_seg6_action(skb, SEG6_LOCAL_ACTION_END_DT6,
					&table, sizeof(table)))
			break;
		return BPF_REDIRECT;
	case SRV6_DM_THEN_DROP:
		return BPF_DROP;
	}
	count(SRV6_DM_FORWARD_FAILED);
	return BPF_DROP;
}

SEC("lwt_seg6local")
int srv6_dm_end(struct __sk_buff *skb)
{
	__u64 rx_ns = bpf_ktime_get_tai_ns();
	struct srv6_dm_session *sess;
	struct srv6_dm_tlv tlv;
	__u32 len, session;
	int off;

	off = bpf_seg6_tlv_find(skb, 0, SRV6_DM_TLV_TYPE, &len);
	if (off == -ENOENT) {
		count(SRV6_DM_PASSED);
		return BPF_OK;
	}
	if (off < 0 || len != sizeof(tlv) ||
	    bpf_skb_load_bytes(skb, off, &tlv, sizeof(tlv)) ||
	    !dm_tlv_valid(&tlv)) {
		count(SRV6_DM_MALFORMED);
		return dm_pass(skb, off);
	}
	session = bpf_ntohl(tlv.session);
	sess = bpf_map_lookup_elem(&dm_sessions, &session);
	if (!sess) {
		count(SRV6_DM_UNKNOWN_SESSION);
		return dm_pass(skb, off);
	}

	if (!(tlv.flags & SRV6_DM_F_TWO_WAY)) {
		tlv.t2 = dm_timestamp(rx_ns, tlv.flags);
		dm_emit(&tlv, 0);
		return dm_finish(skb, off, sess);
	}
	if (!(tlv.flags & SRV6_DM_F_REFLECTED))
		return dm_reflect(skb, off, &tlv, rx_ns);
	dm_emit(&tlv, bpf_be64_to_cpu(dm_timestamp(rx_ns, tlv.flags)));
	return dm_finish(skb, off, sess);
}

char _license[] SEC("license") = "GPL";
