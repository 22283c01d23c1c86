// SPDX-License-Identifier: GPL-2.0
/*
 * Packet memory as a kfunc memory argument: never for a kfunc that changes
 * packet data (KF_CHANGES_PKT), which may move or free it, and only in
 * program types that may write their packet, since the verifier takes
 * every kfunc memory argument as written.  The kfuncs are bpf_testmod's.
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include "bpf_misc.h"
#include "bpf_kfuncs.h"
#include "../bpf_testmod/bpf_testmod_kfunc.h"

#define TC_ACT_OK	0

/* The first 8 bytes of the packet, or NULL when it is shorter. */
static __always_inline __u8 *pkt8(struct __sk_buff *skb)
{
	__u8 *data = (void *)(long)skb->data;

	if (data + 8 > (__u8 *)(long)skb->data_end)
		return NULL;
	return data;
}

SEC("tc")
__description("KF_CHANGES_PKT: stack memory")
__success __retval(0)
int changes_pkt_stack(struct __sk_buff *skb)
{
	__u8 buf[8] = {};

	bpf_kfunc_changes_pkt_test(buf, sizeof(buf));
	return TC_ACT_OK;
}

SEC("tc")
__description("KF_CHANGES_PKT: packet memory")
__failure __msg("R1 points into the packet, which kfunc bpf_kfunc_changes_pkt_test may change")
int changes_pkt_packet(struct __sk_buff *skb)
{
	__u8 *p = pkt8(skb);

	if (p)
		bpf_kfunc_changes_pkt_test(p, 8);
	return TC_ACT_OK;
}

SEC("tc")
__description("KF_CHANGES_PKT: packet dynptr slice")
__failure __msg("R1 points into the packet, which kfunc bpf_kfunc_changes_pkt_test may change")
int changes_pkt_dynptr_slice(struct __sk_buff *skb)
{
	struct bpf_dynptr ptr;
	__u8 *p;

	if (bpf_dynptr_from_skb(skb, 0, &ptr))
		return TC_ACT_OK;
	p = bpf_dynptr_slice_rdwr(&ptr, 0, NULL, 8);
	if (p)
		bpf_kfunc_changes_pkt_test(p, 8);
	return TC_ACT_OK;
}

SEC("tc")
__description("KF_CHANGES_PKT: packet pointers die across the call")
__failure __msg("invalid mem access 'scalar'")
int changes_pkt_stale_pointer(struct __sk_buff *skb)
{
	__u8 buf[8] = {};
	__u8 *p = pkt8(skb);

	if (!p)
		return TC_ACT_OK;
	bpf_kfunc_changes_pkt_test(buf, sizeof(buf));
	return *p;
}

/* A global function is verified on its own: its argument is plain memory
 * there, which clearing packet pointers after the kfunc would miss.
 */
__noinline int changes_pkt_global(__u8 *p)
{
	__u8 buf[8] = {};

	bpf_kfunc_changes_pkt_test(buf, sizeof(buf));
	return p ? *p : 0;
}

SEC("tc")
__description("KF_CHANGES_PKT: packet memory to a global function that calls it")
__failure __msg("arg#0 points into the packet, which the function may change")
int changes_pkt_global_arg(struct __sk_buff *skb)
{
	__u8 *p = pkt8(skb);

	return p ? changes_pkt_global(p) : TC_ACT_OK;
}

SEC("tc")
__description("KF_CHANGES_PKT: stack memory to a global function that calls it")
__success __retval(0)
int changes_pkt_global_stack(struct __sk_buff *skb)
{
	__u8 b = 0;

	return changes_pkt_global(&b);
}

SEC("tc")
__description("kfunc memory argument: packet of a program that writes it")
__success __retval(0xa5)
int mem_write_packet_tc(struct __sk_buff *skb)
{
	__u8 *p = pkt8(skb);

	if (!p)
		return TC_ACT_OK;
	bpf_kfunc_mem_write_test(p, 8);
	/* the write may have moved nothing: the pointer is still good */
	return p[7];
}

SEC("cgroup_skb/ingress")
__description("kfunc memory argument: packet of a program that only reads it")
__failure __msg("R1 points into the packet, which this program cannot write")
int mem_write_packet_cgroup_skb(struct __sk_buff *skb)
{
	__u8 *p = pkt8(skb);

	if (p)
		bpf_kfunc_mem_write_test(p, 8);
	return 1;
}

SEC("cgroup_skb/ingress")
__description("kfunc memory argument: stack of a program that only reads its packet")
__success
int mem_write_stack_cgroup_skb(struct __sk_buff *skb)
{
	__u8 buf[8] = {};

	bpf_kfunc_mem_write_test(buf, sizeof(buf));
	return 1;
}

char _license[] SEC("license") = "GPL";
