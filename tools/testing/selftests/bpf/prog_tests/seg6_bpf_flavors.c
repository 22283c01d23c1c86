// SPDX-License-Identifier: GPL-2.0
/*
 * Flavors on End.BPF routes, on the data path (see seg6_bpf.c for the
 * three namespaces):
 *  - psp: fc00::b pops the SRH when the program forwards the packet to its
 *    last segment with BPF_OK, and only then;
 *  - next-csid: fcbb:bbbb:100::/48 (32-bit block, 16-bit C-SIDs) shifts the
 *    next C-SID into place before the program, which sees the new
 *    destination; with an empty argument it is End.BPF on the SRH; the
 *    shift leaves the packet a packet socket holds a clone of alone;
 *  - psp and next-csid together: End.BPF does what static End does, on
 *    the same packets (next-csid applies, psp never does);
 *  - flavors End.BPF does not take are refused with an extack message.
 */
#include "seg6_bpf_helpers.h"
#include "test_seg6_bpf.skel.h"
#include "test_seg6_bpf.h"

#define NS_SRC	"seg6_flv_src"
#define NS_SR	"seg6_flv_sr"
#define NS_DST	"seg6_flv_dst"
#define PSP_SID	"fc00::b"
#define FINAL	"fc00::d1"
#define CSID_BLOCK "fcbb:bbbb:100::"
/* psp and next-csid: End.BPF, and static End to compare with */
#define BOTH_BLOCK "fcbb:bbbb:300::"
#define END_BLOCK  "fcbb:bbbb:400::"
/* the static End route of END_BLOCK, with both flavors */
#define END_FLAVORS "action End flavors psp,next-csid lblen 32 nflen 16"

#define GOT	3000
#define FLV(op)	(1U << SEG6_LOCAL_FLV_OP_##op)

struct env {
	struct test_seg6_bpf *skel;
	int cap;
	__u32 seq;
};

static const struct seg6_topo topo = { NS_SRC, NS_SR, NS_DST };

static int add_route(struct env *env, const char *sid, __u8 len, __u32 ops)
{
	struct seg6_bpf_route r = {
		.sid = sid, .sid_len = len, .dev = "r0", .name = "seg6_test",
		.flavors = true, .flv_ops = ops, .lblen = 32, .nflen = 16,
	};
	struct nstoken *tok = open_netns(NS_SR);
	char msg[256] = "";
	int err;

	if (!ASSERT_OK_PTR(tok, NS_SR))
		return -1;
	r.prog_fd = bpf_program__fd(env->skel->progs.seg6_test);
	err = seg6_bpf_route_add(&r, msg, sizeof(msg));
	close_netns(tok);
	return ASSERT_OK(err, msg) ? 0 : -1;
}

static int setup(struct env *env)
{
	if (seg6_topo_setup(&topo))
		return -1;
	SYS(fail, "ip -n " NS_SRC " -6 route add fcbb::/16 via fd01::2");
	SYS(fail, "ip -n " NS_SR " -6 route add " FINAL " via fd02::2");
	SYS(fail, "ip -n " NS_SR " -6 route add fcbb:bbbb:200::/48 via fd02::2");
	SYS(fail, "ip -n " NS_SR " -6 route add " END_BLOCK "/48 encap seg6local " END_FLAVORS
	    " dev r0");
	if (add_route(env, PSP_SID, 128, FLV(PSP)) ||
	    add_route(env, CSID_BLOCK, 48, FLV(NEXT_CSID)) ||
	    add_route(env, BOTH_BLOCK, 48, FLV(PSP) | FLV(NEXT_CSID)))
		return -1;
	env->cap = seg6_capture_open_in(NS_DST, "d0");
	return env->cap < 0 ? -1 : 0;
fail:
	return -1;
}

/* UDP behind an SRH of @segs (first active), through the program in @mode;
 * what d0 got, or 0.
 */
static ssize_t through(struct env *env, int mode, const char * const *segs, int n,
		       char *buf, size_t len)
{
	char pkt[512], udp[64];
	size_t plen;

	env->skel->bss->mode = mode;
	plen = seg6_build(pkt, "fd01::1", segs, n, IPPROTO_UDP, udp,
			  seg6_udp(udp, ++env->seq));
	if (!ASSERT_OK(seg6_send_from(NS_SRC, pkt, plen), "send"))
		return -1;
	return seg6_capture(env->cap, env->seq, buf, len, GOT);
}

static bool addr_is(const struct in6_addr *a, const char *want)
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, a, s, sizeof(s));
	return ASSERT_STREQ(s, want, "address");
}

static void test_psp(struct env *env)
{
	const char * const last[] = { PSP_SID, FINAL };
	const char * const more[] = { PSP_SID, FINAL, FINAL };
	size_t udp_len = sizeof(struct udphdr) + sizeof(struct seg6_test_payload);
	struct ipv6hdr *ip6;
	char buf[512];
	ssize_t n;

	/* to the last segment: popped */
	n = through(env, MODE_OK, last, 2, buf, sizeof(buf));
	ip6 = (void *)buf;
	if (ASSERT_EQ(n, sizeof(*ip6) + udp_len, "SRH popped")) {
		ASSERT_EQ(ip6->nexthdr, IPPROTO_UDP, "next header");
		ASSERT_EQ(ntohs(ip6->payload_len), udp_len, "payload length");
		addr_is(&ip6->daddr, FINAL);
	}

	/* segments left after this one: kept */
	n = through(env, MODE_OK, more, 3, buf, sizeof(buf));
	if (ASSERT_GT(n, sizeof(*ip6) + udp_len, "SRH kept"))
		ASSERT_EQ(((struct ipv6_sr_hdr *)(ip6 + 1))->segments_left, 1, "segments left");

	/* the program chose the route (BPF_REDIRECT): kept */
	seg6_addr(&env->skel->bss->nh6, "fd02::2");
	n = through(env, MODE_END_X, last, 2, buf, sizeof(buf));
	ASSERT_EQ(env->skel->bss->rc[0], 0, "End.X");
	if (ASSERT_GT(n, sizeof(*ip6) + udp_len, "SRH kept after an action"))
		ASSERT_EQ(ip6->nexthdr, IPPROTO_ROUTING, "next header");
}

static void test_next_csid(struct env *env)
{
	const char * const arg_zero[] = { CSID_BLOCK, FINAL };
	const char * const with_csid[] = { "fcbb:bbbb:100:200::", FINAL };
	struct ipv6hdr *ip6;
	char buf[512], pkt[128];
	size_t len;
	ssize_t n;

	/* no SRH: the next C-SID moves into place, the program sees it */
	len = seg6_ipv6_udp(pkt, "fd01::1", "fcbb:bbbb:100:200::", ++env->seq);
	env->skel->bss->mode = MODE_RECORD_DADDR;
	memset(&env->skel->bss->seen_daddr, 0, sizeof(struct in6_addr));
	if (!ASSERT_OK(seg6_send_from(NS_SRC, pkt, len), "send"))
		return;
	n = seg6_capture(env->cap, env->seq, buf, sizeof(buf), GOT);
	ip6 = (void *)buf;
	addr_is(&env->skel->bss->seen_daddr, "fcbb:bbbb:200::");
	if (ASSERT_EQ(n, len, "forwarded without SRH"))
		addr_is(&ip6->daddr, "fcbb:bbbb:200::");

	/* a C-SID left and an SRH: shifted, the SRH untouched */
	n = through(env, MODE_RECORD_DADDR, with_csid, 2, buf, sizeof(buf));
	addr_is(&env->skel->bss->seen_daddr, "fcbb:bbbb:200::");
	if (ASSERT_GT(n, 0, "forwarded")) {
		addr_is(&ip6->daddr, "fcbb:bbbb:200::");
		ASSERT_EQ(((struct ipv6_sr_hdr *)(ip6 + 1))->segments_left, 1, "segments left");
	}

	/* empty argument: End.BPF on the SRH */
	n = through(env, MODE_RECORD_DADDR, arg_zero, 2, buf, sizeof(buf));
	addr_is(&env->skel->bss->seen_daddr, FINAL);
	if (ASSERT_GT(n, 0, "forwarded"))
		ASSERT_EQ(((struct ipv6_sr_hdr *)(ip6 + 1))->segments_left, 0, "segments left");
}

/* The DA a packet socket on the router's ingress saw: the shift of the
 * next C-SID must not write into the clone it holds.
 */
static void test_next_csid_clone(struct env *env)
{
	int tap = seg6_capture_open_in(NS_SR, "r0");
	char buf[512], pkt[128];
	size_t len;

	if (!ASSERT_GE(tap, 0, "packet socket on r0"))
		return;
	len = seg6_ipv6_udp(pkt, "fd01::1", "fcbb:bbbb:100:200::", ++env->seq);
	env->skel->bss->mode = MODE_OK;
	if (ASSERT_OK(seg6_send_from(NS_SRC, pkt, len), "send") &&
	    ASSERT_GT(seg6_capture(env->cap, env->seq, buf, sizeof(buf), GOT), 0,
		      "forwarded") &&
	    ASSERT_EQ(seg6_capture(tap, env->seq, buf, sizeof(buf), GOT), len,
		      "seen on r0"))
		addr_is(&((struct ipv6hdr *)buf)->daddr, "fcbb:bbbb:100:200::");
	close(tap);
}

/* One packet through an SRH of @nsegs segments, @first then FINAL: what
 * d0 got, or 0.
 */
static ssize_t through_first(struct env *env, const char *first, int nsegs,
			     char *buf, size_t len)
{
	const char * const segs[] = { first, FINAL, FINAL };

	return through(env, MODE_OK, segs, nsegs, buf, len);
}

static void test_psp_next_csid(struct env *env)
{
	/* C-SID left or not, with SRH (segments left 1 and 2) or without */
	static const struct {
		const char *what, *csid;
		int nsegs;
	} cases[] = {
		{ "empty argument, last segment next", "", 2 },
		{ "empty argument, two segments left", "", 3 },
		{ "C-SID left, SRH", "200:", 2 },
	};
	char sid[INET6_ADDRSTRLEN], a[512], b[512];
	ssize_t na, nb;
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(sid, sizeof(sid), "fcbb:bbbb:300:%s:", cases[i].csid);
		na = through_first(env, sid, cases[i].nsegs, a, sizeof(a));
		snprintf(sid, sizeof(sid), "fcbb:bbbb:400:%s:", cases[i].csid);
		nb = through_first(env, sid, cases[i].nsegs, b, sizeof(b));
		if (!ASSERT_GT(na, 0, cases[i].what) || !ASSERT_EQ(na, nb, "length as End"))
			continue;
		/* the segment lists differ by the SID; the rest is the same */
		ASSERT_EQ(((struct ipv6hdr *)a)->nexthdr, ((struct ipv6hdr *)b)->nexthdr,
			  "next header as End");
		ASSERT_OK(memcmp(&((struct ipv6hdr *)a)->daddr, &((struct ipv6hdr *)b)->daddr,
				 16), "destination as End");
		if (((struct ipv6hdr *)a)->nexthdr == IPPROTO_ROUTING)
			ASSERT_EQ(((struct ipv6_sr_hdr *)(a + 40))->segments_left,
				  ((struct ipv6_sr_hdr *)(b + 40))->segments_left,
				  "segments left as End");
	}
}

static void test_refused(struct env *env)
{
	static const struct {
		const char *what;
		__u32 ops;
		bool no_op;
		__u8 lblen;
		int err;
		const char *msg;
	} cases[] = {
		{ "USD", FLV(USD), false, 32, -EOPNOTSUPP,
		  "Unsupported Flavor operation(s)" },
		{ "no operation", 0, true, 32, -EINVAL,
		  "Missing Flavor operation (SEG6_LOCAL_FLV_OPERATION)" },
		{ "20-bit block", FLV(NEXT_CSID), false, 20, -EINVAL,
		  "Invalid Locator Block/Node Function lengths" },
	};
	struct seg6_bpf_route r = { .sid = "fc00::c", .dev = "r0", .name = "seg6_test",
				    .flavors = true, .nflen = 16 };
	struct nstoken *tok = open_netns(NS_SR);
	char msg[256];
	int i;

	if (!ASSERT_OK_PTR(tok, NS_SR))
		return;
	r.prog_fd = bpf_program__fd(env->skel->progs.seg6_test);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		r.flv_ops = cases[i].ops;
		r.flv_no_op = cases[i].no_op;
		r.lblen = cases[i].lblen;
		msg[0] = 0;
		ASSERT_EQ(seg6_bpf_route_add(&r, msg, sizeof(msg)), cases[i].err, cases[i].what);
		ASSERT_STREQ(msg, cases[i].msg, "extack");
	}
	close_netns(tok);
	ASSERT_NEQ(system("ip -n " NS_SR " -6 route show fc00::c | grep -q ."), 0,
		   "nothing installed");
}

void test_seg6_bpf_flavors(void)
{
	struct env env = { .cap = -1 };

	env.skel = test_seg6_bpf__open_and_load();
	if (!ASSERT_OK_PTR(env.skel, "skel"))
		goto out;
	if (!ASSERT_OK(setup(&env), "setup"))
		goto out;
	if (test__start_subtest("psp"))
		test_psp(&env);
	if (test__start_subtest("next_csid"))
		test_next_csid(&env);
	if (test__start_subtest("next_csid_clone"))
		test_next_csid_clone(&env);
	if (test__start_subtest("psp_next_csid"))
		test_psp_next_csid(&env);
	if (test__start_subtest("refused"))
		test_refused(&env);
out:
	if (env.cap >= 0)
		close(env.cap);
	test_seg6_bpf__destroy(env.skel);
	seg6_topo_cleanup(&topo);
}
