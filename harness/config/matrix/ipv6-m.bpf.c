// SPDX-License-Identifier: GPL-2.0
/*
 * End.BPF programs for the IPV6=m configuration's check (ipv6-m.sh).  They
 * use no libbpf header: the check builds them with clang and the host's
 * UAPI headers alone.
 */
#include <linux/bpf.h>
#include <linux/ipv6.h>

#define SEC(name) __attribute__((section(name), used))

static long (*bpf_skb_pull_data)(void *skb, __u32 len) =
	(void *)BPF_FUNC_skb_pull_data;
static long (*bpf_lwt_seg6_store_bytes)(void *skb, __u32 offset,
					const void *from, __u32 len) =
	(void *)BPF_FUNC_lwt_seg6_store_bytes;

/* Reads the packet: drops it when its hop limit is 42. */
SEC("hop")
int end_bpf_hop(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct ipv6hdr *ip6 = data;

	if ((void *)(ip6 + 1) > end)
		return BPF_DROP;
	return ip6->hop_limit == 42 ? BPF_DROP : BPF_OK;
}

/* Reads skb->tstamp, which End.BPF programs may. */
SEC("tstamp")
int end_bpf_tstamp(struct __sk_buff *skb)
{
	return skb->tstamp == 1 ? BPF_DROP : BPF_OK;
}

/* Every kernel refuses bpf_skb_pull_data() to End.BPF programs. */
SEC("pull")
int end_bpf_pull(struct __sk_buff *skb)
{
	return bpf_skb_pull_data(skb, 0) ? BPF_DROP : BPF_OK;
}

/* The seg6 helpers need IPv6 built in. */
SEC("store")
int end_bpf_store(struct __sk_buff *skb)
{
	__u8 flags = 0;

	return bpf_lwt_seg6_store_bytes(skb, 45, &flags, 1) ? BPF_DROP : BPF_OK;
}

char _license[] SEC("license") = "GPL";
