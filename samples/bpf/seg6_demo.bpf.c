// SPDX-License-Identifier: GPL-2.0
/*
 * End.BPF programs of the seg6-bpf demo (harness/demo): two endpoints that
 * edit the SRH of the packets they forward.  Both expect the SRH right
 * after the outer IPv6 header, as an SRv6 headend in encap mode sends it.
 *
 *   ip -6 route add SID encap seg6local action End.BPF \
 *	endpoint obj seg6_demo.bpf.o sec tag_increment dev DEV
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define SRH_OFF		40
#define SRH_FIRST_SEG	(SRH_OFF + 4)
#define SRH_TAG		(SRH_OFF + 6)

/* Count the End.BPF hops a packet crossed in the SRH tag. */
SEC("tag_increment")
int increment_tag(struct __sk_buff *skb)
{
	__u16 tag;

	if (bpf_skb_load_bytes(skb, SRH_TAG, &tag, sizeof(tag)))
		return BPF_DROP;
	tag = bpf_htons(bpf_ntohs(tag) + 1);
	if (bpf_lwt_seg6_store_bytes(skb, SRH_TAG, &tag, sizeof(tag)))
		return BPF_DROP;
	return BPF_OK;
}

/*
 * Append an 8-byte TLV of experimental type 124 (RFC 8754 registry) that
 * records the low 32 bits of this node's clock, in nanoseconds.
 */
SEC("add_tlv")
int append_tlv(struct __sk_buff *skb)
{
	struct {
		__u8 type;
		__u8 len;
		__u16 reserved;
		__u32 stamp;
	} tlv = { .type = 124, .len = 6 };
	__u8 first_seg;
	__u32 off;

	if (bpf_skb_load_bytes(skb, SRH_FIRST_SEG, &first_seg, 1))
		return BPF_DROP;
	/* the TLV area starts after the segment list (no TLVs yet) */
	off = SRH_OFF + 8 + (first_seg + 1) * 16;
	tlv.stamp = bpf_htonl((__u32)bpf_ktime_get_ns());
	if (bpf_lwt_seg6_adjust_srh(skb, off, sizeof(tlv)))
		return BPF_DROP;
	if (bpf_lwt_seg6_store_bytes(skb, off, &tlv, sizeof(tlv)))
		return BPF_DROP;
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
