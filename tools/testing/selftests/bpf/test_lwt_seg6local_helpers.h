/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __TEST_LWT_SEG6LOCAL_HELPERS_H
#define __TEST_LWT_SEG6LOCAL_HELPERS_H

/* The UDP payload: the lengths of the two bpf_lwt_seg6_adjust_srh() calls
 * at the end of the SRH (no second call when 0).  The store_bytes program
 * does not read it.
 */
struct adjust_srh_req {
	__s32 first;
	__s32 second;
};

#endif
