// SPDX-License-Identifier: GPL-2.0
/*
 * srv6-dm: SRv6 delay measurement with End.BPF (samples/bpf/srv6_dm.bpf.c).
 *
 * One process per node.  It loads the programs, installs what the command
 * line asks for on this node (injector routes on a headend, End.DM SIDs,
 * the sessions End.DM accepts), reads End.DM's samples from a ring buffer
 * and prints, per session, probes, loss (gaps in sequence numbers) and
 * delay (min/avg/max, jitter as the mean difference of consecutive
 * delays).  On SIGINT, SIGTERM, SIGHUP, SIGQUIT, when the reader of its
 * stdout goes away or at the end of -t, it removes what it
 * installed; if installing fails half-way, what was installed is removed.
 *
 * `srv6-dm -p DIR set SESSION every N` changes the probing rate of a
 * running srv6-dm that was started with the same -p DIR.
 *
 * Its routes carry route protocol 200 (srv6-dm in srv6_nl.rt_protos, for
 * /etc/iproute2/rt_protos.d/): `ip -6 route show proto 200` lists them.  A
 * srv6-dm that was killed (SIGKILL) cannot remove them; the next one
 * refuses to start until `srv6-dm [-p DIR] flush` has removed them and the
 * maps pinned in DIR.
 *
 * Exit status: 0 on success, 1 when the kernel refuses (its reason is
 * printed), 2 on bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <linux/ipv6.h>
#include <linux/rtnetlink.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "seg6_json.h"
#include "srv6_dm.h"
#include "srv6_dm.skel.h"
#include "srv6_nl.h"
#include "srv6_util.h"

#define MAX_INJECT	16
#define MAX_ENDPOINTS	16
#define MAX_SESSIONS	256

static const char *usage_text =
	"Usage: srv6-dm [-j] [-i SECONDS] [-t SECONDS] [-p DIR] [-q] OBJECT...\n"
	"       srv6-dm -p DIR set SESSION every N\n"
	"       srv6-dm [-j] [-p DIR] flush\n"
	"\n"
	"OBJECT := inject PREFIX dev DEV segs SID[,SID...] session ID [every N]\n"
	"                 [two-way] [ptp]\n"
	"        | endpoint SID dev DEV\n"
	"        | session ID [then next | then decap [table N] | then drop]\n"
	"\n"
	"inject    headend: packets routed to PREFIX get an SRH with the SIDs\n"
	"          (at most 6); 1 out of N (default 100; 0: none) is a probe\n"
	"          of session ID (0-16777215).  two-way: the End.DM reflects\n"
	"          probes along the rest of the SIDs, back to this node's\n"
	"          End.DM.  ptp: PTPv2 timestamps instead of NTP.\n"
	"endpoint  End.DM at SID, routed through DEV; like End, it needs a\n"
	"          segment after it in the probes' SRH.\n"
	"session   a session End.DM measures; then: what becomes of its probes\n"
	"          (default next: remove the DM TLV and go on).\n"
	"-j        JSON Lines on stdout instead of text: an object per sample,\n"
	"          per session and refresh, at start and at the end\n"
	"-i SEC    refresh the table every SEC seconds (default 1)\n"
	"-t SEC    stop after SEC seconds (default: until a signal stops it)\n"
	"-p DIR    pin the maps in DIR (on a bpffs), for `set`\n"
	"-q        no table, only the summary at the end\n"
	"\n"
	"set       change the probing rate of a running srv6-dm's session\n"
	"flush     remove what a killed srv6-dm left: its routes (protocol 200,\n"
	"          srv6-dm) and, with -p DIR, the maps it pinned there\n";

struct inject {
	const char *arg;
	struct srv6_dm_flow_key key;
	struct srv6_dm_flow flow;
	int ifindex;
	bool installed;
};

struct endpoint {
	const char *arg;
	struct bpf_seg6local_route route;
	bool installed;
};

struct session_cfg {
	__u32 id;
	struct srv6_dm_session sess;
};

/* What srv6-dm saw of a session's samples. */
struct session_stats {
	__u32 id;
	bool two_way;
	__u64 received;
	__u32 first_seq, last_seq;
	__s64 min, max, sum, last;
	__u64 jitter_sum, jitter_n;
};

static struct {
	struct inject inject[MAX_INJECT];
	int n_inject;
	struct endpoint endpoint[MAX_ENDPOINTS];
	int n_endpoint;
	struct session_cfg session[MAX_SESSIONS];
	int n_session;
} cfg;

static struct srv6_opts opts;

static struct session_stats stats[MAX_SESSIONS];
static int n_stats;

/* The SRH template of a flow: segments in reverse order, no TLV. */
static void parse_segs(struct srv6_dm_flow *flow, const char *arg)
{
	struct in6_addr segs[SRV6_DM_MAX_SEGS];
	char buf[SRV6_DM_MAX_SEGS * (INET6_ADDRSTRLEN + 1)], *tok, *save;
	int n = 0, i;

	if (strlen(arg) >= sizeof(buf))
		usage("too many SIDs in '%s' (at most %d)", arg, SRV6_DM_MAX_SEGS);
	snprintf(buf, sizeof(buf), "%s", arg);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (n == SRV6_DM_MAX_SEGS)
			usage("too many SIDs in '%s' (at most %d)", arg, SRV6_DM_MAX_SEGS);
		if (inet_pton(AF_INET6, tok, &segs[n]) != 1)
			usage("bad SID '%s'", tok);
		n++;
	}
	if (!n)
		usage("no SID in '%s'", arg);
	memset(flow->srh, 0, sizeof(flow->srh));
	flow->srh[0] = IPPROTO_IPV6;	/* next header: the kernel sets it */
	flow->srh[2] = 4;		/* routing type: SRH */
	flow->srh[3] = n - 1;		/* segments left */
	flow->srh[4] = n - 1;		/* last entry */
	for (i = 0; i < n; i++)
		memcpy(&flow->srh[8 + 16 * i], &segs[n - 1 - i], 16);
	flow->srh_len = 8 + 16 * n;
}

static bool session_configured(__u32 id)
{
	int i;

	for (i = 0; i < cfg.n_session; i++)
		if (cfg.session[i].id == id)
			return true;
	return false;
}

static int parse_inject(int argc, char **argv)
{
	struct inject *in = &cfg.inject[cfg.n_inject];
	bool dev = false, segs = false, session = false;
	int i = 1, j;

	if (cfg.n_inject == MAX_INJECT)
		usage("at most %d inject objects", MAX_INJECT);
	if (argc < 2)
		usage("inject: PREFIX missing");
	in->arg = argv[1];
	parse_prefix(argv[1], &in->key.dst, &in->key.prefixlen);
	in->flow.every = 100;
	for (i = 2; i < argc; i++) {
		const char *kw = argv[i];

		if (!strcmp(kw, "two-way")) {
			in->flow.flags |= SRV6_DM_F_TWO_WAY;
			continue;
		}
		if (!strcmp(kw, "ptp")) {
			in->flow.flags |= SRV6_DM_F_PTP;
			continue;
		}
		if (strcmp(kw, "dev") && strcmp(kw, "segs") &&
		    strcmp(kw, "session") && strcmp(kw, "every"))
			break;
		if (i + 1 >= argc)
			usage("inject: %s needs a value", kw);
		if (!strcmp(kw, "dev")) {
			in->ifindex = parse_dev(argv[++i]);
			dev = true;
		} else if (!strcmp(kw, "segs")) {
			parse_segs(&in->flow, argv[++i]);
			segs = true;
		} else if (!strcmp(kw, "session")) {
			in->flow.session = parse_ulong("session", argv[++i],
						       SRV6_DM_SESSION_MAX);
			session = true;
		} else {
			in->flow.every = parse_ulong("every", argv[++i], 1000000);
		}
	}
	if (!dev || !segs || !session)
		usage("inject %s: dev, segs and session are required", in->arg);
	for (j = 0; j < cfg.n_inject; j++)
		if (cfg.inject[j].flow.session == in->flow.session)
			usage("session %u injected twice", in->flow.session);
	cfg.n_inject++;
	return i;
}

static int parse_endpoint(int argc, char **argv)
{
	struct endpoint *ep = &cfg.endpoint[cfg.n_endpoint];
	struct in6_addr sid;
	__u32 plen;

	if (cfg.n_endpoint == MAX_ENDPOINTS)
		usage("at most %d endpoint objects", MAX_ENDPOINTS);
	if (argc < 4 || strcmp(argv[2], "dev"))
		usage("endpoint: SID dev DEV expected");
	ep->arg = argv[1];
	parse_prefix(argv[1], &sid, &plen);
	ep->route.sz = sizeof(ep->route);
	memcpy(ep->route.sid, &sid, sizeof(sid));
	ep->route.prefixlen = plen;
	ep->route.ifindex = parse_dev(argv[3]);
	cfg.n_endpoint++;
	return 4;
}

static int parse_session(int argc, char **argv)
{
	struct session_cfg *s = &cfg.session[cfg.n_session];
	int i = 2;

	if (cfg.n_session == MAX_SESSIONS)
		usage("at most %d sessions", MAX_SESSIONS);
	if (argc < 2)
		usage("session: ID missing");
	s->id = parse_ulong("session", argv[1], SRV6_DM_SESSION_MAX);
	if (session_configured(s->id))
		usage("session %u given twice", s->id);
	s->sess.then = SRV6_DM_THEN_NEXT;
	if (i < argc && !strcmp(argv[i], "then")) {
		if (++i >= argc)
			usage("session %u: then needs next, decap or drop", s->id);
		if (!strcmp(argv[i], "next")) {
			s->sess.then = SRV6_DM_THEN_NEXT;
		} else if (!strcmp(argv[i], "drop")) {
			s->sess.then = SRV6_DM_THEN_DROP;
		} else if (!strcmp(argv[i], "decap")) {
			s->sess.then = SRV6_DM_THEN_DECAP;
			s->sess.table = RT_TABLE_MAIN;
			if (i + 1 < argc && !strcmp(argv[i + 1], "table")) {
				if (i + 2 >= argc)
					usage("session %u: table needs a value", s->id);
				s->sess.table = parse_ulong("table", argv[i + 2],
							    UINT_MAX);
				if (!s->sess.table)
					usage("bad table '0'");
				i += 2;
			}
		} else {
			usage("session %u: then needs next, decap or drop", s->id);
		}
		i++;
	}
	cfg.n_session++;
	return i;
}

static const struct srv6_object objects[] = {
	{ "inject", parse_inject },
	{ "endpoint", parse_endpoint },
	{ "session", parse_session },
	{ NULL },
};

static struct srv6_nl_route inject_route(const struct inject *in)
{
	struct srv6_nl_route rt = {
		.dst = in->key.dst,
		.prefixlen = in->key.prefixlen,
		.ifindex = in->ifindex,
		.protocol = SRV6_RTPROT_DM,
	};

	return rt;
}

static int inject_attach(struct inject *in, int prog_fd, char *msg, size_t sz)
{
	struct srv6_nl_route rt = inject_route(in);

	return srv6_nl_lwt_in_add(&rt, prog_fd, "srv6_dm_inject", msg, sz);
}

static int inject_detach(struct inject *in)
{
	struct srv6_nl_route rt = inject_route(in);

	return srv6_nl_route_del(&rt);
}

static const char * const pinned_maps[] = { "dm_flows", "dm_counts", "dm_stats" };

static void unpin_maps(struct srv6_dm *skel)
{
	struct bpf_map *map;
	size_t i;

	if (!opts.pin_dir)
		return;
	for (i = 0; i < ARRAY_SIZE(pinned_maps); i++) {
		map = bpf_object__find_map_by_name(skel->obj, pinned_maps[i]);
		if (map && bpf_map__is_pinned(map))
			bpf_map__unpin(map, NULL);
	}
}

static int pin_maps(struct srv6_dm *skel)
{
	char path[PATH_MAX];
	struct bpf_map *map;
	size_t i;
	int err;

	if (!opts.pin_dir)
		return 0;
	for (i = 0; i < ARRAY_SIZE(pinned_maps); i++) {
		map = bpf_object__find_map_by_name(skel->obj, pinned_maps[i]);
		snprintf(path, sizeof(path), "%s/%s", opts.pin_dir, pinned_maps[i]);
		err = bpf_map__pin(map, path);
		if (err)
			return fail("cannot pin %s: %s", path, strerror(-err));
	}
	return 0;
}

/* Remove, in reverse, everything install() put in place. */
static void uninstall(struct srv6_dm *skel)
{
	char msg[256] = "";
	int i, err;

	for (i = cfg.n_endpoint - 1; i >= 0; i--) {
		LIBBPF_OPTS(bpf_seg6local_opts, opts, .errmsg = msg,
			    .errmsg_sz = sizeof(msg),
			    .protocol = SRV6_RTPROT_DM);
		struct endpoint *ep = &cfg.endpoint[i];

		if (!ep->installed)
			continue;
		err = bpf_seg6local_detach(&ep->route, &opts);
		if (err)
			fail("endpoint %s: %s", ep->arg, msg[0] ? msg : strerror(-err));
		ep->installed = false;
	}
	for (i = cfg.n_inject - 1; i >= 0; i--) {
		if (!cfg.inject[i].installed)
			continue;
		err = inject_detach(&cfg.inject[i]);
		if (err)
			fail("inject %s: %s", cfg.inject[i].arg, strerror(-err));
		cfg.inject[i].installed = false;
	}
	unpin_maps(skel);
}

static int fill_maps(struct srv6_dm *skel)
{
	struct srv6_dm_count zero = {};
	int i, err;

	for (i = 0; i < cfg.n_session; i++) {
		err = bpf_map__update_elem(skel->maps.dm_sessions,
					   &cfg.session[i].id, sizeof(__u32),
					   &cfg.session[i].sess,
					   sizeof(cfg.session[i].sess), BPF_NOEXIST);
		if (err)
			return fail("session %u: %s", cfg.session[i].id, strerror(-err));
	}
	for (i = 0; i < cfg.n_inject; i++) {
		struct inject *in = &cfg.inject[i];
		int mtu = srv6_dev_mtu(in->ifindex);

		if (mtu < 0)
			return fail("inject %s: the MTU of its device: %s", in->arg,
				    strerror(-mtu));
		/* what a probe may have been, to fit @mtu once encapsulated */
		in->flow.probe_max = mtu - sizeof(struct ipv6hdr) - in->flow.srh_len -
				     sizeof(struct srv6_dm_tlv);
		err = bpf_map__update_elem(skel->maps.dm_counts, &in->flow.session,
					   sizeof(__u32), &zero, sizeof(zero),
					   BPF_NOEXIST);
		if (!err)
			err = bpf_map__update_elem(skel->maps.dm_flows, &in->key,
						   sizeof(in->key), &in->flow,
						   sizeof(in->flow), BPF_NOEXIST);
		if (err)
			return fail("inject %s: %s", in->arg,
				    err == -EEXIST ? "prefix given twice" : strerror(-err));
	}
	return 0;
}

static int install(struct srv6_dm *skel)
{
	char msg[256];
	int i, err;

	err = fill_maps(skel) ?: pin_maps(skel);
	if (err)
		return err;
	for (i = 0; i < cfg.n_inject; i++) {
		struct inject *in = &cfg.inject[i];

		err = inject_attach(in, bpf_program__fd(skel->progs.srv6_dm_inject),
				    msg, sizeof(msg));
		if (err)
			return fail("inject %s: %s", in->arg,
				    msg[0] ? msg : strerror(-err));
		in->installed = true;
	}
	for (i = 0; i < cfg.n_endpoint; i++) {
		LIBBPF_OPTS(bpf_seg6local_opts, opts, .errmsg = msg,
			    .errmsg_sz = sizeof(msg), .protocol = SRV6_RTPROT_DM);
		struct endpoint *ep = &cfg.endpoint[i];

		msg[0] = '\0';
		err = bpf_seg6local_attach(&ep->route,
					   bpf_program__fd(skel->progs.srv6_dm_end),
					   &opts);
		if (err)
			return fail("endpoint %s: %s", ep->arg,
				    msg[0] ? msg : strerror(-err));
		ep->installed = true;
	}
	return 0;
}

static struct session_stats *stats_of(__u32 id)
{
	int i;

	for (i = 0; i < n_stats; i++)
		if (stats[i].id == id)
			return &stats[i];
	if (n_stats == MAX_SESSIONS)
		return NULL;
	stats[n_stats].id = id;
	return &stats[n_stats++];
}

static void account(struct session_stats *st, const struct srv6_dm_sample *s,
		    __s64 delay)
{
	if (!st->received) {
		st->first_seq = s->seq;
		st->last_seq = s->seq;
		st->min = delay;
		st->max = delay;
	} else {
		if ((__s32)(s->seq - st->last_seq) > 0)
			st->last_seq = s->seq;
		if ((__s32)(s->seq - st->first_seq) < 0)
			st->first_seq = s->seq;
		st->jitter_sum += llabs(delay - st->last);
		st->jitter_n++;
	}
	st->last = delay;
	st->min = delay < st->min ? delay : st->min;
	st->max = delay > st->max ? delay : st->max;
	st->sum += delay;
	st->received++;
}

static int on_sample(void *ctx, void *data, size_t size)
{
	const struct srv6_dm_sample *s = data;
	bool two_way = s->flags & SRV6_DM_F_TWO_WAY;
	__s64 delay, forward, backward;
	struct session_stats *st;

	if (size < sizeof(*s))
		return 0;
	delay = srv6_dm_delay(s, &forward, &backward);
	st = stats_of(s->session);
	if (st) {
		st->two_way = two_way;
		account(st, s, delay);
	}
	if (!opts.json)
		return 0;
	json_begin("sample");
	printf(",\"session\":%u,\"seq\":%u,\"mode\":\"%s\",\"delay_ns\":%lld",
	       s->session, s->seq, two_way ? "two-way" : "one-way", (long long)delay);
	if (two_way)
		printf(",\"forward_ns\":%lld,\"backward_ns\":%lld",
		       (long long)forward, (long long)backward);
	json_end();
	return 0;
}

static __u64 lost(const struct session_stats *st)
{
	__u64 expected = (__u64)(__u32)(st->last_seq - st->first_seq) + 1;

	return expected > st->received ? expected - st->received : 0;
}

/* Each session's figures so far: a line of JSON each with -j. */
static void print_sessions_json(void)
{
	int i;

	for (i = 0; i < n_stats; i++) {
		const struct session_stats *st = &stats[i];

		json_begin("session");
		printf(",\"session\":%u,\"mode\":\"%s\",\"probes\":%llu,\"lost\":%llu",
		       st->id, st->two_way ? "two-way" : "one-way",
		       (unsigned long long)st->received, (unsigned long long)lost(st));
		if (st->received)
			printf(",\"min_ns\":%lld,\"avg_ns\":%.0f,\"max_ns\":%lld",
			       (long long)st->min, (double)st->sum / st->received,
			       (long long)st->max);
		if (st->jitter_n)
			printf(",\"jitter_ns\":%.0f", (double)st->jitter_sum / st->jitter_n);
		json_end();
	}
}

static void print_table(void)
{
	int i;

	if (opts.json) {
		print_sessions_json();
		return;
	}
	printf("%8s %-8s %8s %6s %9s %9s %9s %10s\n", "session", "mode",
	       "probes", "lost", "min(ms)", "avg(ms)", "max(ms)", "jitter(ms)");
	for (i = 0; i < n_stats; i++) {
		const struct session_stats *st = &stats[i];

		printf("%8u %-8s %8llu %6llu %9.3f %9.3f %9.3f %10.3f\n", st->id,
		       st->two_way ? "two-way" : "one-way",
		       (unsigned long long)st->received,
		       (unsigned long long)lost(st), st->min / 1e6,
		       st->sum / 1e6 / st->received, st->max / 1e6,
		       st->jitter_n ? st->jitter_sum / 1e6 / st->jitter_n : 0.0);
	}
	fflush(stdout);
}

static void print_counters(struct srv6_dm *skel)
{
	static const char * const names[SRV6_DM_NR_STATS] = {
		"encapsulated", "probes_sent", "encap_failed", "probes_skipped_mtu",
		"passed", "sampled", "reflected", "malformed", "unknown_session",
		"samples_lost", "forward_failed",
	};
	int ncpus = libbpf_num_possible_cpus();
	__u64 *v = calloc(ncpus, sizeof(*v));
	__u32 k;
	int c;

	if (!v)
		return;
	if (opts.json)
		json_begin("counters");
	else
		printf("counters:");
	for (k = 0; k < SRV6_DM_NR_STATS; k++) {
		__u64 sum = 0;

		if (!bpf_map__lookup_elem(skel->maps.dm_stats, &k, sizeof(k), v,
					  ncpus * sizeof(*v), 0))
			for (c = 0; c < ncpus; c++)
				sum += v[c];
		printf(opts.json ? ",\"%s\":%llu" : " %s=%llu", names[k],
		       (unsigned long long)sum);
	}
	if (opts.json)
		json_end();
	else
		printf("\n");
	free(v);
}

/* Until a stop signal (read from @sig_fd), stdout's reader leaves or -t ends. */
static int run(struct srv6_dm *skel, int sig_fd)
{
	struct signalfd_siginfo si;
	struct ring_buffer *rb;
	double start = srv6_now(), next = start + opts.interval;
	int err = 0;

	rb = ring_buffer__new(bpf_map__fd(skel->maps.dm_samples), on_sample,
			      NULL, NULL);
	if (!rb)
		return fail("ring buffer: %s", strerror(errno));
	if (opts.json) {
		json_begin("installed");
		printf(",\"injectors\":%d,\"endpoints\":%d,\"sessions\":%d",
		       cfg.n_inject, cfg.n_endpoint, cfg.n_session);
		json_end();
	} else {
		printf("srv6-dm: %d injector route(s), %d End.DM SID(s), %d session(s) installed\n",
		       cfg.n_inject, cfg.n_endpoint, cfg.n_session);
		fflush(stdout);
	}
	while (read(sig_fd, &si, sizeof(si)) != sizeof(si)) {
		err = srv6_ring_poll(rb, 100);
		if (err < 0 && err != -EINTR) {
			fail("ring buffer: %s", strerror(-err));
			break;
		}
		err = 0;
		if (opts.duration && srv6_now() - start >= opts.duration)
			break;
		if (!opts.quiet && srv6_now() >= next) {
			print_table();
			next += opts.interval;
		}
		if (srv6_stdout_lost())
			break;
	}
	ring_buffer__consume(rb);
	ring_buffer__free(rb);
	return err ? 1 : 0;
}

/* `set SESSION every N` on the maps a running srv6-dm pinned. */
static int set_every(int argc, char **argv)
{
	struct srv6_dm_flow_key key, *prev = NULL;
	struct srv6_dm_flow flow;
	struct srv6_dm *skel;
	__u32 session, every;
	int fd, err;

	if (!opts.pin_dir)
		usage("set needs -p DIR");
	if (argc != 4 || strcmp(argv[2], "every"))
		usage("set SESSION every N expected");
	session = parse_ulong("session", argv[1], SRV6_DM_SESSION_MAX);
	every = parse_ulong("every", argv[3], 1000000);
	skel = srv6_dm__open();
	if (!skel)
		return fail("cannot open the BPF object: %s", strerror(errno));
	fd = srv6_pinned_map(opts.pin_dir, skel->maps.dm_flows);
	srv6_dm__destroy(skel);
	if (fd < 0)
		return 1;
	while (!bpf_map_get_next_key(fd, prev, &key)) {
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &flow) || flow.session != session)
			continue;
		flow.every = every;
		err = bpf_map_update_elem(fd, &key, &flow, BPF_EXIST);
		close(fd);
		return err ? fail("session %u: %s", session, strerror(errno)) : 0;
	}
	close(fd);
	return fail("no injector of session %u in %s", session, opts.pin_dir);
}

int main(int argc, char **argv)
{
	struct srv6_leftovers left = {
		.protocol = SRV6_RTPROT_DM,
		.pins = pinned_maps,
		.n_pins = ARRAY_SIZE(pinned_maps),
	};
	struct srv6_dm *skel;
	int first, err, sig_fd;
	bool ran;

	srv6_prog_name = "srv6-dm";
	srv6_usage_text = usage_text;
	first = srv6_parse_opts(argc, argv, &opts);
	argc -= first;
	argv += first;
	if (argc && !strcmp(argv[0], "set"))
		return set_every(argc, argv);
	left.pin_dir = opts.pin_dir;
	if (argc && !strcmp(argv[0], "flush")) {
		if (argc > 1)
			usage("flush takes no argument, '%s' given", argv[1]);
		return srv6_claim_netns() ?: srv6_leftovers_flush(&left);
	}
	srv6_parse_objects(argc, argv, objects);
	err = srv6_claim_netns() ?: srv6_leftovers_check(&left);
	if (err)
		return err;

	sig_fd = srv6_signalfd();
	if (sig_fd < 0)
		return fail("signalfd: %s", strerror(errno));
	libbpf_set_print(srv6_libbpf_print);
	skel = srv6_dm__open();
	if (!skel)
		return fail("cannot open the BPF programs: %s", strerror(errno));
	err = srv6_dm__load(skel);
	if (err) {
		srv6_dm__destroy(skel);
		return fail("cannot load the BPF programs: %s", strerror(-err));
	}
	skel->bss->tai_utc_offset = srv6_tai_utc_offset();
	err = install(skel);
	ran = !err;
	if (ran)
		err = run(skel, sig_fd);
	/* first what the network needs back, then what the operator reads */
	uninstall(skel);
	if (ran) {
		print_table();
		print_counters(skel);
	}
	srv6_dm__destroy(skel);
	return err;
}
