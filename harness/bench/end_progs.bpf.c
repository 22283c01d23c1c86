// SPDX-License-Identifier: GPL-2.0
/*
 * End.BPF programs of the data-path benchmarks (datapath.py), attached
 * with samples/bpf/seg6bpf (the tag increment is the demo's,
 * samples/bpf/seg6_demo.bpf.c).  The packets have an SRH of two segments and
 * no TLV right after the IPv6 header.  The kfunc is weak: the other
 * programs also load on the unpatched kernel (harness/stock.sh).
 */
#include <linux/bpf.h>
#include <linux/seg6_local.h>
#include <bpf/bpf_helpers.h>

#define SRH_OFF		40
#define SRH_HDRLEN	(SRH_OFF + 1)

extern int bpf_seg6_tlv_insert(struct __sk_buff *skb, __u32 offset,
			       const __u8 *tlv, __u32 tlv__sz) __ksym __weak;

/* an 8-octet TLV of an experimental type (RFC 8754 registry) */
static const __u8 tlv8[8] = { 124, 6, 1, 2, 3, 4, 5, 6 };

SEC("lwt_seg6local")
int noop(struct __sk_buff *skb)
{
	return BPF_OK;
}

SEC("lwt_seg6local")
int end_t(struct __sk_buff *skb)
{
	int table = 100;

	if (bpf_lwt_seg6_action(skb, SEG6_LOCAL_ACTION_END_T, &table, sizeof(table)))
		return BPF_DROP;
	return BPF_REDIRECT;
}

/* End.DT4 in the VRFs of datapath.py's VRF_TABLES */
SEC("lwt_seg6local")
int dt4_one_vrf(struct __sk_buff *skb)
{
	int table = 104;

	if (bpf_lwt_seg6_action(skb, SEG6_LOCAL_ACTION_END_DT4, &table, sizeof(table)))
		return BPF_DROP;
	return BPF_REDIRECT;
}

__u32 packets;

/* ...and alternating between the two, packet by packet */
SEC("lwt_seg6local")
int dt4_two_vrfs(struct __sk_buff *skb)
{
	int table = packets++ & 1 ? 117 : 104;

	if (bpf_lwt_seg6_action(skb, SEG6_LOCAL_ACTION_END_DT4, &table, sizeof(table)))
		return BPF_DROP;
	return BPF_REDIRECT;
}

/* where the SRH ends, where a TLV goes after the last one */
static int srh_end(struct __sk_buff *skb)
{
	__u8 hdrlen;

	if (bpf_skb_load_bytes(skb, SRH_HDRLEN, &hdrlen, sizeof(hdrlen)))
		return -1;
	return SRH_OFF + 8 + hdrlen * 8;
}

SEC("lwt_seg6local")
int tlv_helpers(struct __sk_buff *skb)
{
	int off = srh_end(skb);

	if (off < 0 || bpf_lwt_seg6_adjust_srh(skb, off, sizeof(tlv8)) ||
	    bpf_lwt_seg6_store_bytes(skb, off, tlv8, sizeof(tlv8)))
		return BPF_DROP;
	return BPF_OK;
}

SEC("lwt_seg6local")
int tlv_kfunc(struct __sk_buff *skb)
{
	int off = srh_end(skb);
	__u8 tlv[sizeof(tlv8)];

	/* kfuncs may not read .rodata (their memory arguments count as written) */
	__builtin_memcpy(tlv, tlv8, sizeof(tlv));
	if (off < 0 || bpf_seg6_tlv_insert(skb, off, tlv, sizeof(tlv)) < 0)
		return BPF_DROP;
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
