/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ECMP-aware SRv6 network discovery (samples/bpf/srv6_oamp.bpf.c,
 * samples/bpf/segtrace.c): the TLVs a probe carries in its SRH, and the
 * statistics End.OAMP keeps.
 *
 * A probe is a UDP datagram that the querier sends to itself through a
 * segment list ending at the node it asks, then the End.OAMP SID, then the
 * querier again (the final segment).  Its SRH carries a request TLV:
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Type (124)   |  Length (22)  |      MBZ      |      MBZ      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                           Probe ID                            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 Target (IPv6 address, 128 bits)               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * End.OAMP answers in the same SRH with a reply TLV, then forwards the
 * probe as End does, back to the querier:
 *
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Type (254)   |    Length     |    Status     |   Hop Limit   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   Next Hops   |    Entries    |              MBZ              |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                           Probe ID                            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Entries times: gateway (128 bits), ifindex (32), weight (16),  |
 *  |  RTNH_F_* flags (16)                                            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Next Hops is how many the route has, Entries how many follow (at most
 * SRV6_OAMP_MAX_NH).  Hop Limit is the probe's on arrival at End.OAMP:
 * the querier checks that the node it meant answered, not one further on.
 * Type 124 is among the RFC 8754 registry's experimental types that do not
 * change en route (124-126), 254 among those that may (252-254): the reply
 * is added on the way.  Fields are in network byte order.
 */
#ifndef __SRV6_OAMP_H
#define __SRV6_OAMP_H

#include <linux/types.h>
#include <linux/in6.h>

#define SRV6_OAMP_REQ_TYPE	124
#define SRV6_OAMP_REPLY_TYPE	254

/* Most next hops a reply lists: a TLV's length is one octet. */
#define SRV6_OAMP_MAX_NH	8

/* Reply status */
enum srv6_oamp_status {
	SRV6_OAMP_ROUTE = 0,	/* next hops of the route to the target */
	SRV6_OAMP_LOCAL = 1,	/* the target is an address of this node */
	SRV6_OAMP_NO_ROUTE = 2,	/* no route to the target */
};

struct srv6_oamp_req {
	__u8 type;
	__u8 len;		/* sizeof(struct srv6_oamp_req) - 2 */
	__u8 mbz[2];
	__be32 id;
	struct in6_addr target;
};

struct srv6_oamp_nh {
	struct in6_addr gw;	/* :: when the target is on the link */
	__be32 ifindex;		/* in the responder's namespace */
	__be16 weight;
	__be16 flags;		/* RTNH_F_DEAD, RTNH_F_LINKDOWN, ... */
};

struct srv6_oamp_reply {
	__u8 type;
	__u8 len;		/* 10 + entries * sizeof(struct srv6_oamp_nh) */
	__u8 status;
	__u8 hop_limit;
	__u8 nexthops;
	__u8 entries;
	__u8 mbz[2];
	__be32 id;
	struct srv6_oamp_nh nh[SRV6_OAMP_MAX_NH];
};

#define SRV6_OAMP_REPLY_HDR	12	/* octets before nh[] */

/* Counters of End.OAMP, in the per-CPU array oamp_stats. */
enum srv6_oamp_stat {
	SRV6_OAMP_STAT_PASSED,		/* not a probe: forwarded as End */
	SRV6_OAMP_STAT_REPLIED,		/* probes answered */
	SRV6_OAMP_STAT_MALFORMED,	/* bad request TLV: dropped */
	SRV6_OAMP_STAT_FAILED,		/* no room for the reply: dropped */
	SRV6_OAMP_NR_STATS,
};

#endif /* __SRV6_OAMP_H */
