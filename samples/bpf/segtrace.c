// SPDX-License-Identifier: GPL-2.0
/*
 * segtrace: every ECMP path to a destination through an SRv6 domain whose
 * nodes run End.OAMP (samples/bpf/srv6_oamp.bpf.c) at a common OAM SID.
 *
 * traceroute sees the one path its flow hashes to.  segtrace asks each
 * node for all its next hops towards the destination, then steers the
 * next probes through each of them with a segment list, hop by hop:
 *
 *  - the first hops are those of this host's own route (rtnetlink,
 *    RTM_F_FIB_MATCH);
 *  - a node reached through next hops G1..Gk is asked with a UDP probe to
 *    this host itself through <G1, ..., Gk, OAM SID>: the request TLV
 *    names the destination; End.OAMP adds the next hops in a reply TLV
 *    and sends the probe on, back here, where the routing header comes
 *    with the datagram (IPV6_RECVRTHDR);
 *  - a node that does not answer (no End.OAMP: an ICMPv6 error, or
 *    nothing) is passed the traceroute way: probes through <G1, ..., Gk>
 *    to the destination with a hop limit that expires one node further,
 *    each from a new socket, so with a new flow label, the field Linux
 *    hashes IPv6 ECMP on; the nodes whose Time Exceeded errors come back
 *    (IPV6_RECVERR) are the next hops that were seen.
 *
 * Next hops must be global addresses that their node accepts as segments
 * (net.ipv6.conf.*.seg6_enabled); this host must accept the replies'
 * SRH too.  Probes are bounded (-n), and so are the waits (-w, -r) and
 * the depth (-m).
 *
 * Progress goes to stderr, a line per depth.  SIGINT (Ctrl-C) or SIGTERM
 * ends the trace early: what is known so far is printed, the hop being
 * explored as "not explored", and the exit status is 128 + the signal.
 *
 * Exit status: 0 when every path reached the destination, 1 otherwise
 * (or on a failure), 2 on bad usage, 130 or 143 when interrupted.
 */
#define _GNU_SOURCE	/* ppoll */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <linux/icmpv6.h>
#include <linux/ipv6.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/seg6.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "seg6_json.h"
#include "srv6_oamp.h"

#define EXIT_USAGE	2
#define MAX_NODES	4096
#define MAX_DEPTH	32
#define MAX_FIRST	16
#define PROBE_MAGIC	0x53475452	/* "SGTR" */
#define HOP_LIMIT	64

static const char *usage_text =
	"Usage: segtrace [-j] [-s SID] [-m HOPS] [-n PROBES] [-w MS] [-r TRIES]\n"
	"                [-f FLOWS] DESTINATION\n"
	"\n"
	"-j         print the trace as a line of JSON (JSON Lines) instead of a tree\n"
	"-s SID     the End.OAMP SID of the nodes (default fcff::1)\n"
	"-m HOPS    longest path followed (default 16, at most 32)\n"
	"-n PROBES  most probes sent in all (default 1024)\n"
	"-w MS      wait for an answer (default 1000 ms)\n"
	"-r TRIES   tries per End.OAMP question (default 2)\n"
	"-f FLOWS   flows sent past a node without End.OAMP (default 16)\n";

enum hop_kind {
	HOP_FIRST,	/* a next hop of this host's route */
	HOP_OAMP,	/* listed by End.OAMP on the node before */
	HOP_ICMP,	/* sent a Time Exceeded past a node without End.OAMP */
};

enum hop_state {
	ST_OPEN,	/* not asked yet */
	ST_ANSWERED,	/* End.OAMP answered: next hops known */
	ST_PASSED,	/* no End.OAMP: next hops from Time Exceeded errors */
	ST_DEST,	/* the destination */
	ST_NO_ROUTE,	/* End.OAMP: no route to the destination */
	ST_SILENT,	/* no answer at all */
	ST_LOOP,	/* already on its own path */
	ST_LINK_LOCAL,	/* cannot be a segment */
	ST_DOWN,	/* a dead or link-down next hop: not followed */
	ST_TOO_FAR,	/* past -m, or out of probes */
};

static const char *const state_names[] = {
	[ST_OPEN] = "not explored", [ST_ANSWERED] = "oamp", [ST_PASSED] = "icmp",
	[ST_DEST] = "destination", [ST_NO_ROUTE] = "no route",
	[ST_SILENT] = "no answer", [ST_LOOP] = "loop",
	[ST_LINK_LOCAL] = "link-local", [ST_DOWN] = "down",
	[ST_TOO_FAR] = "not followed",
};

struct hop {
	struct in6_addr addr;
	int parent;		/* -1 for a first hop */
	int depth;		/* 1 for a first hop */
	enum hop_kind kind;
	enum hop_state state;
	int nexthops;		/* of its route, as End.OAMP said */
	__u16 weight;		/* on the node before */
};

struct tracer {
	struct in6_addr dst, src, sid;
	int max_depth, max_probes, wait_ms, tries, flows;
	bool json;
	int probes;
	bool interrupted;	/* by SIGINT or SIGTERM: what is known so far */
	__u32 next_id;
	struct hop hops[MAX_NODES];
	int nr_hops;
};

/* What came back for a probe. */
enum answer {
	ANS_NONE,	/* nothing within the wait */
	ANS_REPLY,	/* End.OAMP's reply TLV */
	ANS_TIME,	/* ICMPv6 Time Exceeded from @from */
	ANS_UNREACH,	/* ICMPv6 Destination Unreachable from @from */
	ANS_OTHER,	/* another ICMPv6 error */
};

struct result {
	enum answer answer;
	struct in6_addr from;
	int code;
	struct srv6_oamp_reply reply;
};

/* Bad input: what is wrong in one line, where the usage is; exit 2. */
static int usage(const char *fmt, ...)
{
	va_list ap;

	fputs("segtrace: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'segtrace --help' for more information.\n", stderr);
	return EXIT_USAGE;
}

static const char *addr_str(const struct in6_addr *a)
{
	static char buf[4][INET6_ADDRSTRLEN];
	static int i;

	i = (i + 1) % 4;
	return inet_ntop(AF_INET6, a, buf[i], sizeof(buf[i]));
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool parse_int(const char *s, int min, int max, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* The first hops: the next hops of this host's route to the destination. */
static int nl_first_hops(const struct in6_addr *dst, struct in6_addr *gws,
			 int max)
{
	struct {
		struct nlmsghdr nh;
		struct rtmsg rt;
		struct rtattr rta;
		struct in6_addr dst;
	} req = {
		.nh.nlmsg_len = sizeof(req),
		.nh.nlmsg_type = RTM_GETROUTE,
		.nh.nlmsg_flags = NLM_F_REQUEST,
		.rt.rtm_family = AF_INET6,
		.rt.rtm_dst_len = 128,
		.rt.rtm_flags = RTM_F_FIB_MATCH,
		.rta.rta_len = RTA_LENGTH(sizeof(struct in6_addr)),
		.rta.rta_type = RTA_DST,
		.dst = *dst,
	};
	char buf[8192];
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	struct rtattr *rta;
	int fd, len, n = 0, rlen;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	len = send(fd, &req, sizeof(req), 0) < 0 ? -1 : recv(fd, buf, sizeof(buf), 0);
	if (len < 0) {
		n = -errno;
		goto out;
	}
	if (!NLMSG_OK(nh, len)) {
		n = -EBADMSG;
		goto out;
	}
	if (nh->nlmsg_type == NLMSG_ERROR) {
		n = ((struct nlmsgerr *)NLMSG_DATA(nh))->error ?: -ENOENT;
		goto out;
	}
	rlen = RTM_PAYLOAD(nh);
	for (rta = RTM_RTA(NLMSG_DATA(nh)); RTA_OK(rta, rlen); rta = RTA_NEXT(rta, rlen)) {
		if (rta->rta_type == RTA_GATEWAY && n < max) {
			memcpy(&gws[n++], RTA_DATA(rta), sizeof(*gws));
		} else if (rta->rta_type == RTA_MULTIPATH) {
			struct rtnexthop *rtnh = RTA_DATA(rta);
			int mlen = RTA_PAYLOAD(rta);

			for (; RTNH_OK(rtnh, mlen); mlen -= NLMSG_ALIGN(rtnh->rtnh_len),
			     rtnh = RTNH_NEXT(rtnh)) {
				int alen = rtnh->rtnh_len - sizeof(*rtnh);
				struct rtattr *a = RTNH_DATA(rtnh);

				for (; RTA_OK(a, alen); a = RTA_NEXT(a, alen))
					if (a->rta_type == RTA_GATEWAY && n < max)
						memcpy(&gws[n++], RTA_DATA(a), sizeof(*gws));
			}
		} else if (rta->rta_type == RTA_NH_ID) {
			n = -EOPNOTSUPP;
			goto out;
		}
	}
out:
	close(fd);
	return n;
}

/* The address this host sends from towards @dst. */
static int source_for(const struct in6_addr *dst, struct in6_addr *src)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_addr = *dst,
				   .sin6_port = htons(9) };
	socklen_t len = sizeof(sa);
	int fd, err = 0;

	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(fd, (struct sockaddr *)&sa, &len))
		err = -errno;
	else
		*src = sa.sin6_addr;
	close(fd);
	return err;
}

/*
 * An SRH for the socket option: segments in travel order in @segs, then
 * the final destination that sendto() names (the kernel writes it into
 * segments[0]); with a request TLV for @req.
 */
static int build_srh(__u8 *buf, size_t size, const struct in6_addr *segs,
		     int nsegs, const struct srv6_oamp_req *req)
{
	struct ipv6_sr_hdr *srh = (struct ipv6_sr_hdr *)buf;
	size_t len = sizeof(*srh) + (nsegs + 1) * sizeof(struct in6_addr);
	int i;

	if (len + (req ? sizeof(*req) : 0) > size)
		return -1;
	memset(buf, 0, size);
	srh->type = IPV6_SRCRT_TYPE_4;
	srh->segments_left = nsegs;
	srh->first_segment = nsegs;
	for (i = 0; i < nsegs; i++)
		srh->segments[nsegs - i] = segs[i];
	if (req) {
		memcpy(buf + len, req, sizeof(*req));
		len += sizeof(*req);
	}
	srh->hdrlen = len / 8 - 1;
	return len;
}

/* The reply TLV among the TLVs of a received SRH. */
static bool find_reply(const __u8 *rthdr, size_t len, __u32 id,
		       struct srv6_oamp_reply *reply)
{
	const struct ipv6_sr_hdr *srh = (const void *)rthdr;
	size_t off;

	if (len < sizeof(*srh) || srh->type != IPV6_SRCRT_TYPE_4)
		return false;
	off = sizeof(*srh) + (srh->first_segment + 1) * sizeof(struct in6_addr);
	while (off + 2 <= len) {
		const __u8 *t = rthdr + off;
		size_t tlen = t[0] == 0 ? 1 : 2 + t[1];

		if (off + tlen > len)
			return false;
		if (t[0] == SRV6_OAMP_REPLY_TYPE && tlen >= SRV6_OAMP_REPLY_HDR &&
		    tlen <= sizeof(*reply)) {
			memset(reply, 0, sizeof(*reply));
			memcpy(reply, t, tlen);
			return ntohl(reply->id) == id && reply->entries <= SRV6_OAMP_MAX_NH &&
			       tlen == SRV6_OAMP_REPLY_HDR + reply->entries * sizeof(reply->nh[0]);
		}
		off += tlen;
	}
	return false;
}

/* An ICMPv6 error about our probe @id, from the socket's error queue. */
static bool read_error(int fd, __u32 id, struct result *res)
{
	char ctrl[512];
	__u32 payload[2];
	struct sockaddr_in6 from;
	struct iovec iov = { payload, sizeof(payload) };
	struct msghdr msg = { .msg_name = &from, .msg_namelen = sizeof(from),
			      .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctrl, .msg_controllen = sizeof(ctrl) };
	struct cmsghdr *c;

	if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < (ssize_t)sizeof(payload) ||
	    ntohl(payload[0]) != PROBE_MAGIC || ntohl(payload[1]) != id)
		return false;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		struct sock_extended_err *ee = (void *)CMSG_DATA(c);
		struct sockaddr_in6 *off;

		if (c->cmsg_level != SOL_IPV6 || c->cmsg_type != IPV6_RECVERR ||
		    ee->ee_origin != SO_EE_ORIGIN_ICMP6)
			continue;
		off = (struct sockaddr_in6 *)SO_EE_OFFENDER(ee);
		res->from = off->sin6_addr;
		res->code = ee->ee_code;
		res->answer = ee->ee_type == ICMPV6_TIME_EXCEED ? ANS_TIME :
			      ee->ee_type == ICMPV6_DEST_UNREACH ? ANS_UNREACH : ANS_OTHER;
		return true;
	}
	return false;
}

static bool read_reply(int fd, __u32 id, struct result *res)
{
	char ctrl[4096];
	__u32 payload[2];
	struct iovec iov = { payload, sizeof(payload) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctrl, .msg_controllen = sizeof(ctrl) };
	struct cmsghdr *c;

	if (recvmsg(fd, &msg, MSG_DONTWAIT) < (ssize_t)sizeof(payload) ||
	    ntohl(payload[0]) != PROBE_MAGIC || ntohl(payload[1]) != id)
		return false;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RTHDR &&
		    find_reply(CMSG_DATA(c), c->cmsg_len - CMSG_LEN(0), id, &res->reply)) {
			res->answer = ANS_REPLY;
			return true;
		}
	return false;
}

/*
 * One probe through @segs, to this host with a request (@oam) or to the
 * destination without; from a socket of its own, so with a flow label of
 * its own and no answer to an earlier probe.
 */
static int stop_signal;
/* the signal mask while waiting for an answer: SIGINT and SIGTERM open */
static sigset_t wait_mask;

static void on_stop_signal(int sig)
{
	__atomic_store_n(&stop_signal, sig, __ATOMIC_RELAXED);
}

/* The signal that ended the trace, 0 while it goes on. */
static int stopped(void)
{
	return __atomic_load_n(&stop_signal, __ATOMIC_RELAXED);
}

/* SIGINT and SIGTERM end the trace, not the process, and what is known is
 * printed.  They are blocked but while a probe waits (ppoll()), so that
 * one cannot land between the check of stopped() and the wait.
 */
static void catch_stop_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };
	sigset_t stop;

	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, &wait_mask);
	sigdelset(&wait_mask, SIGINT);
	sigdelset(&wait_mask, SIGTERM);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int send_probe(struct tracer *t, const struct in6_addr *segs, int nsegs,
		      bool oam, int hop_limit, struct result *res)
{
	struct srv6_oamp_req req = {
		.type = SRV6_OAMP_REQ_TYPE, .len = sizeof(req) - 2, .target = t->dst,
	};
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_addr = t->src };
	socklen_t salen = sizeof(sa);
	__u8 srh[sizeof(struct ipv6_sr_hdr) + (MAX_DEPTH + 2) * 16 + sizeof(req)];
	__u32 id = ++t->next_id, payload[2] = { htonl(PROBE_MAGIC), htonl(id) };
	int fd, len, one = 1, err;
	double deadline;

	memset(res, 0, sizeof(*res));
	req.id = htonl(id);
	len = build_srh(srh, sizeof(srh), segs, nsegs, oam ? &req : NULL);
	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || len < 0)
		goto fail;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(fd, (struct sockaddr *)&sa, &salen) ||
	    setsockopt(fd, SOL_IPV6, IPV6_RECVRTHDR, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_IPV6, IPV6_RECVERR, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_IPV6, IPV6_UNICAST_HOPS, &hop_limit, sizeof(hop_limit)) ||
	    setsockopt(fd, SOL_IPV6, IPV6_RTHDR, srh, len))
		goto fail;
	if (!oam) {
		sa.sin6_addr = t->dst;
		sa.sin6_port = htons(33434);
	}
	t->probes++;
	if (sendto(fd, payload, sizeof(payload), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		/* this host has no route to the first segment */
		if (errno != EHOSTUNREACH && errno != ENETUNREACH)
			goto fail;
		res->answer = ANS_OTHER;
	}
	deadline = now() + t->wait_ms / 1000.0;
	while (res->answer == ANS_NONE && !stopped()) {
		struct pollfd pfd = { fd, POLLIN };
		double left = deadline - now();
		struct timespec ts = { left, (left - (long)left) * 1e9 };

		if (left <= 0 || ppoll(&pfd, 1, &ts, &wait_mask) <= 0)
			break;
		if (pfd.revents & POLLERR)
			read_error(fd, id, res);
		else if (pfd.revents & POLLIN)
			read_reply(fd, id, res);
	}
	close(fd);
	return 0;
fail:
	err = -errno;
	if (fd >= 0)
		close(fd);
	return err ?: -EINVAL;
}

static int add_hop(struct tracer *t, const struct in6_addr *addr, int parent,
		   enum hop_kind kind, __u16 weight)
{
	struct hop *h;

	if (t->nr_hops == MAX_NODES)
		return -1;
	h = &t->hops[t->nr_hops];
	memset(h, 0, sizeof(*h));
	h->addr = *addr;
	h->parent = parent;
	h->depth = parent < 0 ? 1 : t->hops[parent].depth + 1;
	h->kind = kind;
	h->weight = weight;
	return t->nr_hops++;
}

/* The segments that lead to hop @i: its ancestors' addresses and its own. */
static int path_to(const struct tracer *t, int i, struct in6_addr *segs)
{
	int n = t->hops[i].depth, k;

	for (k = n - 1; i >= 0; i = t->hops[i].parent)
		segs[k--] = t->hops[i].addr;
	return n;
}

static bool on_path(const struct tracer *t, int i, const struct in6_addr *a)
{
	for (; i >= 0; i = t->hops[i].parent)
		if (!memcmp(&t->hops[i].addr, a, sizeof(*a)))
			return true;
	return false;
}

static bool is_link_local(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80;
}

static bool out_of_probes(const struct tracer *t)
{
	return t->probes >= t->max_probes || stopped();
}

/* End.OAMP at hop @i: true when it answered (and its next hops are added). */
static bool ask_oamp(struct tracer *t, int i, int *err)
{
	struct in6_addr segs[MAX_DEPTH + 1];
	int n = path_to(t, i, segs), try, k;
	const struct srv6_oamp_reply *r;
	struct result res = {};

	segs[n] = t->sid;
	for (try = 0; try < t->tries && !out_of_probes(t); try++) {
		*err = send_probe(t, segs, n + 1, true, HOP_LIMIT, &res);
		if (*err)
			return false;
		if (res.answer == ANS_REPLY)
			break;
		if (res.answer != ANS_NONE)
			return false;	/* an ICMPv6 error: no End.OAMP there */
	}
	r = &res.reply;
	/* the node the probe was meant for saw it with HOP_LIMIT - (depth - 1) */
	if (res.answer != ANS_REPLY || r->hop_limit != HOP_LIMIT - (t->hops[i].depth - 1))
		return false;

	t->hops[i].nexthops = r->nexthops;
	switch (r->status) {
	case SRV6_OAMP_LOCAL:
		t->hops[i].state = ST_DEST;
		return true;
	case SRV6_OAMP_ROUTE:
		break;
	default:
		t->hops[i].state = ST_NO_ROUTE;
		return true;
	}
	t->hops[i].state = ST_ANSWERED;
	for (k = 0; k < r->entries; k++) {
		const struct srv6_oamp_nh *nh = &r->nh[k];
		int c;

		/* :: is "on the link": the destination is the next hop */
		c = add_hop(t, IN6_IS_ADDR_UNSPECIFIED(&nh->gw) ? &t->dst : &nh->gw,
			    i, HOP_OAMP, ntohs(nh->weight));
		if (c >= 0 && ntohs(nh->flags) & (RTNH_F_DEAD | RTNH_F_LINKDOWN))
			t->hops[c].state = ST_DOWN;
	}
	return true;
}

/* Past hop @i without End.OAMP: the nodes after it, by Time Exceeded. */
static int pass_by_icmp(struct tracer *t, int i)
{
	struct in6_addr segs[MAX_DEPTH + 1], seen[MAX_FIRST];
	int n = path_to(t, i, segs), f, k, nseen = 0, err;
	struct result res;

	for (f = 0; f < t->flows && !out_of_probes(t); f++) {
		err = send_probe(t, segs, n, false, t->hops[i].depth + 1, &res);
		if (err)
			return err;
		if (res.answer == ANS_UNREACH &&
		    !memcmp(&res.from, &t->dst, sizeof(res.from))) {
			res.answer = ANS_TIME;	/* the destination said so */
		} else if (res.answer != ANS_TIME) {
			continue;
		}
		for (k = 0; k < nseen; k++)
			if (!memcmp(&seen[k], &res.from, sizeof(res.from)))
				break;
		if (k < nseen || nseen == MAX_FIRST)
			continue;
		seen[nseen++] = res.from;
		add_hop(t, &res.from, i, HOP_ICMP, 0);
	}
	t->hops[i].state = nseen ? ST_PASSED : ST_SILENT;
	return 0;
}

/* Learns what follows hop @i. */
static int explore(struct tracer *t, int i)
{
	struct hop *h = &t->hops[i];
	int err = 0;

	if (!memcmp(&h->addr, &t->dst, sizeof(h->addr))) {
		h->state = ST_DEST;
		return 0;
	}
	if (h->state != ST_OPEN)
		return 0;
	if (h->parent >= 0 && on_path(t, h->parent, &h->addr)) {
		h->state = ST_LOOP;
		return 0;
	}
	if (is_link_local(&h->addr)) {
		h->state = ST_LINK_LOCAL;
		return 0;
	}
	if (h->depth > t->max_depth || out_of_probes(t)) {
		h->state = ST_TOO_FAR;
		return 0;
	}
	if (ask_oamp(t, i, &err) || err)
		return err;
	return pass_by_icmp(t, i);
}

/* Without it, this host drops the replies, which all come with an SRH. */
static void warn_seg6_disabled(void)
{
	FILE *f = fopen("/proc/sys/net/ipv6/conf/all/seg6_enabled", "r");
	int on = 1;

	if (!f)
		return;
	if (fscanf(f, "%d", &on) == 1 && !on)
		fputs("segtrace: net.ipv6.conf.all.seg6_enabled is 0: this host drops\n"
		      "          the replies of End.OAMP, which come with an SRH\n", stderr);
	fclose(f);
}

static int trace(struct tracer *t)
{
	struct in6_addr first[MAX_FIRST];
	int n, i, err, depth = 0;

	n = nl_first_hops(&t->dst, first, MAX_FIRST);
	if (n == -EOPNOTSUPP) {
		fprintf(stderr, "segtrace: the route to %s uses a nexthop object\n",
			addr_str(&t->dst));
		return -1;
	}
	if (n < 0) {
		fprintf(stderr, "segtrace: no route to %s: %s\n", addr_str(&t->dst), strerror(-n));
		return -1;
	}
	if (!n)		/* on the link */
		first[n++] = t->dst;
	for (i = 0; i < n; i++)
		add_hop(t, &first[i], -1, HOP_FIRST, 1);
	/* children come after their parent, so one pass visits every hop,
	 * depth by depth
	 */
	for (i = 0; i < t->nr_hops && !stopped(); i++) {
		if (t->hops[i].depth > depth) {
			depth = t->hops[i].depth;
			fprintf(stderr, "segtrace: depth %d: %d node%s to explore, ",
				depth, t->nr_hops - i, t->nr_hops - i == 1 ? "" : "s");
			fprintf(stderr, "%d probes sent\n", t->probes);
		}
		err = explore(t, i);
		if (stopped()) {
			/* its answers may have been cut short */
			t->hops[i].state = ST_OPEN;
			break;
		}
		if (err) {
			fprintf(stderr, "segtrace: probe through %s: %s\n",
				addr_str(&t->hops[i].addr), strerror(-err));
			return -1;
		}
	}
	t->interrupted = stopped();
	return 0;
}

static bool is_leaf(const struct tracer *t, int i)
{
	int k;

	for (k = i + 1; k < t->nr_hops; k++)
		if (t->hops[k].parent == i)
			return false;
	return true;
}

static int count_paths(const struct tracer *t, bool reached)
{
	int i, n = 0;

	for (i = 0; i < t->nr_hops; i++) {
		bool at_dest = t->hops[i].state == ST_DEST;

		if (is_leaf(t, i) && at_dest == reached)
			n++;
	}
	return n;
}

static void print_tree(const struct tracer *t, int parent, const char *indent)
{
	int i, last = -1;

	for (i = 0; i < t->nr_hops; i++)
		if (t->hops[i].parent == parent)
			last = i;
	for (i = 0; i <= last; i++) {
		const struct hop *h = &t->hops[i];
		char sub[256];

		if (h->parent != parent)
			continue;
		printf("%s%s %s  (%s", indent, i == last ? "`--" : "|--",
		       addr_str(&h->addr), state_names[h->state]);
		if (h->state == ST_ANSWERED)
			printf(", %d next hop%s", h->nexthops, h->nexthops == 1 ? "" : "s");
		if (h->weight > 1)
			printf(", weight %u", h->weight);
		printf(")\n");
		snprintf(sub, sizeof(sub), "%s%s", indent, i == last ? "    " : "|   ");
		print_tree(t, i, sub);
	}
}

static void print_json(const struct tracer *t, double secs)
{
	struct in6_addr segs[MAX_DEPTH + 1];
	int i, k, n;
	bool first = true;

	json_begin("trace");
	printf(",\"destination\": \"%s\", \"source\": \"%s\", \"sid\": \"%s\", ",
	       addr_str(&t->dst), addr_str(&t->src), addr_str(&t->sid));
	printf("\"reached\": %s, \"interrupted\": %s, \"probes\": %d, \"seconds\": %.3f, ",
	       count_paths(t, false) ? "false" : "true", t->interrupted ? "true" : "false",
	       t->probes, secs);
	printf("\"paths\": [");
	for (i = 0; i < t->nr_hops; i++) {
		if (!is_leaf(t, i))
			continue;
		n = path_to(t, i, segs);
		printf("%s{\"reached\": %s, \"end\": \"%s\", \"hops\": [", first ? "" : ", ",
		       t->hops[i].state == ST_DEST ? "true" : "false",
		       state_names[t->hops[i].state]);
		for (k = 0; k < n; k++)
			printf("%s\"%s\"", k ? ", " : "", addr_str(&segs[k]));
		printf("]}");
		first = false;
	}
	printf("], \"nodes\": [");
	for (i = 0; i < t->nr_hops; i++) {
		const struct hop *h = &t->hops[i];

		printf("%s{\"address\": \"%s\", \"parent\": %d, \"depth\": %d, ",
		       i ? ", " : "", addr_str(&h->addr), h->parent, h->depth);
		printf("\"state\": \"%s\", \"nexthops\": %d}",
		       state_names[h->state], h->nexthops);
	}
	printf("]");
	json_end();
}

int main(int argc, char **argv)
{
	static struct tracer t = {
		.max_depth = 16, .max_probes = 1024, .wait_ms = 1000, .tries = 2,
		.flows = 16,
	};
	double t0;
	int opt, err;

	inet_pton(AF_INET6, "fcff::1", &t.sid);
	if (argc > 1 && !strcmp(argv[1], "--help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	opterr = 0;
	while ((opt = getopt(argc, argv, "js:m:n:w:r:f:h")) != -1) {
		switch (opt) {
		case 'j':
			t.json = true;
			break;
		case 's':
			if (inet_pton(AF_INET6, optarg, &t.sid) != 1)
				return usage("bad SID '%s'", optarg);
			break;
		case 'm':
			if (!parse_int(optarg, 1, MAX_DEPTH, &t.max_depth))
				return usage("bad -m '%s' (1-%d)", optarg, MAX_DEPTH);
			break;
		case 'n':
			if (!parse_int(optarg, 1, 1000000, &t.max_probes))
				return usage("bad -n '%s' (1-1000000)", optarg);
			break;
		case 'w':
			if (!parse_int(optarg, 1, 60000, &t.wait_ms))
				return usage("bad -w '%s' (1-60000)", optarg);
			break;
		case 'r':
			if (!parse_int(optarg, 1, 10, &t.tries))
				return usage("bad -r '%s' (1-10)", optarg);
			break;
		case 'f':
			if (!parse_int(optarg, 1, MAX_FIRST, &t.flows))
				return usage("bad -f '%s' (1-%d)", optarg, MAX_FIRST);
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			if (strchr("smnwrf", optopt))
				return usage("option -%c needs a value", optopt);
			return usage("unknown option '-%c'", optopt);
		}
	}
	if (optind == argc)
		return usage("a DESTINATION is needed");
	if (optind != argc - 1)
		return usage("one DESTINATION only, not '%s'", argv[optind + 1]);
	if (inet_pton(AF_INET6, argv[optind], &t.dst) != 1)
		return usage("bad DESTINATION '%s'", argv[optind]);

	err = source_for(&t.dst, &t.src);
	if (err) {
		fprintf(stderr, "segtrace: no route to %s: %s\n", argv[optind], strerror(-err));
		return 1;
	}
	warn_seg6_disabled();
	catch_stop_signals();
	t0 = now();
	if (trace(&t))
		return 1;
	if (t.json) {
		print_json(&t, now() - t0);
	} else {
		printf("segtrace to %s from %s, End.OAMP at %s: ",
		       addr_str(&t.dst), addr_str(&t.src), addr_str(&t.sid));
		printf("%d path%s reached it, %d did not; %d probes, %.2f s%s\n",
		       count_paths(&t, true), count_paths(&t, true) == 1 ? "" : "s",
		       count_paths(&t, false), t.probes, now() - t0,
		       t.interrupted ? "; interrupted" : "");
		printf("%s\n", addr_str(&t.src));
		print_tree(&t, -1, "");
	}
	if (t.interrupted)
		return 128 + stopped();
	return count_paths(&t, false) ? 1 : 0;
}
