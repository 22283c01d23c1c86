// SPDX-License-Identifier: GPL-2.0
/*
 * End.BPF program of prog_tests/seg6_bpf_ecmp.c: the next hops of the
 * route to @dst in @table, up to @max_nhs of them, into @nhs.
 */
#include <linux/bpf.h>
#include <linux/in6.h>
#include <bpf/bpf_helpers.h>

#include "seg6_bpf_kfuncs.h"
#include "test_seg6_bpf.h"

#define MAX_NHS	8

struct in6_addr dst;
__u32 table;
__u32 max_nhs;
struct bpf_seg6_nexthop nhs[MAX_NHS];
long ret;

SEC("lwt_seg6local")
int seg6_ecmp(struct __sk_buff *skb)
{
	__u32 n = max_nhs;

	if (!n || n > MAX_NHS)
		return BPF_DROP;
	ret = bpf_seg6_ecmp_nexthops(skb, &dst, table, nhs, n * sizeof(nhs[0]));
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
