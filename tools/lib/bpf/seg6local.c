// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * SRv6 End.BPF routes: attach a BPF_PROG_TYPE_LWT_SEG6LOCAL program to a SID
 * as a seg6local route over rtnetlink, and read such routes back.
 *
 * The route, not a BPF link, holds the program: it lives until the route is
 * deleted or replaced, whatever happens to the process that attached it.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/lwtunnel.h>
#include <linux/rtnetlink.h>
#include <linux/seg6_local.h>

#include "bpf.h"
#include "libbpf.h"
#include "libbpf_internal.h"
#include "nlattr.h"

/* Report @msg through @opts (if it has a buffer) and libbpf's log */
static int seg6local_fail(const struct bpf_seg6local_opts *opts, int err,
			  const char *msg)
{
	char *buf = OPTS_GET(opts, errmsg, NULL);
	size_t sz = OPTS_GET(opts, errmsg_sz, 0);

	pr_warn("seg6local: %s\n", msg);
	if (buf && sz)
		libbpf_strlcpy(buf, msg, sz);
	return libbpf_err(err);
}

static __u32 seg6local_table(const struct bpf_seg6local_route *route)
{
	return OPTS_GET(route, table, 0) ?: RT_TABLE_MAIN;
}

static __u8 seg6local_prefixlen(const struct bpf_seg6local_route *route)
{
	return OPTS_GET(route, prefixlen, 0) ?: 128;
}

/* Validate the caller's route and opts; clear a stale error message */
static int seg6local_check_route(const struct bpf_seg6local_route *route,
				 const struct bpf_seg6local_opts *opts)
{
	if (OPTS_VALID(opts, bpf_seg6local_opts) && OPTS_GET(opts, errmsg, NULL) &&
	    OPTS_GET(opts, errmsg_sz, 0))
		opts->errmsg[0] = '\0';
	if (!route || !OPTS_VALID(route, bpf_seg6local_route) ||
	    !OPTS_VALID(opts, bpf_seg6local_opts))
		return seg6local_fail(opts, -EINVAL, "invalid route or opts");
	if (OPTS_GET(route, prefixlen, 0) > 128)
		return seg6local_fail(opts, -EINVAL,
				      "SID prefix length above 128");
	if (OPTS_GET(route, ifindex, 0) <= 0)
		return seg6local_fail(opts, -EINVAL,
				      "an End.BPF route needs a device");
	return 0;
}

/* An rtmsg for the route's prefix, table and device */
static int seg6local_req_init(struct libbpf_nla_req *req, int type, int flags,
			      const struct bpf_seg6local_route *route)
{
	__u32 table = seg6local_table(route);
	__u32 ifindex = OPTS_GET(route, ifindex, 0);
	int err;

	memset(req, 0, sizeof(*req));
	req->nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	req->nh.nlmsg_type = type;
	req->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	req->rt.rtm_family = AF_INET6;
	req->rt.rtm_dst_len = seg6local_prefixlen(route);
	req->rt.rtm_table = table < 256 ? table : RT_TABLE_UNSPEC;
	/* unspec: an add gets boot, a delete matches whatever protocol */
	req->rt.rtm_protocol = RTPROT_UNSPEC;
	req->rt.rtm_scope = RT_SCOPE_UNIVERSE;
	req->rt.rtm_type = RTN_UNICAST;

	err = nlattr_add(req, RTA_DST, route->sid, sizeof(route->sid));
	if (!err)
		err = nlattr_add(req, RTA_TABLE, &table, sizeof(table));
	if (!err)
		err = nlattr_add(req, RTA_OIF, &ifindex, sizeof(ifindex));
	return err;
}

static int seg6local_add_flavors(struct libbpf_nla_req *req,
				 const struct bpf_seg6local_opts *opts)
{
	__u32 ops = OPTS_GET(opts, flavors, 0);
	__u8 lcblock = OPTS_GET(opts, lcblock_bits, 0);
	__u8 lcnode_fn = OPTS_GET(opts, lcnode_fn_bits, 0);
	struct nlattr *nest;
	int err;

	if (!ops)
		return 0;
	nest = nlattr_begin_nested(req, SEG6_LOCAL_FLAVORS);
	if (!nest)
		return -EMSGSIZE;
	err = nlattr_add(req, SEG6_LOCAL_FLV_OPERATION, &ops, sizeof(ops));
	if (!err && lcblock)
		err = nlattr_add(req, SEG6_LOCAL_FLV_LCBLOCK_BITS, &lcblock,
				 sizeof(lcblock));
	if (!err && lcnode_fn)
		err = nlattr_add(req, SEG6_LOCAL_FLV_LCNODE_FN_BITS, &lcnode_fn,
				 sizeof(lcnode_fn));
	nlattr_end_nested(req, nest);
	return err;
}

/* The name the route shows for the program: opts->prog_name or its own */
static int seg6local_prog_name(int prog_fd,
			       const struct bpf_seg6local_opts *opts,
			       char *name, size_t sz)
{
	const char *given = OPTS_GET(opts, prog_name, NULL);
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int err;

	if (given) {
		if (!*given || strlen(given) >= sz)
			return seg6local_fail(opts, -EINVAL,
					      "program name empty or too long");
		libbpf_strlcpy(name, given, sz);
		return 0;
	}
	err = bpf_prog_get_info_by_fd(prog_fd, &info, &len);
	if (err)
		return seg6local_fail(opts, err, "not a BPF program fd");
	if (info.name[0])
		libbpf_strlcpy(name, info.name, sz);
	else
		snprintf(name, sz, "prog_%u", info.id);
	return 0;
}

/* RTA_ENCAP_TYPE and RTA_ENCAP: action End.BPF with the program */
static int seg6local_add_encap(struct libbpf_nla_req *req, int prog_fd,
			       const char *name,
			       const struct bpf_seg6local_opts *opts)
{
	__u16 encap_type = LWTUNNEL_ENCAP_SEG6_LOCAL;
	__u32 action = SEG6_LOCAL_ACTION_END_BPF;
	struct nlattr *encap, *bpf, *counters;
	__u64 zero = 0;
	int err;

	err = nlattr_add(req, RTA_ENCAP_TYPE, &encap_type, sizeof(encap_type));
	if (err)
		return err;
	encap = nlattr_begin_nested(req, RTA_ENCAP);
	if (!encap)
		return -EMSGSIZE;
	err = nlattr_add(req, SEG6_LOCAL_ACTION, &action, sizeof(action));
	if (err)
		return err;

	bpf = nlattr_begin_nested(req, SEG6_LOCAL_BPF);
	if (!bpf)
		return -EMSGSIZE;
	err = nlattr_add(req, SEG6_LOCAL_BPF_PROG, &prog_fd, sizeof(prog_fd));
	if (!err)
		err = nlattr_add(req, SEG6_LOCAL_BPF_PROG_NAME, name,
				 strlen(name) + 1);
	if (err)
		return err;
	nlattr_end_nested(req, bpf);

	if (OPTS_GET(opts, counters, false)) {
		/* the kernel keeps counters if asked for all three */
		counters = nlattr_begin_nested(req, SEG6_LOCAL_COUNTERS);
		if (!counters)
			return -EMSGSIZE;
		err = nlattr_add(req, SEG6_LOCAL_CNT_PACKETS, &zero, sizeof(zero));
		if (!err)
			err = nlattr_add(req, SEG6_LOCAL_CNT_BYTES, &zero, sizeof(zero));
		if (!err)
			err = nlattr_add(req, SEG6_LOCAL_CNT_ERRORS, &zero, sizeof(zero));
		if (err)
			return err;
		nlattr_end_nested(req, counters);
	}
	err = seg6local_add_flavors(req, opts);
	if (err)
		return err;
	nlattr_end_nested(req, encap);
	return 0;
}

/* Send @req; on failure keep the kernel's extack message, or name @err */
static int seg6local_talk(struct libbpf_nla_req *req,
			  const struct bpf_seg6local_opts *opts)
{
	char msg[256] = "";
	int err;

	err = libbpf_netlink_send_recv_errmsg(req, NETLINK_ROUTE, NULL, NULL,
					      NULL, msg, sizeof(msg));
	if (!err)
		return 0;
	if (!msg[0]) {
		if (err == -EEXIST)
			libbpf_strlcpy(msg, "a route for this SID already exists",
				       sizeof(msg));
		else
			libbpf_strerror(err, msg, sizeof(msg));
	}
	return seg6local_fail(opts, err, msg);
}

static int seg6local_set(const struct bpf_seg6local_route *route, int prog_fd,
			 const struct bpf_seg6local_opts *opts, int flags)
{
	struct libbpf_nla_req req;
	char name[256];
	int err;

	err = seg6local_prog_name(prog_fd, opts, name, sizeof(name));
	if (err)
		return err;
	err = seg6local_req_init(&req, RTM_NEWROUTE, flags, route);
	if (!err) {
		req.rt.rtm_protocol = OPTS_GET(opts, protocol, 0);
		err = seg6local_add_encap(&req, prog_fd, name, opts);
	}
	if (err)
		return seg6local_fail(opts, err, "route request too large");
	return seg6local_talk(&req, opts);
}

int bpf_seg6local_attach(const struct bpf_seg6local_route *route, int prog_fd,
			 const struct bpf_seg6local_opts *opts)
{
	int err = seg6local_check_route(route, opts);

	if (err)
		return err;
	if (prog_fd < 0)
		return seg6local_fail(opts, -EINVAL, "invalid program fd");
	return seg6local_set(route, prog_fd, opts, NLM_F_CREATE | NLM_F_EXCL);
}

/* Walking a route dump: either every End.BPF route (list) or one (query) */
struct seg6local_walk {
	__u32 table;
	bpf_seg6local_list_fn fn;
	void *ctx;
	int ret;
};

static void seg6local_read_bpf(struct nlattr *nest,
			       struct bpf_seg6local_info *info)
{
	struct nlattr *tb[SEG6_LOCAL_BPF_PROG_MAX + 1];

	if (libbpf_nla_parse_nested(tb, SEG6_LOCAL_BPF_PROG_MAX, nest, NULL))
		return;
	if (tb[SEG6_LOCAL_BPF_PROG])
		info->prog_id = libbpf_nla_getattr_u32(tb[SEG6_LOCAL_BPF_PROG]);
	if (tb[SEG6_LOCAL_BPF_PROG_NAME])
		libbpf_strlcpy(info->prog_name,
			       libbpf_nla_getattr_str(tb[SEG6_LOCAL_BPF_PROG_NAME]),
			       sizeof(info->prog_name));
}

static void seg6local_read_counters(struct nlattr *nest,
				    struct bpf_seg6local_info *info)
{
	struct nlattr *tb[SEG6_LOCAL_CNT_MAX + 1];

	if (libbpf_nla_parse_nested(tb, SEG6_LOCAL_CNT_MAX, nest, NULL))
		return;
	info->has_counters = true;
	if (tb[SEG6_LOCAL_CNT_PACKETS])
		info->packets = libbpf_nla_getattr_u64(tb[SEG6_LOCAL_CNT_PACKETS]);
	if (tb[SEG6_LOCAL_CNT_BYTES])
		info->bytes = libbpf_nla_getattr_u64(tb[SEG6_LOCAL_CNT_BYTES]);
	if (tb[SEG6_LOCAL_CNT_ERRORS])
		info->errors = libbpf_nla_getattr_u64(tb[SEG6_LOCAL_CNT_ERRORS]);
}

static void seg6local_read_flavors(struct nlattr *nest,
				   struct bpf_seg6local_info *info)
{
	struct nlattr *tb[SEG6_LOCAL_FLV_MAX + 1];

	if (libbpf_nla_parse_nested(tb, SEG6_LOCAL_FLV_MAX, nest, NULL))
		return;
	if (tb[SEG6_LOCAL_FLV_OPERATION])
		info->flavors = libbpf_nla_getattr_u32(tb[SEG6_LOCAL_FLV_OPERATION]);
	if (tb[SEG6_LOCAL_FLV_LCBLOCK_BITS])
		info->lcblock_bits = libbpf_nla_getattr_u8(tb[SEG6_LOCAL_FLV_LCBLOCK_BITS]);
	if (tb[SEG6_LOCAL_FLV_LCNODE_FN_BITS])
		info->lcnode_fn_bits = libbpf_nla_getattr_u8(tb[SEG6_LOCAL_FLV_LCNODE_FN_BITS]);
}

/* Fill @info from a route's attributes; false if it is not End.BPF */
static bool seg6local_read_route(const struct rtmsg *rt, struct nlattr **tb,
				 struct bpf_seg6local_info *info)
{
	struct nlattr *encap[SEG6_LOCAL_MAX + 1];

	if (!tb[RTA_ENCAP_TYPE] || !tb[RTA_ENCAP] || !tb[RTA_DST] ||
	    libbpf_nla_getattr_u16(tb[RTA_ENCAP_TYPE]) != LWTUNNEL_ENCAP_SEG6_LOCAL ||
	    libbpf_nla_len(tb[RTA_DST]) != sizeof(info->route.sid))
		return false;
	if (libbpf_nla_parse_nested(encap, SEG6_LOCAL_MAX, tb[RTA_ENCAP], NULL) ||
	    !encap[SEG6_LOCAL_ACTION] || !encap[SEG6_LOCAL_BPF] ||
	    libbpf_nla_getattr_u32(encap[SEG6_LOCAL_ACTION]) != SEG6_LOCAL_ACTION_END_BPF)
		return false;

	memset(info, 0, sizeof(*info));
	info->route.sz = sizeof(info->route);
	memcpy(info->route.sid, libbpf_nla_data(tb[RTA_DST]), sizeof(info->route.sid));
	info->route.prefixlen = rt->rtm_dst_len;
	info->route.table = tb[RTA_TABLE] ? libbpf_nla_getattr_u32(tb[RTA_TABLE]) :
					    rt->rtm_table;
	if (tb[RTA_OIF])
		info->route.ifindex = libbpf_nla_getattr_u32(tb[RTA_OIF]);
	seg6local_read_bpf(encap[SEG6_LOCAL_BPF], info);
	if (encap[SEG6_LOCAL_COUNTERS])
		seg6local_read_counters(encap[SEG6_LOCAL_COUNTERS], info);
	if (encap[SEG6_LOCAL_FLAVORS])
		seg6local_read_flavors(encap[SEG6_LOCAL_FLAVORS], info);
	return true;
}

static int seg6local_walk_msg(struct nlmsghdr *nh, libbpf_dump_nlmsg_t unused,
			      void *cookie)
{
	struct seg6local_walk *walk = cookie;
	struct bpf_seg6local_info info;
	struct nlattr *tb[RTA_MAX + 1];
	struct rtmsg *rt = NLMSG_DATA(nh);

	if (nh->nlmsg_type != RTM_NEWROUTE || rt->rtm_family != AF_INET6)
		return NL_CONT;
	if (libbpf_nla_parse(tb, RTA_MAX, (struct nlattr *)RTM_RTA(rt),
			     RTM_PAYLOAD(nh), NULL))
		return -LIBBPF_ERRNO__NLPARSE;
	if (!seg6local_read_route(rt, tb, &info))
		return NL_CONT;
	if (walk->table && info.route.table != walk->table)
		return NL_CONT;
	walk->ret = walk->fn(&info, walk->ctx);
	return walk->ret ? NL_DONE : NL_CONT;
}

int bpf_seg6local_list(__u32 table, bpf_seg6local_list_fn fn, void *ctx)
{
	struct seg6local_walk walk = { .table = table, .fn = fn, .ctx = ctx };
	struct libbpf_nla_req req = {};
	int err;

	if (!fn)
		return libbpf_err(-EINVAL);
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	req.nh.nlmsg_type = RTM_GETROUTE;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.rt.rtm_family = AF_INET6;

	err = libbpf_netlink_send_recv_errmsg(&req, NETLINK_ROUTE,
					      seg6local_walk_msg, NULL, &walk,
					      NULL, 0);
	if (err)
		return libbpf_err(err);
	return walk.ret;
}

/* The list callback of a query: stop at the route asked for */
struct seg6local_match {
	const struct bpf_seg6local_route *route;
	struct bpf_seg6local_info *info;
};

static int seg6local_match_route(const struct bpf_seg6local_info *info,
				 void *ctx)
{
	struct seg6local_match *m = ctx;

	if (memcmp(info->route.sid, m->route->sid, sizeof(info->route.sid)) ||
	    info->route.prefixlen != seg6local_prefixlen(m->route) ||
	    info->route.ifindex != OPTS_GET(m->route, ifindex, 0))
		return 0;
	*m->info = *info;
	return 1;
}

int bpf_seg6local_query(const struct bpf_seg6local_route *route,
			struct bpf_seg6local_info *info)
{
	struct seg6local_match m = { .route = route, .info = info };
	int err;

	err = seg6local_check_route(route, NULL);
	if (err)
		return err;
	if (!info)
		return libbpf_err(-EINVAL);
	err = bpf_seg6local_list(seg6local_table(route), seg6local_match_route, &m);
	if (err < 0)
		return err;
	return err ? 0 : libbpf_err(-ENOENT);
}

/* Replace and detach act on End.BPF routes only, never on other SIDs' kinds */
static int seg6local_require(const struct bpf_seg6local_route *route,
			     const struct bpf_seg6local_opts *opts)
{
	struct bpf_seg6local_info info;
	int err;

	err = seg6local_check_route(route, opts);
	if (err)
		return err;
	err = bpf_seg6local_query(route, &info);
	if (err == -ENOENT)
		return seg6local_fail(opts, err,
				      "no End.BPF route for this SID and device");
	if (err)
		return seg6local_fail(opts, err, "cannot read the routing table");
	return 0;
}

int bpf_seg6local_replace(const struct bpf_seg6local_route *route, int prog_fd,
			  const struct bpf_seg6local_opts *opts)
{
	int err;

	err = seg6local_require(route, opts);
	if (!err && prog_fd < 0)
		err = seg6local_fail(opts, -EINVAL, "invalid program fd");
	if (err)
		return err;
	return seg6local_set(route, prog_fd, opts, NLM_F_REPLACE);
}

int bpf_seg6local_detach(const struct bpf_seg6local_route *route,
			 const struct bpf_seg6local_opts *opts)
{
	struct libbpf_nla_req req;
	int err;

	err = seg6local_require(route, opts);
	if (err)
		return err;
	err = seg6local_req_init(&req, RTM_DELROUTE, 0, route);
	if (err)
		return seg6local_fail(opts, err, "route request too large");
	/* with a protocol, only a route of that protocol goes */
	req.rt.rtm_protocol = OPTS_GET(opts, protocol, 0);
	return seg6local_talk(&req, opts);
}
