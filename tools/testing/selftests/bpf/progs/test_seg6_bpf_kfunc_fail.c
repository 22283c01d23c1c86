// SPDX-License-Identifier: GPL-2.0
/*
 * Programs the verifier must refuse, one per prog_tests/seg6_bpf_verifier.c
 * kfunc subtest (each loaded alone): stale packet pointers after a TLV kfunc,
 * TLV kfuncs from other program types, bad kfunc arguments.  Each comes
 * with the program it differs from by the mistake, which loads.
 */
#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/in6.h>
#include <bpf/bpf_helpers.h>

#include "seg6_bpf_kfuncs.h"
#include "test_seg6_bpf.h"

static const __u8 tlv8[8] = { 124, 6, 1, 2, 3, 4, 5, 6 };

/* Read the first byte of the packet, insert a TLV, read it again: with
 * @reload the pointers are loaded again after the call.
 */
static __always_inline int read_insert_read(struct __sk_buff *skb, bool reload)
{
	__u8 *data = (void *)(long)skb->data;
	__u8 *end = (void *)(long)skb->data_end;
	__u8 tlv[8];

	__builtin_memcpy(tlv, tlv8, sizeof(tlv));
	if (data + 1 > end)
		return BPF_DROP;
	if (*data >> 4 != 6)
		return BPF_DROP;
	bpf_seg6_tlv_insert(skb, 0, tlv, sizeof(tlv));
	if (reload) {
		data = (void *)(long)skb->data;
		end = (void *)(long)skb->data_end;
		if (data + 1 > end)
			return BPF_DROP;
	}
	return *data >> 4 == 6 ? BPF_OK : BPF_DROP;
}

SEC("lwt_seg6local")
int stale_pointer(struct __sk_buff *skb)
{
	return read_insert_read(skb, false);
}

SEC("lwt_seg6local")
int reloaded_pointer(struct __sk_buff *skb)
{
	return read_insert_read(skb, true);
}

/* A global function: verified on its own, its callers only see that it
 * may change packet data.
 */
__noinline int remove_first_tlv(struct __sk_buff *skb)
{
	__u32 len = 0;
	int off;

	off = bpf_seg6_tlv_find(skb, 0, 124, &len);
	if (off < 0)
		return off;
	return bpf_seg6_tlv_remove(skb, off);
}

SEC("lwt_seg6local")
int stale_pointer_subprog(struct __sk_buff *skb)
{
	__u8 *data = (void *)(long)skb->data;
	__u8 *end = (void *)(long)skb->data_end;

	if (data + 1 > end)
		return BPF_DROP;
	remove_first_tlv(skb);
	return *data >> 4 == 6 ? BPF_OK : BPF_DROP;
}

SEC("tc")
int tc_find(struct __sk_buff *skb)
{
	__u32 len = 0;

	return bpf_seg6_tlv_find(skb, 0, 124, &len) < 0;
}

SEC("lwt_xmit")
int lwt_xmit_insert(struct __sk_buff *skb)
{
	__u8 tlv[8];

	__builtin_memcpy(tlv, tlv8, sizeof(tlv));
	return bpf_seg6_tlv_insert(skb, 0, tlv, sizeof(tlv)) < 0;
}

SEC("lwt_in")
int lwt_in_remove(struct __sk_buff *skb)
{
	return bpf_seg6_tlv_remove(skb, 80) < 0;
}

SEC("lwt_out")
int lwt_out_pop(struct __sk_buff *skb)
{
	return bpf_seg6_srh_pop(skb) < 0;
}

SEC("cgroup_skb/egress")
int cgroup_skb_ecmp(struct __sk_buff *skb)
{
	struct bpf_seg6_nexthop nhs[2];
	struct in6_addr dst = {};

	return bpf_seg6_ecmp_nexthops(skb, &dst, 0, nhs, sizeof(nhs)) >= 0;
}

SEC("lwt_seg6local")
int insert_past_buffer(struct __sk_buff *skb)
{
	__u8 tlv[8];

	__builtin_memcpy(tlv, tlv8, sizeof(tlv));
	bpf_seg6_tlv_insert(skb, 0, tlv, 16);
	return BPF_OK;
}

SEC("lwt_seg6local")
int find_null_len(struct __sk_buff *skb)
{
	bpf_seg6_tlv_find(skb, 0, 124, NULL);
	return BPF_OK;
}

/* The first 96 bytes of the packet (IPv6, an SRH with two segments and
 * its first TLV), or NULL.
 */
static __always_inline __u8 *pkt96(struct __sk_buff *skb)
{
	__u8 *data = (void *)(long)skb->data;

	if (data + 96 > (__u8 *)(long)skb->data_end)
		return NULL;
	return data;
}

SEC("lwt_seg6local")
int find_len_in_packet(struct __sk_buff *skb)
{
	__u8 *p = pkt96(skb);

	/* the SRH's last entry and flags, as the TLV length */
	if (p)
		bpf_seg6_tlv_find(skb, 0, 124, (__u32 *)(p + 44));
	return BPF_OK;
}

SEC("lwt_seg6local")
int insert_tlv_from_packet(struct __sk_buff *skb)
{
	__u8 *p = pkt96(skb);

	if (p)
		bpf_seg6_tlv_insert(skb, 0, p + 80, 8);
	return BPF_OK;
}

SEC("lwt_seg6local")
int ecmp_nhs_in_packet(struct __sk_buff *skb)
{
	struct in6_addr dst = {};
	__u8 *p = pkt96(skb);

	if (p)
		bpf_seg6_ecmp_nexthops(skb, &dst, 0, (void *)(p + 48),
				       sizeof(struct bpf_seg6_nexthop));
	return BPF_OK;
}

SEC("lwt_seg6local")
int ecmp_dst_in_packet(struct __sk_buff *skb)
{
	struct bpf_seg6_nexthop nhs[1];
	__u8 *p = pkt96(skb);

	/* the destination address, as the destination to look up */
	if (p)
		bpf_seg6_ecmp_nexthops(skb, (void *)(p + 24), 0, nhs, sizeof(nhs));
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
