// SPDX-License-Identifier: GPL-2.0
/*
 * End.BPF on two CPUs at once (the topology of seg6_bpf_helpers.h, SID
 * fc00::a in sr).  Each packet's program writes, through the helpers and
 * their per-CPU SRH state, a TLV naming the program, its CPU and the
 * packet; the receiver checks every one, and the programs' per-CPU counts
 * must add up to what each CPU sent:
 *
 * - replace: senders pinned to CPU 0 and CPU 1 while the route's program
 *   is replaced REPLACEMENTS times (1000 with SEG6_HEAVY=1);
 * - test_run: BPF_PROG_TEST_RUN of the route's program while the data path
 *   runs it, on the other CPU and on the same one;
 * - delete: the route deleted and added again under traffic from both
 *   CPUs; the program is freed once the route and the skeleton are gone.
 */
#define _GNU_SOURCE	/* sched_setaffinity */
#include <uapi/linux/filter.h>	/* classic BPF, for SO_ATTACH_FILTER */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#include "seg6_bpf_helpers.h"
#include "test_seg6_bpf_smp.skel.h"
#include "test_seg6_bpf.h"

#define NS_SRC	"seg6_smp_src"
#define NS_SR	"seg6_smp_sr"
#define NS_DST	"seg6_smp_dst"
#define SID	"fc00::a"
#define FINAL	"fc00::d1"
#define GOT	3000	/* ms to wait for a packet that must arrive */
#define MAYBE	100	/* ms to wait for one that may not */
#define CPUS	2
#define REPLACEMENTS	seg6_rounds(100, 1000)
#define ROUTE_CYCLES	50
#define MIN_SENT	100	/* per sender, whatever else is going on */
#define WARM_UP		10	/* packets per sender before the churn starts */

static const struct seg6_topo topo = { NS_SRC, NS_SR, NS_DST };

/*
 * Sender k runs on cpu[k], sends from send_fd[k] and reads cap_fd[k],
 * which takes only packets whose sequence number starts with k; each
 * subtest's numbers start at a new seq_base.
 */
struct env {
	struct test_seg6_bpf_smp *skel;
	struct bpf_seg6local_route route;
	int cpu[CPUS];		/* the first two CPUs we may run on */
	int send_fd[CPUS];	/* raw IPv6 sockets in src */
	int cap_fd[CPUS];	/* captures on d0 in dst */
	__u32 seq_base;
	atomic_bool stop;
};

/* One sender thread's work and findings; no ASSERT_*() in threads. */
struct sender {
	struct env *env;
	int k, cpu;
	bool lossy;		/* the route comes and goes */
	atomic_int sent;	/* read by the main thread as it goes */
	int delivered, wrong;
	int by_prog[SMP_PROGS];	/* delivered, by the program that ran */
	int err;
};

static int pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

static struct nstoken *in_sr(void)
{
	return open_netns(NS_SR);
}

/* Which program marked @pkt (@len bytes from its IPv6 header) for @cpu
 * and @seq; -1 if the marks are not exactly that.
 */
static int marked_by(const char *pkt, size_t len, size_t sent_len, int cpu, __u32 seq)
{
	const struct ipv6_sr_hdr *srh = (const void *)(pkt + sizeof(struct ipv6hdr));
	const struct seg6_smp_tlv *tlv;

	if (len != sent_len + sizeof(*tlv) || srh->hdrlen != 2 * 2 + 1)
		return -1;
	tlv = (const void *)((const char *)srh + 8 + 2 * 16);
	if (tlv->type != SMP_TLV_TYPE || tlv->len != sizeof(*tlv) - 2 ||
	    tlv->prog >= SMP_PROGS || tlv->cpu != cpu || ntohl(tlv->seq) != seq ||
	    ntohs(srh->tag) != (tlv->prog << 8 | cpu))
		return -1;
	return tlv->prog;
}

/* Send UDP behind <SID, FINAL> one packet at a time from this sender's
 * CPU, each waited for, until told to stop (and at least MIN_SENT).
 */
static void *send_loop(void *arg)
{
	const char * const segs[] = { SID, FINAL };
	struct sender *s = arg;
	struct env *env = s->env;
	struct sockaddr_in6 dst = { .sin6_family = AF_INET6 };
	char pkt[256], udp[64], buf[512];
	size_t len;
	ssize_t n;
	int prog;
	__u32 seq;

	s->err = pin_to_cpu(s->cpu);
	if (s->err)
		return NULL;
	seg6_addr(&dst.sin6_addr, SID);
	while (!atomic_load(&env->stop) || atomic_load(&s->sent) < MIN_SENT) {
		seq = s->k << 24 | ((env->seq_base + atomic_load(&s->sent)) & 0xffffff);
		len = seg6_build(pkt, "fd01::1", segs, 2, IPPROTO_UDP, udp,
				 seg6_udp(udp, seq));
		if (sendto(env->send_fd[s->k], pkt, len, 0, (void *)&dst,
			   sizeof(dst)) != (ssize_t)len) {
			s->err = -errno;
			return NULL;
		}
		atomic_fetch_add(&s->sent, 1);
		n = seg6_capture(env->cap_fd[s->k], seq, buf, sizeof(buf),
				 s->lossy ? MAYBE : GOT);
		if (n <= 0)
			continue;
		s->delivered++;
		prog = marked_by(buf, n, len, s->cpu, seq);
		if (prog < 0)
			s->wrong++;
		else
			s->by_prog[prog]++;
	}
	return NULL;
}

/* Only the packets of sender @k: the first byte of their last four, the
 * sequence number, is @k.
 */
static int capture_only(int fd, int k)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
		BPF_STMT(BPF_ALU | BPF_SUB | BPF_K, 4),
		BPF_STMT(BPF_MISC | BPF_TAX, 0),
		BPF_STMT(BPF_LD | BPF_B | BPF_IND, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, k, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = ARRAY_SIZE(code), .filter = code };

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
}

static int start_senders(struct env *env, struct sender *s, pthread_t *t, bool lossy)
{
	int i, err;

	atomic_store(&env->stop, false);
	env->seq_base += 1 << 16;
	for (i = 0; i < CPUS; i++) {
		seg6_capture_drain(env->cap_fd[i]);
		s[i] = (struct sender){ .env = env, .k = i, .cpu = env->cpu[i], .lossy = lossy };
		err = pthread_create(&t[i], NULL, send_loop, &s[i]);
		if (!ASSERT_OK(err, "sender thread")) {
			atomic_store(&env->stop, true);
			while (i--)
				pthread_join(t[i], NULL);
			return -1;
		}
	}
	return 0;
}

/* Wait until each sender has sent @n packets; false after 60 s. */
static bool wait_sent(struct sender *s, int n)
{
	int i, ms;

	for (ms = 0; ms < 60000; ms++) {
		for (i = 0; i < CPUS && atomic_load(&s[i].sent) >= n; i++)
			;
		if (i == CPUS)
			return true;
		usleep(1000);
	}
	return ASSERT_FAIL("senders did not start");
}

/* What each sender has sent so far */
static void sent_now(struct sender *s, int *sent)
{
	int i;

	for (i = 0; i < CPUS; i++)
		sent[i] = atomic_load(&s[i].sent);
}

/* Each sender sent packets between @before and @after (or the churn
 * did not overlap the traffic, and the test proves nothing).
 */
static void check_overlap(const int *before, const int *after)
{
	int i;

	for (i = 0; i < CPUS; i++)
		ASSERT_GT(after[i] - before[i], 0, "packets sent during the churn");
}

static void stop_senders(struct env *env, struct sender *s, pthread_t *t)
{
	int i;

	atomic_store(&env->stop, true);
	for (i = 0; i < CPUS; i++) {
		pthread_join(t[i], NULL);
		ASSERT_OK(s[i].err, "sender");
		ASSERT_EQ(s[i].wrong, 0, "packets whose marks are not their program's, CPU's, seq");
	}
}

/* The programs' per-CPU run counts, [prog][k] for the CPU of sender k;
 * false if any other CPU ran them.
 */
static bool read_runs(struct env *env, __u64 runs[SMP_PROGS][CPUS])
{
	int ncpus = libbpf_num_possible_cpus(), fd, c, k;
	bool others = false, ok = false;
	__u64 *vals;
	__u32 prog;

	if (!ASSERT_GT(ncpus, env->cpu[CPUS - 1], "possible CPUs"))
		return false;
	vals = calloc(ncpus, sizeof(*vals));
	if (!ASSERT_OK_PTR(vals, "calloc"))
		return false;
	fd = bpf_map__fd(env->skel->maps.smp_runs);
	for (prog = 0; prog < SMP_PROGS; prog++) {
		if (!ASSERT_OK(bpf_map_lookup_elem(fd, &prog, vals), "smp_runs"))
			goto out;
		for (c = 0; c < ncpus; c++) {
			for (k = 0; k < CPUS && env->cpu[k] != c; k++)
				;
			if (k < CPUS)
				runs[prog][k] = vals[c];
			else if (vals[c])
				others = true;
		}
	}
	ok = ASSERT_FALSE(others, "runs on CPUs no sender used");
out:
	free(vals);
	return ok;
}

static int reset_runs(struct env *env)
{
	__u64 *zeros = calloc(libbpf_num_possible_cpus(), sizeof(*zeros));
	int fd = bpf_map__fd(env->skel->maps.smp_runs), err = -ENOMEM;
	__u32 prog;

	for (prog = 0; zeros && prog < SMP_PROGS; prog++) {
		err = bpf_map_update_elem(fd, &prog, zeros, BPF_ANY);
		if (err)
			break;
	}
	free(zeros);
	return err;
}

static int attach(struct env *env, struct bpf_program *prog)
{
	struct nstoken *tok = in_sr();
	int err;

	err = bpf_seg6local_attach(&env->route, bpf_program__fd(prog), NULL);
	close_netns(tok);
	return err;
}

static void detach(struct env *env)
{
	struct nstoken *tok = in_sr();

	ASSERT_OK(bpf_seg6local_detach(&env->route, NULL), "detach");
	close_netns(tok);
}

struct replacer {
	struct env *env;
	int replaced;
	int err;
	char errmsg[256];
};

/* Swap the route's program between smp_b and smp_a REPLACEMENTS times */
static void *replace_loop(void *arg)
{
	struct replacer *r = arg;
	struct bpf_program *progs[] = {
		r->env->skel->progs.smp_b, r->env->skel->progs.smp_a,
	};

	LIBBPF_OPTS(bpf_seg6local_opts, opts, .errmsg = r->errmsg,
		    .errmsg_sz = sizeof(r->errmsg));
	struct nstoken *tok = in_sr();

	while (r->replaced < REPLACEMENTS && !r->err) {
		r->err = bpf_seg6local_replace(&r->env->route,
					       bpf_program__fd(progs[r->replaced % 2]),
					       &opts);
		if (!r->err)
			r->replaced++;
	}
	close_netns(tok);
	return NULL;
}

/*
 * Both CPUs send through the SID while its program is replaced: a swap is
 * one routing-table update, so no packet may miss the route; each runs
 * exactly one of the two programs, on its sender's CPU, with the marks of
 * its own run.
 */
static void test_replace(struct env *env)
{
	struct replacer r = { .env = env };
	int i, p, before[CPUS], after[CPUS];
	__u64 runs[SMP_PROGS][CPUS];
	struct sender s[CPUS];
	pthread_t t[CPUS], rt;

	if (!ASSERT_OK(reset_runs(env), "reset counts") ||
	    !ASSERT_OK(attach(env, env->skel->progs.smp_a), "attach"))
		return;
	if (start_senders(env, s, t, false))
		goto out;
	if (wait_sent(s, WARM_UP)) {
		sent_now(s, before);
		if (ASSERT_OK(pthread_create(&rt, NULL, replace_loop, &r), "replacer"))
			pthread_join(rt, NULL);
		sent_now(s, after);
		check_overlap(before, after);
	}
	stop_senders(env, s, t);
	ASSERT_OK(r.err, r.errmsg);
	ASSERT_EQ(r.replaced, REPLACEMENTS, "replacements");
	if (!read_runs(env, runs))
		goto out;
	for (i = 0; i < CPUS; i++) {
		printf("churn: CPU %d: %d packets, %d replacements, %d lost, %d/%d smp_a/smp_b\n",
		       s[i].cpu, s[i].sent, r.replaced, s[i].sent - s[i].delivered,
		       s[i].by_prog[0], s[i].by_prog[1]);
		ASSERT_EQ(s[i].delivered, s[i].sent, "every packet found a route");
		for (p = 0; p < SMP_PROGS; p++) {
			ASSERT_EQ(runs[p][i], s[i].by_prog[p], "per-CPU runs = packets it marked");
			/* else the churn did not overlap this CPU's traffic */
			ASSERT_GT(s[i].by_prog[p], 0, "both programs ran on this CPU");
		}
	}
out:
	detach(env);
}

struct tester {
	struct env *env;
	int cpu;
	atomic_bool stop;
	atomic_int runs;	/* read by the main thread as it goes */
	atomic_int err;
	int wrong;
};

/* BPF_PROG_TEST_RUN of smp_a on the tester's CPU until told to stop */
static void *test_run_loop(void *arg)
{
	const char * const segs[] = { SID, FINAL };
	struct tester *tr = arg;
	char pkt[256], udp[64], out[512];
	__u32 seq = 0xff000000;
	size_t len;

	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .data_out = out);

	atomic_store(&tr->err, pin_to_cpu(tr->cpu));
	if (atomic_load(&tr->err))
		return NULL;
	len = seg6_build(pkt, "fd01::1", segs, 2, IPPROTO_UDP, udp, seg6_udp(udp, seq));
	opts.data_size_in = len;
	while (!atomic_load(&tr->stop)) {
		opts.data_size_out = sizeof(out);
		atomic_store(&tr->err,
			     bpf_prog_test_run_opts(bpf_program__fd(tr->env->skel->progs.smp_a),
						    &opts));
		if (atomic_load(&tr->err))
			return NULL;
		atomic_fetch_add(&tr->runs, 1);
		if (opts.retval != BPF_OK ||
		    marked_by(out, opts.data_size_out, len, tr->cpu, seq) != 0)
			tr->wrong++;
	}
	return NULL;
}

/*
 * The route's program runs in BPF_PROG_TEST_RUN on @test_cpu while both
 * CPUs' packets go through it: each run keeps to its own packet and SRH
 * state, and the per-CPU counts add up.
 */
static void test_run_vs_data_path(struct env *env, int test_k)
{
	struct tester tr = { .env = env, .cpu = env->cpu[test_k] };
	int i, runs_before, ms;
	__u64 runs[SMP_PROGS][CPUS];
	struct sender s[CPUS];
	pthread_t t[CPUS], tt;

	if (!ASSERT_OK(reset_runs(env), "reset counts") ||
	    !ASSERT_OK(attach(env, env->skel->progs.smp_a), "attach"))
		return;
	if (!ASSERT_OK(pthread_create(&tt, NULL, test_run_loop, &tr), "tester"))
		goto out;
	/* the test runs go on while every packet crosses */
	for (ms = 0; ms < 60000 && !atomic_load(&tr.runs) && !atomic_load(&tr.err); ms++)
		usleep(1000);
	runs_before = atomic_load(&tr.runs);
	if (start_senders(env, s, t, false)) {
		atomic_store(&tr.stop, true);
		pthread_join(tt, NULL);
		goto out;
	}
	stop_senders(env, s, t);	/* once each has sent MIN_SENT */
	ASSERT_GT(atomic_load(&tr.runs) - runs_before, 0, "test runs while packets crossed");
	atomic_store(&tr.stop, true);
	pthread_join(tt, NULL);
	ASSERT_OK(atomic_load(&tr.err), "test_run");
	ASSERT_EQ(tr.wrong, 0, "test runs whose output is not their own");
	if (!read_runs(env, runs))
		goto out;
	printf("churn: test_run on CPU %d: %d runs while CPUs %d/%d sent %d/%d\n",
	       tr.cpu, tr.runs, s[0].cpu, s[1].cpu, s[0].sent, s[1].sent);
	for (i = 0; i < CPUS; i++) {
		ASSERT_EQ(s[i].delivered, s[i].sent, "every packet delivered");
		ASSERT_EQ(runs[0][i], s[i].sent + (i == test_k ? tr.runs : 0),
			  "per-CPU runs = packets + test runs");
		ASSERT_EQ(runs[1][i], 0, "smp_b never ran");
	}
out:
	detach(env);
}

/*
 * The route goes away and comes back ROUTE_CYCLES times while both CPUs
 * send: a packet in flight either finds the route and is marked as every
 * other, or is dropped.  When the route and the skeleton are gone, the
 * program is freed (no reference left behind by a packet in flight).
 */
static void test_delete_in_flight(struct env *env)
{
	__u64 runs[SMP_PROGS][CPUS];
	struct sender s[CPUS];
	pthread_t t[CPUS];
	int i, cycles = 0, fd = -1, before[CPUS], after[CPUS];
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (!ASSERT_OK(reset_runs(env), "reset counts") ||
	    !ASSERT_OK(bpf_prog_get_info_by_fd(bpf_program__fd(env->skel->progs.smp_a),
					       &info, &len), "prog info") ||
	    !ASSERT_OK(attach(env, env->skel->progs.smp_a), "attach"))
		return;
	if (start_senders(env, s, t, true))
		goto out;
	if (!wait_sent(s, WARM_UP))
		cycles = ROUTE_CYCLES;
	sent_now(s, before);
	for (; cycles < ROUTE_CYCLES; cycles++) {
		struct nstoken *tok = in_sr();
		int err = bpf_seg6local_detach(&env->route, NULL);

		if (!err)
			err = bpf_seg6local_attach(&env->route,
						   bpf_program__fd(env->skel->progs.smp_a), NULL);
		close_netns(tok);
		if (!ASSERT_OK(err, "detach and attach"))
			break;
	}
	sent_now(s, after);
	check_overlap(before, after);
	stop_senders(env, s, t);
	if (read_runs(env, runs)) {
		for (i = 0; i < CPUS; i++) {
			printf("churn: CPU %d: %d packets, %d route deletions, %d delivered\n",
			       s[i].cpu, s[i].sent, cycles, s[i].delivered);
			/* a packet can come later than its sender waits */
			ASSERT_GE(runs[0][i], s[i].delivered, "per-CPU runs >= packets delivered");
			ASSERT_LE(runs[0][i], s[i].sent, "per-CPU runs <= packets sent");
			ASSERT_GT(s[i].delivered, 0, "packets delivered");
		}
	}
out:
	detach(env);
	test_seg6_bpf_smp__destroy(env->skel);
	env->skel = NULL;
	/* the last reference goes after an RCU grace period */
	for (i = 0; i < 100; i++) {
		fd = bpf_prog_get_fd_by_id(info.id);
		if (fd < 0)
			break;
		close(fd);
		usleep(50 * 1000);
	}
	ASSERT_LT(fd, 0, "program freed once its route and skeleton are gone");
}

void test_seg6_bpf_smp(void)
{
	struct env env = { .send_fd = { -1, -1 }, .cap_fd = { -1, -1 } };
	struct nstoken *tok;
	cpu_set_t cpus;
	int i, c;

	sched_getaffinity(0, sizeof(cpus), &cpus);
	for (i = 0, c = 0; i < CPUS && c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &cpus))
			env.cpu[i++] = c;
	if (!ASSERT_EQ(i, CPUS, "2 CPUs to run on (this test needs SMP)"))
		return;
	env.route.sz = sizeof(env.route);
	if (!ASSERT_OK(seg6_topo_setup(&topo), "topology"))
		goto out;
	SYS(out, "ip -n " NS_SR " -6 route add " FINAL " via fd02::2");
	env.skel = test_seg6_bpf_smp__open_and_load();
	if (!ASSERT_OK_PTR(env.skel, "skel"))
		goto out;
	inet_pton(AF_INET6, SID, env.route.sid);
	tok = in_sr();
	env.route.ifindex = if_nametoindex("r0");
	close_netns(tok);
	tok = open_netns(NS_SRC);
	if (!ASSERT_OK_PTR(tok, NS_SRC))
		goto out;
	for (i = 0; i < CPUS; i++)
		env.send_fd[i] = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	close_netns(tok);
	for (i = 0; i < CPUS; i++) {
		if (!ASSERT_GE(env.send_fd[i], 0, "raw socket"))
			goto out;
		env.cap_fd[i] = seg6_capture_open_in(NS_DST, "d0");
		if (!ASSERT_GE(env.cap_fd[i], 0, "capture") ||
		    !ASSERT_OK(capture_only(env.cap_fd[i], i), "capture filter"))
			goto out;
	}

	if (test__start_subtest("replace"))
		test_replace(&env);
	if (test__start_subtest("test_run_other_cpu"))
		test_run_vs_data_path(&env, 1);	/* sender 0's CPU never runs it */
	if (test__start_subtest("test_run_same_cpu"))
		test_run_vs_data_path(&env, 0);
	/* last: it frees the skeleton */
	if (test__start_subtest("delete_in_flight"))
		test_delete_in_flight(&env);
out:
	for (i = 0; i < CPUS; i++) {
		if (env.send_fd[i] >= 0)
			close(env.send_fd[i]);
		if (env.cap_fd[i] >= 0)
			close(env.cap_fd[i]);
	}
	test_seg6_bpf_smp__destroy(env.skel);
	seg6_topo_cleanup(&topo);
}
