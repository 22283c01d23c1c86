// SPDX-License-Identifier: GPL-2.0
/*
 * libbpf's bpf_seg6local_*() API on the data path (the topology of
 * seg6_bpf_helpers.h): attach a program to SID fc00::a in sr, send traffic,
 * read the program's and the route's counters, replace the program under
 * traffic (also while sr's route lookups are held open, so that a replace
 * lands inside one), detach; and every error the API can return, with its
 * message and nothing left behind.
 */
#define _GNU_SOURCE	/* sched_setaffinity */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#include "seg6_bpf_helpers.h"
#include "test_seg6_bpf.skel.h"
#include "test_seg6_bpf_lookup_window.skel.h"
#include "test_seg6_bpf.h"

#define NS_SRC	"seg6_att_src"
#define NS_SR	"seg6_att_sr"
#define NS_DST	"seg6_att_dst"
#define SID	"fc00::a"
#define FINAL	"fc00::d1"
#define GOT	3000	/* ms to wait for a packet that must arrive */
#define NONE	500	/* ms to wait for a packet that must not */

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71	/* not in older libc headers */
#endif

static const struct seg6_topo topo = { NS_SRC, NS_SR, NS_DST };

struct env {
	struct test_seg6_bpf *skel;
	struct bpf_seg6local_route route;
	int cap_fd;
	__u32 seq;
};

/* Send UDP behind <SID, FINAL> from src; true if it reached dst. */
static bool send_one(struct env *env, int wait_ms)
{
	const char * const segs[] = { SID, FINAL };
	char pkt[256], udp[64], buf[512];
	size_t len;

	env->seq++;
	len = seg6_build(pkt, "fd01::1", segs, 2, IPPROTO_UDP, udp,
			 seg6_udp(udp, env->seq));
	if (seg6_send_from(NS_SRC, pkt, len))
		return false;
	return seg6_capture(env->cap_fd, env->seq, buf, sizeof(buf), wait_ms) > 0;
}

static __u32 prog_id(struct bpf_program *prog)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (bpf_prog_get_info_by_fd(bpf_program__fd(prog), &info, &len))
		return 0;
	return info.id;
}

/* libbpf calls run in sr, where the route lives */
static struct nstoken *in_sr(void)
{
	return open_netns(NS_SR);
}

static bool route_exists(struct env *env)
{
	struct bpf_seg6local_info info;
	struct nstoken *tok = in_sr();
	int err = bpf_seg6local_query(&env->route, &info);

	close_netns(tok);
	return !err;
}

static void test_attach_traffic_detach(struct env *env)
{
	char errmsg[256];

	LIBBPF_OPTS(bpf_seg6local_opts, opts, .counters = true,
		    .prog_name = "attach-test", .errmsg = errmsg,
		    .errmsg_sz = sizeof(errmsg));
	struct bpf_seg6local_info info = {};
	struct nstoken *tok;
	int i, err, delivered = 0;

	env->skel->bss->mode = MODE_OK;
	env->skel->bss->runs = 0;
	tok = in_sr();
	err = bpf_seg6local_attach(&env->route,
				   bpf_program__fd(env->skel->progs.seg6_test), &opts);
	close_netns(tok);
	if (!ASSERT_OK(err, errmsg))
		return;

	for (i = 0; i < 5; i++)
		delivered += send_one(env, GOT);
	ASSERT_EQ(delivered, 5, "delivered through End.BPF");
	ASSERT_EQ(env->skel->bss->runs, 5, "program runs (map read from user space)");

	tok = in_sr();
	err = bpf_seg6local_query(&env->route, &info);
	close_netns(tok);
	if (ASSERT_OK(err, "query")) {
		ASSERT_EQ(info.prog_id, prog_id(env->skel->progs.seg6_test), "prog_id");
		ASSERT_STREQ(info.prog_name, "attach-test", "prog_name");
		ASSERT_EQ(info.route.prefixlen, 128, "prefixlen");
		ASSERT_EQ(info.route.table, RT_TABLE_MAIN, "table");
		ASSERT_TRUE(info.has_counters, "has_counters");
		ASSERT_EQ(info.packets, 5, "route packets");
		ASSERT_GT(info.bytes, 5 * 40, "route bytes");
		ASSERT_EQ(info.errors, 0, "route errors");
	}

	tok = in_sr();
	err = bpf_seg6local_detach(&env->route, &opts);
	close_netns(tok);
	ASSERT_OK(err, errmsg);
	ASSERT_FALSE(route_exists(env), "route gone");
	ASSERT_FALSE(send_one(env, NONE), "no End.BPF after detach");
}

/* The program's own name when opts give none; list sees the route */
static int count_routes(const struct bpf_seg6local_info *info, void *ctx)
{
	(*(int *)ctx)++;
	return 0;
}

/* Flavors go in with the route and come back with the query. */
static void test_flavors(struct env *env)
{
	LIBBPF_OPTS(bpf_seg6local_opts, opts,
		    .flavors = 1 << SEG6_LOCAL_FLV_OP_NEXT_CSID,
		    .lcblock_bits = 32, .lcnode_fn_bits = 16);
	struct bpf_seg6local_info info = {};
	struct nstoken *tok = in_sr();

	if (!ASSERT_OK(bpf_seg6local_attach(&env->route,
					    bpf_program__fd(env->skel->progs.seg6_test),
					    &opts), "attach with next-csid"))
		goto out;
	if (ASSERT_OK(bpf_seg6local_query(&env->route, &info), "query")) {
		ASSERT_EQ(info.flavors, 1 << SEG6_LOCAL_FLV_OP_NEXT_CSID, "flavors");
		ASSERT_EQ(info.lcblock_bits, 32, "locator block bits");
		ASSERT_EQ(info.lcnode_fn_bits, 16, "node function bits");
	}
	ASSERT_OK(bpf_seg6local_detach(&env->route, NULL), "detach");
out:
	close_netns(tok);
}

static int stop_at_first(const struct bpf_seg6local_info *info, void *ctx)
{
	return 7;
}

static void test_default_name_and_list(struct env *env)
{
	struct bpf_seg6local_info info = {};
	struct nstoken *tok = in_sr();
	int n = 0;

	if (!ASSERT_OK(bpf_seg6local_attach(&env->route,
					    bpf_program__fd(env->skel->progs.seg6_test),
					    NULL), "attach without opts"))
		goto out;
	if (ASSERT_OK(bpf_seg6local_query(&env->route, &info), "query")) {
		ASSERT_STREQ(info.prog_name, "seg6_test", "program's own name");
		ASSERT_FALSE(info.has_counters, "no counters unless asked");
	}
	ASSERT_OK(bpf_seg6local_list(0, count_routes, &n), "list");
	ASSERT_EQ(n, 1, "one End.BPF route");
	n = 0;
	ASSERT_OK(bpf_seg6local_list(100, count_routes, &n), "list table 100");
	ASSERT_EQ(n, 0, "none in table 100");
	ASSERT_EQ(bpf_seg6local_list(0, stop_at_first, NULL), 7, "callback stops walk");
	ASSERT_EQ(bpf_seg6local_list(0, NULL, NULL), -EINVAL, "NULL callback");
	ASSERT_OK(bpf_seg6local_detach(&env->route, NULL), "detach");
out:
	close_netns(tok);
}

#define REPLACEMENTS	seg6_rounds(100, 1000)

static int pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

struct replacer {
	struct env *env;
	int limit;		/* replacements to make, unless stopped */
	int cpu;		/* the CPU to run on, or -1 */
	atomic_bool stop;
	atomic_bool done;
	int replaced;
	int err;
	char errmsg[256];
};

/* Swap the route's program between the two programs r->limit times */
static void *replace_loop(void *arg)
{
	struct replacer *r = arg;

	LIBBPF_OPTS(bpf_seg6local_opts, opts, .errmsg = r->errmsg,
		    .errmsg_sz = sizeof(r->errmsg));
	struct bpf_program *progs[] = {
		r->env->skel->progs.seg6_test_other, r->env->skel->progs.seg6_test,
	};
	struct nstoken *tok = in_sr();

	if (r->cpu >= 0 && pin_to_cpu(r->cpu)) {
		r->err = -errno;
		snprintf(r->errmsg, sizeof(r->errmsg), "pin to CPU %d", r->cpu);
	}
	while (r->replaced < r->limit && !atomic_load(&r->stop) && !r->err) {
		r->err = bpf_seg6local_replace(&r->env->route,
					       bpf_program__fd(progs[r->replaced % 2]),
					       &opts);
		if (!r->err)
			r->replaced++;
	}
	atomic_store(&r->done, true);
	close_netns(tok);
	return NULL;
}

/*
 * Churn: REPLACEMENTS program swaps while packets keep crossing the SID,
 * one at a time.  A swap is one routing-table update, so no packet may
 * miss the route; each runs exactly one of the two programs.
 */
static void test_replace_under_traffic(struct env *env)
{
	struct replacer r = { .env = env, .limit = REPLACEMENTS, .cpu = -1 };
	struct nstoken *tok;
	pthread_t thread;
	int sent = 0, delivered = 0, err;

	env->skel->bss->mode = MODE_OK;
	env->skel->bss->runs = 0;
	env->skel->bss->other_runs = 0;
	tok = in_sr();
	err = bpf_seg6local_attach(&env->route,
				   bpf_program__fd(env->skel->progs.seg6_test), NULL);
	close_netns(tok);
	if (!ASSERT_OK(err, "attach"))
		return;
	if (!ASSERT_OK(pthread_create(&thread, NULL, replace_loop, &r), "thread"))
		goto out;
	while (!atomic_load(&r.done) || sent < 100) {
		delivered += send_one(env, GOT);
		sent++;
	}
	pthread_join(thread, NULL);

	ASSERT_OK(r.err, r.errmsg);
	ASSERT_EQ(r.replaced, REPLACEMENTS, "replacements");
	ASSERT_EQ(delivered, sent, "every packet found a route");
	ASSERT_EQ(env->skel->bss->runs + env->skel->bss->other_runs, sent,
		  "each packet ran one of the programs");
	printf("churn: %d replacements while %d packets crossed, %d lost\n",
	       r.replaced, sent, sent - delivered);
out:
	tok = in_sr();
	ASSERT_OK(bpf_seg6local_detach(&env->route, NULL), "detach");
	close_netns(tok);
}

#define WINDOW_PACKETS	20
#define WINDOW_NS	(20 * 1000 * 1000)	/* several replacements long */
#define WINDOW_WAIT	1000			/* ms */

/* The first two CPUs of @set, or -1 */
static int two_cpus(const cpu_set_t *set, int cpu[2])
{
	int c, n = 0;

	for (c = 0; c < CPU_SETSIZE && n < 2; c++)
		if (CPU_ISSET(c, set))
			cpu[n++] = c;
	return n == 2 ? 0 : -1;
}

/* The cookie of netns @ns, as bpf's net->net_cookie */
static int netns_cookie(const char *ns, __u64 *cookie)
{
	struct nstoken *tok = open_netns(ns);
	socklen_t len = sizeof(*cookie);
	int fd, err = -1;

	if (!tok)
		return -1;
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd >= 0) {
		err = getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, cookie, &len);
		close(fd);
	}
	close_netns(tok);
	return err;
}

/*
 * The churn again, with each packet's route lookup in sr held open for
 * WINDOW_NS on one CPU while another keeps replacing the route: the route
 * the lookup found is released before it is used.  The table holds the
 * replacement by then, so the packet must still go through End.BPF.
 */
static void test_replace_in_lookup_window(struct env *env)
{
	struct replacer r = { .env = env, .limit = INT_MAX };
	struct test_seg6_bpf_lookup_window *win;
	int i, delivered = 0, err, cpu[2];
	struct nstoken *tok;
	pthread_t thread;
	cpu_set_t saved;

	if (!ASSERT_OK(sched_getaffinity(0, sizeof(saved), &saved), "affinity"))
		return;
	if (two_cpus(&saved, cpu)) {
		test__skip();
		return;
	}
	r.cpu = cpu[1];
	env->skel->bss->mode = MODE_OK;
	win = test_seg6_bpf_lookup_window__open_and_load();
	if (!ASSERT_OK_PTR(win, "lookup window skeleton"))
		return;
	inet_pton(AF_INET6, SID, win->bss->target);
	if (!ASSERT_OK(netns_cookie(NS_SR, &win->bss->netns_cookie), "netns cookie") ||
	    !ASSERT_OK(test_seg6_bpf_lookup_window__attach(win), "kprobes"))
		goto out_win;
	if (!ASSERT_OK(pin_to_cpu(cpu[0]), "sender's CPU"))
		goto out_win;

	tok = in_sr();
	err = bpf_seg6local_attach(&env->route,
				   bpf_program__fd(env->skel->progs.seg6_test), NULL);
	close_netns(tok);
	if (!ASSERT_OK(err, "attach"))
		goto out_cpu;
	if (!ASSERT_OK(pthread_create(&thread, NULL, replace_loop, &r), "thread"))
		goto out_route;
	win->bss->spin_ns = WINDOW_NS;
	for (i = 0; i < WINDOW_PACKETS; i++)
		delivered += send_one(env, WINDOW_WAIT);
	win->bss->spin_ns = 0;
	atomic_store(&r.stop, true);
	pthread_join(thread, NULL);

	ASSERT_OK(r.err, r.errmsg);
	/* fewer: a kprobe missed, e.g. its function got inlined */
	ASSERT_EQ(win->bss->windows, WINDOW_PACKETS, "lookups held open");
	ASSERT_GT(win->bss->released, 0, "routes released under a lookup");
	ASSERT_EQ(delivered, WINDOW_PACKETS, "every packet found a route");
	printf("churn: %d replacements, %llu of %llu lookups saw their route released, %d lost\n",
	       r.replaced, win->bss->released, win->bss->windows,
	       WINDOW_PACKETS - delivered);
out_route:
	tok = in_sr();
	ASSERT_OK(bpf_seg6local_detach(&env->route, NULL), "detach");
	close_netns(tok);
out_cpu:
	sched_setaffinity(0, sizeof(saved), &saved);
out_win:
	test_seg6_bpf_lookup_window__destroy(win);
}

/* One refused call: its errno, its message, and no route afterwards */
static void expect_refusal(struct env *env, int err, int want, const char *errmsg,
			   const char *want_msg, const char *what)
{
	ASSERT_EQ(err, want, what);
	if (want_msg)
		ASSERT_OK_PTR(strstr(errmsg, want_msg), errmsg);
	else
		ASSERT_NEQ(errmsg[0], '\0', "some message");
	ASSERT_FALSE(route_exists(env), "nothing installed");
}

static void test_errors(struct env *env)
{
	char errmsg[256], long_name[300];

	LIBBPF_OPTS(bpf_seg6local_opts, opts, .errmsg = errmsg,
		    .errmsg_sz = sizeof(errmsg));
	struct bpf_insn ret0[] = {
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	int fd = bpf_program__fd(env->skel->progs.seg6_test), filter_fd = -1;
	struct bpf_seg6local_route route = env->route;
	struct nstoken *tok = in_sr();
	int err;

	route.prefixlen = 129;
	err = bpf_seg6local_attach(&route, fd, &opts);
	expect_refusal(env, err, -EINVAL, errmsg, "prefix length above 128", "prefixlen 129");

	route = env->route;
	route.ifindex = 0;
	err = bpf_seg6local_attach(&route, fd, &opts);
	expect_refusal(env, err, -EINVAL, errmsg, "needs a device", "no device");

	route = env->route;
	route.ifindex = 99999;
	err = bpf_seg6local_attach(&route, fd, &opts);
	expect_refusal(env, err, -ENODEV, errmsg, NULL, "unknown device");

	err = bpf_seg6local_attach(&env->route, -1, &opts);
	expect_refusal(env, err, -EINVAL, errmsg, "invalid program fd", "fd -1");

	err = bpf_seg6local_attach(&env->route, 1000, &opts);
	expect_refusal(env, err, -EBADFD, errmsg, "not a BPF program fd", "closed fd");

	filter_fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, NULL, "GPL", ret0,
				  ARRAY_SIZE(ret0), NULL);
	if (ASSERT_GE(filter_fd, 0, "socket filter")) {
		err = bpf_seg6local_attach(&env->route, filter_fd, &opts);
		expect_refusal(env, err, -EINVAL, errmsg,
			       "not a BPF_PROG_TYPE_LWT_SEG6LOCAL program",
			       "wrong program type");
	}

	memset(long_name, 'n', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	opts.prog_name = long_name;
	err = bpf_seg6local_attach(&env->route, fd, &opts);
	expect_refusal(env, err, -EINVAL, errmsg, "name empty or too long", "long name");
	opts.prog_name = NULL;

	opts.flavors = 1 << SEG6_LOCAL_FLV_OP_USD;
	err = bpf_seg6local_attach(&env->route, fd, &opts);
	expect_refusal(env, err, -EOPNOTSUPP, errmsg, "Unsupported Flavor operation(s)",
		       "USD flavor");
	opts.flavors = 0;

	err = bpf_seg6local_replace(&env->route, fd, &opts);
	expect_refusal(env, err, -ENOENT, errmsg, "no End.BPF route", "replace nothing");
	err = bpf_seg6local_detach(&env->route, &opts);
	expect_refusal(env, err, -ENOENT, errmsg, "no End.BPF route", "detach nothing");

	/* duplicate: the first route stays, untouched */
	if (!ASSERT_OK(bpf_seg6local_attach(&env->route, fd, &opts), errmsg))
		goto out;
	err = bpf_seg6local_attach(&env->route,
				   bpf_program__fd(env->skel->progs.seg6_test_other), &opts);
	ASSERT_EQ(err, -EEXIST, "duplicate");
	ASSERT_STREQ(errmsg, "a route for this SID already exists", "duplicate message");
	{
		struct bpf_seg6local_info info;

		if (ASSERT_OK(bpf_seg6local_query(&env->route, &info), "query"))
			ASSERT_EQ(info.prog_id, prog_id(env->skel->progs.seg6_test),
				  "first program kept");
	}
	ASSERT_OK(bpf_seg6local_detach(&env->route, &opts), errmsg);
	ASSERT_EQ(errmsg[0], '\0', "message cleared on success");

	/* a plain End route for the SID is not ours to replace or delete */
	SYS(out, "ip -6 route add " SID " encap seg6local action End dev r0");
	err = bpf_seg6local_detach(&env->route, &opts);
	ASSERT_EQ(err, -ENOENT, "detach leaves End alone");
	err = bpf_seg6local_replace(&env->route, fd, &opts);
	ASSERT_EQ(err, -ENOENT, "replace leaves End alone");
	ASSERT_OK(system("ip -6 route show " SID " | grep -q 'action End dev r0'"),
		  "End route intact");
	SYS_NOFAIL("ip -6 route del " SID);
out:
	if (filter_fd >= 0)
		close(filter_fd);
	close_netns(tok);
}

void test_seg6_bpf_attach(void)
{
	struct env env = { .cap_fd = -1 };
	struct nstoken *tok;

	env.route.sz = sizeof(env.route);
	if (!ASSERT_OK(seg6_topo_setup(&topo), "topology"))
		goto out;
	SYS(out, "ip -n " NS_SR " -6 route add " FINAL " via fd02::2");
	env.skel = test_seg6_bpf__open_and_load();
	if (!ASSERT_OK_PTR(env.skel, "skel"))
		goto out;
	inet_pton(AF_INET6, SID, env.route.sid);
	tok = in_sr();
	env.route.ifindex = if_nametoindex("r0");
	close_netns(tok);
	env.cap_fd = seg6_capture_open_in(NS_DST, "d0");
	if (!ASSERT_GE(env.cap_fd, 0, "capture"))
		goto out;

	if (test__start_subtest("attach_traffic_detach"))
		test_attach_traffic_detach(&env);
	if (test__start_subtest("default_name_and_list"))
		test_default_name_and_list(&env);
	if (test__start_subtest("replace_under_traffic"))
		test_replace_under_traffic(&env);
	if (test__start_subtest("replace_in_lookup_window"))
		test_replace_in_lookup_window(&env);
	if (test__start_subtest("flavors"))
		test_flavors(&env);
	if (test__start_subtest("errors"))
		test_errors(&env);
out:
	if (env.cap_fd >= 0)
		close(env.cap_fd);
	test_seg6_bpf__destroy(env.skel);
	seg6_topo_cleanup(&topo);
}
