// SPDX-License-Identifier: GPL-2.0
/*
 * srv6-hybrid: SRv6 hybrid access with End.BPF (samples/bpf/srv6_hybrid.bpf.c).
 *
 * One process per node: the CPE and the aggregation node each send one
 * direction of the aggregate and receive the other.  As a sender it routes
 * the aggregate's prefix into the weighted round robin over its links and
 * has every link's packets probed by the delay-measurement injector
 * (srv6_dm.bpf.c); as the far end it attaches End.BPF to its link SIDs,
 * reads End.DM's one-way samples, and holds back the packets of faster
 * links by the difference of the delays (a tc egress program and the
 * device's fq qdisc), updated as the delays change.  It shows per link
 * packets, bytes, delay and compensation; on SIGINT, SIGTERM, SIGHUP,
 * SIGQUIT, when the reader of its stdout goes away or at the end
 * of -t it removes what it installed, and if installing fails half-way,
 * what was installed.
 *
 * `srv6-hybrid -p DIR set SID weight W` changes the weight of a running
 * srv6-hybrid's link; nothing changes if any argument is wrong.
 *
 * Its routes carry route protocol 201 (srv6-hybrid in srv6_nl.rt_protos),
 * and its compensation is the tc filter of handle and priority 0x6879
 * ("hy").  A srv6-hybrid that was killed (SIGKILL) cannot remove them; the
 * next one refuses to start until `srv6-hybrid [-p DIR] flush` has removed
 * them, the clsact qdisc that filter leaves empty and the map pinned in
 * DIR.
 *
 * Exit status: 0 on success, 1 when the kernel refuses (its reason is
 * printed), 2 on bad usage.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/pkt_sched.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "seg6_json.h"
#include "srv6_dm.h"
#include "srv6_hybrid.h"
#include "srv6_dm.skel.h"
#include "srv6_hybrid.skel.h"
#include "srv6_nl.h"
#include "srv6_util.h"

#define WEIGHT_MAX	1000000000UL
#define EVERY_DEFAULT	4
/* a link without a sample for this long has no delay to compensate */
#define STALE_SECONDS	2.0
/* how often compensation follows the delays */
#define UPDATE_SECONDS	0.1
/* compensation's tc filter, that `flush` looks for on every device */
#define COMP_TC_HANDLE		0x6879
#define COMP_TC_PRIORITY	0x6879
#define COMP_PROG_NAME		"hybrid_comp"

static const char *usage_text =
	"Usage: srv6-hybrid [-j] [-i SECONDS] [-t SECONDS] [-p DIR] [-q] OBJECT...\n"
	"       srv6-hybrid -p DIR set SID weight W [SID weight W...]\n"
	"       srv6-hybrid [-j] [-p DIR] flush\n"
	"\n"
	"OBJECT := aggregate PREFIX dev DEV decap SID\n"
	"        | link NAME sid SID weight W [session ID] [every N]\n"
	"        | endpoint NAME sid SID dev DEV [session ID]\n"
	"        | compensate DEV\n"
	"\n"
	"aggregate   sender: packets routed to PREFIX through DEV are spread over\n"
	"            the links; SID is the far end's End.DT6, after the link's SID.\n"
	"link        sender: an access link (at most 4), by the far end's SID that\n"
	"            is routed over it; W (1-1000000000): its share, its capacity\n"
	"            in any unit; 1 packet out of N (default 4) is a probe of DM\n"
	"            session ID (default: one derived from SID; the far end's\n"
	"            endpoint must take the same).\n"
	"endpoint    far end: End.BPF at SID, routed through DEV, for the link\n"
	"            NAME whose probes are of session ID (default: one derived\n"
	"            from SID, as the sender's link does).\n"
	"compensate  far end: hold back the packets of faster links on DEV's\n"
	"            egress; DEV's root qdisc must be fq, or mq with fq on\n"
	"            each queue.\n"
	"-i SEC      refresh the table every SEC seconds (default 1)\n"
	"-t SEC      stop after SEC seconds (default: until a signal stops it)\n"
	"-p DIR      pin the links' weights in DIR (on a bpffs), for `set`\n"
	"-j          JSON Lines on stdout instead of text: an object per\n"
	"            refresh, at start and at the end\n"
	"-q          no table, only the summary at the end\n"
	"\n"
	"set         change the weights of a running srv6-hybrid's links\n"
	"flush       remove what a killed srv6-hybrid left: its routes (protocol\n"
	"            201, srv6-hybrid), its compensation filter on any device\n"
	"            (and the clsact qdisc, if that leaves it empty) and, with\n"
	"            -p DIR, the map it pinned there\n";

struct link {
	const char *name;
	struct in6_addr sid;
	__u32 weight, session, every;
	bool installed;
};

struct endpoint {
	const char *name;
	struct bpf_seg6local_route route;
	__u32 session;
	bool installed;
	/* what the samples tell */
	__u64 probes;
	double delay_ns, last_sample;
	__u64 comp_ns;
};

static struct {
	const char *agg_arg;
	struct srv6_nl_route agg;
	struct in6_addr decap;
	bool agg_installed;
	struct link link[SRV6_HYBRID_MAX_LINKS];
	int n_link;
	struct endpoint ep[SRV6_HYBRID_MAX_LINKS];
	int n_ep;
	const char *comp_dev;
	struct bpf_tc_hook hook;
	struct bpf_tc_opts tc;
	bool hook_created, tc_attached;
} cfg;

static struct srv6_opts opts;

static const char *addr_str(const struct in6_addr *a)
{
	static char buf[4][INET6_ADDRSTRLEN];
	static int i;

	i = (i + 1) % 4;
	return inet_ntop(AF_INET6, a, buf[i], sizeof(buf[i]));
}

static __u32 parse_weight(const char *arg)
{
	__u32 w = parse_ulong("weight", arg, WEIGHT_MAX);

	if (!w)
		usage("bad weight '%s': a link's weight is at least 1", arg);
	return w;
}

static void parse_sid(const char *what, const char *arg, struct in6_addr *sid)
{
	__u32 plen;

	parse_prefix(arg, sid, &plen);
	if (plen != 128)
		usage("%s: SID '%s' must be an address, not a prefix", what, arg);
}

/* The value after keyword @i of an object, or usage(). */
static const char *arg_of(int argc, char **argv, int i, const char *obj)
{
	if (i + 1 >= argc)
		usage("%s: %s needs a value", obj, argv[i]);
	return argv[i + 1];
}

static int parse_aggregate(int argc, char **argv)
{
	bool dev = false, decap = false;
	__u32 plen;
	int i;

	if (cfg.agg_arg)
		usage("one aggregate per srv6-hybrid");
	if (argc < 2)
		usage("aggregate: PREFIX missing");
	cfg.agg_arg = argv[1];
	parse_prefix(argv[1], &cfg.agg.dst, &plen);
	cfg.agg.prefixlen = plen;
	cfg.agg.protocol = SRV6_RTPROT_HYBRID;
	for (i = 2; i < argc; i += 2) {
		if (!strcmp(argv[i], "dev")) {
			cfg.agg.ifindex = parse_dev(arg_of(argc, argv, i, "aggregate"));
			dev = true;
		} else if (!strcmp(argv[i], "decap")) {
			parse_sid("aggregate", arg_of(argc, argv, i, "aggregate"),
				  &cfg.decap);
			decap = true;
		} else {
			break;
		}
	}
	if (!dev || !decap)
		usage("aggregate %s: dev and decap are required", cfg.agg_arg);
	return i;
}

/* The DM session of the link whose far end is @sid, unless one is given.
 * Both sites know that SID, the sender's link and the far end's endpoint,
 * whatever the names and the order they list the links in: 24 bits of
 * FNV-1a over it, 0 left out.
 */
static __u32 sid_session(const struct in6_addr *sid)
{
	__u32 h = 2166136261u;
	int i;

	for (i = 0; i < 16; i++)
		h = (h ^ sid->s6_addr[i]) * 16777619u;
	h = (h >> 24) ^ (h & SRV6_DM_SESSION_MAX);
	return h ?: 1;
}

static int parse_link(int argc, char **argv)
{
	struct link *l = &cfg.link[cfg.n_link];
	bool sid = false, weight = false, session = false;
	int i;

	if (cfg.n_link == SRV6_HYBRID_MAX_LINKS)
		usage("at most %d links", SRV6_HYBRID_MAX_LINKS);
	if (argc < 2)
		usage("link: NAME missing");
	l->name = argv[1];
	l->every = EVERY_DEFAULT;
	for (i = 2; i < argc; i += 2) {
		const char *v;

		if (strcmp(argv[i], "sid") && strcmp(argv[i], "weight") &&
		    strcmp(argv[i], "session") && strcmp(argv[i], "every"))
			break;
		v = arg_of(argc, argv, i, l->name);
		if (!strcmp(argv[i], "sid")) {
			parse_sid(l->name, v, &l->sid);
			sid = true;
		} else if (!strcmp(argv[i], "weight")) {
			l->weight = parse_weight(v);
			weight = true;
		} else if (!strcmp(argv[i], "session")) {
			l->session = parse_ulong("session", v, SRV6_DM_SESSION_MAX);
			session = true;
		} else {
			l->every = parse_ulong("every", v, 1000000);
		}
	}
	if (!sid || !weight)
		usage("link %s: sid and weight are required", l->name);
	if (!session)
		l->session = sid_session(&l->sid);
	cfg.n_link++;
	return i;
}

static int parse_endpoint(int argc, char **argv)
{
	struct endpoint *ep = &cfg.ep[cfg.n_ep];
	bool sid = false, dev = false, session = false;
	struct in6_addr a;
	int i;

	if (cfg.n_ep == SRV6_HYBRID_MAX_LINKS)
		usage("at most %d endpoints", SRV6_HYBRID_MAX_LINKS);
	if (argc < 2)
		usage("endpoint: NAME missing");
	ep->name = argv[1];
	ep->route.sz = sizeof(ep->route);
	for (i = 2; i < argc; i += 2) {
		const char *v;

		if (strcmp(argv[i], "sid") && strcmp(argv[i], "dev") &&
		    strcmp(argv[i], "session"))
			break;
		v = arg_of(argc, argv, i, ep->name);
		if (!strcmp(argv[i], "sid")) {
			parse_sid(ep->name, v, &a);
			memcpy(ep->route.sid, &a, sizeof(a));
			ep->route.prefixlen = 128;
			sid = true;
		} else if (!strcmp(argv[i], "dev")) {
			ep->route.ifindex = parse_dev(v);
			dev = true;
		} else {
			ep->session = parse_ulong("session", v, SRV6_DM_SESSION_MAX);
			session = true;
		}
	}
	if (!sid || !dev)
		usage("endpoint %s: sid and dev are required", ep->name);
	if (!session)
		ep->session = sid_session(&a);
	cfg.n_ep++;
	return i;
}

static int parse_compensate(int argc, char **argv)
{
	if (cfg.comp_dev)
		usage("compensate given twice");
	if (argc < 2)
		usage("compensate: DEV missing");
	cfg.comp_dev = argv[1];
	cfg.hook.sz = sizeof(cfg.hook);
	cfg.hook.ifindex = parse_dev(argv[1]);
	cfg.hook.attach_point = BPF_TC_EGRESS;
	return 2;
}

/* What no single object can check: names, SIDs, sessions and roles. */
static void check_objects(void)
{
	int i, j;

	if (cfg.agg_arg && !cfg.n_link)
		usage("aggregate %s: no link to send it on", cfg.agg_arg);
	if (cfg.n_link && !cfg.agg_arg)
		usage("link %s: no aggregate to send", cfg.link[0].name);
	if (cfg.comp_dev && !cfg.n_ep)
		usage("compensate %s: no endpoint to measure links at", cfg.comp_dev);
	for (i = 0; i < cfg.n_link; i++)
		for (j = 0; j < i; j++) {
			if (!strcmp(cfg.link[i].name, cfg.link[j].name))
				usage("link %s given twice", cfg.link[i].name);
			if (!memcmp(&cfg.link[i].sid, &cfg.link[j].sid, 16))
				usage("links %s and %s have the same SID",
				      cfg.link[j].name, cfg.link[i].name);
			if (cfg.link[i].session == cfg.link[j].session)
				usage("links %s and %s have one session: set another",
				      cfg.link[j].name, cfg.link[i].name);
		}
	for (i = 0; i < cfg.n_ep; i++)
		for (j = 0; j < i; j++) {
			if (!strcmp(cfg.ep[i].name, cfg.ep[j].name))
				usage("endpoint %s given twice", cfg.ep[i].name);
			if (!memcmp(cfg.ep[i].route.sid, cfg.ep[j].route.sid, 16))
				usage("endpoints %s and %s have the same SID",
				      cfg.ep[j].name, cfg.ep[i].name);
			if (cfg.ep[i].session == cfg.ep[j].session)
				usage("endpoints %s and %s have one session: set another",
				      cfg.ep[j].name, cfg.ep[i].name);
		}
}

static const struct srv6_object objects[] = {
	{ "aggregate", parse_aggregate },
	{ "link", parse_link },
	{ "endpoint", parse_endpoint },
	{ "compensate", parse_compensate },
	{ NULL },
};

/* The DM flow of a link: SRH <link SID, decap SID>, reversed on the wire. */
static void link_flow(const struct link *l, struct srv6_dm_flow *flow)
{
	memset(flow, 0, sizeof(*flow));
	flow->session = l->session;
	flow->every = l->every;
	flow->srh[0] = IPPROTO_IPV6;	/* next header: the kernel sets it */
	flow->srh[2] = 4;		/* routing type: SRH */
	flow->srh[3] = 1;		/* segments left */
	flow->srh[4] = 1;		/* last entry */
	memcpy(&flow->srh[8], &cfg.decap, 16);
	memcpy(&flow->srh[24], &l->sid, 16);
	flow->srh_len = 8 + 2 * 16;
}

static void links_cfg(struct srv6_hybrid_cfg *hc)
{
	int i;

	memset(hc, 0, sizeof(*hc));
	hc->gen = 1;
	for (i = 0; i < cfg.n_link; i++) {
		hc->link[i].weight = cfg.link[i].weight;
		hc->link[i].sid = cfg.link[i].sid;
	}
}

static int fill_maps(struct srv6_dm *dm, struct srv6_hybrid *hy)
{
	struct srv6_dm_session then_next = { .then = SRV6_DM_THEN_NEXT };
	struct srv6_dm_count zero = {};
	struct srv6_hybrid_cfg hc;
	__u32 key = 0, fd;
	int i, err;

	fd = bpf_program__fd(dm->progs.srv6_dm_inject);
	err = bpf_map__update_elem(hy->maps.to_dm_inject, &key, sizeof(key),
				   &fd, sizeof(fd), 0);
	fd = bpf_program__fd(dm->progs.srv6_dm_end);
	err = err ?: bpf_map__update_elem(hy->maps.to_dm_end, &key, sizeof(key),
					  &fd, sizeof(fd), 0);
	if (err)
		return fail("cannot chain the measurement programs: %s", strerror(-err));
	for (i = 0; i < cfg.n_link; i++) {
		struct srv6_dm_flow_key fk = { .prefixlen = 128, .dst = cfg.link[i].sid };
		struct srv6_dm_flow flow;

		link_flow(&cfg.link[i], &flow);
		err = bpf_map__update_elem(dm->maps.dm_counts, &flow.session,
					   sizeof(__u32), &zero, sizeof(zero), 0) ?:
		      bpf_map__update_elem(dm->maps.dm_flows, &fk, sizeof(fk),
					   &flow, sizeof(flow), 0);
		if (err)
			return fail("link %s: %s", cfg.link[i].name, strerror(-err));
	}
	links_cfg(&hc);
	err = bpf_map__update_elem(hy->maps.hybrid_cfg, &key, sizeof(key), &hc,
				   sizeof(hc), 0);
	for (i = 0; !err && i < cfg.n_ep; i++) {
		__u32 link = i;

		err = bpf_map__update_elem(dm->maps.dm_sessions, &cfg.ep[i].session,
					   sizeof(__u32), &then_next,
					   sizeof(then_next), 0) ?:
		      bpf_map__update_elem(hy->maps.hybrid_sids, cfg.ep[i].route.sid,
					   16, &link, sizeof(link), 0);
	}
	return err ? fail("maps: %s", strerror(-err)) : 0;
}

static int pin_cfg(struct srv6_hybrid *hy)
{
	char path[PATH_MAX];
	int err;

	if (!opts.pin_dir)
		return 0;
	snprintf(path, sizeof(path), "%s/hybrid_cfg", opts.pin_dir);
	err = bpf_map__pin(hy->maps.hybrid_cfg, path);
	return err ? fail("cannot pin %s: %s", path, strerror(-err)) : 0;
}

/*
 * A multiqueue device's root is mq, whose children serve the TX queues:
 * each of them must be fq.  Replacing mq by one fq would serialize the
 * queues, so the fix offered keeps mq.
 */
static int check_mq_fq(__u32 mq)
{
	int children, other;
	char fix[128];

	other = srv6_nl_children_not(cfg.hook.ifindex, mq, "fq", &children);
	if (other < 0)
		return fail("compensate %s: %s", cfg.comp_dev, strerror(-other));
	if (!other && children)
		return 0;
	snprintf(fix, sizeof(fix), "tc qdisc replace dev %s parent %x:$(printf %%x $q) fq",
		 cfg.comp_dev, TC_H_MAJ(mq) >> 16);
	fail("compensate %s: the root qdisc is mq, and %d of its %d queues have no fq",
	     cfg.comp_dev, other, children);
	return fail("use: for q in $(seq %d); do %s; done", children, fix);
}

/* fq orders each flow's packets by departure time; others ignore it. */
static int check_fq(void)
{
	char kind[32];
	__u32 root;
	int err;

	err = srv6_nl_root_qdisc(cfg.hook.ifindex, kind, sizeof(kind), &root);
	if (err == -ENOENT)
		snprintf(kind, sizeof(kind), "none");
	else if (err)
		return fail("compensate %s: %s", cfg.comp_dev, strerror(-err));
	if (!strcmp(kind, "mq"))
		return check_mq_fq(root);
	if (strcmp(kind, "fq")) {
		fail("compensate %s: the root qdisc is %s, not fq", cfg.comp_dev, kind);
		return fail("use: tc qdisc replace dev %s root fq", cfg.comp_dev);
	}
	return 0;
}

static int attach_compensation(struct srv6_hybrid *hy)
{
	int err;

	err = check_fq();
	if (err)
		return err;
	err = bpf_tc_hook_create(&cfg.hook);
	if (err && err != -EEXIST)
		return fail("compensate %s: clsact: %s", cfg.comp_dev, strerror(-err));
	cfg.hook_created = !err;
	cfg.tc.sz = sizeof(cfg.tc);
	cfg.tc.handle = COMP_TC_HANDLE;
	cfg.tc.priority = COMP_TC_PRIORITY;
	cfg.tc.prog_fd = bpf_program__fd(hy->progs.hybrid_comp);
	err = bpf_tc_attach(&cfg.hook, &cfg.tc);
	if (err)
		return fail("compensate %s: %s", cfg.comp_dev, strerror(-err));
	cfg.tc_attached = true;
	return 0;
}

static int install(struct srv6_dm *dm, struct srv6_hybrid *hy)
{
	char msg[256];
	int i, err;

	err = fill_maps(dm, hy) ?: pin_cfg(hy);
	if (err)
		return err;
	if (cfg.agg_arg) {
		err = srv6_nl_lwt_in_add(&cfg.agg, bpf_program__fd(hy->progs.hybrid_wrr),
					 "hybrid_wrr", msg, sizeof(msg));
		if (err)
			return fail("aggregate %s: %s", cfg.agg_arg,
				    msg[0] ? msg : strerror(-err));
		cfg.agg_installed = true;
	}
	for (i = 0; i < cfg.n_ep; i++) {
		LIBBPF_OPTS(bpf_seg6local_opts, opts, .errmsg = msg,
			    .errmsg_sz = sizeof(msg),
			    .protocol = SRV6_RTPROT_HYBRID);
		struct endpoint *ep = &cfg.ep[i];

		msg[0] = '\0';
		err = bpf_seg6local_attach(&ep->route,
					   bpf_program__fd(hy->progs.hybrid_end), &opts);
		if (err)
			return fail("endpoint %s: %s", ep->name,
				    msg[0] ? msg : strerror(-err));
		ep->installed = true;
	}
	return cfg.comp_dev ? attach_compensation(hy) : 0;
}

/* Remove, in reverse, everything install() put in place. */
static void uninstall(struct srv6_hybrid *hy)
{
	char msg[256] = "";
	int i, err;

	if (cfg.tc_attached) {
		cfg.tc.prog_fd = 0;
		cfg.tc.prog_id = 0;
		cfg.tc.flags = 0;
		err = bpf_tc_detach(&cfg.hook, &cfg.tc);
		if (err)
			fail("compensate %s: %s", cfg.comp_dev, strerror(-err));
	}
	if (cfg.hook_created) {
		/* both directions: that removes the clsact qdisc */
		cfg.hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&cfg.hook);
	}
	for (i = cfg.n_ep - 1; i >= 0; i--) {
		LIBBPF_OPTS(bpf_seg6local_opts, opts, .errmsg = msg,
			    .errmsg_sz = sizeof(msg),
			    .protocol = SRV6_RTPROT_HYBRID);

		if (!cfg.ep[i].installed)
			continue;
		err = bpf_seg6local_detach(&cfg.ep[i].route, &opts);
		if (err)
			fail("endpoint %s: %s", cfg.ep[i].name,
			     msg[0] ? msg : strerror(-err));
	}
	if (cfg.agg_installed) {
		err = srv6_nl_route_del(&cfg.agg);
		if (err)
			fail("aggregate %s: %s", cfg.agg_arg, strerror(-err));
	}
	if (opts.pin_dir && bpf_map__is_pinned(hy->maps.hybrid_cfg))
		bpf_map__unpin(hy->maps.hybrid_cfg, NULL);
}

static bool endpoint_live(const struct endpoint *ep, double now)
{
	return ep->probes && now - ep->last_sample < STALE_SECONDS;
}

/* Hold back each link by what it is faster than the slowest live one.
 * Every one-way delay carries the offset between the two sites' clocks,
 * whatever its sign: only differences between links are used, and the
 * slowest may well be below 0.
 */
static void compensate(struct srv6_hybrid *hy)
{
	double t = srv6_now(), slowest = -INFINITY;
	__u32 i;

	for (i = 0; i < (__u32)cfg.n_ep; i++)
		if (endpoint_live(&cfg.ep[i], t) && cfg.ep[i].delay_ns > slowest)
			slowest = cfg.ep[i].delay_ns;
	for (i = 0; i < (__u32)cfg.n_ep; i++) {
		struct endpoint *ep = &cfg.ep[i];

		ep->comp_ns = endpoint_live(ep, t) ? slowest - ep->delay_ns : 0;
		bpf_map__update_elem(hy->maps.hybrid_delay, &i, sizeof(i),
				     &ep->comp_ns, sizeof(ep->comp_ns), 0);
	}
}

static int on_sample(void *ctx, void *data, size_t size)
{
	const struct srv6_dm_sample *s = data;
	__s64 delay, fwd, back;
	struct endpoint *ep;
	int i;

	if (size < sizeof(*s))
		return 0;
	delay = srv6_dm_delay(s, &fwd, &back);
	for (i = 0; i < cfg.n_ep; i++) {
		ep = &cfg.ep[i];
		if (ep->session != s->session)
			continue;
		/* queues change fast: half the weight to the newest probe */
		ep->delay_ns = ep->probes ? (ep->delay_ns + delay) / 2 : delay;
		ep->probes++;
		ep->last_sample = srv6_now();
	}
	if (cfg.comp_dev)
		compensate(ctx);
	return 0;
}

static void sum_link_stats(struct srv6_hybrid *hy, __u32 link,
			   struct srv6_hybrid_link_stats *sum)
{
	int c, ncpus = libbpf_num_possible_cpus();
	struct srv6_hybrid_link_stats *v = calloc(ncpus, sizeof(*v));

	memset(sum, 0, sizeof(*sum));
	if (!v || bpf_map__lookup_elem(hy->maps.hybrid_link_stats, &link,
				       sizeof(link), v, ncpus * sizeof(*v), 0))
		goto out;
	for (c = 0; c < ncpus; c++) {
		sum->tx_packets += v[c].tx_packets;
		sum->tx_bytes += v[c].tx_bytes;
		sum->rx_packets += v[c].rx_packets;
		sum->rx_bytes += v[c].rx_bytes;
		sum->delayed += v[c].delayed;
	}
out:
	free(v);
}

static __u64 sum_stat(struct srv6_hybrid *hy, __u32 key)
{
	int c, ncpus = libbpf_num_possible_cpus();
	__u64 *v = calloc(ncpus, sizeof(*v)), sum = 0;

	if (v && !bpf_map__lookup_elem(hy->maps.hybrid_stats, &key, sizeof(key),
				       v, ncpus * sizeof(*v), 0))
		for (c = 0; c < ncpus; c++)
			sum += v[c];
	free(v);
	return sum;
}

static void current_cfg(struct srv6_hybrid *hy, struct srv6_hybrid_cfg *hc)
{
	__u32 key = 0;

	if (bpf_map__lookup_elem(hy->maps.hybrid_cfg, &key, sizeof(key), hc,
				 sizeof(*hc), 0))
		memset(hc, 0, sizeof(*hc));
}

static void print_table(struct srv6_hybrid *hy)
{
	struct srv6_hybrid_link_stats ls;
	struct srv6_hybrid_cfg hc;
	__u64 total = 0;
	int i;

	current_cfg(hy, &hc);
	for (i = 0; i < cfg.n_link; i++)
		total += hc.link[i].weight;
	if (cfg.n_link)
		printf("%-8s %-10s %-24s %10s %6s %10s %12s\n", "send", "link", "sid",
		       "weight", "share", "packets", "bytes");
	for (i = 0; i < cfg.n_link; i++) {
		sum_link_stats(hy, i, &ls);
		printf("%-8s %-10s %-24s %10u %5.1f%% %10llu %12llu\n", "",
		       cfg.link[i].name, addr_str(&cfg.link[i].sid),
		       hc.link[i].weight, total ? 100.0 * hc.link[i].weight / total : 0,
		       (unsigned long long)ls.tx_packets,
		       (unsigned long long)ls.tx_bytes);
	}
	if (cfg.n_ep)
		printf("%-8s %-10s %-24s %10s %10s %10s %12s %9s %8s\n", "receive",
		       "link", "sid", "packets", "bytes", "probes", "delay(ms)",
		       "held(ms)", "delayed");
	for (i = 0; i < cfg.n_ep; i++) {
		const struct endpoint *ep = &cfg.ep[i];

		sum_link_stats(hy, i, &ls);
		printf("%-8s %-10s %-24s %10llu %10llu %10llu %12.3f ", "", ep->name,
		       addr_str((const void *)ep->route.sid),
		       (unsigned long long)ls.rx_packets,
		       (unsigned long long)ls.rx_bytes,
		       (unsigned long long)ep->probes, ep->delay_ns / 1e6);
		if (cfg.comp_dev)
			printf("%9.3f %8llu\n", ep->comp_ns / 1e6,
			       (unsigned long long)ls.delayed);
		else
			printf("%9s %8s\n", "-", "-");
	}
	fflush(stdout);
}

/* The table's figures as a line of JSON (-j). */
static void print_json(struct srv6_hybrid *hy)
{
	struct srv6_hybrid_link_stats ls;
	struct srv6_hybrid_cfg hc;
	int i;

	current_cfg(hy, &hc);
	json_begin("links");
	printf(",\"send\":[");
	for (i = 0; i < cfg.n_link; i++) {
		sum_link_stats(hy, i, &ls);
		printf("%s{\"link\":", i ? "," : "");
		json_string(cfg.link[i].name);
		printf(",\"weight\":%u,\"packets\":%llu,\"bytes\":%llu}", hc.link[i].weight,
		       (unsigned long long)ls.tx_packets, (unsigned long long)ls.tx_bytes);
	}
	printf("],\"receive\":[");
	for (i = 0; i < cfg.n_ep; i++) {
		const struct endpoint *ep = &cfg.ep[i];

		sum_link_stats(hy, i, &ls);
		printf("%s{\"link\":", i ? "," : "");
		json_string(ep->name);
		printf(",\"packets\":%llu,\"bytes\":%llu,\"probes\":%llu",
		       (unsigned long long)ls.rx_packets, (unsigned long long)ls.rx_bytes,
		       (unsigned long long)ep->probes);
		printf(",\"delay_ms\":%.3f,\"held_ms\":%.3f,\"delayed\":%llu}",
		       ep->delay_ns / 1e6, ep->comp_ns / 1e6, (unsigned long long)ls.delayed);
	}
	printf("],\"no_link\":%llu,\"tail_call_failed\":%llu,\"unknown_sid\":%llu",
	       (unsigned long long)sum_stat(hy, SRV6_HYBRID_NO_LINK),
	       (unsigned long long)sum_stat(hy, SRV6_HYBRID_TAIL_CALL_FAILED),
	       (unsigned long long)sum_stat(hy, SRV6_HYBRID_UNKNOWN_SID));
	json_end();
}

/* The links' figures: a table, or a line of JSON with -j. */
static void print_links(struct srv6_hybrid *hy)
{
	if (opts.json)
		print_json(hy);
	else
		print_table(hy);
}

/* Until a stop signal (read from @sig_fd), stdout's reader leaves or -t ends. */
static int run(struct srv6_dm *dm, struct srv6_hybrid *hy, int sig_fd,
	       double start)
{
	double next = start + opts.interval;
	struct signalfd_siginfo si;
	struct ring_buffer *rb;
	int err = 0;

	rb = ring_buffer__new(bpf_map__fd(dm->maps.dm_samples), on_sample, hy, NULL);
	if (!rb)
		return fail("ring buffer: %s", strerror(errno));
	if (opts.json) {
		json_begin("installed");
		printf(",\"links\":%d,\"endpoints\":%d,\"compensation\":%s", cfg.n_link,
		       cfg.n_ep, cfg.comp_dev ? "true" : "false");
		json_end();
	} else {
		printf("srv6-hybrid: %d link(s), %d endpoint(s)%s installed\n", cfg.n_link,
		       cfg.n_ep, cfg.comp_dev ? ", compensation" : "");
		fflush(stdout);
	}
	while (read(sig_fd, &si, sizeof(si)) != sizeof(si)) {
		err = srv6_ring_poll(rb, UPDATE_SECONDS * 1000);
		if (err < 0 && err != -EINTR) {
			fail("ring buffer: %s", strerror(-err));
			break;
		}
		err = 0;
		if (cfg.comp_dev)
			compensate(hy);	/* links that went quiet */
		if (opts.duration && srv6_now() - start >= opts.duration)
			break;
		if (srv6_now() >= next) {
			if (!opts.quiet)
				print_links(hy);
			next += opts.interval;
		}
		if (srv6_stdout_lost())
			break;
	}
	ring_buffer__free(rb);
	return err ? 1 : 0;
}

/* `set SID weight W...` on the weights a running srv6-hybrid pinned. */
static int set_weights(int argc, char **argv)
{
	struct srv6_hybrid_cfg hc;
	struct srv6_hybrid *hy;
	struct in6_addr sid;
	__u32 key = 0, w;
	int fd, i, l, err;

	if (!opts.pin_dir)
		usage("set needs -p DIR");
	if (argc < 4 || (argc - 1) % 3)
		usage("set SID weight W [SID weight W...] expected");
	for (i = 1; i < argc; i += 3) {
		parse_sid("set", argv[i], &sid);
		if (strcmp(argv[i + 1], "weight"))
			usage("set %s: weight expected, not '%s'", argv[i], argv[i + 1]);
		parse_weight(argv[i + 2]);
	}
	hy = srv6_hybrid__open();
	if (!hy)
		return fail("cannot open the BPF object: %s", strerror(errno));
	fd = srv6_pinned_map(opts.pin_dir, hy->maps.hybrid_cfg);
	srv6_hybrid__destroy(hy);
	if (fd < 0)
		return 1;
	err = bpf_map_lookup_elem(fd, &key, &hc);
	for (i = 1; !err && i < argc; i += 3) {
		parse_sid("set", argv[i], &sid);
		w = parse_weight(argv[i + 2]);
		for (l = 0; l < SRV6_HYBRID_MAX_LINKS; l++)
			if (hc.link[l].weight && !memcmp(&hc.link[l].sid, &sid, 16))
				break;
		if (l == SRV6_HYBRID_MAX_LINKS) {
			close(fd);
			return fail("no link with SID %s in %s", argv[i], opts.pin_dir);
		}
		hc.link[l].weight = w;
	}
	hc.gen++;
	err = err ?: bpf_map_update_elem(fd, &key, &hc, BPF_EXIST);
	close(fd);
	return err ? fail("%s/hybrid_cfg: %s", opts.pin_dir, strerror(errno)) : 0;
}

static void destroy(struct srv6_dm *dm, struct srv6_hybrid *hy)
{
	srv6_hybrid__destroy(hy);
	srv6_dm__destroy(dm);
}

/* Is program @id the compensation's? */
static bool is_comp_prog(__u32 id)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id);
	bool comp;

	if (fd < 0)
		return false;
	comp = !bpf_prog_get_info_by_fd(fd, &info, &len) &&
	       !strcmp(info.name, COMP_PROG_NAME);
	close(fd);
	return comp;
}

/* Remove the compensation filter from one device, and the clsact qdisc if
 * nothing else is left on it; the number of each removed in @n.
 */
static int flush_comp_on(unsigned int ifindex, const char *dev, int n[2])
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
		    .attach_point = BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, tc, .handle = COMP_TC_HANDLE,
		    .priority = COMP_TC_PRIORITY);
	int err;

	if (srv6_nl_clsact_filters(ifindex) <= 0 || bpf_tc_query(&hook, &tc) ||
	    !is_comp_prog(tc.prog_id))
		return 0;
	tc.prog_id = 0;
	err = bpf_tc_detach(&hook, &tc);
	if (err)
		return fail("compensation on %s: %s", dev, strerror(-err));
	n[0]++;
	if (srv6_nl_clsact_filters(ifindex))
		return 0;
	hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
	err = bpf_tc_hook_destroy(&hook);
	if (err)
		return fail("clsact on %s: %s", dev, strerror(-err));
	n[1]++;
	return 0;
}

/* `flush`: what a killed srv6-hybrid left, on every device of the netns */
static int flush(const struct srv6_leftovers *left)
{
	struct if_nameindex *ifs, *i;
	int err, n[2] = {};

	err = srv6_leftovers_flush(left);
	ifs = if_nameindex();
	if (!ifs)
		return fail("listing the devices: %s", strerror(errno));
	for (i = ifs; i->if_index; i++)
		err |= flush_comp_on(i->if_index, i->if_name, n);
	if_freenameindex(ifs);
	if (opts.json) {
		json_begin("flushed");
		printf(",\"filters\":%d,\"qdiscs\":%d", n[0], n[1]);
		json_end();
		return err;
	}
	printf("%s: removed %d compensation filter(s) and %d clsact qdisc(s) it left empty\n",
	       srv6_prog_name, n[0], n[1]);
	return err;
}

int main(int argc, char **argv)
{
	static const char * const pins[] = { "hybrid_cfg" };
	struct srv6_leftovers left = {
		.protocol = SRV6_RTPROT_HYBRID,
		.pins = pins,
		.n_pins = ARRAY_SIZE(pins),
	};
	struct srv6_hybrid *hy = NULL;
	struct srv6_dm *dm = NULL;
	int first, err, sig_fd;
	bool ran;
	double start;

	srv6_prog_name = "srv6-hybrid";
	srv6_usage_text = usage_text;
	first = srv6_parse_opts(argc, argv, &opts);
	argc -= first;
	argv += first;
	if (argc && !strcmp(argv[0], "set"))
		return set_weights(argc, argv);
	left.pin_dir = opts.pin_dir;
	if (argc && !strcmp(argv[0], "flush")) {
		if (argc > 1)
			usage("flush takes no argument, '%s' given", argv[1]);
		return srv6_claim_netns() ?: flush(&left);
	}
	srv6_parse_objects(argc, argv, objects);
	check_objects();
	err = srv6_claim_netns() ?: srv6_leftovers_check(&left);
	if (err)
		return err;

	sig_fd = srv6_signalfd();
	if (sig_fd < 0)
		return fail("signalfd: %s", strerror(errno));
	libbpf_set_print(srv6_libbpf_print);
	dm = srv6_dm__open_and_load();
	hy = dm ? srv6_hybrid__open_and_load() : NULL;
	if (!hy) {
		err = -errno;
		destroy(dm, hy);
		return fail("cannot load the BPF programs: %s", strerror(-err));
	}
	dm->bss->tai_utc_offset = srv6_tai_utc_offset();
	err = install(dm, hy);
	start = srv6_now();
	ran = !err;
	if (ran)
		err = run(dm, hy, sig_fd, start);
	/* first what the network needs back, then what the operator reads */
	uninstall(hy);
	if (ran)
		print_links(hy);
	destroy(dm, hy);
	return err;
}
