// SPDX-License-Identifier: GPL-2.0
/*
 * The End.BPF TLV kfuncs (bpf_seg6_tlv_find/insert/remove):
 *  - a table of calls through BPF_PROG_TEST_RUN, each with the TLV area of
 *    the packet in, the kfunc's arguments, its return value and the exact
 *    TLV area out (unchanged on errors);
 *  - the SRH length limit, and bpf_seg6_srh_pop();
 *  - the data path: a TLV inserted at an End.BPF SID reaches the next hop.
 */
#include "seg6_bpf_helpers.h"
#include "test_seg6_bpf_tlv.skel.h"
#include "test_seg6_bpf.h"

#define TLVS	80	/* TLV area offset: IPv6, SRH, two segments */
#define MAX_TLVS 32

struct tlv_case {
	const char *name;
	int op;
	__u8 in[MAX_TLVS];	/* TLV area of the packet in */
	size_t in_len;
	__u32 offset;
	__u8 type;
	__u8 tlv[16];		/* the TLV to insert */
	size_t tlv_len;
	long ret;		/* the kfunc's return value */
	__u32 found_len;	/* bpf_seg6_tlv_find()'s length */
	__u8 out[MAX_TLVS];	/* TLV area out, if ret >= 0 */
	size_t out_len;
};

/* TLVs as string literals, to be pasted together into a TLV area */
#define A	"\x7c\x02\xaa\xbb"		/* 4 bytes, experimental type 124 */
#define B	"\x7d\x04\x01\x02\x03\x04"	/* 6 bytes, type 125 */
#define C	"\x7d\x01\x09"			/* 3 bytes */
#define D	"\x7e\x06\x01\x02\x03\x04\x05\x06"	/* 8 bytes, type 126 */
/* PadN of 2, 4 and 6 bytes: type and length, the array's zeros follow */
#define PADN2	"\x04\x00"
#define PADN4	"\x04\x02"
#define PADN6	"\x04\x04"

static const struct tlv_case cases[] = {
	{ "find", TLV_OP_FIND, A PADN4, 8, 0, 124,
	  .ret = TLVS, .found_len = 4 },
	{ "find_padding", TLV_OP_FIND, A PADN4, 8, 0, 4,
	  .ret = TLVS + 4, .found_len = 4 },
	{ "find_from_next", TLV_OP_FIND, A PADN4, 8, TLVS + 4, 124,
	  .ret = -ENOENT },
	{ "find_absent", TLV_OP_FIND, A PADN4, 8, 0, 125, .ret = -ENOENT },
	{ "find_no_tlvs", TLV_OP_FIND, {}, 0, 0, 124, .ret = -ENOENT },
	{ "insert_end", TLV_OP_INSERT, A PADN4, 8, 0, 0, B, 6,
	  .ret = TLVS + 4, .out = A B PADN6, .out_len = 16 },
	{ "insert_at_last_end", TLV_OP_INSERT, A PADN4, 8, TLVS + 4, 0, B, 6,
	  .ret = TLVS + 4, .out = A B PADN6, .out_len = 16 },
	{ "insert_front", TLV_OP_INSERT, A PADN4, 8, TLVS, 0, B, 6,
	  .ret = TLVS, .out = B A PADN6, .out_len = 16 },
	{ "insert_pad1", TLV_OP_INSERT, A PADN4, 8, 0, 0, C, 3,
	  .ret = TLVS + 4, .out = A C, .out_len = 8 },
	{ "insert_aligned", TLV_OP_INSERT, {}, 0, 0, 0, D, 8,
	  .ret = TLVS, .out = D, .out_len = 8 },
	{ "remove_only", TLV_OP_REMOVE, A PADN4, 8, TLVS, .ret = 0,
	  .out_len = 0 },
	{ "remove_first", TLV_OP_REMOVE, A B PADN6, 16, TLVS, .ret = 0,
	  .out = B PADN2, .out_len = 8 },
	{ "remove_last", TLV_OP_REMOVE, A B PADN6, 16, TLVS + 4, .ret = 0,
	  .out = A PADN4, .out_len = 8 },
	{ "insert_inside_tlv", TLV_OP_INSERT, A PADN4, 8, TLVS + 1, 0, B, 6,
	  .ret = -EINVAL },
	{ "insert_in_segments", TLV_OP_INSERT, A PADN4, 8, TLVS - 16, 0, B, 6,
	  .ret = -EFAULT },
	{ "insert_in_padding", TLV_OP_INSERT, A PADN4, 8, TLVS + 6, 0, B, 6,
	  .ret = -EFAULT },
	{ "insert_bad_length", TLV_OP_INSERT, A PADN4, 8, 0, 0, { 125, 4, 1, 2 }, 4,
	  .ret = -EINVAL },
	{ "insert_padn", TLV_OP_INSERT, A PADN4, 8, 0, 0, PADN4, 4,
	  .ret = -EINVAL },
	{ "insert_pad1_tlv", TLV_OP_INSERT, A PADN4, 8, 0, 0, { 0 }, 1,
	  .ret = -EINVAL },
	{ "remove_padding", TLV_OP_REMOVE, A PADN4, 8, TLVS + 4, .ret = -EINVAL },
	{ "remove_inside_tlv", TLV_OP_REMOVE, A PADN4, 8, TLVS + 1, .ret = -EINVAL },
	{ "remove_outside", TLV_OP_REMOVE, A PADN4, 8, TLVS + 8, .ret = -EFAULT },
	{ "find_unaligned_srh", TLV_OP_FIND_AFTER_BAD_EDIT, A PADN4, 8, TLVS + 8, 124,
	  .ret = -EBADMSG },
};

/* UDP behind <fc00::b, fc00::d1> with @tlvs after the segment list, as
 * End.BPF leaves it when @advanced (fc00::d1 active, segments left 0).
 */
static size_t srv6_with_tlvs(char *pkt, const __u8 *tlvs, size_t tlvs_len, bool advanced)
{
	const char * const segs[] = { "fc00::b", "fc00::d1" };
	struct ipv6hdr *ip6 = (void *)pkt;
	struct ipv6_sr_hdr *srh = (void *)(ip6 + 1);
	char udp[64];
	size_t len;

	len = seg6_build(pkt, "fd01::1", segs, 2, IPPROTO_UDP, udp, seg6_udp(udp, 9));
	memmove(pkt + TLVS + tlvs_len, pkt + TLVS, len - TLVS);
	memcpy(pkt + TLVS, tlvs, tlvs_len);
	srh->hdrlen += (tlvs_len + 7) / 8;
	ip6->payload_len = htons(ntohs(ip6->payload_len) + tlvs_len);
	if (advanced) {
		srh->segments_left = 0;
		ip6->daddr = srh->segments[0];
	}
	return len + tlvs_len;
}

static void set_args(struct test_seg6_bpf_tlv *skel, int op, __u32 offset, __u8 type,
		     const __u8 *tlv, size_t tlv_len)
{
	skel->bss->op = op;
	skel->bss->offset = offset;
	skel->bss->type = type;
	memcpy(skel->bss->tlv, tlv, tlv_len);
	skel->bss->tlv_len = tlv_len ?: 1;
	skel->bss->ret = 0x5555;
}

static void run_case(struct test_seg6_bpf_tlv *skel, const struct tlv_case *c)
{
	char in[256], want[256], out[256];
	size_t len, want_len;

	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_out = out, .data_size_out = sizeof(out));

	len = srv6_with_tlvs(in, c->in, c->in_len, false);
	if (c->ret >= 0 && c->op != TLV_OP_FIND)
		want_len = srv6_with_tlvs(want, c->out, c->out_len, true);
	else
		want_len = srv6_with_tlvs(want, c->in, c->in_len, true);
	set_args(skel, c->op, c->offset, c->type, c->tlv, c->tlv_len);
	opts.data_in = in;
	opts.data_size_in = len;
	if (!ASSERT_OK(bpf_prog_test_run_opts(bpf_program__fd(skel->progs.seg6_tlv), &opts),
		       "test_run"))
		return;
	ASSERT_EQ(skel->bss->ret, c->ret, "kfunc return value");
	if (c->op == TLV_OP_FIND && c->ret >= 0)
		ASSERT_EQ(skel->bss->found_len, c->found_len, "length found");
	ASSERT_EQ(opts.retval, BPF_OK, "verdict: the SRH is valid");
	if (ASSERT_EQ(opts.data_size_out, want_len, "packet length"))
		ASSERT_OK(memcmp(out, want, want_len), "packet bytes");
}

/* 257-byte TLVs fit 7 times in the 2048 bytes an SRH can have (32 of
 * them taken by the segments); the 8th is refused and changes nothing.
 */
static void test_until_full(struct test_seg6_bpf_tlv *skel)
{
	static char in[256], out[4096];
	struct ipv6_sr_hdr *srh = (void *)(out + sizeof(struct ipv6hdr));
	__u8 big[257] = { 125, 255 };

	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in, .data_out = out,
		    .data_size_out = sizeof(out));

	opts.data_size_in = srv6_with_tlvs(in, NULL, 0, false);
	set_args(skel, TLV_OP_INSERT_UNTIL_FULL, 0, 0, big, sizeof(big));
	if (!ASSERT_OK(bpf_prog_test_run_opts(bpf_program__fd(skel->progs.seg6_tlv), &opts),
		       "test_run"))
		return;
	ASSERT_EQ(skel->bss->inserted, 7, "TLVs inserted");
	ASSERT_EQ(skel->bss->ret, -EINVAL, "8th refused");
	ASSERT_EQ(opts.retval, BPF_OK, "verdict");
	ASSERT_EQ(srh->hdrlen, (32 + 1800) / 8, "SRH length: 7 TLVs and a PadN");
	ASSERT_EQ(opts.data_size_out, opts.data_size_in + 1800, "packet grew by 1800");
}

/* The SRH goes at the last segment, and only there; the helpers and
 * kfuncs then find none.
 */
static void test_srh_pop(struct test_seg6_bpf_tlv *skel)
{
	static const __u8 tlvs[8] = A PADN4;
	const char * const three[] = { "fc00::b", "fc00::d1", "fc00::d2" };
	size_t udp_len = sizeof(struct udphdr) + sizeof(struct seg6_test_payload);
	char in[256], out[256], udp[64];
	struct ipv6hdr *ip6 = (void *)out;
	int fd = bpf_program__fd(skel->progs.seg6_tlv);
	char final[INET6_ADDRSTRLEN];

	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in, .data_out = out,
		    .data_size_out = sizeof(out));

	opts.data_size_in = srv6_with_tlvs(in, tlvs, sizeof(tlvs), false);
	set_args(skel, TLV_OP_SRH_POP, 0, 124, tlvs, 0);
	if (!ASSERT_OK(bpf_prog_test_run_opts(fd, &opts), "test_run"))
		return;
	ASSERT_EQ(skel->bss->ret, 0, "popped");
	ASSERT_EQ(skel->bss->ret2, -EINVAL, "no SRH to find a TLV in");
	ASSERT_EQ(opts.retval, BPF_OK, "verdict");
	if (ASSERT_EQ(opts.data_size_out, sizeof(*ip6) + udp_len, "IPv6 and UDP left")) {
		ASSERT_EQ(ip6->nexthdr, IPPROTO_UDP, "next header");
		ASSERT_EQ(ntohs(ip6->payload_len), udp_len, "payload length");
		inet_ntop(AF_INET6, &ip6->daddr, final, sizeof(final));
		ASSERT_STREQ(final, "fc00::d1", "last segment");
		ASSERT_OK(memcmp(out + sizeof(*ip6), in + TLVS + sizeof(tlvs), udp_len),
			  "payload");
	}

	opts.data_size_in = seg6_build(in, "fd01::1", three, 3, IPPROTO_UDP, udp,
				       seg6_udp(udp, 9));
	opts.data_size_out = sizeof(out);
	if (!ASSERT_OK(bpf_prog_test_run_opts(fd, &opts), "test_run"))
		return;
	ASSERT_EQ(skel->bss->ret, -EINVAL, "segments left 1: not popped");
	ASSERT_EQ(opts.data_size_out, opts.data_size_in, "packet kept");
}

#define NS_SRC	"seg6_tlv_src"
#define NS_SR	"seg6_tlv_sr"
#define NS_DST	"seg6_tlv_dst"

/* A TLV inserted by the kfunc at the SID arrives at the next hop; so
 * does a packet whose SRH the kfunc popped.
 */
static void test_data_path(struct test_seg6_bpf_tlv *skel)
{
	static const struct seg6_topo topo = { NS_SRC, NS_SR, NS_DST };
	/* sized: PADN*() leave their zeros to the array's initialisation */
	static const __u8 in_tlvs[8] = A PADN4, out_tlvs[16] = A B PADN6;
	static const __u8 b[6] = B;	/* no NUL: exactly the TLV */
	struct seg6_bpf_route r = { .sid = "fc00::b", .dev = "r0", .name = "seg6_tlv" };
	char pkt[256], want[256], buf[512];
	struct nstoken *tok;
	size_t len, want_len;
	int cap = -1, err;
	char msg[256];
	ssize_t n, i;

	if (!ASSERT_OK(seg6_topo_setup(&topo), "topology"))
		goto out;
	SYS(out, "ip -n " NS_SR " -6 route add fc00::d1 via fd02::2");
	tok = open_netns(NS_SR);
	if (!ASSERT_OK_PTR(tok, NS_SR))
		goto out;
	r.prog_fd = bpf_program__fd(skel->progs.seg6_tlv);
	err = seg6_bpf_route_add(&r, msg, sizeof(msg));
	close_netns(tok);
	if (!ASSERT_OK(err, msg))
		goto out;
	cap = seg6_capture_open_in(NS_DST, "d0");
	if (!ASSERT_GE(cap, 0, "capture"))
		goto out;

	set_args(skel, TLV_OP_INSERT, 0, 0, b, sizeof(b));
	len = srv6_with_tlvs(pkt, in_tlvs, sizeof(in_tlvs), false);
	want_len = srv6_with_tlvs(want, out_tlvs, sizeof(out_tlvs), true);
	if (!ASSERT_OK(seg6_send_from(NS_SRC, pkt, len), "send"))
		goto out;
	n = seg6_capture(cap, 9, buf, sizeof(buf), 3000);
	ASSERT_EQ(skel->bss->ret, TLVS + 4, "inserted after the last TLV");
	if (!ASSERT_EQ(n, want_len, "delivered with the TLV")) {
		for (i = 0; i < n; i++)
			printf("%02x%s", (__u8)buf[i], i % 16 == 15 ? "\n" : " ");
		printf("\n");
		goto out;
	}
	/* the next hop decremented the hop limit; the rest is exact */
	((struct ipv6hdr *)buf)->hop_limit++;
	ASSERT_OK(memcmp(buf, want, want_len), "packet bytes");

	/* the pop: the last segment gets the payload without the SRH */
	set_args(skel, TLV_OP_SRH_POP, 0, 124, b, 0);
	if (!ASSERT_OK(seg6_send_from(NS_SRC, pkt, len), "send"))
		goto out;
	n = seg6_capture(cap, 9, buf, sizeof(buf), 3000);
	ASSERT_EQ(skel->bss->ret, 0, "popped");
	if (ASSERT_EQ(n, len - TLVS - sizeof(in_tlvs) + sizeof(struct ipv6hdr),
		      "delivered without SRH"))
		ASSERT_EQ(((struct ipv6hdr *)buf)->nexthdr, IPPROTO_UDP, "next header");
out:
	if (cap >= 0)
		close(cap);
	seg6_topo_cleanup(&topo);
}

void test_seg6_bpf_tlv(void)
{
	struct test_seg6_bpf_tlv *skel = test_seg6_bpf_tlv__open_and_load();
	int i;

	if (!ASSERT_OK_PTR(skel, "skel"))
		return;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		if (test__start_subtest(cases[i].name))
			run_case(skel, &cases[i]);
	if (test__start_subtest("until_full"))
		test_until_full(skel);
	if (test__start_subtest("srh_pop"))
		test_srh_pop(skel);
	if (test__start_subtest("data_path"))
		test_data_path(skel);
	test_seg6_bpf_tlv__destroy(skel);
}
