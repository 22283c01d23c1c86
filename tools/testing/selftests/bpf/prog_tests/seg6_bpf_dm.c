// SPDX-License-Identifier: GPL-2.0
/*
 * End.DM of the delay-measurement sample (samples/bpf/srv6_dm.bpf.c) under
 * BPF_PROG_TEST_RUN: what it does to each kind of probe, the samples it
 * emits, and the probes it must drop and count.  The injector and the
 * daemon run on a live domain in harness/tests/srv6_dm.sh.
 */
#include <arpa/inet.h>
#include <linux/seg6.h>
#include <netinet/udp.h>
#include <sys/timex.h>
#include <test_progs.h>
#include "seg6_bpf_helpers.h"
#include "../../../../../samples/bpf/srv6_dm.h"
#include "samples/srv6_dm.skel.h"

#define NTP_UNIX	2208988800ULL
#define SRH_OFF		sizeof(struct ipv6hdr)
#define TLV_OFF		(SRH_OFF + 8 + 2 * 16)

static struct srv6_dm_sample last;
static int samples;

static int on_sample(void *ctx, void *data, size_t size)
{
	if (size == sizeof(last))
		memcpy(&last, data, size);
	samples++;
	return 0;
}

/* NTP timestamp of now, as the headend's injector would stamp T1. */
static __u64 ntp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((ts.tv_sec + NTP_UNIX) << 32) |
	       (((__u64)ts.tv_nsec << 32) / 1000000000ULL);
}

static __s64 ntp_ns(__u64 ts)
{
	return (ts >> 32) * 1000000000LL + (((ts & 0xffffffff) * 1000000000ULL) >> 32);
}

/* A probe <fc00::a (End.DM), fc00::d6> carrying @tlv, then @payload. */
static size_t probe_with(void *buf, const struct srv6_dm_tlv *tlv, __u8 proto,
			 const void *payload, size_t payload_len)
{
	static const char * const segs[] = { "fc00::a", "fc00::d6" };
	struct ipv6_sr_hdr *srh = buf + SRH_OFF;
	char inner[sizeof(*tlv) + 128];
	size_t n;

	memcpy(inner, tlv, sizeof(*tlv));
	memcpy(inner + sizeof(*tlv), payload, payload_len);
	n = seg6_build(buf, "fd00::1", segs, 2, proto, inner,
		       sizeof(*tlv) + payload_len);
	srh->hdrlen += sizeof(*tlv) / 8;	/* the TLV belongs to the SRH */
	return n;
}

static size_t probe(void *buf, const struct srv6_dm_tlv *tlv)
{
	char udp[64];

	return probe_with(buf, tlv, IPPROTO_UDP, udp, seg6_udp(udp, 1));
}

static struct srv6_dm_tlv dm_tlv(__u32 session, __u8 flags)
{
	struct srv6_dm_tlv tlv = {
		.type = SRV6_DM_TLV_TYPE,
		.len = sizeof(tlv) - 2,
		.version = SRV6_DM_VERSION,
		.flags = flags,
		.session = htonl(session),
		.seq = htonl(7),
		.t1 = htobe64(ntp_now()),
	};

	return tlv;
}

static void add_session(struct srv6_dm *skel, __u32 id, __u32 then)
{
	struct srv6_dm_session s = { .then = then, .table = 100 };

	ASSERT_OK(bpf_map__update_elem(skel->maps.dm_sessions, &id, sizeof(id),
				       &s, sizeof(s), BPF_ANY), "session");
}

static __u64 dm_stat(struct srv6_dm *skel, __u32 key)
{
	__u64 v[512] = {}, sum = 0;
	int i, n = libbpf_num_possible_cpus();

	if (n > 512 || bpf_map__lookup_elem(skel->maps.dm_stats, &key, sizeof(key),
					    v, n * sizeof(v[0]), 0))
		return ~0ULL;
	for (i = 0; i < n; i++)
		sum += v[i];
	return sum;
}

struct run {
	char in[512], out[512];
	int retval;
	size_t out_len;
};

static int run_end(struct srv6_dm *skel, struct ring_buffer *rb, struct run *r,
		   size_t len)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = r->in, .data_size_in = len,
		    .data_out = r->out, .data_size_out = sizeof(r->out));
	int err;

	samples = 0;
	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.srv6_dm_end), &opts);
	r->retval = opts.retval;
	r->out_len = opts.data_size_out;
	ring_buffer__consume(rb);
	return err;
}

/* One-way: T1/T2 sampled, the DM TLV removed, the SRH otherwise kept. */
static void test_one_way(struct srv6_dm *skel, struct ring_buffer *rb)
{
	struct srv6_dm_tlv tlv = dm_tlv(1, 0);
	struct ipv6_sr_hdr *srh;
	struct run r;
	size_t len;
	__s64 delay;

	len = probe(r.in, &tlv);
	if (!ASSERT_OK(run_end(skel, rb, &r, len), "test_run"))
		return;
	ASSERT_EQ(r.retval, BPF_OK, "verdict");
	ASSERT_EQ(r.out_len, len - sizeof(tlv), "TLV removed");
	srh = (void *)r.out + SRH_OFF;
	ASSERT_EQ(srh->hdrlen, 4, "SRH of 2 segments");
	ASSERT_EQ(srh->segments_left, 0, "advanced to the last segment");
	ASSERT_EQ(memcmp(r.out + TLV_OFF, r.in + TLV_OFF + sizeof(tlv),
			 len - TLV_OFF - sizeof(tlv)), 0, "payload");
	if (!ASSERT_EQ(samples, 1, "one sample"))
		return;
	ASSERT_EQ(last.session, 1, "session");
	ASSERT_EQ(last.seq, 7, "seq");
	ASSERT_EQ(last.t[0], be64toh(tlv.t1), "T1 as sent");
	delay = ntp_ns(last.t[1]) - ntp_ns(last.t[0]);
	/* the same clock on both sides: T2 is after T1, and not long after */
	ASSERT_GE(delay, 0, "T2 after T1");
	ASSERT_LT(delay, 10 * 1000000000LL, "T2 within 10 s of T1");
}

/* Two-way at the reflector: T2 <= T3 written, flagged, forwarded. */
static void test_reflect(struct srv6_dm *skel, struct ring_buffer *rb)
{
	struct srv6_dm_tlv tlv = dm_tlv(2, SRV6_DM_F_TWO_WAY | SRV6_DM_F_PTP), *o;
	struct run r;
	size_t len;

	len = probe(r.in, &tlv);
	if (!ASSERT_OK(run_end(skel, rb, &r, len), "test_run"))
		return;
	ASSERT_EQ(r.retval, BPF_OK, "verdict");
	ASSERT_EQ(r.out_len, len, "TLV kept");
	ASSERT_EQ(samples, 0, "no sample at the reflector");
	o = (void *)r.out + TLV_OFF;
	ASSERT_EQ(o->flags, SRV6_DM_F_TWO_WAY | SRV6_DM_F_PTP | SRV6_DM_F_REFLECTED,
		  "reflected flag");
	ASSERT_NEQ(o->t2, 0, "T2 set");
	/* PTP: seconds and nanoseconds, compared as one number */
	ASSERT_GE(be64toh(o->t3), be64toh(o->t2), "T3 >= T2");
	ASSERT_EQ(o->t1, tlv.t1, "T1 kept");
	ASSERT_EQ(o->t4, 0, "T4 left");
	ASSERT_EQ(dm_stat(skel, SRV6_DM_REFLECTED), 1, "reflected counted");
}

/* Two-way back at the querier: T1..T4 sampled, the probe dropped. */
static void test_querier(struct srv6_dm *skel, struct ring_buffer *rb)
{
	struct srv6_dm_tlv tlv = dm_tlv(3, SRV6_DM_F_TWO_WAY | SRV6_DM_F_REFLECTED);
	struct run r;

	tlv.t2 = htobe64(be64toh(tlv.t1) + (1ULL << 30));	/* +0.25 s */
	tlv.t3 = htobe64(be64toh(tlv.t2) + (1ULL << 29));
	if (!ASSERT_OK(run_end(skel, rb, &r, probe(r.in, &tlv)), "test_run"))
		return;
	ASSERT_EQ(r.retval, BPF_DROP, "verdict: then drop");
	if (!ASSERT_EQ(samples, 1, "one sample"))
		return;
	ASSERT_EQ(last.session, 3, "session");
	ASSERT_EQ(last.t[1], be64toh(tlv.t2), "T2 as reflected");
	ASSERT_EQ(last.t[2], be64toh(tlv.t3), "T3 as reflected");
	ASSERT_GE(ntp_ns(last.t[3]), ntp_ns(last.t[0]), "T4 after T1");
}

/* then decap: End.DT6 in the session's table, the inner packet out. */
static void test_decap(struct srv6_dm *skel, struct ring_buffer *rb)
{
	struct srv6_dm_tlv tlv = dm_tlv(4, 0);
	char inner[sizeof(struct ipv6hdr) + 64];
	struct ipv6hdr *ip6 = (void *)inner;
	size_t udp_len;
	struct run r;

	udp_len = seg6_udp(inner + sizeof(*ip6), 1);
	memset(ip6, 0, sizeof(*ip6));
	ip6->version = 6;
	ip6->hop_limit = 64;
	ip6->nexthdr = IPPROTO_UDP;
	ip6->payload_len = htons(udp_len);
	seg6_addr(&ip6->saddr, "fd00::1");
	seg6_addr(&ip6->daddr, "fd00:4::2");
	if (!ASSERT_OK(run_end(skel, rb, &r, probe_with(r.in, &tlv, IPPROTO_IPV6, inner,
							sizeof(*ip6) + udp_len)),
		       "test_run"))
		return;
	ASSERT_EQ(r.retval, BPF_REDIRECT, "verdict: End.DT6");
	ASSERT_EQ(samples, 1, "one sample");
	if (ASSERT_EQ(r.out_len, sizeof(*ip6) + udp_len, "inner packet only"))
		ASSERT_OK(memcmp(r.out, inner, r.out_len), "inner packet bytes");
}

struct bad_probe {
	const char *name;
	size_t len;		/* of the TLV; 0: the whole one */
	__u8 version, flags;
	__u32 session;
	__u32 stat;
};

static const struct bad_probe bad_probes[] = {
	{ "short", 16, 1, 0, 1, SRV6_DM_MALFORMED },
	{ "long", 56, 1, 0, 1, SRV6_DM_MALFORMED },
	{ "version", 0, 2, 0, 1, SRV6_DM_MALFORMED },
	{ "flags", 0, 1, 0x80, 1, SRV6_DM_MALFORMED },
	{ "session top octet", 0, 1, 0, 0x01000001, SRV6_DM_MALFORMED },
	{ "unknown session", 0, 1, 0, 77, SRV6_DM_UNKNOWN_SESSION },
};

static void test_bad_probes(struct srv6_dm *skel, struct ring_buffer *rb)
{
	const struct bad_probe *b;
	struct srv6_dm_tlv tlv;
	__u64 before;
	struct run r;
	char buf[64] = {};
	size_t len;

	for (b = bad_probes; b < bad_probes + ARRAY_SIZE(bad_probes); b++) {
		tlv = dm_tlv(b->session, b->flags);
		tlv.version = b->version;
		len = probe(r.in, &tlv);
		if (b->len) {
			/* rebuild with a TLV of another size (multiple of 8) */
			memcpy(buf, &tlv, sizeof(tlv));
			buf[1] = b->len - 2;
			memmove(r.in + TLV_OFF + b->len, r.in + TLV_OFF + sizeof(tlv),
				len - TLV_OFF - sizeof(tlv));
			memcpy(r.in + TLV_OFF, buf, b->len);
			len += b->len - sizeof(tlv);
			((struct ipv6_sr_hdr *)(r.in + SRH_OFF))->hdrlen = 4 + b->len / 8;
			((struct ipv6hdr *)r.in)->payload_len = htons(len - SRH_OFF);
		}
		before = dm_stat(skel, b->stat);
		if (!ASSERT_OK(run_end(skel, rb, &r, len), b->name))
			continue;
		/* a user packet still: forwarded, without the TLV */
		ASSERT_EQ(r.retval, BPF_OK, b->name);
		ASSERT_EQ(r.out_len, len - (b->len ?: sizeof(tlv)), b->name);
		ASSERT_EQ(memcmp(r.out + TLV_OFF, r.in + TLV_OFF + (b->len ?: sizeof(tlv)),
				 r.out_len - TLV_OFF), 0, b->name);
		ASSERT_EQ(samples, 0, b->name);
		ASSERT_EQ(dm_stat(skel, b->stat), before + 1, b->name);
	}
}

/* Packets without a DM TLV go on as End would send them. */
static void test_not_a_probe(struct srv6_dm *skel, struct ring_buffer *rb)
{
	static const char * const segs[] = { "fc00::a", "fc00::d6" };
	char udp[64];
	struct run r;
	size_t len;

	len = seg6_build(r.in, "fd00::1", segs, 2, IPPROTO_UDP, udp, seg6_udp(udp, 1));
	if (!ASSERT_OK(run_end(skel, rb, &r, len), "test_run"))
		return;
	ASSERT_EQ(r.retval, BPF_OK, "verdict");
	ASSERT_EQ(r.out_len, len, "untouched length");
	ASSERT_EQ(memcmp(r.out + 40 + 8, r.in + 40 + 8, len - 48), 0, "untouched");
	ASSERT_EQ(dm_stat(skel, SRV6_DM_PASSED), 1, "passed counted");
}

void test_seg6_bpf_dm(void)
{
	struct ring_buffer *rb = NULL;
	struct timex tx = {};
	struct srv6_dm *skel;

	skel = srv6_dm__open_and_load();
	if (!ASSERT_OK_PTR(skel, "srv6_dm__open_and_load"))
		return;
	/* NTP timestamps are UTC, as the daemon sets it up */
	if (adjtimex(&tx) >= 0)
		skel->bss->tai_utc_offset = tx.tai;
	rb = ring_buffer__new(bpf_map__fd(skel->maps.dm_samples), on_sample, NULL, NULL);
	if (!ASSERT_OK_PTR(rb, "ring_buffer__new"))
		goto out;
	add_session(skel, 1, SRV6_DM_THEN_NEXT);
	add_session(skel, 2, SRV6_DM_THEN_NEXT);
	add_session(skel, 3, SRV6_DM_THEN_DROP);
	add_session(skel, 4, SRV6_DM_THEN_DECAP);

	if (test__start_subtest("not_a_probe"))
		test_not_a_probe(skel, rb);
	if (test__start_subtest("one_way"))
		test_one_way(skel, rb);
	if (test__start_subtest("reflect"))
		test_reflect(skel, rb);
	if (test__start_subtest("querier"))
		test_querier(skel, rb);
	if (test__start_subtest("decap"))
		test_decap(skel, rb);
	if (test__start_subtest("bad_probes"))
		test_bad_probes(skel, rb);
out:
	ring_buffer__free(rb);
	srv6_dm__destroy(skel);
}
