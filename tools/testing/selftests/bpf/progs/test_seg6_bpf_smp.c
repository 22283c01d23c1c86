// SPDX-License-Identifier: GPL-2.0
/*
 * End.BPF programs of prog_tests/seg6_bpf_smp.c.  Each grows the SRH by a
 * TLV naming the program, the CPU it ran on and the packet's sequence
 * number, writes the program and CPU into the tag, all through the
 * helpers, whose SRH state is per CPU; and counts its runs per CPU.
 */
#include <linux/bpf.h>
#include <linux/in6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "test_seg6_bpf.h"

#define SRH_OFF		40	/* right after the IPv6 header */
#define SRH_TAG		(SRH_OFF + 6)
#define SRH_FIRST_SEG	(SRH_OFF + 4)

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SMP_PROGS);
	__type(key, __u32);
	__type(value, __u64);
} smp_runs SEC(".maps");

static __always_inline int mark(struct __sk_buff *skb, __u32 prog)
{
	struct seg6_smp_tlv tlv = {
		.type = SMP_TLV_TYPE,
		.len = sizeof(tlv) - 2,
		.prog = prog,
		.cpu = bpf_get_smp_processor_id(),
	};
	__u16 tag = bpf_htons(prog << 8 | tlv.cpu);
	__u8 first_seg;
	__u64 *runs;
	int off;

	runs = bpf_map_lookup_elem(&smp_runs, &prog);
	if (!runs)
		return BPF_DROP;
	/* the sequence number is the packet's last 4 bytes */
	if (skb->len < 4 ||
	    bpf_skb_load_bytes(skb, SRH_FIRST_SEG, &first_seg, 1) ||
	    bpf_skb_load_bytes(skb, skb->len - 4, &tlv.seq, sizeof(tlv.seq)))
		return BPF_DROP;
	off = SRH_OFF + 8 + (first_seg + 1) * 16;
	if (bpf_lwt_seg6_adjust_srh(skb, off, sizeof(tlv)) ||
	    bpf_lwt_seg6_store_bytes(skb, off, &tlv, sizeof(tlv)) ||
	    bpf_lwt_seg6_store_bytes(skb, SRH_TAG, &tag, sizeof(tag)))
		return BPF_DROP;
	__sync_fetch_and_add(runs, 1);
	return BPF_OK;
}

SEC("lwt_seg6local")
int smp_a(struct __sk_buff *skb)
{
	return mark(skb, 0);
}

SEC("lwt_seg6local")
int smp_b(struct __sk_buff *skb)
{
	return mark(skb, 1);
}

char _license[] SEC("license") = "GPL";
