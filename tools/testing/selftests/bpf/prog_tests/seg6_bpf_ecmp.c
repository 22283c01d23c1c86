// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_seg6_ecmp_nexthops(), through BPF_PROG_TEST_RUN in a netns whose
 * routes are known: multipath routes of sibling next hops and of a nexthop
 * group (weights included), a single path, an on-link destination, a
 * buffer smaller than the route, and the errors; then once from the data
 * path; then on two CPUs, while a routing daemon's worth of changes churns
 * the route being looked up.
 */
#define _GNU_SOURCE	/* sched_setaffinity */
#include <sched.h>
#include <sys/wait.h>

#include "seg6_bpf_helpers.h"
#include "test_seg6_bpf.h"	/* before the skeleton: struct bpf_seg6_nexthop */
#include "test_seg6_bpf_ecmp.skel.h"

#define NS	"seg6_bpf_ecmp"

struct want_nh {
	const char *gw;
	const char *dev;
	__u32 weight;
};

static int setup(void)
{
	SYS(fail, "ip netns add " NS);
	SYS(fail, "ip -n " NS " link add d1 type dummy");
	SYS(fail, "ip -n " NS " link add d2 type dummy");
	SYS(fail, "ip -n " NS " link add d3 type dummy");
	SYS(fail, "ip -n " NS " link set d1 up");
	SYS(fail, "ip -n " NS " link set d2 up");
	SYS(fail, "ip -n " NS " link set d3 up");
	SYS(fail, "ip -n " NS " addr add fd0a::1/64 dev d1 nodad");
	SYS(fail, "ip -n " NS " addr add fd0b::1/64 dev d2 nodad");
	SYS(fail, "ip -n " NS " addr add fd0c::1/64 dev d3 nodad");
	SYS(fail, "ip -n %s -6 route add fc00:a::/64 %s %s", NS,
	    "nexthop via fd0a::2 dev d1 weight 1", "nexthop via fd0b::2 dev d2 weight 3");
	SYS(fail, "ip -n " NS " -6 route add fc00:b::/64 via fd0c::2 dev d3");
	SYS(fail, "ip -n " NS " nexthop add id 1 via fd0a::2 dev d1");
	SYS(fail, "ip -n " NS " nexthop add id 2 via fd0b::2 dev d2");
	SYS(fail, "ip -n " NS " nexthop add id 3 via fd0c::2 dev d3");
	SYS(fail, "ip -n " NS " nexthop add id 10 group 1/2,4/3");
	SYS(fail, "ip -n " NS " -6 route add fc00:c::/64 nhid 10 table 100");
	SYS(fail, "ip -n " NS " -6 route add unreachable fc00:e::/64");
	return 0;
fail:
	return -1;
}

/* Look @dst up in @table with room for @max next hops, @repeat times. */
static int lookup_repeat(struct test_seg6_bpf_ecmp *skel, const char *dst, __u32 table,
			 __u32 max, __u32 repeat)
{
	const char * const segs[] = { "fc00::b", "fc00::d1" };
	char pkt[256], udp[64];

	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .repeat = repeat);

	opts.data_size_in = seg6_build(pkt, "fd01::1", segs, 2, IPPROTO_UDP, udp,
				       seg6_udp(udp, 1));
	seg6_addr(&skel->bss->dst, dst);
	skel->bss->table = table;
	skel->bss->max_nhs = max;
	memset(skel->bss->nhs, 0xff, sizeof(skel->bss->nhs));
	skel->bss->ret = 0x5555;
	if (!ASSERT_OK(bpf_prog_test_run_opts(bpf_program__fd(skel->progs.seg6_ecmp), &opts),
		       "test_run"))
		return -1;
	return skel->bss->ret;
}

static int lookup(struct test_seg6_bpf_ecmp *skel, const char *dst, __u32 table, __u32 max)
{
	return lookup_repeat(skel, dst, table, max, 1);
}

static void check_nhs(struct test_seg6_bpf_ecmp *skel, const struct want_nh *want, int n)
{
	char gw[INET6_ADDRSTRLEN];
	int i;

	for (i = 0; i < n; i++) {
		const struct bpf_seg6_nexthop *nh = &skel->bss->nhs[i];

		inet_ntop(AF_INET6, &nh->gw, gw, sizeof(gw));
		ASSERT_STREQ(gw, want[i].gw, "gateway");
		ASSERT_EQ(nh->ifindex, if_nametoindex(want[i].dev), want[i].dev);
		ASSERT_EQ(nh->weight, want[i].weight, "weight");
	}
}

/* The same lookup from the data path: an End.BPF SID in NS reached over
 * a veth from NS "_peer", the program asking for fc00:a::1's next hops.
 */
static void test_data_path(struct test_seg6_bpf_ecmp *skel)
{
	const char * const segs[] = { "fc00::b", "fc00::d1" };
	struct seg6_bpf_route r = { .sid = "fc00::b", .dev = "v0", .name = "seg6_ecmp" };
	char pkt[256], udp[64], msg[256];
	size_t len;
	int err, i;

	SYS(out, "ip netns add " NS "_peer");
	SYS(out, "ip -n " NS " link add v0 type veth peer name v1 netns " NS "_peer");
	SYS(out, "ip -n " NS " link set v0 up");
	SYS(out, "ip -n " NS "_peer link set v1 up");
	SYS(out, "ip -n " NS " addr add fd09::1/64 dev v0 nodad");
	SYS(out, "ip -n " NS "_peer addr add fd09::2/64 dev v1 nodad");
	SYS(out, "ip -n " NS "_peer -6 route add fc00::/16 via fd09::1");
	SYS(out, "ip netns exec " NS "_peer ping -6 -c1 -W5 fd09::1 >/dev/null");
	r.prog_fd = bpf_program__fd(skel->progs.seg6_ecmp);
	err = seg6_bpf_route_add(&r, msg, sizeof(msg));
	if (!ASSERT_OK(err, msg))
		goto out;

	seg6_addr(&skel->bss->dst, "fc00:a::1");
	skel->bss->table = 0;
	skel->bss->max_nhs = 8;
	skel->bss->ret = 0x5555;
	len = seg6_build(pkt, "fd09::2", segs, 2, IPPROTO_UDP, udp, seg6_udp(udp, 1));
	if (!ASSERT_OK(seg6_send_from(NS "_peer", pkt, len), "send"))
		goto out;
	for (i = 0; i < 50 && skel->bss->ret == 0x5555; i++)
		usleep(20000);
	if (ASSERT_EQ(skel->bss->ret, 2, "next hops seen by the data path"))
		ASSERT_EQ(skel->bss->nhs[1].weight, 3, "second weight");
out:
	SYS_NOFAIL("ip netns del " NS "_peer");
}

static int pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

#define CHURN_ROUNDS	200
#define CHURN_DEVS	3	/* d1 to d3 */
#define CHURN_GWS	6	/* fd0a::2 to fd0a::7 on d1, and so on */
#define CHURN_REPEAT	50	/* walks of the siblings per lookup */
#define MAX_NHS		8	/* progs/test_seg6_bpf_ecmp.c's */

/* " nexthop via GW dev DEV" for the gateways of devices @first to @last */
static void put_nexthops(FILE *f, int first, int last)
{
	int d, g;

	for (d = first; d <= last; d++)
		for (g = 2; g < 2 + CHURN_GWS; g++)
			fprintf(f, " nexthop via fd0%c::%d dev d%d", 'a' + d - 1, g, d);
}

/* What a routing daemon does to a multipath route: replace its next hops
 * by other sets, delete some of them, delete it, add it back, append some;
 * CHURN_ROUNDS times, from a batch so that changes follow each other
 * closely.  The route has up to CHURN_DEVS * CHURN_GWS siblings, so that a
 * walk takes a while, and the next hop deleted alone is the first, the one
 * a lookup starts its walk from.
 */
#define CHURN_STEPS	8
static int write_churn_batch(const char *path)
{
	FILE *f = fopen(path, "w");
	int i;

	if (!f)
		return -1;
	for (i = 0; i < CHURN_ROUNDS; i++) {
		fprintf(f, "route replace fc00:f::/64");
		put_nexthops(f, 1, 3);
		fprintf(f, "\nroute del fc00:f::/64 via fd0a::2 dev d1\n");
		fprintf(f, "route del fc00:f::/64 via fd0a::3 dev d1\n");
		fprintf(f, "route del fc00:f::/64\nroute add fc00:f::/64");
		put_nexthops(f, 2, 3);
		fprintf(f, "\nroute append fc00:f::/64");
		put_nexthops(f, 1, 1);
		fprintf(f, "\nroute del fc00:f::/64 via fd0b::2 dev d2\n");
		fprintf(f, "route replace fc00:f::/64 via fd0c::2 dev d3\n");
	}
	return fclose(f);
}

/* Is every next hop of the last answer one the route can have had, and
 * each there once?
 */
static bool nhs_known(struct test_seg6_bpf_ecmp *skel, int n)
{
	char dev[8];
	int i, j;

	for (i = 0; i < n && i < MAX_NHS; i++) {
		const __u8 *gw = skel->bss->nhs[i].gw.s6_addr;
		int d = gw[1] - 0x0a + 1;

		snprintf(dev, sizeof(dev), "d%d", d);
		if (gw[0] != 0xfd || d < 1 || d > CHURN_DEVS ||
		    gw[15] < 2 || gw[15] >= 2 + CHURN_GWS ||
		    skel->bss->nhs[i].ifindex != if_nametoindex(dev))
			return false;
		for (j = 0; j < i; j++)
			if (!memcmp(&skel->bss->nhs[j].gw, gw, 16))
				return false;
	}
	return true;
}

/* Look the route up on CPU 0 while CPU 1 churns it: a walk of siblings
 * that a deletion cut off loops in softirq forever (the soft-lockup and
 * RCU-stall detectors catch it, and the test never ends); every answer
 * must be a subset of the next hops the route had.
 */
static void test_churn(struct test_seg6_bpf_ecmp *skel)
{
	char batch[] = "/tmp/seg6_ecmp_churnXXXXXX";
	long lookups = 0, bad = 0, unreachable = 0, single = 0, multi = 0;
	int status, fd, n;
	cpu_set_t cpus;
	pid_t child;

	if (!ASSERT_GE(sysconf(_SC_NPROCESSORS_ONLN), 2, "2 CPUs online (this test needs SMP)"))
		return;
	fd = mkstemp(batch);
	if (!ASSERT_GE(fd, 0, "mkstemp"))
		return;
	close(fd);
	if (!ASSERT_OK(write_churn_batch(batch), "batch"))
		goto out;
	SYS(out, "ip -n " NS " -6 route add fc00:f::/64 via fd0c::2 dev d3");
	child = fork();
	if (!ASSERT_GE(child, 0, "fork"))
		goto out;
	if (!child) {
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "ip -6 -n %s -batch %s", NS, batch);
		if (pin_to_cpu(1))
			_exit(2);
		_exit(system(cmd) ? 1 : 0);
	}
	sched_getaffinity(0, sizeof(cpus), &cpus);
	ASSERT_OK(pin_to_cpu(0), "pin to CPU 0");
	while (waitpid(child, &status, WNOHANG) == 0) {
		n = lookup_repeat(skel, "fc00:f::1", 0, MAX_NHS, CHURN_REPEAT);
		lookups++;
		if (n == -ENETUNREACH) {
			unreachable++;
			continue;
		}
		if (n < 1 || n > CHURN_DEVS * CHURN_GWS || !nhs_known(skel, n)) {
			if (!bad++)
				ASSERT_FAIL("answer %d: not the route's next hops", n);
			continue;
		}
		if (n == 1)
			single++;
		else
			multi++;
	}
	sched_setaffinity(0, sizeof(cpus), &cpus);
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status), "route churn ran");
	printf("churn: ecmp: %ld lookups of %d walks in %d route changes\n",
	       lookups, CHURN_REPEAT, CHURN_ROUNDS * CHURN_STEPS);
	printf("churn: ecmp: %ld unreachable, %ld single, %ld multipath, %ld wrong\n",
	       unreachable, single, multi, bad);
	ASSERT_EQ(bad, 0, "wrong answers");
	ASSERT_GT(lookups, 100, "lookups during the churn");
	ASSERT_GT(multi, 0, "lookups that walked siblings");
out:
	unlink(batch);
}

void test_seg6_bpf_ecmp(void)
{
	static const struct want_nh siblings[] = {
		{ "fd0a::2", "d1", 1 }, { "fd0b::2", "d2", 3 },
	};
	static const struct want_nh group[] = {
		{ "fd0a::2", "d1", 1 }, { "fd0b::2", "d2", 4 }, { "fd0c::2", "d3", 1 },
	};
	static const struct want_nh single[] = { { "fd0c::2", "d3", 1 } };
	static const struct want_nh on_link[] = { { "::", "d1", 1 } };
	struct test_seg6_bpf_ecmp *skel = NULL;
	struct nstoken *tok = NULL;

	if (!ASSERT_OK(setup(), "setup"))
		goto out;
	tok = open_netns(NS);
	if (!ASSERT_OK_PTR(tok, NS))
		goto out;
	skel = test_seg6_bpf_ecmp__open_and_load();
	if (!ASSERT_OK_PTR(skel, "skel"))
		goto out;

	if (test__start_subtest("siblings") &&
	    ASSERT_EQ(lookup(skel, "fc00:a::1", 0, 8), 2, "next hops"))
		check_nhs(skel, siblings, 2);
	if (test__start_subtest("nexthop_group") &&
	    ASSERT_EQ(lookup(skel, "fc00:c::1", 100, 8), 3, "next hops"))
		check_nhs(skel, group, 3);
	if (test__start_subtest("single_path") &&
	    ASSERT_EQ(lookup(skel, "fc00:b::1", 0, 8), 1, "next hops"))
		check_nhs(skel, single, 1);
	if (test__start_subtest("on_link") &&
	    ASSERT_EQ(lookup(skel, "fd0a::5", 0, 8), 1, "next hops"))
		check_nhs(skel, on_link, 1);
	if (test__start_subtest("room_for_one")) {
		ASSERT_EQ(lookup(skel, "fc00:c::1", 100, 1), 3, "all counted");
		check_nhs(skel, group, 1);
		ASSERT_EQ(skel->bss->nhs[1].weight, 0xffffffff, "nothing past the buffer");
	}
	if (test__start_subtest("data_path"))
		test_data_path(skel);
	if (test__start_subtest("churn"))
		test_churn(skel);
	if (test__start_subtest("errors")) {
		ASSERT_EQ(lookup(skel, "fc00:d::1", 0, 8), -ENETUNREACH, "no route");
		ASSERT_EQ(lookup(skel, "fc00:e::1", 0, 8), -ENETUNREACH, "unreachable route");
		ASSERT_EQ(lookup(skel, "fc00:c::1", 0, 8), -ENETUNREACH, "not in main");
		ASSERT_EQ(lookup(skel, "fc00:a::1", 4242, 8), -ENOENT, "no such table");
	}
out:
	test_seg6_bpf_ecmp__destroy(skel);
	close_netns(tok);
	SYS_NOFAIL("ip netns del " NS);
}
