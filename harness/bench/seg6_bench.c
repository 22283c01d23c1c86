// SPDX-License-Identifier: GPL-2.0
/*
 * seg6_bench: the BPF_PROG_TEST_RUN cases of `make bench`, run in the VM.
 *
 * A case is one program run on one packet; a sample is REPEAT runs in one
 * test_run call, whose duration the kernel measures in guest ns: in the
 * VM `make bench` boots (QEMU -icount shift=0) one guest ns is one guest
 * instruction, which -u names.  The two cases of a pair alternate sample
 * by sample so that both see the same machine.  For every case: median,
 * minimum and maximum cost per run over SAMPLES samples; for every pair:
 * the ratio of the reference's median cost to the case's (above 1: the
 * case is cheaper).
 *
 * Usage: seg6_bench [-n SAMPLES] [-r REPEAT] [-u UNIT] OUT.json OUT.md
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/ipv6.h>
#include <linux/seg6.h>
#include <netinet/udp.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "test_seg6_bpf.h"
#include "test_seg6_bpf.skel.h"
#include "test_seg6_bpf_tlv.skel.h"

#define MAX_SAMPLES	101

struct bench_case {
	const char *name;
	const char *what;
	int fd;
	void (*prepare)(void);	/* set the program's globals */
	const void *pkt;
	size_t len;
	double cost[MAX_SAMPLES];	/* guest ns per run, per sample */
	double median, min, max;
};

struct bench_pair {
	const char *name;
	struct bench_case *ref, *c;
	const char *goal;	/* what the issue asks, for the table */
};

static struct test_seg6_bpf *seg6;
static struct test_seg6_bpf_tlv *tlv;
static unsigned char srv6_pkt[128];
static size_t srv6_len;

/* UDP behind <fc00::b, fc00::d1>, as the data-path tests send it. */
static size_t build_srv6(unsigned char *buf)
{
	struct ipv6hdr *ip6 = (void *)buf;
	struct ipv6_sr_hdr *srh = (void *)(ip6 + 1);
	struct udphdr *udp = (void *)((char *)(srh + 1) + 32);
	size_t len = sizeof(*ip6) + sizeof(*srh) + 32 + sizeof(*udp) + 16;

	memset(buf, 0, len);
	ip6->version = 6;
	ip6->hop_limit = 64;
	ip6->nexthdr = IPPROTO_ROUTING;
	ip6->payload_len = htons(len - sizeof(*ip6));
	inet_pton(AF_INET6, "fd01::1", &ip6->saddr);
	inet_pton(AF_INET6, "fc00::b", &ip6->daddr);
	srh->nexthdr = IPPROTO_UDP;
	srh->hdrlen = 4;
	srh->type = IPV6_SRCRT_TYPE_4;
	srh->segments_left = 1;
	srh->first_segment = 1;
	inet_pton(AF_INET6, "fc00::d1", &srh->segments[0]);
	srh->segments[1] = ip6->daddr;
	udp->len = htons(sizeof(*udp) + 16);
	return len;
}

static void prep_noop(void)
{
	seg6->bss->mode = MODE_OK;
}

static void prep_tlv_helpers(void)
{
	seg6->bss->mode = MODE_TLV_ADD;
}

static void prep_tlv_kfunc(void)
{
	static const __u8 t[8] = { 124, 6, 1, 2, 3, 4, 5, 6 };

	tlv->bss->op = TLV_OP_INSERT;
	tlv->bss->offset = 0;
	memcpy(tlv->bss->tlv, t, sizeof(t));
	tlv->bss->tlv_len = sizeof(t);
}

/* XDP_PASS and nothing else. */
static int load_xdp_noop(void)
{
	const struct bpf_insn insns[] = {
		{ .code = 0xb7, .dst_reg = 0, .imm = 2 },	/* r0 = XDP_PASS */
		{ .code = 0x95 },				/* exit */
	};

	return bpf_prog_load(BPF_PROG_TYPE_XDP, "xdp_noop", "GPL", insns, 2, NULL);
}

static int sample(struct bench_case *c, int i, int repeat)
{
	unsigned char out[256];
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		    .data_in = c->pkt, .data_size_in = c->len,
		    .data_out = out, .data_size_out = sizeof(out),
		    .repeat = repeat);

	if (c->prepare)
		c->prepare();
	if (bpf_prog_test_run_opts(c->fd, &opts)) {
		fprintf(stderr, "seg6_bench: %s: test_run: %s\n", c->name, strerror(errno));
		return -1;
	}
	c->cost[i] = opts.duration;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void summarize(struct bench_case *c, int n)
{
	double s[MAX_SAMPLES];

	memcpy(s, c->cost, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	c->min = s[0];
	c->max = s[n - 1];
	c->median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-n SAMPLES] [-r REPEAT] [-u UNIT] OUT.json OUT.md\n"
		"  -n SAMPLES  samples per case, 1 to %d (default 7)\n"
		"  -r REPEAT   runs per sample (default 100000)\n"
		"  -u UNIT     what a guest ns is (default ns; instructions under icount)\n",
		prog, MAX_SAMPLES);
	exit(2);
}

static void write_results(FILE *json, FILE *md, struct bench_case *cases, int ncases,
			  struct bench_pair *pairs, int npairs, int n, int repeat,
			  const char *unit)
{
	int i;

	fprintf(json, "{\n  \"samples\": %d,\n  \"repeat\": %d,\n  \"unit\": \"%s\",\n"
		"  \"cases\": [\n", n, repeat, unit);
	fprintf(md, "| case | what | %s/run median | min | max |\n"
		"| --- | --- | --- | --- | --- |\n", unit);
	for (i = 0; i < ncases; i++) {
		struct bench_case *c = &cases[i];

		fprintf(json, "    { \"case\": \"%s\", \"what\": \"%s\", \"per_run\": "
			"{ \"median\": %.1f, \"min\": %.1f, \"max\": %.1f } }%s\n",
			c->name, c->what, c->median, c->min, c->max, i + 1 < ncases ? "," : "");
		fprintf(md, "| `%s` | %s | %.1f | %.1f | %.1f |\n",
			c->name, c->what, c->median, c->min, c->max);
	}
	fprintf(json, "  ],\n  \"pairs\": [\n");
	fprintf(md, "\n| pair | case / reference | ratio (reference cost / case cost) | goal |\n"
		"| --- | --- | --- | --- |\n");
	for (i = 0; i < npairs; i++) {
		struct bench_pair *p = &pairs[i];
		double ratio = p->ref->median / p->c->median;

		fprintf(json, "    { \"pair\": \"%s\", \"case\": \"%s\", \"reference\": \"%s\", "
			"\"ratio\": %.3f }%s\n", p->name, p->c->name, p->ref->name, ratio,
			i + 1 < npairs ? "," : "");
		fprintf(md, "| %s | `%s` / `%s` | %.3f | %s |\n", p->name, p->c->name,
			p->ref->name, ratio, p->goal);
	}
	fprintf(json, "  ]\n}\n");
}

int main(int argc, char **argv)
{
	struct bench_case cases[] = {
		{ "tlv8_helpers", "End.BPF adds an 8-byte TLV: adjust_srh + store_bytes",
		  .prepare = prep_tlv_helpers },
		{ "tlv8_kfunc", "End.BPF adds an 8-byte TLV: bpf_seg6_tlv_insert()",
		  .prepare = prep_tlv_kfunc },
		{ "end_bpf_noop", "End.BPF no-op (End processing and BPF_OK)",
		  .prepare = prep_noop },
		{ "xdp_noop", "XDP no-op (XDP_PASS)" },
	};
	struct bench_pair pairs[] = {
		{ "TLV insertion", &cases[0], &cases[1], "kfunc not slower (issue 6)" },
		{ "test_run cost", &cases[3], &cases[2],
		  "0.50: End.BPF no-op at most 2x XDP's (issue 24)" },
	};
	int n = 7, repeat = 100000, opt, i, p, err = 1;
	const char *unit = "ns";
	FILE *json = NULL, *md = NULL;

	while ((opt = getopt(argc, argv, "n:r:u:")) != -1) {
		switch (opt) {
		case 'n':
			n = atoi(optarg);
			if (n < 1 || n > MAX_SAMPLES)
				usage(argv[0]);
			break;
		case 'r':
			repeat = atoi(optarg);
			if (repeat < 1)
				usage(argv[0]);
			break;
		case 'u':
			unit = optarg;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (argc - optind != 2)
		usage(argv[0]);

	seg6 = test_seg6_bpf__open_and_load();
	tlv = test_seg6_bpf_tlv__open_and_load();
	if (!seg6 || !tlv) {
		fprintf(stderr, "seg6_bench: loading the programs failed\n");
		goto out;
	}
	srv6_len = build_srv6(srv6_pkt);
	cases[0].fd = bpf_program__fd(seg6->progs.seg6_test);
	cases[1].fd = bpf_program__fd(tlv->progs.seg6_tlv);
	cases[2].fd = bpf_program__fd(seg6->progs.seg6_test);
	cases[3].fd = load_xdp_noop();
	if (cases[3].fd < 0) {
		fprintf(stderr, "seg6_bench: XDP no-op: %s\n", strerror(errno));
		goto out;
	}
	/* the same bytes for all; XDP takes them for an Ethernet frame */
	for (i = 0; i < (int)(sizeof(cases) / sizeof(cases[0])); i++) {
		cases[i].pkt = srv6_pkt;
		cases[i].len = srv6_len;
	}

	for (i = 0; i < n; i++) {
		fprintf(stderr, "seg6_bench: sample %d of %d, %d runs per case\n",
			i + 1, n, repeat);
		for (p = 0; p < (int)(sizeof(pairs) / sizeof(pairs[0])); p++)
			if (sample(pairs[p].ref, i, repeat) || sample(pairs[p].c, i, repeat))
				goto out;
	}
	for (i = 0; i < (int)(sizeof(cases) / sizeof(cases[0])); i++)
		summarize(&cases[i], n);

	json = fopen(argv[optind], "w");
	md = fopen(argv[optind + 1], "w");
	if (!json || !md) {
		fprintf(stderr, "seg6_bench: %s\n", strerror(errno));
		goto out;
	}
	write_results(json, md, cases, sizeof(cases) / sizeof(cases[0]), pairs,
		      sizeof(pairs) / sizeof(pairs[0]), n, repeat, unit);
	err = 0;
out:
	if (json)
		fclose(json);
	if (md)
		fclose(md);
	test_seg6_bpf_tlv__destroy(tlv);
	test_seg6_bpf__destroy(seg6);
	return err;
}
