// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_PROG_TEST_RUN of End.BPF programs on a kernel booted with
 * ipv6.disable=1: no netns has IPv6 routing state (tables, the null
 * entry), which actions and bpf_seg6_ecmp_nexthops() need.  The test run
 * refuses the program type instead of running it.  Booted for this by
 * harness/tests/no_ipv6.sh; on a kernel with IPv6 it skips (which
 * harness/vm/test-progs.sh counts as a failure).
 */
#include <unistd.h>
#include "seg6_bpf_helpers.h"
#include "test_seg6_bpf.h"	/* before the skeleton: struct bpf_seg6_nexthop */
#include "test_seg6_bpf.skel.h"
#include "test_seg6_bpf_ecmp.skel.h"

static int run(int fd)
{
	const char * const segs[] = { "fc00::b", "fc00::d1" };
	char pkt[256], udp[64];

	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt);

	opts.data_size_in = seg6_build(pkt, "fd01::1", segs, 2, IPPROTO_UDP, udp,
				       seg6_udp(udp, 1));
	return bpf_prog_test_run_opts(fd, &opts) ? -errno : 0;
}

void test_seg6_bpf_no_ipv6(void)
{
	static const int modes[] = { MODE_OK, MODE_END_B6_ENCAP, MODE_END_T };
	struct test_seg6_bpf_ecmp *ecmp = NULL;
	struct test_seg6_bpf *skel;
	int i;

	if (!access("/proc/sys/net/ipv6", F_OK)) {
		printf("%s: IPv6 is enabled; boot with ipv6.disable=1\n", __func__);
		test__skip();
		return;
	}
	skel = test_seg6_bpf__open_and_load();
	if (!ASSERT_OK_PTR(skel, "End.BPF programs load"))
		return;
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		skel->bss->mode = modes[i];
		ASSERT_EQ(run(bpf_program__fd(skel->progs.seg6_test)), -EOPNOTSUPP,
			  "test_run refused");
	}
	ecmp = test_seg6_bpf_ecmp__open_and_load();
	if (ASSERT_OK_PTR(ecmp, "ECMP program loads")) {
		ecmp->bss->max_nhs = 1;
		ASSERT_EQ(run(bpf_program__fd(ecmp->progs.seg6_ecmp)), -EOPNOTSUPP,
			  "test_run of bpf_seg6_ecmp_nexthops() refused");
	}
	test_seg6_bpf_ecmp__destroy(ecmp);
	test_seg6_bpf__destroy(skel);
}
