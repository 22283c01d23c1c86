// SPDX-License-Identifier: GPL-2.0
/*
 * End.BPF program of prog_tests/seg6_bpf.c.  User space picks what it does
 * with @mode before sending a packet and reads the helpers' return codes
 * back from @rc.  Test packets carry their SRH right after the IPv6 header.
 */
#include <linux/bpf.h>
#include <linux/in6.h>
#include <linux/seg6_local.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "seg6_bpf_kfuncs.h"
#include "test_seg6_bpf.h"

#define SRH_OFF		40	/* right after the IPv6 header */
#define SRH_FLAGS	(SRH_OFF + 5)
#define SRH_TAG		(SRH_OFF + 6)
#define SRH_HDRLEN	(SRH_OFF + 1)
#define SRH_FIRST_SEG	(SRH_OFF + 4)

int mode;
long rc[3];
int runs;
int other_runs;
int helper_errors;
__u64 rx_tstamp;
__u64 tai_ns;
struct in6_addr nh6;
struct in6_addr seen_daddr;
__u32 nh4;	/* network byte order */
__u32 table;
__u32 oif;
/* MODE_GROW_72: runs that saw another packet or metadata than the first */
int runs_differing;
__u32 grown_len;
/* SRH of End.B6 / End.B6.Encaps: two segments, filled by user space. */
__u8 b6_srh[40];

static __always_inline int tlv_start(struct __sk_buff *skb)
{
	__u8 first_seg;

	if (bpf_skb_load_bytes(skb, SRH_FIRST_SEG, &first_seg, 1))
		return -1;
	return SRH_OFF + 8 + (first_seg + 1) * 16;
}

/* A TLV in and out again through the kfuncs: the offset it went to must
 * be where it is found.
 */
static __always_inline int tlv_kfuncs_round_trip(struct __sk_buff *skb)
{
	__u8 tlv[8] = { 126, 6, 6, 5, 4, 3, 2, 1 };
	__u32 len = 0;
	int off;

	off = bpf_seg6_tlv_insert(skb, 0, tlv, sizeof(tlv));
	if (off < 0 || bpf_seg6_tlv_find(skb, off, 126, &len) != off || len != 8)
		return -1;
	return bpf_seg6_tlv_remove(skb, off);
}

/* Each helper and SRH kfunc once on a packet that must go on unchanged
 * but for its tag (and the least padding); a call that fails drops the
 * packet (and counts in @helper_errors).
 */
static __always_inline int every_helper(struct __sk_buff *skb)
{
	__u8 tlv[8] = { 124, 6, 1, 2, 3, 4, 5, 6 };
	__u16 tag = bpf_htons(0xbeef);
	int off = tlv_start(skb);

	if (off < 0 ||
	    bpf_lwt_seg6_store_bytes(skb, SRH_TAG, &tag, sizeof(tag)) ||
	    bpf_lwt_seg6_adjust_srh(skb, off, 8) ||
	    bpf_lwt_seg6_store_bytes(skb, off, tlv, sizeof(tlv)) ||
	    bpf_lwt_seg6_adjust_srh(skb, off, -8) ||
	    tlv_kfuncs_round_trip(skb) ||
	    bpf_lwt_seg6_action(skb, SEG6_LOCAL_ACTION_END_T, &table, 4)) {
		helper_errors++;
		return BPF_DROP;
	}
	return BPF_REDIRECT;
}

/* Grow the SRH by a 72-byte PadN, more than test_run's headroom, and check
 * that each run sees what the first saw: no mark nor priority of the run
 * before, a growth that succeeds, the same length after it.
 */
static __always_inline int grow_72(struct __sk_buff *skb)
{
	__u8 padn[2] = { 4, 70 };
	int off = tlv_start(skb);

	if (off < 0)
		return BPF_DROP;
	if (skb->mark || skb->priority ||
	    bpf_lwt_seg6_adjust_srh(skb, off, 72) ||
	    bpf_lwt_seg6_store_bytes(skb, off, padn, 2) ||
	    (grown_len && skb->len != grown_len))
		runs_differing++;
	grown_len = skb->len;
	skb->mark = 1;
	skb->priority = 1;
	return BPF_OK;
}

SEC("lwt_seg6local")
int seg6_test(struct __sk_buff *skb)
{
	/* an 8-byte TLV: type 124 (experimental), length 6 */
	__u8 tlv[8] = { 124, 6, 1, 2, 3, 4, 5, 6 };
	__u8 bad_tlv[2] = { 124, 250 };
	__u8 flags_tag[3] = { 0x01, 0x12, 0x34 };
	__u8 zeros[8] = {};
	int off;

	runs++;
	switch (mode) {
	case MODE_OK:
		return BPF_OK;
	case MODE_DROP:
		return BPF_DROP;
	case MODE_REDIRECT_NO_ACTION:
		return BPF_REDIRECT;
	case MODE_UNKNOWN_VERDICT:
		return 42;
	case MODE_FLAGS_TAG:
		rc[0] = bpf_lwt_seg6_store_bytes(skb, SRH_FLAGS, flags_tag, 3);
		return BPF_OK;
	case MODE_STORE_SEGLIST:
		/* the last 8 bytes of the segment list */
		off = tlv_start(skb);
		if (off < 0)
			return BPF_DROP;
		rc[0] = bpf_lwt_seg6_store_bytes(skb, off - 8, zeros, 8);
		return BPF_OK;
	case MODE_TLV_ADD:
		off = tlv_start(skb);
		if (off < 0)
			return BPF_DROP;
		rc[0] = bpf_lwt_seg6_adjust_srh(skb, off, 8);
		rc[1] = bpf_lwt_seg6_store_bytes(skb, off, tlv, 8);
		return BPF_OK;
	case MODE_TLV_REMOVE:
		off = tlv_start(skb);
		if (off < 0)
			return BPF_DROP;
		rc[0] = bpf_lwt_seg6_adjust_srh(skb, off, -8);
		return BPF_OK;
	case MODE_TLV_BAD:
		off = tlv_start(skb);
		if (off < 0)
			return BPF_DROP;
		rc[0] = bpf_lwt_seg6_adjust_srh(skb, off, 8);
		rc[1] = bpf_lwt_seg6_store_bytes(skb, off, bad_tlv, 2);
		return BPF_OK;
	case MODE_GROW_PAST_MAX:
		off = tlv_start(skb);
		if (off < 0)
			return BPF_DROP;
		rc[0] = bpf_lwt_seg6_adjust_srh(skb, off, 2048);
		if (!rc[0])	/* kernels without the cap: undo */
			rc[1] = bpf_lwt_seg6_adjust_srh(skb, off, -2048);
		return BPF_OK;
	case MODE_END_X:
		rc[0] = bpf_lwt_seg6_action(skb, SEG6_LOCAL_ACTION_END_X, &nh6, 16);
		return BPF_REDIRECT;
	case MODE_END_T:
		rc[0] = bpf_lwt_seg6_action(skb, SEG6_LOCAL_ACTION_END_T, &table, 4);
		return BPF_REDIRECT;
	case MODE_END_DX6:
		rc[0] = bpf_lwt_seg6_action(skb, SEG6_LOCAL_ACTION_END_DX6, &nh6, 16);
		return BPF_REDIRECT;
	case MODE_END_DX4:
		rc[0] = bpf_lwt_seg6_action(skb, SEG6_LOCAL_ACTION_END_DX4, &nh4, 4);
		return BPF_REDIRECT;
	case MODE_END_DT4:
		rc[0] = bpf_lwt_seg6_action(skb, SEG6_LOCAL_ACTION_END_DT4, &table, 4);
		return BPF_REDIRECT;
	case MODE_END_DT46:
		rc[0] = bpf_lwt_seg6_action(skb, SEG6_LOCAL_ACTION_END_DT46, &table, 4);
		return BPF_REDIRECT;
	case MODE_END_DX2:
		rc[0] = bpf_lwt_seg6_action(skb, SEG6_LOCAL_ACTION_END_DX2, &oif, 4);
		return BPF_REDIRECT;
	case MODE_DX4_THEN_OK:
		rc[0] = bpf_lwt_seg6_action(skb, SEG6_LOCAL_ACTION_END_DX4, &nh4, 4);
		return BPF_OK;
	case MODE_DX4_THEN_END_X:
		rc[0] = bpf_lwt_seg6_action(skb, SEG6_LOCAL_ACTION_END_DX4, &nh4, 4);
		rc[1] = bpf_lwt_seg6_action(skb, SEG6_LOCAL_ACTION_END_X, &nh6, 16);
		return BPF_REDIRECT;
	case MODE_END_DT6:
		rc[0] = bpf_lwt_seg6_action(skb, SEG6_LOCAL_ACTION_END_DT6, &table, 4);
		return BPF_REDIRECT;
	case MODE_END_B6:
		rc[0] = bpf_lwt_seg6_action(skb, SEG6_LOCAL_ACTION_END_B6, b6_srh, 40);
		return BPF_REDIRECT;
	case MODE_END_B6_ENCAP:
		rc[0] = bpf_lwt_seg6_action(skb, SEG6_LOCAL_ACTION_END_B6_ENCAP, b6_srh, 40);
		return BPF_REDIRECT;
	case MODE_EVERY_HELPER:
		return every_helper(skb);
	case MODE_RECORD_DADDR:
		bpf_skb_load_bytes(skb, 24, &seen_daddr, sizeof(seen_daddr));
		return BPF_OK;
	case MODE_GROW_72:
		return grow_72(skb);
	case MODE_TIMESTAMPS:
		rx_tstamp = skb->tstamp;
		tai_ns = bpf_ktime_get_tai_ns();
		return BPF_OK;
	}
	return BPF_DROP;
}

/* Another program, for routes that must differ only by their program. */
SEC("lwt_seg6local")
int seg6_test_other(struct __sk_buff *skb)
{
	other_runs++;
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
