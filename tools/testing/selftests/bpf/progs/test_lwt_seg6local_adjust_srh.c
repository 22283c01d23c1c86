// SPDX-License-Identifier: GPL-2.0
/* End.BPF program of prog_tests/lwt_seg6local_adjust_srh.c, loaded by
 * iproute2: it calls bpf_lwt_seg6_adjust_srh() at the end of the SRH with
 * the lengths the UDP payload asks for, and puts the errno of a call that
 * fails in the SRH tag for the receiver to read.
 */
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/ipv6.h>
#include <linux/seg6.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "test_lwt_seg6local_adjust_srh.h"

SEC("adjust_srh")
int adjust_srh_prog(struct __sk_buff *skb)
{
	void *data_end = (void *)(long)skb->data_end;
	void *data = (void *)(long)skb->data;
	struct ipv6hdr *ip6 = data;
	struct ipv6_sr_hdr *srh = (void *)(ip6 + 1);
	struct adjust_srh_req *req;
	__u16 tag;
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
	if (err) {
		tag = bpf_htons(-err);
		bpf_lwt_seg6_store_bytes(skb, sizeof(*ip6) +
					 offsetof(struct ipv6_sr_hdr, tag),
					 &tag, sizeof(tag));
	}
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
