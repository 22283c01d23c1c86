// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_PROG_TEST_RUN of End.BPF programs: exact bytes and exact action out
 * for every helper and action, the data path's drops before the program,
 * argument checks, repeat/duration, and a seeded fuzz of SRv6 packets.
 */
#define _GNU_SOURCE	/* sched_setaffinity */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <stdlib.h>
#include "seg6_bpf_helpers.h"
#include "test_seg6_bpf.skel.h"
#include "test_seg6_bpf_fuzz.skel.h"
#include "test_seg6_bpf.h"

#define FINAL	"fc00::d1"

struct run {
	__u32 retval;
	struct seg6_local_bpf_test res;
	/* the longest packet a run can leave: the fuzz's 512 bytes with
	 * the SRH grown to its 2048-byte maximum, behind End.B6.Encaps'
	 * outer header and SRH
	 */
	char out[4096];
	__u32 out_len;
};

static int test_run_repeat(int prog_fd, const void *pkt, size_t len,
			   __u32 repeat, struct run *r)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		    .data_in = pkt,
		    .data_size_in = len,
		    .data_out = r->out,
		    .data_size_out = sizeof(r->out),
		    .ctx_out = &r->res,
		    .ctx_size_out = sizeof(r->res),
		    .repeat = repeat,
	);
	int err;

	memset(r, 0, sizeof(*r));
	err = bpf_prog_test_run_opts(prog_fd, &opts);
	r->retval = opts.retval;
	r->out_len = opts.data_size_out;
	return err;
}

static int test_run(int prog_fd, const void *pkt, size_t len, struct run *r)
{
	return test_run_repeat(prog_fd, pkt, len, 1, r);
}

/* UDP behind <fc00::b, FINAL>, as the data path tests send it. */
static size_t srv6_udp(char *pkt, __u32 seq)
{
	const char * const segs[] = { "fc00::b", FINAL };
	char udp[64];
	size_t ulen = seg6_udp(udp, seq);

	return seg6_build(pkt, "fd01::1", segs, 2, IPPROTO_UDP, udp, ulen);
}

static struct ipv6_sr_hdr *srh_of(char *pkt)
{
	return (struct ipv6_sr_hdr *)(pkt + sizeof(struct ipv6hdr));
}

static bool addr_is(const void *a, const char *want)
{
	struct in6_addr w;

	seg6_addr(&w, want);
	return !memcmp(a, &w, sizeof(w));
}

struct verdict_case {
	int mode;
	__u32 retval;
	__u32 prog_ret;
};

static void test_verdicts(struct test_seg6_bpf *skel, int fd)
{
	static const struct verdict_case cases[] = {
		{ MODE_OK, BPF_OK, BPF_OK },
		{ MODE_DROP, BPF_DROP, BPF_DROP },
		{ MODE_REDIRECT_NO_ACTION, BPF_DROP, BPF_REDIRECT },
		{ MODE_UNKNOWN_VERDICT, BPF_DROP, 42 },
		{ MODE_TLV_BAD, BPF_DROP, BPF_OK },
	};
	char pkt[512];
	size_t len = srv6_udp(pkt, 1);
	struct run r;
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		skel->bss->mode = cases[i].mode;
		if (!ASSERT_OK(test_run(fd, pkt, len, &r), "test_run"))
			return;
		ASSERT_EQ(r.retval, cases[i].retval, "End.BPF verdict");
		ASSERT_EQ(r.res.ran, 1, "ran");
		ASSERT_EQ(r.res.prog_ret, cases[i].prog_ret, "program's return");
		ASSERT_EQ(r.res.action, 0, "no action");
	}
}

static void test_helpers(struct test_seg6_bpf *skel, int fd)
{
	static const __u8 tlv[8] = { 124, 6, 1, 2, 3, 4, 5, 6 };
	char pkt[512], want[512];
	size_t len = srv6_udp(pkt, 2);
	struct run r;

	/* BPF_OK: only segments left and the destination changed */
	skel->bss->mode = MODE_OK;
	ASSERT_OK(test_run(fd, pkt, len, &r), "test_run");
	memcpy(want, pkt, len);
	srh_of(want)->segments_left = 0;
	seg6_addr(&((struct ipv6hdr *)want)->daddr, FINAL);
	ASSERT_EQ(r.out_len, len, "length");
	ASSERT_OK(memcmp(r.out, want, len), "advanced to the next segment");

	skel->bss->mode = MODE_FLAGS_TAG;
	ASSERT_OK(test_run(fd, pkt, len, &r), "test_run");
	ASSERT_EQ(skel->bss->rc[0], 0, "store_bytes flags, tag");
	srh_of(want)->flags = 0x01;
	srh_of(want)->tag = htons(0x1234);
	ASSERT_OK(memcmp(r.out, want, len), "flags and tag written");

	skel->bss->mode = MODE_STORE_SEGLIST;
	ASSERT_OK(test_run(fd, pkt, len, &r), "test_run");
	ASSERT_EQ(skel->bss->rc[0], -EFAULT, "segment list is read-only");
	ASSERT_EQ(r.retval, BPF_OK, "verdict");

	skel->bss->mode = MODE_TLV_ADD;
	ASSERT_OK(test_run(fd, pkt, len, &r), "test_run");
	ASSERT_EQ(r.retval, BPF_OK, "verdict");
	if (ASSERT_EQ(r.out_len, len + 8, "grown by 8")) {
		ASSERT_EQ(srh_of(r.out)->hdrlen, 5, "hdrlen");
		ASSERT_OK(memcmp(r.out + 40 + 8 + 32, tlv, 8), "TLV");
		ASSERT_OK(memcmp(r.out + 40 + 8 + 32 + 8, pkt + 40 + 8 + 32, len - 80),
			  "payload moved along");
		ASSERT_EQ(ntohs(((struct ipv6hdr *)r.out)->payload_len), len + 8 - 40,
			  "payload_len");
	}

	skel->bss->mode = MODE_GROW_PAST_MAX;
	ASSERT_OK(test_run(fd, pkt, len, &r), "test_run");
	ASSERT_EQ(skel->bss->rc[0], -EINVAL, "growth past hdrlen's range");
}

static void test_actions(struct test_seg6_bpf *skel, int fd)
{
	char pkt[512], inner[128];
	const char * const outer[] = { "fc00::b", "fc00::ee" };
	struct ipv6_sr_hdr *b6 = (void *)skel->bss->b6_srh;
	size_t len = srv6_udp(pkt, 3), inner_len;
	struct run r;

	seg6_addr((struct in6_addr *)&skel->bss->nh6, "fd02::2");
	skel->bss->mode = MODE_END_X;
	ASSERT_OK(test_run(fd, pkt, len, &r), "test_run");
	ASSERT_EQ(r.retval, BPF_REDIRECT, "End.X verdict");
	ASSERT_EQ(r.res.action, SEG6_LOCAL_ACTION_END_X, "End.X");
	ASSERT_TRUE(addr_is(r.res.nh6, "fd02::2"), "End.X next hop");

	skel->bss->table = 100;
	skel->bss->mode = MODE_END_T;
	ASSERT_OK(test_run(fd, pkt, len, &r), "test_run");
	ASSERT_EQ(r.retval, BPF_REDIRECT, "End.T verdict");
	ASSERT_EQ(r.res.action, SEG6_LOCAL_ACTION_END_T, "End.T");
	ASSERT_EQ(r.res.table, 100, "End.T table");

	/* End.DT6: data_out is the decapsulated inner packet */
	inner_len = seg6_ipv6_udp(inner, "fd01::1", "fc00::d2", 4);
	len = seg6_build(pkt, "fd01::1", outer, 2, IPPROTO_IPV6, inner, inner_len);
	skel->bss->mode = MODE_END_DT6;
	ASSERT_OK(test_run(fd, pkt, len, &r), "test_run");
	ASSERT_EQ(r.retval, BPF_REDIRECT, "End.DT6 verdict");
	ASSERT_EQ(r.res.action, SEG6_LOCAL_ACTION_END_DT6, "End.DT6");
	ASSERT_EQ(r.res.table, 100, "End.DT6 table");
	if (ASSERT_EQ(r.out_len, inner_len, "inner packet out"))
		ASSERT_OK(memcmp(r.out, inner, r.out_len), "inner bytes");

	/* End.DX6: the same inner packet, to a next hop */
	skel->bss->mode = MODE_END_DX6;
	ASSERT_OK(test_run(fd, pkt, len, &r), "test_run");
	ASSERT_EQ(r.retval, BPF_REDIRECT, "End.DX6 verdict");
	ASSERT_EQ(r.res.action, SEG6_LOCAL_ACTION_END_DX6, "End.DX6");
	ASSERT_TRUE(addr_is(r.res.nh6, "fd02::2"), "End.DX6 next hop");
	if (ASSERT_EQ(r.out_len, inner_len, "inner packet out"))
		ASSERT_OK(memcmp(r.out, inner, r.out_len), "inner bytes");

	/* End.B6.Encaps: outer IPv6 + the given SRH, then the packet */
	len = srv6_udp(pkt, 5);
	seg6_b6_srh(b6, FINAL);
	skel->bss->mode = MODE_END_B6_ENCAP;
	ASSERT_OK(test_run(fd, pkt, len, &r), "test_run");
	ASSERT_EQ(skel->bss->rc[0], 0, "action");
	ASSERT_EQ(r.retval, BPF_REDIRECT, "End.B6.Encaps verdict");
	ASSERT_EQ(r.res.action, SEG6_LOCAL_ACTION_END_B6_ENCAP, "End.B6.Encaps");
	if (ASSERT_EQ(r.out_len, len + 40 + 40, "outer IPv6 + SRH")) {
		ASSERT_TRUE(addr_is(&((struct ipv6hdr *)r.out)->daddr, FINAL), "outer daddr");
		/* as given, but for the next header the encapsulation sets */
		ASSERT_OK(memcmp(r.out + 41, skel->bss->b6_srh + 1, 39), "SRH as given");
		ASSERT_EQ(srh_of(r.out)->nexthdr, IPPROTO_IPV6, "inner follows");
	}

	skel->bss->mode = MODE_END_B6;
	ASSERT_OK(test_run(fd, pkt, len, &r), "test_run");
	ASSERT_EQ(r.retval, BPF_REDIRECT, "End.B6 verdict");
	ASSERT_EQ(r.res.action, SEG6_LOCAL_ACTION_END_B6, "End.B6");
	if (ASSERT_EQ(r.out_len, len + 40, "SRH inserted")) {
		ASSERT_TRUE(addr_is(&((struct ipv6hdr *)r.out)->daddr, FINAL), "daddr");
		ASSERT_TRUE(addr_is(&srh_of(r.out)->segments[0], FINAL),
			    "original destination last");
		ASSERT_EQ(srh_of(r.out)->nexthdr, IPPROTO_ROUTING, "old SRH follows");
	}
}

#define NS_TR		"seg6_bpf_tr"
#define TR_TABLE	300

/* IPv4/UDP to 10.99.0.5 behind <fc00::b, fc00::ee>; @inner gets the inner
 * packet, whose checksum @bad_csum breaks.  Returns the packet length.
 */
static size_t srv6_ipv4(char *pkt, char *inner, size_t *inner_len, bool bad_csum)
{
	const char * const outer[] = { "fc00::b", "fc00::ee" };

	*inner_len = seg6_ipv4_udp(inner, "10.99.1.1", "10.99.0.5", 6);
	if (bad_csum)
		((struct iphdr *)inner)->check ^= htons(1);
	return seg6_build(pkt, "fd01::1", outer, 2, IPPROTO_IPIP, inner, *inner_len);
}

/* End.DX4, End.DT4, End.DT46 and End.DX2, in a netns with a VRF owning
 * TR_TABLE and an Ethernet (dummy) interface: the inner packet out, and
 * the next hop, table or interface recorded.
 */
static void test_leave_ipv6(struct test_seg6_bpf *skel, int fd)
{
	const char * const outer[] = { "fc00::b", "fc00::ee" };
	char pkt[512], inner[128];
	struct nstoken *tok = NULL;
	size_t len, inner_len;
	struct ethhdr *eth;
	struct run r;

	SYS(out, "ip netns add " NS_TR);
	SYS(out, "ip -n " NS_TR " link add dm0 type dummy");
	SYS(out, "ip -n " NS_TR " link add vrf300 type vrf table %d", TR_TABLE);
	tok = open_netns(NS_TR);
	if (!ASSERT_OK_PTR(tok, NS_TR))
		goto out;

	len = srv6_ipv4(pkt, inner, &inner_len, false);
	inet_pton(AF_INET, "10.0.3.7", &skel->bss->nh4);
	skel->bss->mode = MODE_END_DX4;
	ASSERT_OK(test_run(fd, pkt, len, &r), "test_run");
	ASSERT_EQ(r.retval, BPF_REDIRECT, "End.DX4 verdict");
	ASSERT_EQ(r.res.action, SEG6_LOCAL_ACTION_END_DX4, "End.DX4");
	ASSERT_EQ(r.res.nh4, skel->bss->nh4, "End.DX4 next hop");
	if (ASSERT_EQ(r.out_len, inner_len, "inner packet out"))
		ASSERT_OK(memcmp(r.out, inner, r.out_len), "inner bytes");

	skel->bss->table = TR_TABLE;
	skel->bss->mode = MODE_END_DT4;
	ASSERT_OK(test_run(fd, pkt, len, &r), "test_run");
	ASSERT_EQ(r.retval, BPF_REDIRECT, "End.DT4 verdict");
	ASSERT_EQ(r.res.table, TR_TABLE, "End.DT4 table");
	ASSERT_EQ(r.out_len, inner_len, "inner packet out");

	skel->bss->mode = MODE_END_DT46;
	ASSERT_OK(test_run(fd, pkt, len, &r), "test_run");
	ASSERT_EQ(r.retval, BPF_REDIRECT, "End.DT46 verdict");
	ASSERT_EQ(r.res.action, SEG6_LOCAL_ACTION_END_DT46, "End.DT46");
	ASSERT_EQ(r.out_len, inner_len, "inner packet out");

	skel->bss->table = TR_TABLE + 1;
	skel->bss->mode = MODE_END_DT4;
	ASSERT_OK(test_run(fd, pkt, len, &r), "test_run");
	ASSERT_EQ(skel->bss->rc[0], -EINVAL, "End.DT4 table without a VRF");
	ASSERT_EQ(r.retval, BPF_DROP, "dropped");
	ASSERT_EQ(r.out_len, len, "packet not decapsulated");

	/* an inner header IPv4 input would drop: decapsulated all the same,
	 * as the static End.DX4 does (it routes without IPv4 input)
	 */
	len = srv6_ipv4(pkt, inner, &inner_len, true);
	skel->bss->mode = MODE_END_DX4;
	ASSERT_OK(test_run(fd, pkt, len, &r), "test_run");
	ASSERT_EQ(skel->bss->rc[0], 0, "bad inner checksum");
	ASSERT_EQ(r.out_len, inner_len, "decapsulated");

	len = srv6_ipv4(pkt, inner, &inner_len, false);
	skel->bss->mode = MODE_DX4_THEN_END_X;
	ASSERT_OK(test_run(fd, pkt, len, &r), "test_run");
	ASSERT_EQ(skel->bss->rc[1], -EBADMSG, "no action after End.DX4");
	ASSERT_EQ(r.res.action, SEG6_LOCAL_ACTION_END_DX4, "End.DX4 kept");

	skel->bss->mode = MODE_DX4_THEN_OK;
	ASSERT_OK(test_run(fd, pkt, len, &r), "test_run");
	ASSERT_EQ(r.res.prog_ret, BPF_OK, "program said BPF_OK");
	ASSERT_EQ(r.retval, BPF_DROP, "BPF_OK after End.DX4 drops");

	/* End.DX2: the inner frame out of dm0 */
	eth = (struct ethhdr *)inner;
	memset(eth, 0x02, 2 * ETH_ALEN);
	eth->h_proto = htons(ETH_P_IP);
	inner_len = sizeof(*eth) + seg6_ipv4_udp(eth + 1, "10.99.1.1", "10.99.0.5", 7);
	len = seg6_build(pkt, "fd01::1", outer, 2, IPPROTO_ETHERNET, inner, inner_len);
	skel->bss->oif = if_nametoindex("dm0");
	skel->bss->mode = MODE_END_DX2;
	ASSERT_OK(test_run(fd, pkt, len, &r), "test_run");
	ASSERT_EQ(r.retval, BPF_REDIRECT, "End.DX2 verdict");
	ASSERT_EQ(r.res.oif, skel->bss->oif, "End.DX2 interface");
	if (ASSERT_EQ(r.out_len, inner_len, "inner frame out"))
		ASSERT_OK(memcmp(r.out, inner, r.out_len), "frame bytes");

	skel->bss->oif = if_nametoindex("lo");
	ASSERT_OK(test_run(fd, pkt, len, &r), "test_run");
	ASSERT_EQ(skel->bss->rc[0], -EINVAL, "End.DX2 to loopback");
	ASSERT_EQ(r.retval, BPF_DROP, "dropped");
out:
	close_netns(tok);
	SYS_NOFAIL("ip netns del " NS_TR);
}

/* What the data path drops before the program gives BPF_DROP, unrun. */
static void test_pre_program_drops(struct test_seg6_bpf *skel, int fd)
{
	char pkt[512];
	struct ipv6hdr *ip6 = (void *)pkt;
	size_t len;
	struct run r;

	skel->bss->mode = MODE_OK;
	skel->bss->runs = 0;

	len = srv6_udp(pkt, 6);
	srh_of(pkt)->segments_left = 0;
	ip6->daddr = srh_of(pkt)->segments[0];
	ASSERT_OK(test_run(fd, pkt, len, &r), "test_run");
	ASSERT_EQ(r.retval, BPF_DROP, "segments left 0");
	ASSERT_EQ(r.res.ran, 0, "not run");

	len = srv6_udp(pkt, 7);
	srh_of(pkt)->hdrlen = 6;	/* past the segment list */
	ASSERT_OK(test_run(fd, pkt, len, &r), "test_run");
	ASSERT_EQ(r.retval, BPF_DROP, "bad hdrlen");

	len = srv6_udp(pkt, 8);
	srh_of(pkt)->type = 0;
	ASSERT_OK(test_run(fd, pkt, len, &r), "test_run");
	ASSERT_EQ(r.retval, BPF_DROP, "routing type 0");

	len = srv6_udp(pkt, 9);
	ip6->version = 4;
	ASSERT_OK(test_run(fd, pkt, len, &r), "test_run");
	ASSERT_EQ(r.retval, BPF_DROP, "not IPv6");

	len = srv6_udp(pkt, 10);
	ASSERT_OK(test_run(fd, pkt, len - 20, &r), "test_run");
	ASSERT_EQ(r.retval, BPF_DROP, "truncated");

	len = seg6_ipv6_udp(pkt, "fd01::1", FINAL, 11);
	ASSERT_OK(test_run(fd, pkt, len, &r), "test_run");
	ASSERT_EQ(r.retval, BPF_DROP, "no SRH");
	ASSERT_EQ(skel->bss->runs, 0, "program never ran");
}

/* RFC 8754 2.1.1.1: Pad1 is one octet; an SRH may end with one. */
static void test_pad1(struct test_seg6_bpf *skel, int fd)
{
	static const __u8 padn_pad1[8] = { SR6_TLV_PADDING, 5, 0, 0, 0, 0, 0,
					   SR6_TLV_PAD1 };
	const char * const segs[] = { "fc00::b", FINAL };
	char pkt[512], tail[64];
	size_t len, ulen;
	struct run r;

	memcpy(tail, padn_pad1, 8);
	ulen = seg6_udp(tail + 8, 14);
	len = seg6_build(pkt, "fd01::1", segs, 2, IPPROTO_UDP, tail, ulen + 8);
	srh_of(pkt)->hdrlen = 5;
	skel->bss->mode = MODE_OK;
	ASSERT_OK(test_run(fd, pkt, len, &r), "test_run");
	ASSERT_EQ(r.res.ran, 1, "SRH ending in Pad1 accepted");
	ASSERT_EQ(r.retval, BPF_OK, "verdict");
}

static void test_bad_args(int fd)
{
	char pkt[512], ctx[sizeof(struct seg6_local_bpf_test)] = {};

	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt);

	opts.data_size_in = srv6_udp(pkt, 12);
	opts.ctx_in = ctx;
	opts.ctx_size_in = sizeof(ctx);
	ASSERT_EQ(bpf_prog_test_run_opts(fd, &opts), -EINVAL, "ctx_in");
	opts.ctx_in = NULL;
	opts.ctx_size_in = 0;
	opts.flags = BPF_F_TEST_RUN_ON_CPU;
	ASSERT_EQ(bpf_prog_test_run_opts(fd, &opts), -EINVAL, "flags");
	opts.flags = 0;
	opts.batch_size = 1;
	ASSERT_EQ(bpf_prog_test_run_opts(fd, &opts), -EINVAL, "batch_size");
	opts.batch_size = 0;
	opts.data_size_in = sizeof(struct ipv6hdr) - 1;
	ASSERT_EQ(bpf_prog_test_run_opts(fd, &opts), -EINVAL, "shorter than IPv6");
	opts.data_size_in = srv6_udp(pkt, 12);
	opts.ctx_out = ctx;
	opts.ctx_size_out = 4;
	ASSERT_EQ(bpf_prog_test_run_opts(fd, &opts), -ENOSPC, "ctx_out too small");
}

/* A microbenchmark more than a test: ns per run of a no-op program. */
static void test_repeat(struct test_seg6_bpf *skel, int fd)
{
	char pkt[512], out[512];

	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .data_out = out,
		    .data_size_out = sizeof(out), .repeat = 10000);

	opts.data_size_in = srv6_udp(pkt, 13);
	skel->bss->mode = MODE_OK;
	skel->bss->runs = 0;
	if (!ASSERT_OK(bpf_prog_test_run_opts(fd, &opts), "test_run"))
		return;
	ASSERT_EQ(opts.retval, BPF_OK, "verdict");
	ASSERT_EQ(skel->bss->runs, 10000, "runs");
	ASSERT_TRUE(addr_is(&((struct ipv6hdr *)out)->daddr, FINAL),
		    "each run starts from data_in");
	ASSERT_GT(opts.duration, 0, "duration");
	printf("bench: End.BPF no-op under test_run: %u ns/run\n", opts.duration);
}

/* Each of many runs starts from data_in with the same skb: a growth past
 * the headroom does not compound run after run, and mark and priority the
 * program set do not carry over.
 */
static void test_repeat_growth(struct test_seg6_bpf *skel, int fd)
{
	char pkt[512], out[512];

	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .data_out = out,
		    .data_size_out = sizeof(out), .repeat = 100000);

	opts.data_size_in = srv6_udp(pkt, 14);
	skel->bss->mode = MODE_GROW_72;
	skel->bss->runs = 0;
	skel->bss->runs_differing = 0;
	skel->bss->grown_len = 0;
	if (!ASSERT_OK(bpf_prog_test_run_opts(fd, &opts), "test_run"))
		return;
	ASSERT_EQ(opts.retval, BPF_OK, "verdict");
	ASSERT_EQ(skel->bss->runs, 100000, "runs");
	ASSERT_EQ(skel->bss->runs_differing, 0, "runs that differ from the first");
	ASSERT_EQ(skel->bss->grown_len, opts.data_size_in + 72, "length in the program");
	ASSERT_EQ(opts.data_size_out, opts.data_size_in + 72, "data_out length");
	ASSERT_EQ(srh_of(out)->hdrlen, 4 + 9, "SRH grown by 72 bytes");
	printf("bench: End.BPF +72 B SRH under test_run: %u ns/run\n", opts.duration);
}

static pid_t rcu_runner;

static void kill_rcu_runner(int sig)
{
	kill(rcu_runner, SIGKILL);
}

/* A run of repeat = UINT_MAX in a child lets grace periods end: deleting
 * a netdev, which waits for them, completes while the child still runs.
 * Had the run held the RCU read side throughout (on a preemptible kernel:
 * kernel_identity checks that this is one), the deletion would wait until
 * the alarm killed the child.
 */
static void test_repeat_rcu(struct test_seg6_bpf *skel, int fd)
{
	sighandler_t old = signal(SIGALRM, kill_rcu_runner);
	bool reaped = false;
	char pkt[512];
	int i, status;

	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .repeat = UINT_MAX);

	opts.data_size_in = srv6_udp(pkt, 16);
	skel->bss->mode = MODE_OK;
	skel->bss->runs = 0;
	SYS_NOFAIL("ip link del seg6rcu0 2>/dev/null");
	rcu_runner = fork();
	if (!ASSERT_GE(rcu_runner, 0, "fork"))
		goto out;
	if (!rcu_runner)
		_exit(bpf_prog_test_run_opts(fd, &opts) == -EINTR ? 0 : 1);
	for (i = 0; i < 1000 && skel->bss->runs < 1000; i++)
		usleep(10000);
	if (!ASSERT_GE(skel->bss->runs, 1000, "the child runs the program"))
		goto stop;
	SYS(stop, "ip link add seg6rcu0 type dummy");
	alarm(60);
	SYS_NOFAIL("ip link del seg6rcu0");
	alarm(0);
	reaped = waitpid(rcu_runner, &status, WNOHANG) == rcu_runner;
	ASSERT_FALSE(reaped, "grace periods ended while the run went on");
stop:
	if (!reaped) {
		kill(rcu_runner, SIGKILL);
		waitpid(rcu_runner, &status, 0);
	}
out:
	signal(SIGALRM, old);
}

/* hdrlen and stop are shared with another thread: relaxed atomics */
struct flipper {
	__u8 *hdrlen;
	bool stop;
};

/* Flip the SRH length of End.B6.Encaps' parameter between the 40 bytes
 * it has and the longest one, from another CPU.
 */
static void *flip_hdrlen(void *arg)
{
	struct flipper *f = arg;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(1, &set);
	sched_setaffinity(0, sizeof(set), &set);
	while (!__atomic_load_n(&f->stop, __ATOMIC_RELAXED))
		__atomic_store_n(f->hdrlen, __atomic_load_n(f->hdrlen, __ATOMIC_RELAXED) == 4 ?
				 255 : 4, __ATOMIC_RELAXED);
	return NULL;
}

/* End.B6.Encaps of an SRH in a map value (the program's .bss) that another
 * CPU keeps rewriting: the action validates and inserts one copy, so the
 * packet gets the 40-byte SRH, or the action fails; never an SRH longer
 * than what was validated.
 */
static void test_b6_param_race(struct test_seg6_bpf *skel, int fd)
{
	struct ipv6_sr_hdr *b6 = (void *)skel->bss->b6_srh;
	struct flipper f = { .hdrlen = &b6->hdrlen };
	long inserted = 0, refused = 0, wrong = 0;
	cpu_set_t cpus, set;
	char pkt[512];
	size_t len = srv6_udp(pkt, 15);
	pthread_t t;
	struct run r;
	int i;

	if (!ASSERT_GE(sysconf(_SC_NPROCESSORS_ONLN), 2, "2 CPUs online (this test needs SMP)"))
		return;
	seg6_b6_srh(b6, FINAL);
	skel->bss->mode = MODE_END_B6_ENCAP;
	sched_getaffinity(0, sizeof(cpus), &cpus);
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
	if (!ASSERT_OK(pthread_create(&t, NULL, flip_hdrlen, &f), "flipper"))
		goto out;
	for (i = 0; i < seg6_rounds(2000, 20000); i++) {
		if (test_run(fd, pkt, len, &r)) {
			wrong++;
			break;
		}
		if (skel->bss->rc[0] == 0 && r.out_len == len + 40 + 40)
			inserted++;
		else if (skel->bss->rc[0] == -EINVAL && r.retval == BPF_DROP)
			refused++;
		else if (!wrong++)
			printf("run %d: action %ld, %u bytes out\n", i, skel->bss->rc[0],
			       r.out_len);
	}
	__atomic_store_n(&f.stop, true, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
out:
	sched_setaffinity(0, sizeof(cpus), &cpus);
	printf("churn: End.B6.Encaps: %ld inserted, %ld refused, %ld wrong\n",
	       inserted, refused, wrong);
	ASSERT_EQ(wrong, 0, "SRHs other than the one validated");
	ASSERT_GT(inserted, 0, "some runs saw the valid SRH");
}

/* Independent check of an SRH (RFC 8754 2, 2.1) at @off in @pkt. */
static bool srh_valid(const __u8 *pkt, __u32 len, __u32 off)
{
	const struct ipv6_sr_hdr *srh = (const void *)(pkt + off);
	__u32 end, tlv;

	if (off + 8 > len || srh->type != IPV6_SRCRT_TYPE_4)
		return false;
	end = off + 8 + srh->hdrlen * 8;
	tlv = off + 8 + (srh->first_segment + 1) * 16;
	if (end > len || tlv > end || srh->segments_left > srh->first_segment + 1)
		return false;
	while (tlv < end) {
		if (pkt[tlv] == SR6_TLV_PAD1) {
			tlv++;
			continue;
		}
		if (tlv + 2 > end || tlv + 2 + pkt[tlv + 1] > end)
			return false;
		tlv += 2 + pkt[tlv + 1];
	}
	return true;
}

static __u32 rnd(__u32 n)
{
	return n ? random() % n : 0;
}

/* A random SRv6 packet, often broken on purpose. */
static size_t fuzz_packet(__u8 *pkt, size_t max)
{
	static const char * const pool[] = { "fc00::1", "fc00::2", "fc00::3", "fc00::4" };
	const char *segs[4];
	__u8 tail[64];
	size_t len, tlen = 8 + rnd(48), tlvs = rnd(3) * 8;
	int n = 1 + rnd(4), i;
	struct ipv6_sr_hdr *srh = (void *)(pkt + 40);

	for (i = 0; i < n; i++)
		segs[i] = pool[rnd(4)];
	for (i = 0; i < (int)tlen; i++)
		tail[i] = random();
	len = seg6_build(pkt, "fd01::1", segs, n, IPPROTO_UDP, tail, tlen);
	if (n == 1 && !rnd(2))	/* give single-segment lists a segment left */
		srh->segments_left = 1;
	if (tlvs) {		/* PadN/experimental TLVs in the SRH */
		memmove(pkt + 48 + n * 16 + tlvs, pkt + 48 + n * 16, tlen);
		for (i = 0; i < (int)tlvs; i += 8) {
			__u8 *t = pkt + 48 + n * 16 + i;

			t[0] = rnd(2) ? 4 : 124 + rnd(3);
			t[1] = 6;
			memset(t + 2, rnd(256), 6);
		}
		srh->hdrlen += tlvs / 8;
		len += tlvs;
		((struct ipv6hdr *)pkt)->payload_len = htons(len - 40);
	}
	switch (rnd(10)) {	/* one mutation, sometimes none */
	case 0:
		srh->hdrlen = rnd(256);
		break;
	case 1:
		srh->segments_left = rnd(256);
		break;
	case 2:
		srh->first_segment = rnd(256);
		break;
	case 3:			/* a TLV type or length */
		pkt[48 + n * 16 + (tlvs ? rnd(tlvs) : 0)] = rnd(256);
		break;
	case 4:			/* truncation */
		len = 40 + rnd(len - 40);
		break;
	case 5:
		((struct ipv6hdr *)pkt)->payload_len = htons(rnd(len));
		break;
	case 6:
		pkt[rnd(len)] = random();
		break;
	}
	return len < max ? len : max;
}

/* After these actions the packet out is what was inside: not ours to check. */
static bool decapsulated(__u32 action)
{
	switch (action) {
	case SEG6_LOCAL_ACTION_END_DX2:
	case SEG6_LOCAL_ACTION_END_DX4:
	case SEG6_LOCAL_ACTION_END_DX6:
	case SEG6_LOCAL_ACTION_END_DT4:
	case SEG6_LOCAL_ACTION_END_DT6:
	case SEG6_LOCAL_ACTION_END_DT46:
		return true;
	default:
		return false;
	}
}

/* The harness's time limits are longer on a debug kernel (KASAN makes a
 * run about four times slower); so is the fuzz's.
 */
static int fuzz_seconds(void)
{
	const char *scale = getenv("SEG6_TIMEOUT_SCALE");

	return 60 * (scale && atoi(scale) > 0 ? atoi(scale) : 1);
}

static void test_fuzz(void)
{
	int seconds = fuzz_seconds();
	struct test_seg6_bpf_fuzz *skel = test_seg6_bpf_fuzz__open_and_load();
	unsigned int seed = getenv("SEG6_FUZZ_SEED") ? atoi(getenv("SEG6_FUZZ_SEED")) :
			    (unsigned int)time(NULL);
	__u32 packets = seg6_rounds(10000, 100000);
	__u32 runs = 0, ok = 0, drop = 0, redirect = 0;
	struct timespec start, now;
	__u8 pkt[512];
	struct run r, again;
	int fd;

	if (!ASSERT_OK_PTR(skel, "skel"))
		return;
	fd = bpf_program__fd(skel->progs.seg6_fuzz);
	printf("fuzz: seed %u (SEG6_FUZZ_SEED=%u reproduces this run)\n", seed, seed);
	srandom(seed);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (; runs < packets; runs++) {
		size_t len = fuzz_packet(pkt, sizeof(pkt));
		__u8 proto;
		int err;

		/* plain checks in the loop, ASSERT_* only on failure: the
		 * log keeps one line per problem, not one per packet
		 */
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= seconds) {
			ASSERT_LT(now.tv_sec - start.tv_sec, seconds, "time bound");
			break;
		}
		err = test_run(fd, pkt, len, &r);
		if (err) {
			ASSERT_OK(err, "test_run");
			break;
		}
		/* one packet in 16 again, repeated: the last run is the first */
		if (!rnd(16)) {
			err = test_run_repeat(fd, pkt, len, 2 + rnd(3), &again);
			if (err || again.retval != r.retval || again.out_len != r.out_len ||
			    memcmp(again.out, r.out, r.out_len)) {
				ASSERT_FAIL("run %u (seed %u): repeated run differs", runs, seed);
				break;
			}
		}
		if (r.retval == BPF_DROP) {
			drop++;
			continue;
		}
		if (r.retval != BPF_OK && r.retval != BPF_REDIRECT) {
			ASSERT_FAIL("run %u (seed %u): retval %u", runs, seed, r.retval);
			break;
		}
		r.retval == BPF_OK ? ok++ : redirect++;
		proto = ((struct ipv6hdr *)r.out)->nexthdr;
		if (decapsulated(r.res.action) || proto != IPPROTO_ROUTING)
			continue;
		if (!srh_valid((__u8 *)r.out, r.out_len, 40)) {
			ASSERT_FAIL("run %u (seed %u): invalid SRH left, verdict %u",
				    runs, seed, r.retval);
			break;
		}
	}
	printf("fuzz: %u packets: %u BPF_OK, %u BPF_REDIRECT, %u BPF_DROP\n",
	       runs, ok, redirect, drop);
	ASSERT_EQ(runs, packets, "all packets run");
	ASSERT_GT(ok + redirect, packets / 100, "enough packets got through the program");
	test_seg6_bpf_fuzz__destroy(skel);
}

void test_seg6_bpf_test_run(void)
{
	struct test_seg6_bpf *skel = test_seg6_bpf__open_and_load();
	int fd;

	if (!ASSERT_OK_PTR(skel, "skel"))
		return;
	fd = bpf_program__fd(skel->progs.seg6_test);
	if (test__start_subtest("verdicts"))
		test_verdicts(skel, fd);
	if (test__start_subtest("helpers"))
		test_helpers(skel, fd);
	if (test__start_subtest("actions"))
		test_actions(skel, fd);
	if (test__start_subtest("leave_ipv6"))
		test_leave_ipv6(skel, fd);
	if (test__start_subtest("pre_program_drops"))
		test_pre_program_drops(skel, fd);
	if (test__start_subtest("pad1"))
		test_pad1(skel, fd);
	if (test__start_subtest("bad_args"))
		test_bad_args(fd);
	if (test__start_subtest("repeat"))
		test_repeat(skel, fd);
	if (test__start_subtest("repeat_growth"))
		test_repeat_growth(skel, fd);
	if (test__start_subtest("repeat_rcu"))
		test_repeat_rcu(skel, fd);
	if (test__start_subtest("b6_param_race"))
		test_b6_param_race(skel, fd);
	if (test__start_subtest("fuzz"))
		test_fuzz();
	test_seg6_bpf__destroy(skel);
}
