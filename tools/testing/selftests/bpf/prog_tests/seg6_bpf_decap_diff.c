// SPDX-License-Identifier: GPL-2.0
/*
 * End.BPF -> End.DX6/DX4/DT6/DT4/DT46/DX2 against the static behaviours:
 * each packet goes once through a static seg6local route of the action and
 * once through an End.BPF program applying it, and both must treat it
 * alike: the same bytes forwarded or delivered, the same drops, the same
 * route counters, the same netfilter verdicts.
 *
 *   src (s0 fd01::1) --- (r0 fd01::2) sr (r1 fd02::1   10.0.2.1)
 *                                         --- (d0 fd02::2   10.0.2.2) dst
 *
 * sr has VRF vrf200 (table 200, strict mode, as static End.DT4 needs) and
 * table 100; what reaches d0 is captured, what sr delivers to itself is
 * read on UDP sockets in sr.  Packets come without segments left (the
 * static route is their last segment; End.BPF advances to it first), with
 * segments left, and behind an outer Hop-by-Hop header.
 */
#include "seg6_bpf_helpers.h"
#include "test_seg6_bpf.skel.h"
#include "test_seg6_bpf.h"

#define NS_SRC		"seg6_dd_src"
#define NS_SR		"seg6_dd_sr"
#define NS_DST		"seg6_dd_dst"
#define BPF_SID		"fc00::b"
#define UDP_DPORT	4243	/* seg6_udp()'s */

#define GOT	3000	/* ms to wait for a packet that must arrive */
#define NONE	1000	/* ms to wait for a packet that must not */

enum outcome { FORWARDED, DELIVERED, DROPPED };

enum inner { IN6, IN4, IN2 };

/* One packet of the set, for one action */
struct dd_case {
	const char *name;
	const char *sid;	/* the static route of the action */
	int mode;		/* the program's MODE_* for it */
	enum inner inner;
	const char *dst;	/* inner destination */
	bool sl;		/* one more segment after the SID */
	bool hbh;		/* outer Hop-by-Hop header */
	bool nf;		/* with the filtering rules of nf_rules() */
	enum outcome want;
	int want_rc;		/* the action's return value in the program */
};

/* What a packet became */
struct dd_result {
	enum outcome outcome;
	char buf[256];
	ssize_t len;
	long packets, errors;	/* the route's counter changes */
};

struct env {
	struct test_seg6_bpf *skel;
	int cap6, cap4, cap2;	/* on d0 */
	int local6, local4;	/* UDP sockets of sr */
	__u32 seq;
};

static const struct seg6_topo topo = { NS_SRC, NS_SR, NS_DST };

static const struct {
	const char *sid, *behaviour, *dev;
} static_routes[] = {
	{ "fc00::a1", "End.DX6 nh6 ::", "r0" },
	{ "fc00::a2", "End.DX4 nh4 10.0.3.1", "r0" },
	{ "fc00::a3", "End.DT6 table 100", "r0" },
	{ "fc00::a4", "End.DT4 vrftable 200", "vrf200" },
	{ "fc00::a5", "End.DT46 vrftable 200", "vrf200" },
	{ "fc00::a6", "End.DX2 oif r1", "r0" },
};

static int setup_topology(void)
{
	int i;

	if (seg6_topo_setup(&topo))
		return -1;
	SYS(fail, "ip -n " NS_SR " addr add 10.0.2.1/24 dev r1");
	SYS(fail, "ip -n " NS_DST " addr add 10.0.2.2/24 dev d0");
	SYS(fail, "ip netns exec " NS_SR " sysctl -qw net.vrf.strict_mode=1");
	SYS(fail, "ip netns exec " NS_SR " sysctl -qw net.ipv4.udp_l3mdev_accept=1");
	SYS(fail, "ip -n " NS_SR " link add vrf200 type vrf table 200");
	SYS(fail, "ip -n " NS_SR " link set vrf200 up");
	SYS(fail, "ip -n " NS_SR " addr add 10.99.9.1/32 dev vrf200");
	SYS(fail, "ip netns exec " NS_SR " sysctl -qw net.ipv4.ip_forward=1");
	SYS(fail, "ip -n " NS_SR " route add 10.0.3.0/24 via 10.0.2.2");
	SYS(fail, "ip -n " NS_SR " route add 10.99.0.0/24 via 10.0.2.2 dev r1 table 200");
	/* as a VRF table should: no lookup goes on to the main table */
	SYS(fail, "ip -n " NS_SR " route add unreachable default metric 4278198272 table 200");
	SYS(fail, "ip -n " NS_SR " -6 route add unreachable default metric 4278198272 table 200");
	SYS(fail, "ip -n " NS_SR " -6 route add fc00::d3 via fd02::2");
	SYS(fail, "ip -n " NS_SR " -6 route add fc00::d2 via fd02::2 table 100");
	SYS(fail, "ip -n " NS_SR " -6 route add local fd02::1 dev r1 table 100");
	SYS(fail, "ip -n " NS_SR " -6 route add fc00::d4 via fd02::2 dev r1 table 200");
	for (i = 0; i < ARRAY_SIZE(static_routes); i++)
		SYS(fail, "ip -n " NS_SR " -6 route add %s encap seg6local action %s count dev %s",
		    static_routes[i].sid, static_routes[i].behaviour,
		    static_routes[i].dev);
	SYS(fail, "ip netns exec " NS_SR " ping -4 -c1 -W5 10.0.2.2 >/dev/null");
	return 0;
fail:
	return -1;
}

/* The filtering rules upstream's srv6_end_dx4_netfilter_test.sh stands
 * for: decapsulated traffic to one destination per family dropped in
 * PREROUTING, with lwtunnel hooks on (End.DX4/DX6), and in the VRF
 * (End.DT4, whose VRF receive has its own hook).
 */
#define SR_RAW(cmd)	"ip netns exec " NS_SR " " cmd " -t raw %s PREROUTING "

static int nf_rules(bool add)
{
	const char *op = add ? "-A" : "-D";

	/* the hooks cannot be turned off once on */
	if (add)
		SYS(fail, "ip netns exec " NS_SR " sysctl -qw net.netfilter.nf_hooks_lwtunnel=1");
	SYS(fail, SR_RAW("iptables") "-d 10.0.3.9 -p udp -j DROP", op);
	SYS(fail, SR_RAW("iptables") "-i vrf200 -d 10.99.0.9 -p udp -j DROP", op);
	SYS(fail, SR_RAW("ip6tables") "-d fc00::d9 -p udp -j DROP", op);
	return 0;
fail:
	return -1;
}

/* Packets the DROP rules of nf_rules() counted so far, -1 on error */
static long nf_drops(void)
{
	char line[256];
	long sum = 0;
	FILE *p;

	p = popen("ip netns exec " NS_SR " sh -c 'iptables -t raw -nvxL PREROUTING; "
		  "ip6tables -t raw -nvxL PREROUTING'", "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p))
		if (strstr(line, "DROP"))
			sum += strtol(line, NULL, 10);
	pclose(p);
	return sum;
}

/* A UDP socket of sr on UDP_DPORT, taking zero IPv6 checksums (the test
 * payload has none).
 */
static int local_socket(int family)
{
	struct sockaddr_storage ss = { .ss_family = family };
	struct nstoken *tok = open_netns(NS_SR);
	int one = 1, fd;

	if (!ASSERT_OK_PTR(tok, NS_SR))
		return -1;
	if (family == AF_INET6)
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(UDP_DPORT);
	else
		((struct sockaddr_in *)&ss)->sin_port = htons(UDP_DPORT);
	fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	close_netns(tok);
	if (fd < 0)
		return -1;
	if ((family == AF_INET6 &&
	     (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) ||
	      setsockopt(fd, SOL_UDP, UDP_NO_CHECK6_RX, &one, sizeof(one)))) ||
	    bind(fd, (void *)&ss, sizeof(ss))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Did sr deliver the payload of @seq to @fd within @wait_ms? */
static bool delivered(int fd, __u32 seq, int wait_ms)
{
	struct seg6_test_payload pl;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	while (poll(&pfd, 1, wait_ms) > 0) {
		if (recv(fd, &pl, sizeof(pl), 0) == sizeof(pl) &&
		    !memcmp(pl.mark, SEG6_TEST_MARK, sizeof(pl.mark)) &&
		    ntohl(pl.seq) == seq)
			return true;
	}
	return false;
}

/* An Ethernet frame carrying IPv4/UDP to @dst; returns its length. */
static size_t inner_frame(char *buf, const char *dst, __u32 seq)
{
	static const __u8 mac_dst[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x02 };
	static const __u8 mac_src[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x01 };
	struct ethhdr *eth = (void *)buf;

	memcpy(eth->h_dest, mac_dst, ETH_ALEN);
	memcpy(eth->h_source, mac_src, ETH_ALEN);
	eth->h_proto = htons(ETH_P_IP);
	return sizeof(*eth) + seg6_ipv4_udp(eth + 1, "10.99.1.1", dst, seq);
}

/* Put an 8-byte Hop-by-Hop header (one PadN) after the IPv6 header of the
 * @len-byte packet in @pkt; returns the new length.
 */
static size_t add_hbh(char *pkt, size_t len)
{
	struct ipv6hdr *ip6 = (void *)pkt;
	__u8 *hbh = (__u8 *)(ip6 + 1);

	memmove(hbh + 8, hbh, len - sizeof(*ip6));
	memset(hbh, 0, 8);
	hbh[0] = ip6->nexthdr;
	hbh[2] = 1;	/* PadN */
	hbh[3] = 4;
	ip6->nexthdr = IPPROTO_HOPOPTS;
	ip6->payload_len = htons(ntohs(ip6->payload_len) + 8);
	return len + 8;
}

/* Send @c's packet through static route @c->sid, or through End.BPF on
 * its way to @c->sid, and see what became of it.
 */
static int run_case(struct env *env, const struct dd_case *c, bool bpf,
		    struct dd_result *res)
{
	const char * const segs[] = { BPF_SID, c->sid, "fc00::ee" };
	const char * const *first = bpf ? segs : segs + 1;
	int nsegs = 1 + bpf + c->sl, cap, local;
	const char *route = bpf ? BPF_SID : c->sid;
	char inner[128], pkt[512];
	long packets, errors;
	__u8 proto;
	size_t len;

	env->seq++;
	switch (c->inner) {
	case IN6:
		len = seg6_ipv6_udp(inner, "fd01::1", c->dst, env->seq);
		proto = IPPROTO_IPV6;
		cap = env->cap6;
		local = env->local6;
		break;
	case IN4:
		len = seg6_ipv4_udp(inner, "10.99.1.1", c->dst, env->seq);
		proto = IPPROTO_IPIP;
		cap = env->cap4;
		local = env->local4;
		break;
	default:
		len = inner_frame(inner, c->dst, env->seq);
		proto = IPPROTO_ETHERNET;
		cap = env->cap2;
		local = -1;
		break;
	}
	len = seg6_build(pkt, "fd01::1", first, nsegs, proto, inner, len);
	if (c->hbh)
		len = add_hbh(pkt, len);

	env->skel->bss->mode = c->mode;
	env->skel->bss->rc[0] = 0x5555;
	if (!ASSERT_OK(seg6_route_counters(NS_SR, route, &packets, &errors), "counters before"))
		return -1;
	seg6_capture_drain(cap);
	if (!ASSERT_OK(seg6_send_from(NS_SRC, pkt, len), "send"))
		return -1;

	res->outcome = DROPPED;
	res->len = seg6_capture(cap, env->seq, res->buf, sizeof(res->buf),
				c->want == FORWARDED ? GOT : NONE);
	if (res->len > 0)
		res->outcome = FORWARDED;
	else if (local >= 0 &&
		 delivered(local, env->seq, c->want == DELIVERED ? GOT : 10))
		res->outcome = DELIVERED;
	if (!ASSERT_OK(seg6_route_counters(NS_SR, route, &res->packets, &res->errors),
		       "counters after"))
		return -1;
	res->packets -= packets;
	res->errors -= errors;
	if (bpf)
		ASSERT_EQ(env->skel->bss->rc[0], c->want_rc, "action's return value");
	return 0;
}

/* The payload's sequence number differs: compare all bytes before it. */
static void compare(const struct dd_case *c, const struct dd_result *st,
		    const struct dd_result *bp)
{
	size_t n = st->len - sizeof(__u32);

	ASSERT_EQ(st->outcome, c->want, "static route: outcome");
	ASSERT_EQ(bp->outcome, st->outcome, "End.BPF: outcome of the static route");
	ASSERT_EQ(bp->len, st->len, "End.BPF: length of the static route's packet");
	if (st->len > 0 && bp->len == st->len)
		ASSERT_OK(memcmp(bp->buf, st->buf, n), "End.BPF: the static route's bytes");
	ASSERT_EQ(st->packets + st->errors, 1, "static route: counted once");
	ASSERT_EQ(bp->packets, st->packets, "End.BPF: packets counted as the static route's");
	ASSERT_EQ(bp->errors, st->errors, "End.BPF: errors counted as the static route's");
}

static void set_params(struct env *env)
{
	struct test_seg6_bpf__bss *bss = env->skel->bss;

	memset(&bss->nh6, 0, sizeof(bss->nh6));
	inet_pton(AF_INET, "10.0.3.1", &bss->nh4);
}

static void run_cases(struct env *env, const struct dd_case *cases, int n)
{
	struct dd_result st, bp;
	long drops;
	int i;

	for (i = 0; i < n; i++) {
		const struct dd_case *c = &cases[i];

		if (!test__start_subtest(c->name))
			continue;
		env->skel->bss->table = c->mode == MODE_END_DT6 ? 100 : 200;
		env->skel->bss->oif = seg6_ifindex_in(NS_SR, "r1");
		if (c->nf && !ASSERT_OK(nf_rules(true), "netfilter rules"))
			continue;
		drops = nf_drops();
		if (!run_case(env, c, false, &st)) {
			if (c->nf)
				ASSERT_EQ(nf_drops() - drops, 1, "static route: filtered");
			drops = nf_drops();
			if (!run_case(env, c, true, &bp)) {
				if (c->nf)
					ASSERT_EQ(nf_drops() - drops, 1, "End.BPF: filtered");
				compare(c, &st, &bp);
			}
		}
		if (c->nf)
			nf_rules(false);
	}
}

static const struct dd_case cases[] = {
	/* End.DX6 to the inner destination (nh6 ::) */
	{ "dx6_forward", "fc00::a1", MODE_END_DX6, IN6, "fc00::d3", .want = FORWARDED },
	{ "dx6_sl", "fc00::a1", MODE_END_DX6, IN6, "fc00::d3", .sl = true,
	  .want = DROPPED, .want_rc = -EBADMSG },
	{ "dx6_hbh", "fc00::a1", MODE_END_DX6, IN6, "fc00::d3", .hbh = true,
	  .want = FORWARDED },
	{ "dx6_local", "fc00::a1", MODE_END_DX6, IN6, "fd02::1", .want = DROPPED },
	{ "dx6_netfilter", "fc00::a1", MODE_END_DX6, IN6, "fc00::d9", .nf = true,
	  .want = DROPPED },
	/* End.DX4 towards 10.0.3.1, routed via 10.0.2.2 */
	{ "dx4_forward", "fc00::a2", MODE_END_DX4, IN4, "10.0.3.7", .want = FORWARDED },
	{ "dx4_sl", "fc00::a2", MODE_END_DX4, IN4, "10.0.3.7", .sl = true,
	  .want = DROPPED, .want_rc = -EBADMSG },
	{ "dx4_hbh", "fc00::a2", MODE_END_DX4, IN4, "10.0.3.7", .hbh = true,
	  .want = FORWARDED },
	{ "dx4_netfilter", "fc00::a2", MODE_END_DX4, IN4, "10.0.3.9", .nf = true,
	  .want = DROPPED },
	/* End.DT6 in table 100 */
	{ "dt6_forward", "fc00::a3", MODE_END_DT6, IN6, "fc00::d2", .want = FORWARDED },
	{ "dt6_sl", "fc00::a3", MODE_END_DT6, IN6, "fc00::d2", .sl = true,
	  .want = DROPPED, .want_rc = -EBADMSG },
	{ "dt6_local", "fc00::a3", MODE_END_DT6, IN6, "fd02::1", .want = DELIVERED },
	{ "dt6_hbh_local", "fc00::a3", MODE_END_DT6, IN6, "fd02::1", .hbh = true,
	  .want = DELIVERED },
	/* End.DT4 in VRF vrf200 */
	{ "dt4_forward", "fc00::a4", MODE_END_DT4, IN4, "10.99.0.5", .want = FORWARDED },
	{ "dt4_sl", "fc00::a4", MODE_END_DT4, IN4, "10.99.0.5", .sl = true,
	  .want = DROPPED, .want_rc = -EBADMSG },
	{ "dt4_local", "fc00::a4", MODE_END_DT4, IN4, "10.99.9.1", .want = DELIVERED },
	{ "dt4_no_route", "fc00::a4", MODE_END_DT4, IN4, "10.0.3.7", .want = DROPPED },
	{ "dt4_netfilter", "fc00::a4", MODE_END_DT4, IN4, "10.99.0.9", .nf = true,
	  .want = DROPPED },
	/* End.DT46 in VRF vrf200, both families */
	{ "dt46_forward4", "fc00::a5", MODE_END_DT46, IN4, "10.99.0.5", .want = FORWARDED },
	{ "dt46_forward6", "fc00::a5", MODE_END_DT46, IN6, "fc00::d4", .want = FORWARDED },
	{ "dt46_sl", "fc00::a5", MODE_END_DT46, IN6, "fc00::d4", .sl = true,
	  .want = DROPPED, .want_rc = -EBADMSG },
	{ "dt46_hbh", "fc00::a5", MODE_END_DT46, IN4, "10.99.0.5", .hbh = true,
	  .want = FORWARDED },
	/* End.DX2 out of r1 */
	{ "dx2_forward", "fc00::a6", MODE_END_DX2, IN2, "10.0.2.200", .want = FORWARDED },
	{ "dx2_sl", "fc00::a6", MODE_END_DX2, IN2, "10.0.2.200", .sl = true,
	  .want = DROPPED, .want_rc = -EBADMSG },
};

void test_seg6_bpf_decap_diff(void)
{
	struct env env = { .cap6 = -1, .cap4 = -1, .cap2 = -1,
			   .local6 = -1, .local4 = -1 };
	struct seg6_bpf_route r = {
		.sid = BPF_SID, .dev = "r0", .name = "seg6_test", .counters = true,
	};
	char msg[256];

	if (!ASSERT_OK(setup_topology(), "topology"))
		goto out;
	env.skel = test_seg6_bpf__open_and_load();
	if (!ASSERT_OK_PTR(env.skel, "skel"))
		goto out;
	r.prog_fd = bpf_program__fd(env.skel->progs.seg6_test);
	if (!ASSERT_OK(seg6_bpf_route_add_in(NS_SR, &r, msg, sizeof(msg)), msg))
		goto out;
	env.cap6 = seg6_capture_open_in(NS_DST, "d0");
	env.cap4 = seg6_capture_open_proto_in(NS_DST, "d0", SOCK_DGRAM, ETH_P_IP);
	env.cap2 = seg6_capture_open_proto_in(NS_DST, "d0", SOCK_RAW, ETH_P_ALL);
	env.local6 = local_socket(AF_INET6);
	env.local4 = local_socket(AF_INET);
	if (!ASSERT_GE(env.cap6, 0, "capture IPv6") ||
	    !ASSERT_GE(env.cap4, 0, "capture IPv4") ||
	    !ASSERT_GE(env.cap2, 0, "capture frames") ||
	    !ASSERT_GE(env.local6, 0, "UDP socket IPv6") ||
	    !ASSERT_GE(env.local4, 0, "UDP socket IPv4"))
		goto out;
	set_params(&env);
	run_cases(&env, cases, ARRAY_SIZE(cases));
out:
	if (env.cap6 >= 0)
		close(env.cap6);
	if (env.cap4 >= 0)
		close(env.cap4);
	if (env.cap2 >= 0)
		close(env.cap2);
	if (env.local6 >= 0)
		close(env.local6);
	if (env.local4 >= 0)
		close(env.local4);
	test_seg6_bpf__destroy(env.skel);
	seg6_topo_cleanup(&topo);
}
