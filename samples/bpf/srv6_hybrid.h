/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SRv6 hybrid access (samples/bpf/srv6_hybrid.bpf.c, samples/bpf/srv6-hybrid.c):
 * the maps user space and the programs share.
 *
 * A sender (the CPE upstream, the aggregation node downstream) spreads the
 * packets of one aggregate over up to SRV6_HYBRID_MAX_LINKS access links,
 * in proportion to their weights.  Link i's packets get the SRH
 * <link SID i, decap SID>: the link SID is an address of the far end
 * routed over that access link, and its End.BPF marks the packet with the
 * link it came by; the decap SID is the far end's End.DT6.
 */
#ifndef __SRV6_HYBRID_H
#define __SRV6_HYBRID_H

#include <linux/types.h>
#include <linux/in6.h>

#define SRV6_HYBRID_MAX_LINKS	4

/*
 * The far end marks the packets it received on link i with
 * SRV6_HYBRID_MARK | i, for the compensation program on its egress.
 */
#define SRV6_HYBRID_MARK	0x5e6b0000
#define SRV6_HYBRID_MARK_MASK	0xffff0000

/*
 * hybrid_cfg[0], the sender's links.  A link with weight 0 is not used.
 * User space writes whole values and bumps @gen, which restarts the
 * scheduler from an even start on every CPU.
 */
struct srv6_hybrid_link {
	__u32 weight;
	__u32 pad;
	/* the link SID: its dm_flows entry (srv6_dm.h) holds the SRH */
	struct in6_addr sid;
};

struct srv6_hybrid_cfg {
	__u32 gen;
	__u32 pad;
	struct srv6_hybrid_link link[SRV6_HYBRID_MAX_LINKS];
};

/* hybrid_wrr_state: per CPU, what the scheduler has sent so far. */
struct srv6_hybrid_wrr {
	__u32 gen;
	__u32 pad;
	/* bytes sent on link i over its weight, scaled (virtual time) */
	__u64 vtime[SRV6_HYBRID_MAX_LINKS];
};

/* hybrid_link_stats: per CPU, per link. */
struct srv6_hybrid_link_stats {
	__u64 tx_packets, tx_bytes;	/* sender: scheduled on the link */
	__u64 rx_packets, rx_bytes;	/* far end: arrived by the link */
	__u64 delayed;			/* far end: packets held back */
};

/* hybrid_sids: far end, link SID -> link index (key: the SID). */

/* hybrid_delay: far end, per link, how long its packets are held back. */

/* hybrid_stats: per-CPU drop counters, indexed by these. */
enum srv6_hybrid_stat {
	SRV6_HYBRID_NO_LINK,		/* sender: no link has a weight */
	SRV6_HYBRID_TAIL_CALL_FAILED,	/* a measurement program is missing */
	SRV6_HYBRID_UNKNOWN_SID,	/* far end: End.BPF at a SID not in hybrid_sids */
	SRV6_HYBRID_NR_STATS,
};

#endif /* __SRV6_HYBRID_H */
