// SPDX-License-Identifier: GPL-2.0
/* End.BPF programs of prog_tests/lwt_seg6local_helpers.c, loaded by
 * iproute2.  Each puts the errno of a helper call that fails in the SRH
 * tag for the receiver to read.
 */
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/ipv6.h>
#include <linux/seg6.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "test_lwt_seg6local_helpers.h"

static __always_inline void put_errno_in_tag(struct __sk_buff *skb, long err)
{
	__u16 tag = bpf_htons(-err);

	bpf_lwt_seg6_store_bytes(skb, sizeof(struct ipv6hdr) +
				 offsetof(struct ipv6_sr_hdr, tag),
				 &tag, sizeof(tag));
}

/* bpf_lwt_seg6_adjust_srh() at the end of the SRH, with the lengths the
 * UDP payload asks for.
 */
SEC("adjust_srh")
int adjust_srh_prog(struct __sk_buff *skb)
{
	void *data_end = (void *)(long)skb->data_end;
	void *data = (void *)(long)skb->data;
	struct ipv6hdr *ip6 = data;
	struct ipv6_sr_hdr *srh = (void *)(ip6 + 1);
	struct adjust_srh_req *req;
	__u32 end;
	long err;
	int len;

	if ((void *)(srh + 1) > data_end || ip6->nexthdr != IPPROTO_ROUTING)
		return BPF_DROP;
	end = sizeof(*ip6) + ((srh->hdrlen + 1) << 3);
	req = data + end + sizeof(struct udphdr);
	if ((void *)(req + 1) > data_end)
		return BPF_DROP;
	len = req->second;

	err = bpf_lwt_seg6_adjust_srh(skb, end, req->first);
	if (!err && len)
		err = bpf_lwt_seg6_adjust_srh(skb, end, len);
	if (err)
		put_errno_in_tag(skb, err);
	return BPF_OK;
}

/* bpf_lwt_seg6_store_bytes() on the last 8 bytes of the segment list,
 * which are no TLV.
 */
SEC("store_bytes_seglist")
int store_bytes_seglist_prog(struct __sk_buff *skb)
{
	void *data_end = (void *)(long)skb->data_end;
	void *data = (void *)(long)skb->data;
	struct ipv6hdr *ip6 = data;
	struct ipv6_sr_hdr *srh = (void *)(ip6 + 1);
	__u64 ones = ~0ULL;
	__u32 tail;
	long err;

	if ((void *)(srh + 1) > data_end || ip6->nexthdr != IPPROTO_ROUTING)
		return BPF_DROP;
	tail = sizeof(*ip6) + sizeof(*srh) + ((srh->first_segment + 1) << 4) -
	       sizeof(ones);
	err = bpf_lwt_seg6_store_bytes(skb, tail, &ones, sizeof(ones));
	if (err)
		put_errno_in_tag(skb, err);
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
