// SPDX-License-Identifier: GPL-2.0
/*
 * End.BPF at the edges of what its helpers and kfuncs take, on the data
 * path (the three namespaces of seg6_bpf_helpers.h, SID fc00::a in sr)
 * and under BPF_PROG_TEST_RUN:
 *  - SRH adjustments by lengths at the ends of their 32-bit range, taken
 *    from the packet: refused, the packet forwarded as it was;
 *  - growths of the SRH past the headroom a driver left: the MAC header
 *    moves with the headers, as an ip6tables LOG rule in FORWARD sees;
 *  - an freplace program extending an End.BPF program calls the kfuncs;
 *  - bpf_printk() from an End.BPF program reaches the trace buffer.
 */
#include "seg6_bpf_helpers.h"
#include "test_seg6_bpf.h"
#include "test_seg6_bpf_edges.skel.h"
#include "test_seg6_bpf_freplace.skel.h"

#define NS_SRC	"seg6_edg_src"
#define NS_SR	"seg6_edg_sr"
#define NS_DST	"seg6_edg_dst"
#define SID	"fc00::a"
#define FINAL	"fc00::d1"
#define GOT	3000
/* ip6tables: log what is forwarded to the test's UDP port */
#define LOG_UDP_RULE "-A FORWARD -p udp --dport 4243 -j LOG --log-prefix"

static const struct seg6_topo topo = { NS_SRC, NS_SR, NS_DST };

struct env {
	struct test_seg6_bpf_edges *skel;
	int cap;
	__u32 seq;
};

/* UDP carrying @arg for seg6_edge, then the test payload of @seq. */
static size_t edge_udp(void *buf, const struct seg6_edge_arg *arg, __u32 seq)
{
	char plain[64];
	size_t len = seg6_udp(plain, seq);
	struct udphdr *udp = buf;

	memcpy(buf, plain, sizeof(*udp));
	memcpy((char *)buf + sizeof(*udp), arg, sizeof(*arg));
	memcpy((char *)buf + sizeof(*udp) + sizeof(*arg), plain + sizeof(*udp),
	       len - sizeof(*udp));
	udp->len = htons(len + sizeof(*arg));
	return len + sizeof(*arg);
}

/* Send <SID, FINAL> with @arg; what d0 got, or 0. */
static ssize_t through(struct env *env, int op, __s32 len, char *buf, size_t buflen)
{
	const char * const segs[] = { SID, FINAL };
	struct seg6_edge_arg arg = { .len = len, .op = op };
	char pkt[512], udp[64];
	size_t plen;

	plen = seg6_build(pkt, "fd01::1", segs, 2, IPPROTO_UDP, udp,
			  edge_udp(udp, &arg, ++env->seq));
	if (!ASSERT_OK(seg6_send_from(NS_SRC, pkt, plen), "send"))
		return -1;
	return seg6_capture(env->cap, env->seq, buf, buflen, GOT);
}

static int setup(struct env *env)
{
	struct seg6_bpf_route r = { .sid = SID, .dev = "r0", .name = "seg6_edge" };
	struct nstoken *tok;
	char msg[256] = "";
	int err;

	if (seg6_topo_setup(&topo))
		return -1;
	SYS(fail, "ip -n " NS_SR " -6 route add " FINAL " via fd02::2");
	tok = open_netns(NS_SR);
	if (!ASSERT_OK_PTR(tok, NS_SR))
		return -1;
	r.prog_fd = bpf_program__fd(env->skel->progs.seg6_edge);
	err = seg6_bpf_route_add(&r, msg, sizeof(msg));
	close_netns(tok);
	if (!ASSERT_OK(err, msg))
		return -1;
	env->cap = seg6_capture_open_in(NS_DST, "d0");
	return env->cap < 0 ? -1 : 0;
fail:
	return -1;
}

/* Lengths at the ends of the range of bpf_lwt_seg6_adjust_srh()'s s32 len,
 * from the packet: no growth bound may wrap (the first implementation had
 * no bound; an unsigned one wrapped and BUG()ged in pskb_expand_head()).
 */
static void test_adjust_lengths(struct env *env)
{
	static const struct {
		const char *what;
		int op;
		__s32 len;
		long rc0, rc1;
		int grown;	/* bytes the SRH grew by */
	} cases[] = {
		{ "S32_MAX", EDGE_ADJUST, INT_MAX, -EINVAL, 0x5555, 0 },
		{ "S32_MIN", EDGE_ADJUST, INT_MIN, -EFAULT, 0x5555, 0 },
		/* TLV area of 8 bytes after the growth: one more is refused */
		{ "+8, then -9", EDGE_GROW_THEN_ADJUST, -9, 0, -EFAULT, 8 },
		{ "+8, then -8", EDGE_GROW_THEN_ADJUST, -8, 0, 0, 0 },
		{ "+8, then S32_MAX", EDGE_GROW_THEN_ADJUST, INT_MAX, 0, -EINVAL, 8 },
		{ "+8, then 2040 - 32 - 8 + 1", EDGE_GROW_THEN_ADJUST, 2001, 0, -EINVAL, 8 },
	};
	char buf[2048];
	ssize_t n, plain = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		n = through(env, cases[i].op, cases[i].len, buf, sizeof(buf));
		if (!ASSERT_GT(n, 0, "forwarded"))
			break;
		if (!plain)
			plain = n - cases[i].grown;
		ASSERT_EQ(env->skel->bss->rc[0], cases[i].rc0, cases[i].what);
		ASSERT_EQ(env->skel->bss->rc[1], cases[i].rc1, cases[i].what);
		ASSERT_EQ(n, plain + cases[i].grown, "forwarded, SRH as the calls left it");
	}
}

/* @dev's MAC address in netns @ns, as LOG prints it ("aa:bb:..."). */
static int mac_of(const char *ns, const char *dev, char *mac, size_t len)
{
	char cmd[128];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "ip netns exec %s cat /sys/class/net/%s/address", ns, dev);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (!fgets(mac, len, p))
		mac[0] = 0;
	mac[strcspn(mac, "\n")] = 0;
	return pclose(p) || !mac[0] ? -1 : 0;
}

/* The MAC= field of the kernel log's last line carrying @prefix. */
static int logged_mac(const char *prefix, char *mac, size_t len)
{
	char line[1024], *m;
	FILE *p = popen("dmesg", "r");

	if (!p)
		return -1;
	mac[0] = 0;
	while (fgets(line, sizeof(line), p)) {
		if (!strstr(line, prefix))
			continue;
		m = strstr(line, " MAC=");
		if (m)
			snprintf(mac, len, "%.*s", (int)strcspn(m + 5, "\n "), m + 5);
	}
	pclose(p);
	return mac[0] ? 0 : -1;
}

/* PadN TLVs of 8 to 248 bytes: past the headroom the veth receive path
 * leaves, whatever it is, and past headroom - mac_len.  LOG in sr's
 * FORWARD prints the MAC header it finds at skb->mac_header.
 */
static void test_mac_header(struct env *env)
{
	char s0[32], r0[32], want[128], got[128], prefix[32], buf[2048];
	ssize_t n, plain;
	int len;

	if (!ASSERT_OK(mac_of(NS_SRC, "s0", s0, sizeof(s0)), "s0 MAC") ||
	    !ASSERT_OK(mac_of(NS_SR, "r0", r0, sizeof(r0)), "r0 MAC"))
		return;
	snprintf(want, sizeof(want), "%s:%s:86:dd", r0, s0);
	if (!ASSERT_OK(system("command -v ip6tables-legacy >/dev/null"), "ip6tables-legacy"))
		return;
	SYS(out, "sysctl -qw net.netfilter.nf_log_all_netns=1");
	plain = through(env, EDGE_ADJUST, 0, buf, sizeof(buf));
	if (!ASSERT_GT(plain, 0, "forwarded as it is"))
		goto out;
	for (len = 8; len <= 248; len += 8) {
		snprintf(prefix, sizeof(prefix), "seg6edge%u-%d: ", env->seq, len);
		SYS(out, "ip netns exec " NS_SR " ip6tables-legacy -F FORWARD");
		SYS(out, "ip netns exec " NS_SR " ip6tables-legacy " LOG_UDP_RULE " '%s'", prefix);
		n = through(env, EDGE_PADN, len, buf, sizeof(buf));
		if (!ASSERT_EQ(n, plain + len, "forwarded with the TLV") ||
		    !ASSERT_OK(logged_mac(prefix, got, sizeof(got)), "logged"))
			break;
		if (!ASSERT_STREQ(got, want, "MAC header FORWARD sees")) {
			printf("TLV of %d bytes\n", len);
			break;
		}
	}
out:
	SYS_NOFAIL("ip netns exec " NS_SR " ip6tables-legacy -F FORWARD");
	SYS_NOFAIL("sysctl -qw net.netfilter.nf_log_all_netns=0");
}

/* An freplace program extending an End.BPF program may call the End.BPF
 * kfuncs, as it may call the seg6 helpers.
 */
static void test_freplace_kfunc(struct env *env)
{
	const char * const segs[] = { SID, FINAL };
	struct test_seg6_bpf_freplace *ext;
	struct bpf_link *link = NULL;
	char pkt[512], udp[64];
	int target;

	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt);

	target = bpf_program__fd(env->skel->progs.seg6_hooked);
	ext = test_seg6_bpf_freplace__open();
	if (!ASSERT_OK_PTR(ext, "open freplace"))
		return;
	bpf_program__set_attach_target(ext->progs.seg6_hook_tlv, target, "seg6_hook");
	bpf_program__set_attach_target(ext->progs.seg6_hook_insert, target, "seg6_hook");
	/* a kfunc that changes packet data, in place of a function that
	 * does not: the caller's packet pointers would outlive it
	 */
	bpf_program__set_autoload(ext->progs.seg6_hook_tlv, false);
	ASSERT_ERR(test_seg6_bpf_freplace__load(ext), "freplace changing packet data refused");
	test_seg6_bpf_freplace__destroy(ext);
	ext = test_seg6_bpf_freplace__open();
	if (!ASSERT_OK_PTR(ext, "open freplace"))
		return;
	bpf_program__set_attach_target(ext->progs.seg6_hook_tlv, target, "seg6_hook");
	bpf_program__set_autoload(ext->progs.seg6_hook_insert, false);
	if (!ASSERT_OK(test_seg6_bpf_freplace__load(ext), "freplace calling a kfunc loads"))
		goto out;
	link = bpf_program__attach_freplace(ext->progs.seg6_hook_tlv, target, "seg6_hook");
	if (!ASSERT_OK_PTR(link, "attach"))
		goto out;
	/* two segments, then an 8-byte TLV of type 124 at offset 80 */
	opts.data_size_in = seg6_build(pkt, "fd01::1", segs, 2, IPPROTO_UDP, udp,
				       seg6_udp(udp, 1));
	memmove(pkt + 88, pkt + 80, opts.data_size_in - 80);
	memcpy(pkt + 80, "\x7c\x06\x01\x02\x03\x04\x05\x06", 8);
	pkt[41] += 1;	/* SRH hdrlen */
	opts.data_size_in += 8;
	((struct ipv6hdr *)pkt)->payload_len = htons(opts.data_size_in - 40);
	if (ASSERT_OK(bpf_prog_test_run_opts(target, &opts), "test_run")) {
		ASSERT_EQ(opts.retval, BPF_OK, "verdict");
		ASSERT_EQ(ext->data->found, 80, "TLV found by the freplace program");
		ASSERT_EQ(ext->bss->found_len, 8, "its length");
	}
out:
	bpf_link__destroy(link);
	test_seg6_bpf_freplace__destroy(ext);
}

/* The program's bpf_printk() line in the trace buffer. */
static void test_printk(struct env *env)
{
	const char * const segs[] = { SID, FINAL };
	char pkt[512], udp[64], want[64], line[512];
	bool found = false;
	FILE *trace;

	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt);

	opts.data_size_in = seg6_build(pkt, "fd01::1", segs, 2, IPPROTO_UDP, udp,
				       seg6_udp(udp, 1));
	SYS(out, "echo > /sys/kernel/debug/tracing/trace");
	if (!ASSERT_OK(bpf_prog_test_run_opts(bpf_program__fd(env->skel->progs.seg6_printk),
					      &opts), "test_run"))
		return;
	snprintf(want, sizeof(want), "seg6_printk: len %u", opts.data_size_in);
	trace = fopen("/sys/kernel/debug/tracing/trace", "r");
	if (!ASSERT_OK_PTR(trace, "trace buffer"))
		return;
	while (!found && fgets(line, sizeof(line), trace))
		found = strstr(line, want);
	fclose(trace);
	ASSERT_TRUE(found, want);
out:
	return;
}

void test_seg6_bpf_edges(void)
{
	struct env env = { .cap = -1 };

	env.skel = test_seg6_bpf_edges__open_and_load();
	if (!ASSERT_OK_PTR(env.skel, "skel"))
		goto out;
	if (test__start_subtest("freplace_kfunc"))
		test_freplace_kfunc(&env);
	if (test__start_subtest("printk"))
		test_printk(&env);
	if (!ASSERT_OK(setup(&env), "setup"))
		goto out;
	if (test__start_subtest("adjust_lengths"))
		test_adjust_lengths(&env);
	if (test__start_subtest("mac_header"))
		test_mac_header(&env);
out:
	if (env.cap >= 0)
		close(env.cap);
	test_seg6_bpf_edges__destroy(env.skel);
	seg6_topo_cleanup(&topo);
}
