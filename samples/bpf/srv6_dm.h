/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SRv6 delay measurement (samples/bpf/srv6_dm.bpf.c, samples/bpf/srv6-dm.c):
 * the probe TLV, and the maps user space and the programs share.
 *
 * The DM TLV, carried in the SRH of a probe (48 octets, so that an SRH
 * holding only it stays a multiple of 8 octets without padding):
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Type (253)   |  Length (46)  |    Version    |     Flags     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |      MBZ      |                 Session ID                    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                        Sequence Number                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                              MBZ                              |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |            T1: headend transmit timestamp (64 bits)           |
 *  |            T2: End.DM receive timestamp                       |
 *  |            T3: End.DM transmit timestamp (two-way)            |
 *  |            T4: querier receive timestamp (two-way)            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Type 253 is one of the values RFC 8754's TLV registry sets aside for
 * experiments among those that may change en route (252-254): End.DM
 * writes T2 and T3 into it.  Timestamps use RFC 8762 section 4.2.1's
 * formats: NTP (32-bit seconds since 1900, 32-bit fraction; the default)
 * or, with SRV6_DM_F_PTP, PTPv2 truncated (32-bit seconds since 1970 TAI,
 * 32-bit nanoseconds).  Fields are in network byte order.
 */
#ifndef __SRV6_DM_H
#define __SRV6_DM_H

#include <linux/types.h>
#include <linux/in6.h>

#define SRV6_DM_TLV_TYPE	253
#define SRV6_DM_VERSION		1
#define SRV6_DM_SESSION_MAX	0xffffff

/* Flags */
#define SRV6_DM_F_TWO_WAY	0x01	/* End.DM reflects the probe */
#define SRV6_DM_F_PTP		0x02	/* PTPv2 truncated timestamps */
#define SRV6_DM_F_REFLECTED	0x04	/* T2 and T3 are set */
#define SRV6_DM_F_ALL		0x07

struct srv6_dm_tlv {
	__u8 type;
	__u8 len;		/* sizeof(struct srv6_dm_tlv) - 2 */
	__u8 version;
	__u8 flags;
	__be32 session;		/* top octet must be zero */
	__be32 seq;
	__be32 mbz;
	__be64 t1, t2, t3, t4;
};

/* Most segments a headend puts in the probes' SRH. */
#define SRV6_DM_MAX_SEGS	6
#define SRV6_DM_SRH_MAX		(8 + 16 * SRV6_DM_MAX_SEGS)

/*
 * dm_flows: one per destination prefix the injector encapsulates
 * (key: struct srv6_dm_flow_key, an LPM trie).  User space writes whole
 * values; a change of @every applies from the next packet.
 */
struct srv6_dm_flow_key {
	__u32 prefixlen;
	struct in6_addr dst;
};

struct srv6_dm_flow {
	__u32 session;
	__u32 every;		/* probe 1 packet out of @every; 0: never */
	__u8 flags;		/* SRV6_DM_F_TWO_WAY, SRV6_DM_F_PTP */
	__u8 pad[3];
	__u32 srh_len;		/* of @srh: 8 + 16 * segments */
	/*
	 * Probe only packets of at most @probe_max octets (0: any), so that
	 * a probe, encapsulated with its DM TLV, still fits the MTU of the
	 * device the flow leaves through: a bigger one would be dropped on
	 * the way, and its Packet Too Big would reach the headend, not the
	 * sender.  Bigger packets are encapsulated without a TLV.
	 */
	__u32 probe_max;
	/* the SRH every packet gets, segments in SRH (reverse) order */
	__u8 srh[SRV6_DM_SRH_MAX];
};

/*
 * A program that tail-calls srv6_dm_inject may choose the flow for it
 * (a scheduler over access links does, for one): skb->cb[0] set to
 * SRV6_DM_CB_FLOW, skb->cb[1..4] the address of the flow's dm_flows key,
 * looked up as a /128.  Otherwise the injector looks up the destination.
 * An LWT program's skb->cb starts zeroed and lasts across tail calls.
 */
#define SRV6_DM_CB_FLOW		0x5e6dfc00

/* dm_counts: per session, written by the injector only. */
struct srv6_dm_count {
	__u64 packets;
	__u32 seq;		/* of the last probe sent */
	__u32 pad;
};

/* dm_sessions: what End.DM does with the probes of a session it knows. */
enum srv6_dm_then {
	SRV6_DM_THEN_NEXT,	/* remove the DM TLV, go on to the next SID */
	SRV6_DM_THEN_DECAP,	/* End.DT6 in @table */
	SRV6_DM_THEN_DROP,	/* the probe ends here (two-way querier) */
};

struct srv6_dm_session {
	__u32 then;
	__u32 table;
};

/* dm_samples ring buffer: one per probe End.DM finished measuring. */
struct srv6_dm_sample {
	__u32 session;
	__u32 seq;
	__u32 flags;
	__u32 pad;
	__u64 t[4];		/* T1..T4 as on the wire, host byte order */
};

/* dm_stats: per-CPU event counters, indexed by these. */
enum srv6_dm_stat {
	SRV6_DM_ENCAPSULATED,	/* injector: packets given an SRH */
	SRV6_DM_PROBES_SENT,	/* injector: of which probes */
	SRV6_DM_ENCAP_FAILED,	/* injector: dropped, encapsulation failed */
	SRV6_DM_PROBES_SKIPPED_MTU, /* injector: not probed, above probe_max */
	SRV6_DM_PASSED,		/* End.DM: packets without a DM TLV */
	SRV6_DM_SAMPLED,	/* End.DM: samples emitted */
	SRV6_DM_REFLECTED,	/* End.DM: two-way probes sent back */
	SRV6_DM_MALFORMED,	/* End.DM: bad DM TLV, taken out, forwarded */
	SRV6_DM_UNKNOWN_SESSION, /* End.DM: session not configured, the same */
	SRV6_DM_SAMPLES_LOST,	/* End.DM: ring buffer full */
	SRV6_DM_FORWARD_FAILED,	/* End.DM: TLV removal or decap failed */
	SRV6_DM_NR_STATS,
};

#endif /* __SRV6_DM_H */
