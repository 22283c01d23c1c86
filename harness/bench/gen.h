/* SPDX-License-Identifier: GPL-2.0 */
/* What seg6_gen tells its XDP program (gen.bpf.c). */
#ifndef __SEG6_GEN_H
#define __SEG6_GEN_H

#include <linux/types.h>

#define GEN_MAX_LEN	256

struct gen_cfg {
	__u32 len;		/* of @bytes, the frame */
	__u32 ifindex;		/* redirected out of */
	/* 1 frame out of @mark_every gets @mark_value at @mark_off, the
	 * others @mark_other; 0: no mark
	 */
	__u32 mark_every;
	__u32 mark_off;
	__u8 mark_value;
	__u8 mark_other;
	__u8 pad[2];
	__u8 bytes[GEN_MAX_LEN];
};

#endif /* __SEG6_GEN_H */
