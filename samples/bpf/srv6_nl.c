// SPDX-License-Identifier: GPL-2.0
/*
 * rtnetlink for the SRv6 samples' daemons (srv6_nl.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/lwtunnel.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include "srv6_nl.h"

struct nl_req {
	struct nlmsghdr nh;
	union {
		struct rtmsg rt;
		struct tcmsg tc;
	};
	char attrs[256];
};

static struct rtattr *nl_attr(struct nl_req *req, int type, const void *data,
			      int len)
{
	struct nlmsghdr *nh = &req->nh;
	struct rtattr *rta = (void *)req + NLMSG_ALIGN(nh->nlmsg_len);

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
	return rta;
}

static void nl_nest_end(struct nl_req *req, struct rtattr *nest)
{
	nest->rta_len = (void *)req + req->nh.nlmsg_len - (void *)nest;
}

static int nl_open(void)
{
	int one = 1, fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	return fd;
}

static int nl_send(int fd, struct nlmsghdr *nh)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	nh->nlmsg_flags |= NLM_F_REQUEST;
	if (sendto(fd, nh, nh->nlmsg_len, 0, (void *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

/* The error of an ack, and its extack message in @msg. */
static int nl_ack(const struct nlmsghdr *nh, ssize_t n, char *msg,
		  size_t msg_sz)
{
	const struct nlmsgerr *e = NLMSG_DATA(nh);
	const struct rtattr *rta;
	int off, len;

	if (n < (ssize_t)(NLMSG_HDRLEN + sizeof(*e)))
		return -EPROTO;
	/* extack attributes follow the request, echoed unless capped */
	off = NLMSG_HDRLEN + sizeof(*e);
	if (!(nh->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
	len = nh->nlmsg_len - off;
	for (rta = (void *)nh + off; off < n && RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
		if (rta->rta_type == NLMSGERR_ATTR_MSG)
			snprintf(msg, msg_sz, "%s", (char *)RTA_DATA(rta));
	return e->error;
}

/* Send @nh, wait for the ack. */
static int nl_talk(struct nlmsghdr *nh, char *msg, size_t msg_sz)
{
	char buf[4096];
	ssize_t n;
	int fd, ret;

	msg[0] = '\0';
	fd = nl_open();
	if (fd < 0)
		return fd;
	nh->nlmsg_flags |= NLM_F_ACK;
	ret = nl_send(fd, nh);
	if (!ret) {
		n = recv(fd, buf, sizeof(buf), 0);
		ret = n < 0 ? -errno : nl_ack((void *)buf, n, msg, msg_sz);
	}
	close(fd);
	return ret;
}

typedef void (*nl_dump_fn)(const struct nlmsghdr *nh, void *ctx);

/*
 * Send the dump request @nh; @fn sees every message of the answer.  A dump
 * the kernel marks inconsistent (the table changed under it) is -EAGAIN.
 */
static int nl_dump(struct nlmsghdr *nh, nl_dump_fn fn, void *ctx)
{
	char buf[32768];
	struct nlmsghdr *m;
	int fd, ret;
	ssize_t n;

	fd = nl_open();
	if (fd < 0)
		return fd;
	nh->nlmsg_flags |= NLM_F_DUMP;
	ret = nl_send(fd, nh);
	while (!ret) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			ret = -errno;
			break;
		}
		for (m = (void *)buf; NLMSG_OK(m, n); m = NLMSG_NEXT(m, n)) {
			if (m->nlmsg_flags & NLM_F_DUMP_INTR)
				ret = -EAGAIN;
			if (m->nlmsg_type == NLMSG_DONE) {
				if (m->nlmsg_len >= NLMSG_LENGTH(sizeof(int)) &&
				    *(int *)NLMSG_DATA(m) < 0)
					ret = *(int *)NLMSG_DATA(m);
				goto out;
			}
			if (m->nlmsg_type == NLMSG_ERROR) {
				ret = ((struct nlmsgerr *)NLMSG_DATA(m))->error ?: -EPROTO;
				goto out;
			}
			fn(m, ctx);
		}
	}
out:
	close(fd);
	return ret;
}

static void route_msg(struct nl_req *req, int type, int flags,
		      const struct srv6_nl_route *rt)
{
	__u32 oif = rt->ifindex;

	memset(req, 0, sizeof(*req));
	req->nh.nlmsg_len = NLMSG_LENGTH(sizeof(req->rt));
	req->nh.nlmsg_type = type;
	req->nh.nlmsg_flags = flags;
	req->rt.rtm_family = AF_INET6;
	req->rt.rtm_dst_len = rt->prefixlen;
	req->rt.rtm_table = RT_TABLE_MAIN;
	/* a delete then matches only a route of this protocol */
	req->rt.rtm_protocol = rt->protocol ?: RTPROT_STATIC;
	req->rt.rtm_scope = RT_SCOPE_UNIVERSE;
	req->rt.rtm_type = RTN_UNICAST;
	nl_attr(req, RTA_DST, &rt->dst, sizeof(rt->dst));
	nl_attr(req, RTA_OIF, &oif, sizeof(oif));
}

/**
 * srv6_nl_lwt_in_add() - add a route whose packets run an LWT "in" program
 * @rt: the route (main table, through @rt->ifindex); it must not exist yet
 * @prog_fd: the BPF_PROG_TYPE_LWT_IN program
 * @prog_name: its name, as `ip route` shows it
 * @msg: gets the kernel's extack message, if any
 * @msg_sz: size of @msg
 *
 * Return: 0, or a negative errno.
 */
int srv6_nl_lwt_in_add(const struct srv6_nl_route *rt, int prog_fd,
		       const char *prog_name, char *msg, size_t msg_sz)
{
	__u16 encap = LWTUNNEL_ENCAP_BPF;
	struct rtattr *outer, *inner;
	struct nl_req req;
	__u32 fd = prog_fd;

	route_msg(&req, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, rt);
	nl_attr(&req, RTA_ENCAP_TYPE, &encap, sizeof(encap));
	outer = nl_attr(&req, RTA_ENCAP | NLA_F_NESTED, NULL, 0);
	inner = nl_attr(&req, LWT_BPF_IN | NLA_F_NESTED, NULL, 0);
	nl_attr(&req, LWT_BPF_PROG_FD, &fd, sizeof(fd));
	nl_attr(&req, LWT_BPF_PROG_NAME, prog_name, strlen(prog_name) + 1);
	nl_nest_end(&req, inner);
	nl_nest_end(&req, outer);
	return nl_talk(&req.nh, msg, msg_sz);
}

/**
 * srv6_nl_route_del() - remove a route srv6_nl_lwt_in_add() added
 * @rt: the route
 *
 * Return: 0, or a negative errno.
 */
int srv6_nl_route_del(const struct srv6_nl_route *rt)
{
	struct nl_req req;
	char msg[256];

	route_msg(&req, RTM_DELROUTE, 0, rt);
	return nl_talk(&req.nh, msg, sizeof(msg));
}

/*
 * The IPv6 routes of one protocol that a dump showed, to remove them
 * after: only those a daemon makes (a BPF or seg6local encap), not the
 * cached exceptions of such routes.
 */
struct proto_routes {
	unsigned char protocol;
	struct nl_req *req;	/* a delete request per route */
	int n, cap, err;
};

/* Does the route of @nh run a program: LWT BPF or seg6local? */
static bool daemon_encap(const struct nlmsghdr *nh)
{
	const struct rtmsg *rtm = NLMSG_DATA(nh);
	int len = nh->nlmsg_len - NLMSG_LENGTH(sizeof(*rtm));
	const struct rtattr *rta;
	__u16 type;

	for (rta = RTM_RTA(rtm); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		if (rta->rta_type != RTA_ENCAP_TYPE || RTA_PAYLOAD(rta) < sizeof(type))
			continue;
		memcpy(&type, RTA_DATA(rta), sizeof(type));
		return type == LWTUNNEL_ENCAP_BPF || type == LWTUNNEL_ENCAP_SEG6_LOCAL;
	}
	return false;
}

static void collect_route(const struct nlmsghdr *nh, void *ctx)
{
	const struct rtmsg *rtm = NLMSG_DATA(nh);
	struct proto_routes *pr = ctx;
	const struct rtattr *rta;
	struct nl_req *req, *grown;
	int len;

	if (nh->nlmsg_type != RTM_NEWROUTE || pr->err ||
	    nh->nlmsg_len < NLMSG_LENGTH(sizeof(*rtm)) ||
	    rtm->rtm_family != AF_INET6 || rtm->rtm_protocol != pr->protocol ||
	    rtm->rtm_flags & RTM_F_CLONED || !daemon_encap(nh))
		return;
	if (pr->n == pr->cap) {
		grown = realloc(pr->req, (pr->cap * 2 + 16) * sizeof(*grown));
		if (!grown) {
			pr->err = -ENOMEM;
			return;
		}
		pr->req = grown;
		pr->cap = pr->cap * 2 + 16;
	}
	req = &pr->req[pr->n++];
	memset(req, 0, sizeof(*req));
	req->nh.nlmsg_len = NLMSG_LENGTH(sizeof(req->rt));
	req->nh.nlmsg_type = RTM_DELROUTE;
	req->rt = *rtm;
	len = nh->nlmsg_len - NLMSG_LENGTH(sizeof(*rtm));
	for (rta = RTM_RTA(rtm); RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
		if (rta->rta_type == RTA_DST || rta->rta_type == RTA_TABLE ||
		    rta->rta_type == RTA_OIF || rta->rta_type == RTA_PRIORITY)
			nl_attr(req, rta->rta_type, RTA_DATA(rta), RTA_PAYLOAD(rta));
}

/**
 * srv6_nl_routes_of() - the IPv6 routes of a route protocol
 * @protocol: the protocol (SRV6_RTPROT_*)
 * @remove: remove them too
 *
 * Return: how many there were, or a negative errno.
 */
int srv6_nl_routes_of(unsigned char protocol, bool remove)
{
	struct nl_req dump = {
		.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg)),
		.nh.nlmsg_type = RTM_GETROUTE,
		.rt.rtm_family = AF_INET6,
	};
	struct proto_routes pr = { .protocol = protocol };
	char msg[256];
	int i, err;

	err = nl_dump(&dump.nh, collect_route, &pr) ?: pr.err;
	for (i = 0; !err && remove && i < pr.n; i++) {
		err = nl_talk(&pr.req[i].nh, msg, sizeof(msg));
		if (err == -ESRCH)	/* gone in between */
			err = 0;
	}
	free(pr.req);
	return err ?: pr.n;
}

/* Call @cb on every qdisc of device @ifindex */
static int dump_qdiscs(int ifindex, nl_dump_fn cb, void *ctx)
{
	struct nl_req req = {
		.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct tcmsg)),
		.nh.nlmsg_type = RTM_GETQDISC,
		.tc.tcm_family = AF_UNSPEC,
		.tc.tcm_ifindex = ifindex,
	};

	return nl_dump(&req.nh, cb, ctx);
}

/* The TCA_KIND of qdisc message @nh, or "" */
static const char *qdisc_kind(const struct nlmsghdr *nh)
{
	const struct tcmsg *tc = NLMSG_DATA(nh);
	const struct rtattr *rta;
	int len;

	len = nh->nlmsg_len - NLMSG_LENGTH(sizeof(*tc));
	for (rta = (void *)tc + NLMSG_ALIGN(sizeof(*tc)); RTA_OK(rta, len);
	     rta = RTA_NEXT(rta, len))
		if (rta->rta_type == TCA_KIND)
			return RTA_DATA(rta);
	return "";
}

/* The TCA_KIND of @nh if it is @ifindex's root qdisc, else NULL. */
static const char *root_qdisc_kind(const struct nlmsghdr *nh, int ifindex)
{
	const struct tcmsg *tc = NLMSG_DATA(nh);

	if (nh->nlmsg_type != RTM_NEWQDISC || tc->tcm_ifindex != ifindex ||
	    tc->tcm_parent != TC_H_ROOT)
		return NULL;
	return qdisc_kind(nh);
}

struct root_qdisc {
	int ifindex;
	char *kind;
	size_t kind_sz;
	__u32 handle;
	bool found;
};

static void find_root_qdisc(const struct nlmsghdr *nh, void *ctx)
{
	struct root_qdisc *rq = ctx;
	const char *k = root_qdisc_kind(nh, rq->ifindex);

	if (k) {
		snprintf(rq->kind, rq->kind_sz, "%s", k);
		rq->handle = ((const struct tcmsg *)NLMSG_DATA(nh))->tcm_handle;
		rq->found = true;
	}
}

/**
 * srv6_nl_root_qdisc() - the kind of a device's root qdisc
 * @ifindex: the device
 * @kind: gets the kind ("fq", "noqueue", ...)
 * @kind_sz: size of @kind
 * @handle: gets its handle, if not NULL
 *
 * Return: 0, -ENOENT if the device has no root qdisc, or a negative errno.
 */
int srv6_nl_root_qdisc(int ifindex, char *kind, size_t kind_sz, __u32 *handle)
{
	struct root_qdisc rq = {
		.ifindex = ifindex, .kind = kind, .kind_sz = kind_sz,
	};
	int err;

	err = dump_qdiscs(ifindex, find_root_qdisc, &rq);
	if (!err && rq.found && handle)
		*handle = rq.handle;
	return err ?: rq.found ? 0 : -ENOENT;
}

struct child_qdiscs {
	int ifindex;
	__u32 parent;		/* the major of their parent's handle */
	const char *kind;
	int children, other;	/* all, and those not of kind */
};

static void count_child_qdisc(const struct nlmsghdr *nh, void *ctx)
{
	const struct tcmsg *tc = NLMSG_DATA(nh);
	struct child_qdiscs *cq = ctx;

	if (nh->nlmsg_type != RTM_NEWQDISC || tc->tcm_ifindex != cq->ifindex ||
	    tc->tcm_parent == TC_H_ROOT || TC_H_MAJ(tc->tcm_parent) != cq->parent)
		return;
	cq->children++;
	if (strcmp(qdisc_kind(nh), cq->kind))
		cq->other++;
}

/**
 * srv6_nl_children_not() - the child qdiscs of a qdisc that are not of a kind
 * @ifindex: the device
 * @parent: the parent qdisc's handle (mq's, whose children serve the TX
 *          queues)
 * @kind: the kind they should have
 * @children: gets how many children @parent has
 *
 * Return: how many of them are not @kind, or a negative errno.
 */
int srv6_nl_children_not(int ifindex, __u32 parent, const char *kind, int *children)
{
	struct child_qdiscs cq = {
		.ifindex = ifindex, .parent = TC_H_MAJ(parent), .kind = kind,
	};
	int err;

	err = dump_qdiscs(ifindex, count_child_qdisc, &cq);
	if (err)
		return err;
	*children = cq.children;
	return cq.other;
}

static void count_filter(const struct nlmsghdr *nh, void *ctx)
{
	if (nh->nlmsg_type == RTM_NEWTFILTER)
		++*(int *)ctx;
}

/**
 * srv6_nl_clsact_filters() - how many filters a device's clsact holds
 * @ifindex: the device
 *
 * Return: 0 if its clsact holds no filter (or it has none), more if it
 * holds some (a message per filter and per classifier), or a negative
 * errno.
 */
int srv6_nl_clsact_filters(int ifindex)
{
	__u32 hooks[] = { TC_H_MIN_INGRESS, TC_H_MIN_EGRESS };
	int i, err, n = 0;

	for (i = 0; i < 2; i++) {
		struct nl_req req = {
			.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct tcmsg)),
			.nh.nlmsg_type = RTM_GETTFILTER,
			.tc.tcm_family = AF_UNSPEC,
			.tc.tcm_ifindex = ifindex,
			.tc.tcm_parent = TC_H_MAKE(TC_H_CLSACT, hooks[i]),
		};

		err = nl_dump(&req.nh, count_filter, &n);
		if (err)
			return err;
	}
	return n;
}
