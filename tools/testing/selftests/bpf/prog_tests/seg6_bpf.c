// SPDX-License-Identifier: GPL-2.0
/*
 * End.BPF on the real data path.  Three namespaces:
 *
 *   src (s0 fd01::1) --- (r0 fd01::2) sr (r1 fd02::1) --- (d0 fd02::2) dst
 *
 * sr binds SID fc00::b to End.BPF (progs/test_seg6_bpf.c, installed over
 * rtnetlink with its fd).  src sends UDP behind an SRH <fc00::b, FINAL>;
 * the packet that reaches d0 is captured and decoded.  Final segments:
 * fc00::d1 is routed by sr's main table, fc00::d2 only by table 100,
 * fc00::d3 by neither.
 */
#include "seg6_bpf_helpers.h"
#include "test_seg6_bpf.skel.h"
#include "test_seg6_bpf.h"

#define NS_SRC	"seg6_bpf_src"
#define NS_SR	"seg6_bpf_sr"
#define NS_DST	"seg6_bpf_dst"
#define SID	"fc00::b"
#define IN_MAIN	"fc00::d1"
#define IN_T100	"fc00::d2"
#define NOWHERE	"fc00::d3"

struct env {
	struct test_seg6_bpf *skel;
	int cap_fd;		/* AF_PACKET on d0, in dst */
	__u32 seq;
};

static const struct seg6_topo topo = { NS_SRC, NS_SR, NS_DST };

static int setup_topology(void)
{
	if (seg6_topo_setup(&topo))
		return -1;
	SYS(fail, "ip -n " NS_SR " -6 route add " IN_MAIN " via fd02::2");
	SYS(fail, "ip -n " NS_SR " -6 route add " IN_T100 " via fd02::2 table 100");
	return 0;
fail:
	return -1;
}

/*
 * Send UDP behind <SID, @final> (or behind @segs) from src with @mode set
 * in the program; returns the length of what d0 received (0: nothing).
 */
static ssize_t send_through(struct env *env, int mode, const char *final,
			    void *out, size_t outlen, int wait_ms)
{
	const char * const segs[] = { SID, final };
	char pkt[512], udp[64];
	size_t ulen, len;

	env->seq++;
	env->skel->bss->mode = mode;
	memset(env->skel->bss->rc, 0x55, sizeof(env->skel->bss->rc));
	ulen = seg6_udp(udp, env->seq);
	len = seg6_build(pkt, "fd01::1", segs, 2, IPPROTO_UDP, udp, ulen);
	if (!ASSERT_OK(seg6_send_from(NS_SRC, pkt, len), "send"))
		return -1;
	return seg6_capture(env->cap_fd, env->seq, out, outlen, wait_ms);
}

#define GOT	3000	/* ms to wait for a packet that must arrive */
#define NONE	1000	/* ms to wait for a packet that must not */

static struct ipv6_sr_hdr *srh_of(void *pkt)
{
	return (struct ipv6_sr_hdr *)((char *)pkt + sizeof(struct ipv6hdr));
}

static void check_addr(const struct in6_addr *got, const char *want, const char *what)
{
	struct in6_addr a;
	char s[INET6_ADDRSTRLEN];

	seg6_addr(&a, want);
	inet_ntop(AF_INET6, got, s, sizeof(s));
	ASSERT_STREQ(s, want, what);
}

static long route_errors(void)
{
	return seg6_route_errors(NS_SR, SID);
}

static void test_ok(struct env *env)
{
	char buf[512];
	ssize_t n = send_through(env, MODE_OK, IN_MAIN, buf, sizeof(buf), GOT);
	struct ipv6_sr_hdr *srh = srh_of(buf);

	if (!ASSERT_GT(n, 0, "delivered"))
		return;
	check_addr(&((struct ipv6hdr *)buf)->daddr, IN_MAIN, "daddr advanced");
	ASSERT_EQ(srh->segments_left, 0, "segments_left");
	ASSERT_EQ(srh->hdrlen, 4, "hdrlen");
}

static void test_drop_verdicts(struct env *env)
{
	static const struct { int mode; const char *name; } cases[] = {
		{ MODE_DROP, "BPF_DROP" },
		{ MODE_REDIRECT_NO_ACTION, "BPF_REDIRECT without action" },
		{ MODE_UNKNOWN_VERDICT, "unknown verdict 42" },
	};
	char buf[512];
	long before, after;
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		before = route_errors();
		ASSERT_EQ(send_through(env, cases[i].mode, IN_MAIN, buf, sizeof(buf), NONE),
			  0, cases[i].name);
		after = route_errors();
		ASSERT_EQ(after - before, 1, "counted in the route's errors");
	}
}

static void test_flags_tag(struct env *env)
{
	char buf[512];
	ssize_t n = send_through(env, MODE_FLAGS_TAG, IN_MAIN, buf, sizeof(buf), GOT);
	struct ipv6_sr_hdr *srh = srh_of(buf);

	ASSERT_EQ(env->skel->bss->rc[0], 0, "store_bytes flags+tag");
	if (!ASSERT_GT(n, 0, "delivered"))
		return;
	ASSERT_EQ(srh->flags, 0x01, "flags");
	ASSERT_EQ(ntohs(srh->tag), 0x1234, "tag");
}

/* Fixed flaw: the writable TLV area used to start 8 bytes early, inside
 * the segment list.
 */
static void test_segment_list_readonly(struct env *env)
{
	char buf[512];
	ssize_t n = send_through(env, MODE_STORE_SEGLIST, IN_MAIN, buf, sizeof(buf), GOT);

	ASSERT_EQ(env->skel->bss->rc[0], -EFAULT, "store_bytes into the segment list");
	if (!ASSERT_GT(n, 0, "delivered"))
		return;
	check_addr(&srh_of(buf)->segments[0], IN_MAIN, "last segment intact");
}

static void test_tlv_add(struct env *env)
{
	static const __u8 tlv[8] = { 124, 6, 1, 2, 3, 4, 5, 6 };
	char buf[512];
	ssize_t n = send_through(env, MODE_TLV_ADD, IN_MAIN, buf, sizeof(buf), GOT);
	struct ipv6_sr_hdr *srh = srh_of(buf);
	struct ipv6hdr *ip6 = (void *)buf;

	ASSERT_EQ(env->skel->bss->rc[0], 0, "adjust_srh +8");
	ASSERT_EQ(env->skel->bss->rc[1], 0, "store_bytes TLV");
	if (!ASSERT_EQ(n, 40 + 8 + 32 + 8 + 8 + 12, "grew by 8 bytes"))
		return;
	ASSERT_EQ(srh->hdrlen, 5, "hdrlen");
	ASSERT_EQ(ntohs(ip6->payload_len), n - 40, "payload_len");
	ASSERT_OK(memcmp(buf + 40 + 8 + 32, tlv, 8), "TLV bytes");
	ASSERT_EQ(srh->nexthdr, IPPROTO_UDP, "next header kept");
}

static void test_tlv_remove(struct env *env)
{
	static const __u8 tlv[8] = { 124, 6, 1, 2, 3, 4, 5, 6 };
	const char * const segs[] = { SID, IN_MAIN };
	char pkt[512], udp[64], buf[512];
	struct ipv6_sr_hdr *srh;
	size_t ulen, len, n;

	/* an SRH that carries one 8-byte TLV */
	env->seq++;
	env->skel->bss->mode = MODE_TLV_REMOVE;
	ulen = seg6_udp(udp + 8, env->seq);
	memcpy(udp, tlv, 8);
	len = seg6_build(pkt, "fd01::1", segs, 2, IPPROTO_UDP, udp, ulen + 8);
	srh_of(pkt)->hdrlen = 5;
	if (!ASSERT_OK(seg6_send_from(NS_SRC, pkt, len), "send"))
		return;
	n = seg6_capture(env->cap_fd, env->seq, buf, sizeof(buf), GOT);
	ASSERT_EQ(env->skel->bss->rc[0], 0, "adjust_srh -8");
	if (!ASSERT_EQ(n, 40 + 8 + 32 + 8 + 12, "shrank by 8 bytes"))
		return;
	srh = srh_of(buf);
	ASSERT_EQ(srh->hdrlen, 4, "hdrlen");
	ASSERT_EQ(ntohs(((struct ipv6hdr *)buf)->payload_len), n - 40, "payload_len");
}

static void test_invalid_srh_dropped(struct env *env)
{
	char buf[512];
	long before = route_errors();

	ASSERT_EQ(send_through(env, MODE_TLV_BAD, IN_MAIN, buf, sizeof(buf), NONE), 0,
		  "TLV running past the SRH: dropped");
	ASSERT_EQ(env->skel->bss->rc[0], 0, "adjust_srh");
	ASSERT_EQ(env->skel->bss->rc[1], 0, "store_bytes");
	ASSERT_EQ(route_errors() - before, 1, "counted");
}

/* Fixed flaw: growth past what hdrlen can encode was accepted and the
 * length silently truncated.
 */
static void test_grow_past_max(struct env *env)
{
	char buf[512];
	ssize_t n = send_through(env, MODE_GROW_PAST_MAX, IN_MAIN, buf, sizeof(buf), GOT);

	ASSERT_EQ(env->skel->bss->rc[0], -EINVAL, "adjust_srh +2048");
	ASSERT_GT(n, 0, "packet itself unharmed");
}

static void test_end_x(struct env *env)
{
	char buf[512];
	ssize_t n;

	seg6_addr((struct in6_addr *)&env->skel->bss->nh6, "fd02::2");
	/* nothing routes NOWHERE: only the End.X next hop gets it there */
	ASSERT_EQ(send_through(env, MODE_OK, NOWHERE, buf, sizeof(buf), NONE), 0,
		  "BPF_OK: no route");
	n = send_through(env, MODE_END_X, NOWHERE, buf, sizeof(buf), GOT);
	ASSERT_EQ(env->skel->bss->rc[0], 0, "action End.X");
	if (ASSERT_GT(n, 0, "End.X delivered"))
		check_addr(&((struct ipv6hdr *)buf)->daddr, NOWHERE, "daddr");
}

static void test_end_t(struct env *env)
{
	char buf[512];
	ssize_t n;

	env->skel->bss->table = 100;
	ASSERT_EQ(send_through(env, MODE_OK, IN_T100, buf, sizeof(buf), NONE), 0,
		  "BPF_OK: main table has no route");
	n = send_through(env, MODE_END_T, IN_T100, buf, sizeof(buf), GOT);
	ASSERT_EQ(env->skel->bss->rc[0], 0, "action End.T");
	ASSERT_GT(n, 0, "End.T delivered through table 100");
}

/* End.DX6 to d0's address: the inner destination is routed nowhere in sr,
 * so only the next hop brings the decapsulated packet to d0.
 */
static void test_end_dx6(struct env *env)
{
	const char * const segs[] = { SID, "fc00::ee" };
	char inner[128], pkt[512], buf[512];
	size_t inner_len, len;
	ssize_t n;

	inner_len = seg6_ipv6_udp(inner, "fd01::1", NOWHERE, ++env->seq);
	len = seg6_build(pkt, "fd01::1", segs, 2, IPPROTO_IPV6, inner, inner_len);
	seg6_addr(&env->skel->bss->nh6, "fd02::2");
	env->skel->bss->mode = MODE_END_DX6;
	if (!ASSERT_OK(seg6_send_from(NS_SRC, pkt, len), "send"))
		return;
	n = seg6_capture(env->cap_fd, env->seq, buf, sizeof(buf), GOT);
	ASSERT_EQ(env->skel->bss->rc[0], 0, "action End.DX6");
	if (!ASSERT_EQ(n, inner_len, "decapsulated inner packet"))
		return;
	ASSERT_EQ(((struct ipv6hdr *)buf)->nexthdr, IPPROTO_UDP, "no SRH left");
	check_addr(&((struct ipv6hdr *)buf)->daddr, NOWHERE, "inner daddr kept");
}

static void test_end_dt6(struct env *env)
{
	const char * const segs[] = { SID, "fc00::ee" };
	char inner[128], pkt[512], buf[512];
	size_t inner_len, len;
	ssize_t n;

	/* inner IPv6/UDP to IN_T100 behind an outer SRH whose last segment
	 * is the decapsulating SID
	 */
	inner_len = seg6_ipv6_udp(inner, "fd01::1", IN_T100, ++env->seq);
	len = seg6_build(pkt, "fd01::1", segs, 2, IPPROTO_IPV6, inner, inner_len);
	env->skel->bss->table = 100;
	env->skel->bss->mode = MODE_END_DT6;
	if (!ASSERT_OK(seg6_send_from(NS_SRC, pkt, len), "send"))
		return;
	n = seg6_capture(env->cap_fd, env->seq, buf, sizeof(buf), GOT);
	ASSERT_EQ(env->skel->bss->rc[0], 0, "action End.DT6");
	if (!ASSERT_EQ(n, inner_len, "decapsulated inner packet"))
		return;
	ASSERT_EQ(((struct ipv6hdr *)buf)->nexthdr, IPPROTO_UDP, "no SRH left");
	check_addr(&((struct ipv6hdr *)buf)->daddr, IN_T100, "inner daddr");
}

/*
 * The SRH the program pushes: segments <IN_MAIN, fc00::ff>, IN_MAIN
 * active.  End.B6 overwrites segments[0] with the original destination
 * (RFC 8986 4.13 insertion); End.B6.Encaps keeps it.
 */
static void set_b6_srh(struct env *env)
{
	seg6_b6_srh(env->skel->bss->b6_srh, IN_MAIN);
}

static void test_end_b6(struct env *env)
{
	char buf[512];
	struct ipv6_sr_hdr *srh = srh_of(buf);
	ssize_t n;

	set_b6_srh(env);
	n = send_through(env, MODE_END_B6, NOWHERE, buf, sizeof(buf), GOT);
	ASSERT_EQ(env->skel->bss->rc[0], 0, "action End.B6");
	if (!ASSERT_GT(n, 0, "delivered along the new SRH"))
		return;
	check_addr(&((struct ipv6hdr *)buf)->daddr, IN_MAIN, "daddr from the new SRH");
	/* inserted SRH: the new segment, then the original destination */
	ASSERT_EQ(srh->first_segment, 1, "first_segment");
	check_addr(&srh->segments[0], NOWHERE, "original destination last");
	ASSERT_EQ(srh->nexthdr, IPPROTO_ROUTING, "original SRH follows");
}

static void test_end_b6_encap(struct env *env)
{
	char buf[512];
	struct ipv6_sr_hdr *srh = srh_of(buf);
	ssize_t n;

	set_b6_srh(env);
	n = send_through(env, MODE_END_B6_ENCAP, NOWHERE, buf, sizeof(buf), GOT);
	ASSERT_EQ(env->skel->bss->rc[0], 0, "action End.B6.Encaps");
	if (!ASSERT_GT(n, 0, "delivered in the new outer header"))
		return;
	check_addr(&((struct ipv6hdr *)buf)->daddr, IN_MAIN, "outer daddr");
	ASSERT_EQ(srh->nexthdr, IPPROTO_IPV6, "inner packet follows");
	check_addr(&srh->segments[0], "fc00::ff", "pushed SRH as given");
	check_addr(&((struct ipv6hdr *)(buf + 40 + 40))->daddr, NOWHERE, "inner daddr kept");
}

/* Fixed flaw: two End.BPF routes with programs of the same name compared
 * equal, so a second program was refused (or dropped) as a duplicate.
 */
static void test_route_cmp_uses_program(struct env *env)
{
	struct seg6_bpf_route r = {
		.sid = "fc00::c", .dev = "r0", .name = "same_name",
		.prog_fd = bpf_program__fd(env->skel->progs.seg6_test),
	};
	struct nstoken *tok = open_netns(NS_SR);
	char msg[256];

	if (!ASSERT_OK_PTR(tok, "netns"))
		return;
	ASSERT_OK(seg6_bpf_route_add(&r, msg, sizeof(msg)), "first route");
	r.nl_flags = NLM_F_APPEND;
	ASSERT_EQ(seg6_bpf_route_add(&r, msg, sizeof(msg)), -EEXIST, "same program: duplicate");
	r.prog_fd = bpf_program__fd(env->skel->progs.seg6_test_other);
	ASSERT_OK(seg6_bpf_route_add(&r, msg, sizeof(msg)), "other program, same name");
	SYS_NOFAIL("ip -6 route flush fc00::c/128");
	close_netns(tok);
}

static __u64 clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* The receive timestamp (CLOCK_REALTIME, once some socket asks the stack
 * for timestamps) and bpf_ktime_get_tai_ns(), as a delay-measurement
 * endpoint reads them.
 */
static void test_timestamps(struct env *env)
{
	__u64 real0, tai0, real1, tai1;
	char buf[512];
	int one = 1, fd, i;

	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (!ASSERT_GE(fd, 0, "socket") ||
	    !ASSERT_OK(setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)),
		       "SO_TIMESTAMPNS"))
		goto out;
	/* the stack turns timestamping on from a work item: try a few times */
	for (i = 0; i < 20; i++) {
		env->skel->bss->rx_tstamp = 0;
		real0 = clock_ns(CLOCK_REALTIME);
		tai0 = clock_ns(CLOCK_TAI);
		if (!ASSERT_GT(send_through(env, MODE_TIMESTAMPS, IN_MAIN, buf, sizeof(buf),
					    GOT), 0, "delivered"))
			goto out;
		real1 = clock_ns(CLOCK_REALTIME);
		tai1 = clock_ns(CLOCK_TAI);
		if (env->skel->bss->rx_tstamp)
			break;
		usleep(50000);
	}
	ASSERT_GE(env->skel->bss->rx_tstamp, real0, "rx tstamp after send");
	ASSERT_LE(env->skel->bss->rx_tstamp, real1, "rx tstamp before delivery");
	ASSERT_GE(env->skel->bss->tai_ns, tai0, "TAI after send");
	ASSERT_LE(env->skel->bss->tai_ns, tai1, "TAI before delivery");
	ASSERT_LE(env->skel->bss->rx_tstamp, env->skel->bss->tai_ns + 1000000000ULL * 60,
		  "TAI and realtime agree within the leap seconds");
out:
	if (fd >= 0)
		close(fd);
}

void test_seg6_bpf(void)
{
	struct env env = { .cap_fd = -1 };
	struct seg6_bpf_route r = {
		.sid = SID, .dev = "r0", .name = "seg6_test", .counters = true,
	};
	struct nstoken *tok = NULL;
	char msg[256];

	if (!ASSERT_OK(setup_topology(), "topology"))
		goto out;
	env.skel = test_seg6_bpf__open_and_load();
	if (!ASSERT_OK_PTR(env.skel, "skel"))
		goto out;

	tok = open_netns(NS_SR);
	r.prog_fd = bpf_program__fd(env.skel->progs.seg6_test);
	if (!ASSERT_OK(seg6_bpf_route_add(&r, msg, sizeof(msg)), msg))
		goto out;
	close_netns(tok);
	tok = NULL;
	env.cap_fd = seg6_capture_open_in(NS_DST, "d0");
	if (!ASSERT_GE(env.cap_fd, 0, "capture"))
		goto out;

	if (test__start_subtest("bpf_ok"))
		test_ok(&env);
	if (test__start_subtest("drop_verdicts"))
		test_drop_verdicts(&env);
	if (test__start_subtest("store_flags_tag"))
		test_flags_tag(&env);
	if (test__start_subtest("segment_list_readonly"))
		test_segment_list_readonly(&env);
	if (test__start_subtest("tlv_add"))
		test_tlv_add(&env);
	if (test__start_subtest("tlv_remove"))
		test_tlv_remove(&env);
	if (test__start_subtest("invalid_srh_dropped"))
		test_invalid_srh_dropped(&env);
	if (test__start_subtest("grow_past_max"))
		test_grow_past_max(&env);
	if (test__start_subtest("end_x"))
		test_end_x(&env);
	if (test__start_subtest("end_t"))
		test_end_t(&env);
	if (test__start_subtest("end_dt6"))
		test_end_dt6(&env);
	if (test__start_subtest("end_dx6"))
		test_end_dx6(&env);
	if (test__start_subtest("end_b6"))
		test_end_b6(&env);
	if (test__start_subtest("end_b6_encap"))
		test_end_b6_encap(&env);
	if (test__start_subtest("route_cmp_uses_program"))
		test_route_cmp_uses_program(&env);
	if (test__start_subtest("timestamps"))
		test_timestamps(&env);
out:
	close_netns(tok);
	if (env.cap_fd >= 0)
		close(env.cap_fd);
	test_seg6_bpf__destroy(env.skel);
	seg6_topo_cleanup(&topo);
}
