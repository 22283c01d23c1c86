/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by progs/test_seg6_bpf.c and the End.BPF prog_tests. */
#ifndef __TEST_SEG6_BPF_H
#define __TEST_SEG6_BPF_H

/* What progs/test_seg6_bpf.c does with the next packet. */
enum seg6_test_mode {
	MODE_OK,
	MODE_DROP,
	MODE_REDIRECT_NO_ACTION,
	MODE_UNKNOWN_VERDICT,
	MODE_FLAGS_TAG,
	MODE_STORE_SEGLIST,
	MODE_TLV_ADD,
	MODE_TLV_BAD,
	MODE_GROW_PAST_MAX,
	MODE_END_X,
	MODE_END_T,
	MODE_END_DT6,
	MODE_END_B6,
	MODE_END_B6_ENCAP,
	MODE_TLV_REMOVE,
	MODE_EVERY_HELPER,	/* tag, TLV in and out, then End.T to @table */
	MODE_TIMESTAMPS,	/* record skb->tstamp and TAI time, BPF_OK */
	MODE_END_DX6,		/* End.DX6 to @nh6 */
};

#endif /* __TEST_SEG6_BPF_H */
