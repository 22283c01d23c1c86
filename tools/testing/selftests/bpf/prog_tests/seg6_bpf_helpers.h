/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the End.BPF prog_tests: install seg6local End.BPF routes for
 * a program fd over rtnetlink (with the kernel's extack message back),
 * craft SRv6 packets, and capture what comes out of an endpoint.
 */
#ifndef __SEG6_BPF_HELPERS_H
#define __SEG6_BPF_HELPERS_H

#include <arpa/inet.h>
#include <poll.h>
#include <linux/if_packet.h>
#include <linux/ipv6.h>
#include <linux/seg6.h>
#include <linux/seg6_local.h>
#include <linux/lwtunnel.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/udp.h>
#include <net/ethernet.h>

#include <linux/compiler.h>

#include "test_progs.h"
#include "network_helpers.h"

/*
 * How many rounds a heavy loop (fuzz, churn, program replacements) makes:
 * @ci by default, within what BPF CI's time budget allows; @full with
 * SEG6_HEAVY=1 in the environment, for a longer hunt.
 */
static inline int seg6_rounds(int ci, int full)
{
	const char *heavy = getenv("SEG6_HEAVY");

	return heavy && atoi(heavy) > 0 ? full : ci;
}

/* What a test puts in SEG6_LOCAL_BPF; NULL/negative leaves a field out. */
struct seg6_bpf_route {
	const char *sid;	/* prefix, /128 unless @sid_len */
	__u8 sid_len;
	const char *dev;
	__u32 table;		/* 0: main */
	int prog_fd;		/* < 0: no SEG6_LOCAL_BPF_PROG */
	const char *name;	/* NULL: no SEG6_LOCAL_BPF_PROG_NAME */
	int name_len;		/* attribute length, 0: strlen(name) + 1 */
	bool counters;		/* SEG6_LOCAL_COUNTERS */
	bool extra_table_attr;	/* SEG6_LOCAL_TABLE, which End.BPF ignores */
	bool no_bpf_attr;	/* leave SEG6_LOCAL_BPF out altogether */
	__u16 nl_flags;		/* NLM_F_EXCL unless set */
	bool flavors;		/* SEG6_LOCAL_FLAVORS with the three below */
	bool flv_no_op;		/* ... but without SEG6_LOCAL_FLV_OPERATION */
	__u32 flv_ops;		/* BIT(SEG6_LOCAL_FLV_OP_*) */
	__u8 lblen, nflen;	/* next-csid lengths, 0: the kernel's default */
};

struct seg6_nl_req {
	struct nlmsghdr nh;
	struct rtmsg rt;
	char attrs[2048];
};

static inline struct rtattr *seg6_nl_put(struct nlmsghdr *nh, int type,
					 const void *data, int len)
{
	struct rtattr *rta = (void *)nh + NLMSG_ALIGN(nh->nlmsg_len);

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
	return rta;
}

static inline void seg6_nl_end(struct nlmsghdr *nh, struct rtattr *nest)
{
	nest->rta_len = (void *)nh + nh->nlmsg_len - (void *)nest;
}

/* Send @req and wait for its ack.  Returns 0 or -errno, with the extack
 * message (if any) in @msg.
 */
static inline int seg6_nl_talk(struct nlmsghdr *req, char *msg, size_t msglen)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, fd, err = -EIO;
	char buf[4096];
	ssize_t n;

	msg[0] = '\0';
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	req->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (sendto(fd, req, req->nlmsg_len, 0, (void *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		goto out;
	}
	n = recv(fd, buf, sizeof(buf), 0);
	if (n >= (ssize_t)NLMSG_HDRLEN + (ssize_t)sizeof(struct nlmsgerr)) {
		struct nlmsghdr *nh = (void *)buf;
		struct nlmsgerr *e = NLMSG_DATA(nh);
		int off = NLMSG_HDRLEN + sizeof(*e);
		struct rtattr *rta;
		int len;

		err = e->error;
		/* With NLM_F_CAPPED unset the request is echoed back. */
		if (!(nh->nlmsg_flags & NLM_F_CAPPED))
			off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
		rta = (void *)buf + off;
		len = nh->nlmsg_len - off;
		for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
			if (rta->rta_type == NLMSGERR_ATTR_MSG)
				snprintf(msg, msglen, "%s", (char *)RTA_DATA(rta));
	}
out:
	close(fd);
	return err;
}

/* Add (or, with nl_flags, replace/append) a seg6local End.BPF route. */
static inline int seg6_bpf_route_add(const struct seg6_bpf_route *r,
				     char *msg, size_t msglen)
{
	struct seg6_nl_req req = {};
	struct rtattr *encap, *bpf;
	struct in6_addr sid;
	__u16 type = LWTUNNEL_ENCAP_SEG6_LOCAL;
	__u32 action = SEG6_LOCAL_ACTION_END_BPF;
	int oif = if_nametoindex(r->dev);

	if (inet_pton(AF_INET6, r->sid, &sid) != 1 || !oif)
		return -EINVAL;
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	req.nh.nlmsg_type = RTM_NEWROUTE;
	req.nh.nlmsg_flags = NLM_F_CREATE | (r->nl_flags ?: NLM_F_EXCL);
	req.rt.rtm_family = AF_INET6;
	req.rt.rtm_dst_len = r->sid_len ?: 128;
	req.rt.rtm_table = RT_TABLE_MAIN;
	req.rt.rtm_protocol = RTPROT_BOOT;
	req.rt.rtm_scope = RT_SCOPE_UNIVERSE;
	req.rt.rtm_type = RTN_UNICAST;
	seg6_nl_put(&req.nh, RTA_DST, &sid, sizeof(sid));
	seg6_nl_put(&req.nh, RTA_OIF, &oif, sizeof(oif));
	if (r->table)
		seg6_nl_put(&req.nh, RTA_TABLE, &r->table, sizeof(r->table));
	seg6_nl_put(&req.nh, RTA_ENCAP_TYPE, &type, sizeof(type));
	encap = seg6_nl_put(&req.nh, RTA_ENCAP | NLA_F_NESTED, NULL, 0);
	seg6_nl_put(&req.nh, SEG6_LOCAL_ACTION, &action, sizeof(action));
	if (!r->no_bpf_attr) {
		bpf = seg6_nl_put(&req.nh, SEG6_LOCAL_BPF | NLA_F_NESTED, NULL, 0);
		if (r->prog_fd >= 0)
			seg6_nl_put(&req.nh, SEG6_LOCAL_BPF_PROG, &r->prog_fd,
				    sizeof(__u32));
		if (r->name)
			seg6_nl_put(&req.nh, SEG6_LOCAL_BPF_PROG_NAME, r->name,
				    r->name_len ?: strlen(r->name) + 1);
		seg6_nl_end(&req.nh, bpf);
	}
	if (r->counters) {
		/* the kernel wants all three counters named, values ignored */
		struct rtattr *cnt = seg6_nl_put(&req.nh, SEG6_LOCAL_COUNTERS | NLA_F_NESTED,
						 NULL, 0);
		__u64 zero = 0;

		seg6_nl_put(&req.nh, SEG6_LOCAL_CNT_PACKETS, &zero, sizeof(zero));
		seg6_nl_put(&req.nh, SEG6_LOCAL_CNT_BYTES, &zero, sizeof(zero));
		seg6_nl_put(&req.nh, SEG6_LOCAL_CNT_ERRORS, &zero, sizeof(zero));
		seg6_nl_end(&req.nh, cnt);
	}
	if (r->flavors) {
		struct rtattr *flv = seg6_nl_put(&req.nh, SEG6_LOCAL_FLAVORS | NLA_F_NESTED,
						 NULL, 0);

		if (!r->flv_no_op)
			seg6_nl_put(&req.nh, SEG6_LOCAL_FLV_OPERATION, &r->flv_ops,
				    sizeof(r->flv_ops));
		if (r->lblen)
			seg6_nl_put(&req.nh, SEG6_LOCAL_FLV_LCBLOCK_BITS, &r->lblen, 1);
		if (r->nflen)
			seg6_nl_put(&req.nh, SEG6_LOCAL_FLV_LCNODE_FN_BITS, &r->nflen, 1);
		seg6_nl_end(&req.nh, flv);
	}
	if (r->extra_table_attr) {
		__u32 t = 100;

		seg6_nl_put(&req.nh, SEG6_LOCAL_TABLE, &t, sizeof(t));
	}
	seg6_nl_end(&req.nh, encap);
	return seg6_nl_talk(&req.nh, msg, msglen);
}

/* seg6_bpf_route_add() in netns @ns */
static inline int seg6_bpf_route_add_in(const char *ns,
					const struct seg6_bpf_route *r,
					char *msg, size_t msglen)
{
	struct nstoken *tok = open_netns(ns);
	int err;

	if (!ASSERT_OK_PTR(tok, ns))
		return -1;
	err = seg6_bpf_route_add(r, msg, msglen);
	close_netns(tok);
	return err;
}

/* A UDP datagram behind an SRH: segments[0] is the last segment. */
#define SEG6_TEST_MAX_SEGS	4
#define SEG6_TEST_MARK		"seg6bpf!"

struct seg6_test_pkt {
	struct ipv6hdr ip6;
	struct ipv6_sr_hdr srh;
	struct in6_addr segs[SEG6_TEST_MAX_SEGS];
} __packed;

struct seg6_test_payload {
	char mark[8];
	__u32 seq;
} __packed;

static inline void seg6_addr(struct in6_addr *a, const char *s)
{
	inet_pton(AF_INET6, s, a);
}

/*
 * Build in @buf: IPv6 from @src to the active segment, an SRH with
 * @nsegs segments (@segs in travel order, first one active) and
 * segments left @nsegs - 1, then @inner (@inner_len bytes, of protocol
 * @proto).  Returns the packet length.
 */
static inline size_t seg6_build(void *buf, const char *src, const char * const *segs,
				int nsegs, __u8 proto, const void *inner,
				size_t inner_len)
{
	struct ipv6hdr *ip6 = buf;
	struct ipv6_sr_hdr *srh = (void *)(ip6 + 1);
	size_t srh_len = sizeof(*srh) + nsegs * sizeof(struct in6_addr);
	int i;

	memset(buf, 0, sizeof(*ip6) + srh_len);
	ip6->version = 6;
	ip6->hop_limit = 64;
	ip6->nexthdr = IPPROTO_ROUTING;
	ip6->payload_len = htons(srh_len + inner_len);
	seg6_addr(&ip6->saddr, src);
	srh->nexthdr = proto;
	srh->hdrlen = nsegs * 2;
	srh->type = IPV6_SRCRT_TYPE_4;
	srh->segments_left = nsegs - 1;
	srh->first_segment = nsegs - 1;
	for (i = 0; i < nsegs; i++)
		seg6_addr(&srh->segments[nsegs - 1 - i], segs[i]);
	ip6->daddr = srh->segments[nsegs - 1];
	memcpy((char *)buf + sizeof(*ip6) + srh_len, inner, inner_len);
	return sizeof(*ip6) + srh_len + inner_len;
}

/* In @buf, the 40-byte SRH <fc00::ff, @last> of End.B6 and End.B6.Encaps
 * (first segment active).
 */
static inline void seg6_b6_srh(void *buf, const char *last)
{
	struct ipv6_sr_hdr *srh = buf;

	memset(srh, 0, sizeof(*srh) + 2 * sizeof(struct in6_addr));
	srh->hdrlen = 4;
	srh->type = IPV6_SRCRT_TYPE_4;
	srh->segments_left = 1;
	srh->first_segment = 1;
	seg6_addr(&srh->segments[0], "fc00::ff");
	seg6_addr(&srh->segments[1], last);
}

/* UDP header + marked payload carrying @seq (checksum left 0: nobody
 * delivers it to a socket; captures match on the payload).
 */
static inline size_t seg6_udp(void *buf, __u32 seq)
{
	struct udphdr *udp = buf;
	struct seg6_test_payload *pl = (void *)(udp + 1);

	memset(udp, 0, sizeof(*udp));
	udp->source = htons(4242);
	udp->dest = htons(4243);
	udp->len = htons(sizeof(*udp) + sizeof(*pl));
	memcpy(pl->mark, SEG6_TEST_MARK, sizeof(pl->mark));
	pl->seq = htonl(seq);
	return sizeof(*udp) + sizeof(*pl);
}

/* A plain IPv6/UDP packet from @src to @dst carrying the test payload of
 * @seq (no extension header).  Returns its length.
 */
static inline size_t seg6_ipv6_udp(void *buf, const char *src, const char *dst,
				   __u32 seq)
{
	struct ipv6hdr *ip6 = buf;
	size_t ulen;

	memset(ip6, 0, sizeof(*ip6));
	ulen = seg6_udp(ip6 + 1, seq);
	ip6->version = 6;
	ip6->hop_limit = 64;
	ip6->nexthdr = IPPROTO_UDP;
	ip6->payload_len = htons(ulen);
	seg6_addr(&ip6->saddr, src);
	seg6_addr(&ip6->daddr, dst);
	return sizeof(*ip6) + ulen;
}

/* The IPv4 header checksum of @ip (its check field zero). */
static inline __u16 seg6_ip_csum(const struct iphdr *ip)
{
	const __u16 *w = (const __u16 *)ip;
	__u32 sum = 0;
	int i;

	for (i = 0; i < ip->ihl * 2; i++)
		sum += w[i];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/* A plain IPv4/UDP packet from @src to @dst carrying the test payload of
 * @seq, with a valid header checksum.  Returns its length.
 */
static inline size_t seg6_ipv4_udp(void *buf, const char *src, const char *dst,
				   __u32 seq)
{
	struct iphdr *ip = buf;
	size_t ulen;

	memset(ip, 0, sizeof(*ip));
	ulen = seg6_udp(ip + 1, seq);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(sizeof(*ip) + ulen);
	inet_pton(AF_INET, src, &ip->saddr);
	inet_pton(AF_INET, dst, &ip->daddr);
	ip->check = seg6_ip_csum(ip);
	return sizeof(*ip) + ulen;
}

/* Send a complete IPv6 packet from the current netns. */
static inline int seg6_send(const void *pkt, size_t len)
{
	struct sockaddr_in6 dst = { .sin6_family = AF_INET6 };
	const struct ipv6hdr *ip6 = pkt;
	int fd, err = 0;

	fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd < 0)
		return -errno;
	dst.sin6_addr = ip6->daddr;
	if (sendto(fd, pkt, len, 0, (void *)&dst, sizeof(dst)) != (ssize_t)len)
		err = -errno;
	close(fd);
	return err;
}

/* An AF_PACKET socket of @type (SOCK_DGRAM: from the network header,
 * SOCK_RAW: whole frames) for @proto on @dev of the current netns, for
 * seg6_capture().
 */
static inline int seg6_capture_open_proto(const char *dev, int type, int proto)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(proto),
		.sll_ifindex = if_nametoindex(dev),
	};
	int fd;

	fd = socket(AF_PACKET, type | SOCK_CLOEXEC, htons(proto));
	if (fd < 0)
		return -errno;
	if (bind(fd, (void *)&sll, sizeof(sll))) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* IPv6 packets on @dev of the current netns, for seg6_capture(). */
static inline int seg6_capture_open(const char *dev)
{
	return seg6_capture_open_proto(dev, SOCK_DGRAM, ETH_P_IPV6);
}

/*
 * The three-namespace line of the data-path tests:
 *
 *   src (s0 fd01::1) --- (r0 fd01::2) sr (r1 fd02::1) --- (d0 fd02::2) dst
 *
 * src routes fc00::/16 to sr, which forwards; each test adds its SID and
 * the routes of its final segments in sr.
 */
struct seg6_topo {
	const char *src, *sr, *dst;
};

static inline int seg6_topo_setup(const struct seg6_topo *t)
{
	SYS(fail, "ip netns add %s", t->src);
	SYS(fail, "ip netns add %s", t->sr);
	SYS(fail, "ip netns add %s", t->dst);
	SYS(fail, "ip link add s0 netns %s type veth peer name r0 netns %s", t->src, t->sr);
	SYS(fail, "ip link add r1 netns %s type veth peer name d0 netns %s", t->sr, t->dst);
	SYS(fail, "ip -n %s addr add fd01::1/64 dev s0 nodad", t->src);
	SYS(fail, "ip -n %s addr add fd01::2/64 dev r0 nodad", t->sr);
	SYS(fail, "ip -n %s addr add fd02::1/64 dev r1 nodad", t->sr);
	SYS(fail, "ip -n %s addr add fd02::2/64 dev d0 nodad", t->dst);
	SYS(fail, "ip -n %s link set s0 up", t->src);
	SYS(fail, "ip -n %s link set r0 up", t->sr);
	SYS(fail, "ip -n %s link set r1 up", t->sr);
	SYS(fail, "ip -n %s link set d0 up", t->dst);
	SYS(fail, "ip netns exec %s sysctl -qw net.ipv6.conf.all.forwarding=1", t->sr);
	SYS(fail, "ip -n %s -6 route add fc00::/16 via fd01::2", t->src);
	/* resolve neighbours once so that no test waits for NDP */
	SYS(fail, "ip netns exec %s ping -6 -c1 -W5 fd01::2 >/dev/null", t->src);
	SYS(fail, "ip netns exec %s ping -6 -c1 -W5 fd02::2 >/dev/null", t->sr);
	return 0;
fail:
	return -1;
}

static inline void seg6_topo_cleanup(const struct seg6_topo *t)
{
	SYS_NOFAIL("ip netns del %s", t->src);
	SYS_NOFAIL("ip netns del %s", t->sr);
	SYS_NOFAIL("ip netns del %s", t->dst);
}

/* Send a complete IPv6 packet from netns @ns. */
static inline int seg6_send_from(const char *ns, const void *pkt, size_t len)
{
	struct nstoken *tok = open_netns(ns);
	int err;

	if (!ASSERT_OK_PTR(tok, ns))
		return -1;
	err = seg6_send(pkt, len);
	close_netns(tok);
	return err;
}

/* seg6_capture_open_proto() on @dev of netns @ns */
static inline int seg6_capture_open_proto_in(const char *ns, const char *dev,
					     int type, int proto)
{
	struct nstoken *tok = open_netns(ns);
	int fd;

	if (!ASSERT_OK_PTR(tok, ns))
		return -1;
	fd = seg6_capture_open_proto(dev, type, proto);
	close_netns(tok);
	return fd;
}

/* seg6_capture_open() on @dev of netns @ns */
static inline int seg6_capture_open_in(const char *ns, const char *dev)
{
	return seg6_capture_open_proto_in(ns, dev, SOCK_DGRAM, ETH_P_IPV6);
}

/* The index of interface @dev in netns @ns, 0 if there is none. */
static inline int seg6_ifindex_in(const char *ns, const char *dev)
{
	struct nstoken *tok = open_netns(ns);
	int ifindex;

	if (!ASSERT_OK_PTR(tok, ns))
		return 0;
	ifindex = if_nametoindex(dev);
	close_netns(tok);
	return ifindex;
}

/* The packets and errors counters of route @sid in netns @ns (counters
 * on); 0, or -1 with both -1 when the route shows none.
 */
static inline int seg6_route_counters(const char *ns, const char *sid,
				      long *packets, long *errors)
{
	char cmd[128], line[512], *s;
	FILE *p;

	*packets = *errors = -1;
	snprintf(cmd, sizeof(cmd), "ip -n %s -s -6 route show %s", ns, sid);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		s = strstr(line, "packets ");
		if (s)
			*packets = strtol(s + 8, NULL, 10);
		s = strstr(line, "errors ");
		if (s)
			*errors = strtol(s + 7, NULL, 10);
	}
	pclose(p);
	if (*packets < 0 || *errors < 0) {
		*packets = *errors = -1;
		return -1;
	}
	return 0;
}

/* The errors counter of route @sid in netns @ns (counters on), or -1 */
static inline long seg6_route_errors(const char *ns, const char *sid)
{
	long packets, errors;

	seg6_route_counters(ns, sid, &packets, &errors);
	return errors;
}

/* Does @pkt (an IPv6 packet) end with the test payload of @seq? */
static inline bool seg6_is_ours(const void *pkt, size_t len, __u32 seq)
{
	const struct seg6_test_payload *pl;

	if (len < sizeof(*pl))
		return false;
	pl = (const void *)((const char *)pkt + len - sizeof(*pl));
	return !memcmp(pl->mark, SEG6_TEST_MARK, sizeof(pl->mark)) &&
	       ntohl(pl->seq) == seq;
}

/* Drop what @fd has queued: a capture that other tests' packets filled
 * while nobody read it would drop the next one.
 */
static inline void seg6_capture_drain(int fd)
{
	char buf[64];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		;
}

/*
 * Wait up to @timeout_ms for the packet carrying @seq on @fd.  Returns its
 * length (copied to @buf), 0 when it did not come.
 */
static inline ssize_t seg6_capture(int fd, __u32 seq, void *buf, size_t len,
				   int timeout_ms)
{
	struct timespec end, now;
	ssize_t n;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += timeout_ms / 1000;
	end.tv_nsec += (timeout_ms % 1000) * 1000000L;
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long left;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left = (end.tv_sec - now.tv_sec) * 1000 +
		       (end.tv_nsec - now.tv_nsec) / 1000000L;
		if (left <= 0 || poll(&pfd, 1, left) <= 0)
			return 0;
		n = recv(fd, buf, len, 0);
		if (n > 0 && seg6_is_ours(buf, n, seq))
			return n;
	}
}

#endif /* __SEG6_BPF_HELPERS_H */
