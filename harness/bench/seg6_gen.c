// SPDX-License-Identifier: GPL-2.0
/*
 * seg6_gen: the data-path benchmarks' traffic generator.  Sends one packet
 * (given in hex, Ethernet header included) out of DEV as fast as the
 * receiver takes it, for SECONDS, through BPF_PROG_TEST_RUN's live-frames
 * mode (gen.bpf.c): an in-kernel generator, like pktgen, but for any
 * packet, SRH included.  Frames are handed over in batches; the receiver
 * (a veth peer with an XDP program) processes each batch in softirq on
 * the same CPU before the next is made, so frames are not dropped for
 * lack of room and the rate is the receiver's.
 *
 * It sends until the kernel has timed SECONDS inside test_run's loops:
 * that time (test_run's duration) covers making the frames and the
 * receiver's softirq, not the set-up and tear-down of each call, whose
 * page pool waits for an RCU grace period: on a preemptible kernel the
 * CPU idles for ticks there, which under icount (guest time is
 * instructions) would count as instructions never run.
 *
 *   seg6_gen DEV SECONDS HEX [MARK_OFF MARK_EVERY MARK_VALUE MARK_OTHER]
 *
 * Prints "frames N seconds S busy B": frames sent, guest seconds from the
 * first call to the last, and guest seconds inside test_run's loops.  Exit
 * 2 on bad usage, 1 on failure.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "gen.h"
#include "gen.skel.h"

#define BATCH	64
#define REPEAT	(BATCH * 64)

static int usage(void)
{
	fputs("Usage: seg6_gen DEV SECONDS HEX [MARK_OFF MARK_EVERY MARK_VALUE MARK_OTHER]\n",
	      stderr);
	return 2;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int parse_hex(const char *hex, __u8 *out, size_t max)
{
	size_t n = strlen(hex) / 2, i;
	unsigned int b;

	if (strlen(hex) % 2 || n < 14 || n > max)
		return -1;
	for (i = 0; i < n; i++) {
		if (sscanf(hex + 2 * i, "%2x", &b) != 1)
			return -1;
		out[i] = b;
	}
	return n;
}

static unsigned long parse_num(const char *s, unsigned long max, int *bad)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	if (end == s || *end || v > max)
		*bad = 1;
	return v;
}

int main(int argc, char **argv)
{
	__u8 frame[GEN_MAX_LEN];
	double seconds, t0, elapsed, busy = 0;
	unsigned long long frames = 0;
	struct gen *skel;
	int len, bad = 0, err, fd;

	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .repeat = REPEAT,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = BATCH);

	if (argc != 4 && argc != 8)
		return usage();
	seconds = atof(argv[2]);
	len = parse_hex(argv[3], frame, sizeof(frame));
	if (seconds <= 0 || len < 0)
		return usage();

	skel = gen__open_and_load();
	if (!skel) {
		fprintf(stderr, "seg6_gen: cannot load gen.bpf.o: %s\n", strerror(errno));
		return 1;
	}
	skel->bss->cfg.len = len;
	skel->bss->cfg.ifindex = if_nametoindex(argv[1]);
	memcpy(skel->bss->cfg.bytes, frame, len);
	if (argc == 8) {
		skel->bss->cfg.mark_off = parse_num(argv[4], len - 1, &bad);
		skel->bss->cfg.mark_every = parse_num(argv[5], ~0U, &bad);
		skel->bss->cfg.mark_value = parse_num(argv[6], 255, &bad);
		skel->bss->cfg.mark_other = parse_num(argv[7], 255, &bad);
	}
	if (bad || !skel->bss->cfg.ifindex) {
		gen__destroy(skel);
		return usage();
	}
	opts.data_size_in = len;
	fd = bpf_program__fd(skel->progs.gen_frame);
	t0 = now();
	do {
		err = bpf_prog_test_run_opts(fd, &opts);
		if (err) {
			fprintf(stderr, "seg6_gen: test_run: %s\n", strerror(-err));
			gen__destroy(skel);
			return 1;
		}
		frames += REPEAT;
		/* opts.duration: the loop's ns per frame */
		busy += opts.duration * (double)REPEAT / 1e9;
		elapsed = now() - t0;
		/* the second bound, should test_run stop timing its loop */
	} while (busy < seconds && elapsed < 10 * seconds + 10);
	printf("frames %llu seconds %.6f busy %.9f\n", frames, elapsed, busy);
	gen__destroy(skel);
	return 0;
}
