// SPDX-License-Identifier: GPL-2.0
/*
 * Malformed SRv6 packets on the real data path (the topology of
 * seg6_bpf_helpers.h).  SID fc00::a in sr runs progs/test_seg6_bpf.c in
 * MODE_EVERY_HELPER: every helper on every packet that reaches it, then
 * End.T.  ROUNDS rounds each send BAD_PER_ROUND crafted bad packets, picked
 * at random (seeded), then one good packet of a random kind, which must
 * come out at dst before the next round.
 *
 * Each bad kind has the counter that must account for it: the route's
 * error counter for SRHs End.BPF refuses, the IPv6 MIB for what the IPv6
 * layer drops first.  No bad packet may reach dst, no good one may be
 * lost; the harness fails the run on any kernel splat.
 */
#define _GNU_SOURCE	/* memmem */
#include <stdlib.h>

#include "seg6_bpf_helpers.h"
#include "test_seg6_bpf.skel.h"
#include "test_seg6_bpf.h"

#define NS_SRC		"seg6_mal_src"
#define NS_SR		"seg6_mal_sr"
#define NS_DST		"seg6_mal_dst"
#define SID		"fc00::a"
#define ROUNDS		seg6_rounds(100, 1000)
#define BAD_PER_ROUND	9
#define BAD_MARK	"seg6bad!"

static const struct seg6_topo topo = { NS_SRC, NS_SR, NS_DST };

/* Where a dropped packet is counted in sr */
enum counter {
	ROUTE_ERRORS,		/* the End.BPF route's errors */
	IP6_TRUNCATED,		/* Ip6InTruncatedPkts */
	IP6_HDR_ERRORS,		/* Ip6InHdrErrors */
	NR_COUNTERS,
};

static const char * const counter_names[NR_COUNTERS] = {
	"route errors", "Ip6InTruncatedPkts", "Ip6InHdrErrors",
};

struct pkt {
	char buf[1600];
	size_t len;
};

static struct ipv6hdr *ip6_of(struct pkt *p)
{
	return (struct ipv6hdr *)p->buf;
}

static struct ipv6_sr_hdr *srh_of(struct pkt *p)
{
	return (struct ipv6_sr_hdr *)(p->buf + sizeof(struct ipv6hdr));
}

static void set_payload_len(struct pkt *p)
{
	ip6_of(p)->payload_len = htons(p->len - sizeof(struct ipv6hdr));
}

/* A random final segment in fc00::d00/120, which sr routes to dst */
static const char *random_final(char *buf, size_t len)
{
	snprintf(buf, len, "fc00::d%02x", 1 + rand() % 0xfe);
	return buf;
}

/* UDP behind <SID, (nsegs - 2 random segments,) final>, @mark payload */
static void build(struct pkt *p, int nsegs, __u32 seq, const char *mark,
		  size_t pad)
{
	char finals[SEG6_TEST_MAX_SEGS][24];
	const char *segs[SEG6_TEST_MAX_SEGS] = { SID };
	char udp[1500];
	size_t ulen;
	int i;

	for (i = 1; i < nsegs; i++)
		segs[i] = random_final(finals[i], sizeof(finals[i]));
	memset(udp, 0, sizeof(udp));
	ulen = seg6_udp(udp + pad, seq);
	memcpy(udp + pad + sizeof(struct udphdr), mark, 8);
	p->len = seg6_build(p->buf, "fd01::1", segs, nsegs, IPPROTO_UDP, udp,
			    ulen + pad);
}

/* ---- good packets: End.BPF forwards each of them ---- */

static void good_plain(struct pkt *p, __u32 seq)
{
	build(p, 2 + rand() % 3, seq, SEG6_TEST_MARK, 0);
}

static void good_padn_tlv(struct pkt *p, __u32 seq)
{
	/* PadN of 6 octets of zeros in front of the payload */
	static const __u8 padn[8] = { 4, 6 };
	struct ipv6_sr_hdr *srh;
	char udp[64];
	size_t ulen;
	static const char * const segs[] = { SID, "fc00::d01" };

	ulen = seg6_udp(udp + 8, seq);
	memcpy(udp, padn, sizeof(padn));
	p->len = seg6_build(p->buf, "fd01::1", segs, 2, IPPROTO_UDP, udp, ulen + 8);
	srh = srh_of(p);
	srh->hdrlen += 1;
}

static void good_large(struct pkt *p, __u32 seq)
{
	/* 1400 octets: near the links' MTU, after End.BPF's TLV round trip */
	build(p, 2, seq, SEG6_TEST_MARK, 1400 - 40 - 40 - 20);
}

static void good_ipv4_inside(struct pkt *p, __u32 seq)
{
	static const char * const segs[] = { SID, "fc00::d02" };
	char inner[64] = { 0x45 };	/* IPv4, IHL 5; End never reads it */
	size_t ulen = seg6_udp(inner + 20, seq);

	inner[9] = IPPROTO_UDP;
	p->len = seg6_build(p->buf, "fd01::1", segs, 2, IPPROTO_IPIP, inner, 20 + ulen);
}

static void good_atomic_fragment(struct pkt *p, __u32 seq)
{
	/* SRH, then a Fragment header with offset 0 and M clear */
	static const char * const segs[] = { SID, "fc00::d03" };
	char tail[64] = { IPPROTO_UDP };
	size_t ulen = seg6_udp(tail + 8, seq);

	tail[7] = seq;	/* identification */
	p->len = seg6_build(p->buf, "fd01::1", segs, 2, IPPROTO_FRAGMENT, tail, 8 + ulen);
}

static void (*const goods[])(struct pkt *p, __u32 seq) = {
	good_plain, good_padn_tlv, good_large, good_ipv4_inside, good_atomic_fragment,
};

/* ---- bad packets: each returns the counter its drop must show in ---- */

static enum counter bad_segleft_zero(struct pkt *p)
{
	build(p, 2, 0, BAD_MARK, 0);
	srh_of(p)->segments_left = 0;
	return ROUTE_ERRORS;
}

static enum counter bad_segleft_past_list(struct pkt *p)
{
	build(p, 2 + rand() % 3, 0, BAD_MARK, 0);
	srh_of(p)->segments_left = srh_of(p)->first_segment + 2 + rand() % 100;
	return ROUTE_ERRORS;
}

static enum counter bad_hdrlen_short(struct pkt *p)
{
	build(p, 3, 0, BAD_MARK, 0);
	srh_of(p)->hdrlen = rand() % 4;		/* fewer octets than 3 segments */
	return ROUTE_ERRORS;
}

static enum counter bad_first_segment(struct pkt *p)
{
	build(p, 2, 0, BAD_MARK, 0);
	srh_of(p)->first_segment = 2 + rand() % 250;
	srh_of(p)->segments_left = 1;
	return ROUTE_ERRORS;
}

static enum counter bad_tlv_overrun(struct pkt *p)
{
	build(p, 2, 0, BAD_MARK, 8);
	/* an 8-octet TLV area whose TLV claims up to 255 octets */
	srh_of(p)->hdrlen += 1;
	p->buf[sizeof(struct ipv6hdr) + 8 + 32] = 124;
	p->buf[sizeof(struct ipv6hdr) + 8 + 32 + 1] = 7 + rand() % 249;
	return ROUTE_ERRORS;
}

static enum counter bad_truncated_srh(struct pkt *p)
{
	build(p, 2, 0, BAD_MARK, 0);
	/* the packet ends inside the SRH, and says so */
	p->len = sizeof(struct ipv6hdr) + 8 + rand() % 32;
	set_payload_len(p);
	return ROUTE_ERRORS;
}

static enum counter bad_wrong_routing_type(struct pkt *p)
{
	build(p, 2, 0, BAD_MARK, 0);
	srh_of(p)->type = rand() % 2 ? 0 : 2 + rand() % 2;	/* RH0, 2, 3 */
	return ROUTE_ERRORS;
}

static enum counter bad_rh0_before_srh(struct pkt *p)
{
	/* a deprecated Routing header type 0, segments left 1, then an SRH */
	struct pkt inner;
	char *rh0 = p->buf + sizeof(struct ipv6hdr);

	build(&inner, 2, 0, BAD_MARK, 0);
	memcpy(p->buf, inner.buf, sizeof(struct ipv6hdr));
	memset(rh0, 0, 24);
	rh0[0] = IPPROTO_ROUTING;	/* next: the SRH */
	rh0[1] = 2;			/* 24 octets: one address */
	rh0[2] = 0;			/* type 0 */
	rh0[3] = 1;			/* segments left */
	memcpy(rh0 + 24, inner.buf + sizeof(struct ipv6hdr),
	       inner.len - sizeof(struct ipv6hdr));
	p->len = inner.len + 24;
	set_payload_len(p);
	return ROUTE_ERRORS;
}

static enum counter bad_payload_len_long(struct pkt *p)
{
	build(p, 2, 0, BAD_MARK, 0);
	ip6_of(p)->payload_len = htons(p->len - sizeof(struct ipv6hdr) + 1 + rand() % 1000);
	return IP6_TRUNCATED;
}

static enum counter bad_jumbo_option(struct pkt *p)
{
	/* Hop-by-Hop with a Jumbo Payload option on a small packet */
	struct pkt inner;
	__u8 *hbh = (__u8 *)p->buf + sizeof(struct ipv6hdr);
	__u32 jumbo = htonl(70000 + rand() % 1000);

	build(&inner, 2, 0, BAD_MARK, 0);
	memcpy(p->buf, inner.buf, sizeof(struct ipv6hdr));
	ip6_of(p)->nexthdr = IPPROTO_HOPOPTS;
	hbh[0] = IPPROTO_ROUTING;
	hbh[1] = 0;			/* 8 octets */
	hbh[2] = 0xc2;			/* Jumbo Payload */
	hbh[3] = 4;
	memcpy(hbh + 4, &jumbo, 4);
	memcpy(hbh + 8, inner.buf + sizeof(struct ipv6hdr),
	       inner.len - sizeof(struct ipv6hdr));
	p->len = inner.len + 8;
	ip6_of(p)->payload_len = 0;
	return IP6_HDR_ERRORS;
}

static enum counter (*const bads[])(struct pkt *p) = {
	bad_segleft_zero, bad_segleft_past_list, bad_hdrlen_short,
	bad_first_segment, bad_tlv_overrun, bad_truncated_srh,
	bad_wrong_routing_type, bad_rh0_before_srh, bad_payload_len_long,
	bad_jumbo_option,
};

static long snmp6(const char *name)
{
	char cmd[128], key[64];
	long value = -1, v;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "ip netns exec " NS_SR " cat /proc/net/snmp6");
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", key, &v) == 2)
		if (!strcmp(key, name))
			value = v;
	pclose(f);
	return value;
}

static void read_counters(long *c)
{
	c[ROUTE_ERRORS] = seg6_route_errors(NS_SR, SID);
	c[IP6_TRUNCATED] = snmp6("Ip6InTruncatedPkts");
	c[IP6_HDR_ERRORS] = snmp6("Ip6InHdrErrors");
}

/*
 * Read what reached d0 until the good packet of @seq (true) or a time-out
 * of @timeout_ms (false); count bad packets seen on the way in @leaked.
 * @seq 0 only drains.
 */
static bool await_good(int fd, __u32 seq, int timeout_ms, int *leaked)
{
	char buf[2048];
	ssize_t len;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (poll(&pfd, 1, timeout_ms) <= 0)
			return false;
		len = recv(fd, buf, sizeof(buf), 0);
		if (len <= 0)
			continue;
		if (memmem(buf, len, BAD_MARK, 8))
			(*leaked)++;
		else if (seq && seg6_is_ours(buf, len, seq))
			return true;
	}
}

void test_seg6_bpf_malformed(void)
{
	struct seg6_bpf_route r = {
		.sid = SID, .dev = "r0", .name = "malformed", .counters = true,
	};
	long before[NR_COUNTERS], after[NR_COUNTERS];
	int expected[NR_COUNTERS] = {}, per_kind[ARRAY_SIZE(bads)] = {};
	int cap_fd = -1, sock = -1, lost = 0, leaked = 0, i, j, k;
	struct test_seg6_bpf *skel = NULL;
	struct nstoken *tok = NULL;
	unsigned int seed;
	char msg[256];
	struct pkt p;

	seed = getenv("SEG6_FUZZ_SEED") ? strtoul(getenv("SEG6_FUZZ_SEED"), NULL, 0) :
					   (unsigned int)time(NULL);
	printf("fuzz: malformed: seed %u (SEG6_FUZZ_SEED=%u reproduces)\n", seed, seed);
	srand(seed);

	if (!ASSERT_OK(seg6_topo_setup(&topo), "topology"))
		goto out;
	SYS(out, "ip -n " NS_SR " -6 route add fc00::d00/120 via fd02::2");
	skel = test_seg6_bpf__open_and_load();
	if (!ASSERT_OK_PTR(skel, "skel"))
		goto out;
	skel->bss->mode = MODE_EVERY_HELPER;
	skel->bss->table = RT_TABLE_MAIN;
	tok = open_netns(NS_SR);
	r.prog_fd = bpf_program__fd(skel->progs.seg6_test);
	if (!ASSERT_OK(seg6_bpf_route_add(&r, msg, sizeof(msg)), msg))
		goto out;
	close_netns(tok);
	tok = open_netns(NS_SRC);
	sock = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	close_netns(tok);
	tok = NULL;
	cap_fd = seg6_capture_open_in(NS_DST, "d0");
	if (!ASSERT_GE(sock, 0, "raw socket") || !ASSERT_GE(cap_fd, 0, "capture"))
		goto out;

	read_counters(before);
	for (i = 0; i < ROUNDS; i++) {
		struct sockaddr_in6 dst = { .sin6_family = AF_INET6 };

		for (j = 0; j < BAD_PER_ROUND; j++) {
			k = rand() % ARRAY_SIZE(bads);
			expected[bads[k](&p)]++;
			per_kind[k]++;
			dst.sin6_addr = ip6_of(&p)->daddr;
			if (!ASSERT_EQ(sendto(sock, p.buf, p.len, 0, (void *)&dst, sizeof(dst)),
				       (ssize_t)p.len, "send bad"))
				goto out;
		}
		goods[rand() % ARRAY_SIZE(goods)](&p, i + 1);
		dst.sin6_addr = ip6_of(&p)->daddr;
		if (!ASSERT_EQ(sendto(sock, p.buf, p.len, 0, (void *)&dst, sizeof(dst)),
			       (ssize_t)p.len, "send good"))
			goto out;
		/* bad packets ahead of it were handled by then, or leaked */
		lost += !await_good(cap_fd, i + 1, 3000, &leaked);
	}
	await_good(cap_fd, 0, 300, &leaked);
	read_counters(after);

	printf("fuzz: malformed: %d bad packets (", ROUNDS * BAD_PER_ROUND);
	for (k = 0; k < ARRAY_SIZE(bads); k++)
		printf("%s%d", k ? "/" : "", per_kind[k]);
	printf(" per kind), %d good: %d lost, %d bad leaked\n", ROUNDS, lost, leaked);
	ASSERT_EQ(lost, 0, "good packets lost");
	ASSERT_EQ(leaked, 0, "bad packets forwarded");
	ASSERT_EQ(skel->bss->helper_errors, 0, "helpers failed on a good packet");
	for (k = 0; k < NR_COUNTERS; k++) {
		printf("fuzz: malformed: %s +%ld, expected +%d\n", counter_names[k],
		       after[k] - before[k], expected[k]);
		ASSERT_EQ(after[k] - before[k], expected[k], counter_names[k]);
	}
out:
	close_netns(tok);
	if (sock >= 0)
		close(sock);
	if (cap_fd >= 0)
		close(cap_fd);
	test_seg6_bpf__destroy(skel);
	seg6_topo_cleanup(&topo);
}
