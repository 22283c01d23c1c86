// SPDX-License-Identifier: GPL-2.0
/*
 * End.BPF actions whose packet leaves IPv6, on the real data path:
 * End.DX4, End.DT4, End.DT46 (both families) and End.DX2.
 *
 *   src (s0 fd01::1) --- (r0 fd01::2) sr (r1 fd02::1   10.0.2.1)
 *                                         --- (d0 fd02::2   10.0.2.2) dst
 *
 * sr routes 10.0.3.0/24 via 10.0.2.2 in its main table, and 10.99.0.0/24
 * and fc00::d2 via d0 in table 200, which VRF device vrf200 owns.  src sends
 * an inner IPv4 packet, IPv6 packet or Ethernet frame behind an SRH
 * <fc00::b, fc00::ee>; what reaches d0 is captured and compared.  For
 * VRFs alternating among a router's worth of devices, sr also has 1000
 * dummy devices and VRF vrf300, table 300, routing 10.98.0.0/24 only; for
 * VRFs coming and going, VRFs vrf400 to vrf419, the one of table 400 + N
 * routing 10.97.N.0/24 only.
 */
#define _GNU_SOURCE	/* sched_setaffinity */
#include <sched.h>

#include "seg6_bpf_helpers.h"
#include "test_seg6_bpf.skel.h"
#include "test_seg6_bpf.h"

#define NS_SRC		"seg6_dcp_src"
#define NS_SR		"seg6_dcp_sr"
#define NS_DST		"seg6_dcp_dst"
#define SID		"fc00::b"
#define VRF_TABLE	200
#define IN_VRF		"10.99.0.5"	/* routed only in VRF_TABLE */
#define VIA_MAIN	"10.0.3.7"	/* routed in the main table */
#define INNER_SRC	"10.99.1.1"
#define VRF2_TABLE	300
#define IN_VRF2		"10.98.0.5"	/* routed only in VRF2_TABLE */
#define DUMMIES		1000

#define GOT	3000	/* ms to wait for a packet that must arrive */
#define NONE	1000	/* ms to wait for a packet that must not */

struct env {
	struct test_seg6_bpf *skel;
	int cap6, cap4, cap2;	/* on d0: IPv6, IPv4, whole frames */
	__u32 seq;
};

static const struct seg6_topo topo = { NS_SRC, NS_SR, NS_DST };

static int setup_topology(void)
{
	if (seg6_topo_setup(&topo))
		return -1;
	SYS(fail, "ip -n " NS_SR " addr add 10.0.2.1/24 dev r1");
	SYS(fail, "ip -n " NS_DST " addr add 10.0.2.2/24 dev d0");
	SYS(fail, "ip -n " NS_SR " link add vrf200 type vrf table %d", VRF_TABLE);
	SYS(fail, "ip -n " NS_SR " link set vrf200 up");
	/* after the VRF exists, so that it forwards too */
	SYS(fail, "ip netns exec " NS_SR " sysctl -qw net.ipv4.ip_forward=1");
	SYS(fail, "ip -n " NS_SR " route add 10.0.3.0/24 via 10.0.2.2");
	SYS(fail, "ip -n " NS_SR " route add 10.99.0.0/24 via 10.0.2.2 dev r1 table %d",
	    VRF_TABLE);
	SYS(fail, "ip -n " NS_SR " -6 route add fc00::d2 via fd02::2 table 100");
	SYS(fail, "ip -n " NS_SR " -6 route add fc00::d2 via fd02::2 dev r1 table %d",
	    VRF_TABLE);
	SYS(fail, "ip netns exec " NS_SR " ping -4 -c1 -W5 10.0.2.2 >/dev/null");
	return 0;
fail:
	return -1;
}

/* Send @inner (of protocol @proto) behind <SID, fc00::ee> with @mode set. */
static int send_inner(struct env *env, int mode, __u8 proto, const void *inner,
		      size_t inner_len)
{
	const char * const segs[] = { SID, "fc00::ee" };
	char pkt[512];
	size_t len;

	env->skel->bss->mode = mode;
	memset(env->skel->bss->rc, 0x55, sizeof(env->skel->bss->rc));
	len = seg6_build(pkt, "fd01::1", segs, 2, proto, inner, inner_len);
	return seg6_send_from(NS_SRC, pkt, len);
}

/* IPv4/UDP to @dst through the program in @mode; what d0 got, or 0. */
static ssize_t through4(struct env *env, int mode, const char *dst,
			void *out, size_t outlen, int wait_ms)
{
	char inner[128];
	size_t len = seg6_ipv4_udp(inner, INNER_SRC, dst, ++env->seq);

	if (!ASSERT_OK(send_inner(env, mode, IPPROTO_IPIP, inner, len), "send"))
		return -1;
	return seg6_capture(env->cap4, env->seq, out, outlen, wait_ms);
}

static void set_nh4(struct env *env, const char *addr)
{
	inet_pton(AF_INET, addr, &env->skel->bss->nh4);
}

static long route_errors(void)
{
	return seg6_route_errors(NS_SR, SID);
}

/* IpExt: @field of /proc/net/netstat in sr, -1 if not found. */
static long sr_ipext_mib(const char *field)
{
	static char names[8192], values[8192];
	char *n, *v, *sn, *sv;
	struct nstoken *tok = open_netns(NS_SR);
	long ret = -1;
	FILE *f;

	if (!ASSERT_OK_PTR(tok, NS_SR))
		return -1;
	f = fopen("/proc/net/netstat", "r");
	close_netns(tok);
	if (!f)
		return -1;
	while (fgets(names, sizeof(names), f) && fgets(values, sizeof(values), f)) {
		if (strncmp(names, "IpExt: ", 7))
			continue;
		n = strtok_r(names, "\n ", &sn);
		v = strtok_r(values, "\n ", &sv);
		while (n && v && strcmp(n, field)) {
			n = strtok_r(NULL, "\n ", &sn);
			v = strtok_r(NULL, "\n ", &sv);
		}
		if (n && v)
			ret = strtol(v, NULL, 10);
		break;
	}
	fclose(f);
	return ret;
}

/* The inner IPv4 packet arrived whole, forwarded once (TTL 63). */
static void check_forwarded4(const char *buf, ssize_t n, const char *dst)
{
	const struct iphdr *ip = (const void *)buf;
	struct in_addr want;

	if (!ASSERT_EQ(n, sizeof(*ip) + sizeof(struct udphdr) +
		       sizeof(struct seg6_test_payload), "inner IPv4 packet"))
		return;
	inet_pton(AF_INET, dst, &want);
	ASSERT_EQ(ip->daddr, want.s_addr, "inner daddr kept");
	ASSERT_EQ(ip->ttl, 63, "forwarded once");
}

/* End.DT4 to two VRFs in turn, the second created after 1000 devices. */
static void test_end_dt4_two_vrfs(struct env *env)
{
	char batch[] = "/tmp/seg6_dummiesXXXXXX", buf[512];
	int fd, i, got = 0;
	FILE *f;

	fd = mkstemp(batch);
	if (!ASSERT_GE(fd, 0, "mkstemp"))
		return;
	f = fdopen(fd, "w");
	for (i = 0; f && i < DUMMIES; i++)
		fprintf(f, "link add seg6dum%d type dummy\n", i);
	if (!ASSERT_OK_PTR(f, "fdopen") || !ASSERT_OK(fclose(f), "batch"))
		goto out;
	SYS(out, "ip -n " NS_SR " -batch %s", batch);
	SYS(out, "ip -n " NS_SR " link add vrf300 type vrf table %d", VRF2_TABLE);
	SYS(out, "ip -n " NS_SR " link set vrf300 up");
	SYS(out, "ip -n " NS_SR " route add 10.98.0.0/24 via 10.0.2.2 dev r1 table %d",
	    VRF2_TABLE);
	for (i = 0; i < 200; i++) {
		bool second = i % 2;
		ssize_t n;

		env->skel->bss->table = second ? VRF2_TABLE : VRF_TABLE;
		n = through4(env, MODE_END_DT4, second ? IN_VRF2 : IN_VRF, buf, sizeof(buf), GOT);
		if (!ASSERT_EQ(env->skel->bss->rc[0], 0, "action End.DT4"))
			break;
		check_forwarded4(buf, n, second ? IN_VRF2 : IN_VRF);
		got += n > 0;
	}
	ASSERT_EQ(got, 200, "packets through both VRFs");
out:
	unlink(batch);
}

#define TURNOVER_VRFS	20	/* more than the 16 a CPU remembers */
#define TURNOVER_TABLE	400	/* and up: vrf400 to vrf419 */

/* End.DT4 in @table to 10.97.@i.5, routed only in TURNOVER_TABLE + @i:
 * the packet, forwarded once, when the table's VRF was the one found.
 */
static ssize_t dt4_turnover(struct env *env, __u32 table, int i, char *buf,
			    size_t len, int wait_ms)
{
	char dst[INET_ADDRSTRLEN];
	ssize_t n;

	snprintf(dst, sizeof(dst), "10.97.%d.5", i);
	env->skel->bss->table = table;
	n = through4(env, MODE_END_DT4, dst, buf, len, wait_ms);
	if (n > 0)
		check_forwarded4(buf, n, dst);
	return n;
}

/*
 * End.DT4 on one CPU, to more VRFs in turn than it remembers, with one
 * table coming back in between, each packet routed only by its own
 * table; then to a table whose VRF's device index now belongs to the VRF
 * of another table, to a new VRF of that table, and to a table whose VRF
 * is gone.
 */
static void test_end_dt4_vrf_turnover(struct env *env)
{
	char batch[] = "/tmp/seg6_vrfsXXXXXX", buf[512];
	int fd, i, got = 0, ifindex;
	cpu_set_t cpus, one;
	FILE *f = NULL;

	fd = mkstemp(batch);
	if (!ASSERT_GE(fd, 0, "mkstemp"))
		return;
	f = fdopen(fd, "w");
	if (!ASSERT_OK_PTR(f, "fdopen")) {
		close(fd);
		goto out;
	}
	for (i = 0; i < TURNOVER_VRFS; i++)
		fprintf(f, "link add vrf%d type vrf table %d\nlink set vrf%d up\n"
			"route add 10.97.%d.0/24 via 10.0.2.2 dev r1 table %d\n",
			TURNOVER_TABLE + i, TURNOVER_TABLE + i, TURNOVER_TABLE + i, i,
			TURNOVER_TABLE + i);
	if (!ASSERT_OK(fclose(f), "batch"))
		goto out;
	SYS(out, "ip -n " NS_SR " -batch %s", batch);

	/* the VRFs a CPU remembers are its own: keep to one */
	sched_getaffinity(0, sizeof(cpus), &cpus);
	CPU_ZERO(&one);
	for (i = 0; !CPU_ISSET(i, &cpus); i++)
		;
	CPU_SET(i, &one);
	if (!ASSERT_OK(sched_setaffinity(0, sizeof(one), &one), "pin to one CPU"))
		goto out;
	for (i = 0; i < 3 * TURNOVER_VRFS; i++) {
		got += dt4_turnover(env, TURNOVER_TABLE + i % TURNOVER_VRFS, i % TURNOVER_VRFS,
				    buf, sizeof(buf), GOT) > 0;
		got += dt4_turnover(env, TURNOVER_TABLE, 0, buf, sizeof(buf), GOT) > 0;
	}
	ASSERT_EQ(got, 6 * TURNOVER_VRFS, "packets through the VRF of their table");

	/* vrf405's device index, now the VRF of table 420 */
	ifindex = seg6_ifindex_in(NS_SR, "vrf405");
	SYS(restore, "ip -n " NS_SR " link del vrf405");
	SYS(restore, "ip -n " NS_SR " link add vrf405b index %d type vrf table 420", ifindex);
	SYS(restore, "ip -n " NS_SR " link set vrf405b up");
	ASSERT_EQ(dt4_turnover(env, 405, 5, buf, sizeof(buf), NONE), 0,
		  "End.DT4 to table 405: not through table 420's VRF");
	ASSERT_EQ(env->skel->bss->rc[0], -EINVAL, "no VRF for table 405");
	SYS(restore, "ip -n " NS_SR " link add vrf405c type vrf table 405");
	SYS(restore, "ip -n " NS_SR " link set vrf405c up");
	SYS(restore, "ip -n " NS_SR " route replace 10.97.5.0/24 via 10.0.2.2 dev r1 table 405");
	ASSERT_GT(dt4_turnover(env, 405, 5, buf, sizeof(buf), GOT), 0,
		  "End.DT4 to the new VRF of table 405");

	SYS(restore, "ip -n " NS_SR " link del vrf406");
	ASSERT_EQ(dt4_turnover(env, 406, 6, buf, sizeof(buf), NONE), 0,
		  "End.DT4 to a table whose VRF is gone: dropped");
	ASSERT_EQ(env->skel->bss->rc[0], -EINVAL, "no VRF for table 406");
restore:
	sched_setaffinity(0, sizeof(cpus), &cpus);
out:
	for (i = 0; i < TURNOVER_VRFS; i++)
		SYS_NOFAIL("ip -n " NS_SR " link del vrf%d", TURNOVER_TABLE + i);
	SYS_NOFAIL("ip -n " NS_SR " link del vrf405b");
	SYS_NOFAIL("ip -n " NS_SR " link del vrf405c");
	unlink(batch);
}

static void test_end_dx4(struct env *env)
{
	char buf[512];
	long before;
	ssize_t n;

	/* IN_VRF has no route in the main table: only the next hop does */
	set_nh4(env, VIA_MAIN);
	n = through4(env, MODE_END_DX4, IN_VRF, buf, sizeof(buf), GOT);
	ASSERT_EQ(env->skel->bss->rc[0], 0, "action End.DX4");
	check_forwarded4(buf, n, IN_VRF);

	/* 0.0.0.0: routed on its own destination */
	set_nh4(env, "0.0.0.0");
	n = through4(env, MODE_END_DX4, "10.0.2.2", buf, sizeof(buf), GOT);
	check_forwarded4(buf, n, "10.0.2.2");

	/* IPv4 routing says no: as for any IPv4 packet, an ICMP error and
	 * InNoRoutes
	 */
	before = sr_ipext_mib("InNoRoutes");
	ASSERT_GE(before, 0, "InNoRoutes readable");
	n = through4(env, MODE_END_DX4, IN_VRF, buf, sizeof(buf), NONE);
	ASSERT_EQ(n, 0, "no route to the inner destination: dropped");
	ASSERT_EQ(sr_ipext_mib("InNoRoutes") - before, 1, "counted in InNoRoutes");
}

static void test_end_dt4(struct env *env)
{
	char buf[512];
	long before;
	ssize_t n;

	env->skel->bss->table = VRF_TABLE;
	n = through4(env, MODE_END_DT4, IN_VRF, buf, sizeof(buf), GOT);
	ASSERT_EQ(env->skel->bss->rc[0], 0, "action End.DT4");
	check_forwarded4(buf, n, IN_VRF);

	env->skel->bss->table = VRF_TABLE + 1;
	before = route_errors();
	n = through4(env, MODE_END_DT4, IN_VRF, buf, sizeof(buf), NONE);
	ASSERT_EQ(env->skel->bss->rc[0], -EINVAL, "table without a VRF");
	ASSERT_EQ(n, 0, "dropped");
	ASSERT_EQ(route_errors() - before, 1, "counted in the route's errors");
}

static void test_end_dt46(struct env *env)
{
	char inner[128], buf[512];
	size_t len;
	ssize_t n;

	env->skel->bss->table = VRF_TABLE;
	n = through4(env, MODE_END_DT46, IN_VRF, buf, sizeof(buf), GOT);
	ASSERT_EQ(env->skel->bss->rc[0], 0, "action End.DT46, IPv4 inside");
	check_forwarded4(buf, n, IN_VRF);

	/* IPv6 inside: through the same VRF, as End.DT6 with a vrftable */
	env->skel->bss->table = VRF_TABLE;
	len = seg6_ipv6_udp(inner, "fd01::1", "fc00::d2", ++env->seq);
	if (!ASSERT_OK(send_inner(env, MODE_END_DT46, IPPROTO_IPV6, inner, len), "send"))
		return;
	n = seg6_capture(env->cap6, env->seq, buf, sizeof(buf), GOT);
	ASSERT_EQ(env->skel->bss->rc[0], 0, "action End.DT46, IPv6 inside");
	ASSERT_EQ(n, len, "inner IPv6 packet");
}

/* An Ethernet frame carrying IPv4/UDP; returns its length. */
static size_t inner_frame(char *buf, __u32 seq)
{
	static const __u8 dst[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x02 };
	static const __u8 src[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x01 };
	struct ethhdr *eth = (void *)buf;

	memcpy(eth->h_dest, dst, ETH_ALEN);
	memcpy(eth->h_source, src, ETH_ALEN);
	eth->h_proto = htons(ETH_P_IP);
	return sizeof(*eth) + seg6_ipv4_udp(eth + 1, INNER_SRC, "10.0.2.200", seq);
}

static void test_end_dx2(struct env *env)
{
	char frame[128], buf[512];
	size_t len;
	ssize_t n;

	/* every frame of the tests before came to this capture too */
	seg6_capture_drain(env->cap2);
	env->skel->bss->oif = seg6_ifindex_in(NS_SR, "r1");
	len = inner_frame(frame, ++env->seq);
	if (!ASSERT_OK(send_inner(env, MODE_END_DX2, IPPROTO_ETHERNET, frame, len), "send"))
		return;
	n = seg6_capture(env->cap2, env->seq, buf, sizeof(buf), GOT);
	ASSERT_EQ(env->skel->bss->rc[0], 0, "action End.DX2");
	if (ASSERT_EQ(n, len, "inner frame"))
		ASSERT_OK(memcmp(buf, frame, len), "frame as sent");

	/* not an Ethernet interface */
	env->skel->bss->oif = seg6_ifindex_in(NS_SR, "lo");
	len = inner_frame(frame, ++env->seq);
	if (!ASSERT_OK(send_inner(env, MODE_END_DX2, IPPROTO_ETHERNET, frame, len), "send"))
		return;
	n = seg6_capture(env->cap2, env->seq, buf, sizeof(buf), NONE);
	ASSERT_EQ(env->skel->bss->rc[0], -EINVAL, "loopback refused");
	ASSERT_EQ(n, 0, "dropped");
}

/* Once the packet is IPv4, BPF_OK (route on the IPv6 destination) drops. */
static void test_not_ipv6_any_more(struct env *env)
{
	char buf[512];
	long before = route_errors();

	set_nh4(env, VIA_MAIN);
	ASSERT_EQ(through4(env, MODE_DX4_THEN_OK, IN_VRF, buf, sizeof(buf), NONE), 0,
		  "BPF_OK after End.DX4 dropped");
	ASSERT_EQ(env->skel->bss->rc[0], 0, "End.DX4");
	ASSERT_EQ(route_errors() - before, 1, "counted in the route's errors");
}

void test_seg6_bpf_decap(void)
{
	struct env env = { .cap6 = -1, .cap4 = -1, .cap2 = -1 };
	struct seg6_bpf_route r = {
		.sid = SID, .dev = "r0", .name = "seg6_test", .counters = true,
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
	if (!ASSERT_GE(env.cap6, 0, "capture IPv6") ||
	    !ASSERT_GE(env.cap4, 0, "capture IPv4") ||
	    !ASSERT_GE(env.cap2, 0, "capture frames"))
		goto out;

	if (test__start_subtest("end_dx4"))
		test_end_dx4(&env);
	if (test__start_subtest("end_dt4"))
		test_end_dt4(&env);
	if (test__start_subtest("end_dt4_two_vrfs"))
		test_end_dt4_two_vrfs(&env);
	if (test__start_subtest("end_dt4_vrf_turnover"))
		test_end_dt4_vrf_turnover(&env);
	if (test__start_subtest("end_dt46"))
		test_end_dt46(&env);
	if (test__start_subtest("end_dx2"))
		test_end_dx2(&env);
	if (test__start_subtest("not_ipv6_any_more"))
		test_not_ipv6_any_more(&env);
out:
	if (env.cap6 >= 0)
		close(env.cap6);
	if (env.cap4 >= 0)
		close(env.cap4);
	if (env.cap2 >= 0)
		close(env.cap2);
	test_seg6_bpf__destroy(env.skel);
	seg6_topo_cleanup(&topo);
}
