/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the SRv6 samples' daemons (srv6-dm, srv6-hybrid) share: command
 * line parsing with one way to fail (one line and exit 2 for bad input, a
 * message and 1 when the system refuses; -h and --help print the usage
 * on stdout), signals read from a signalfd, what a killed daemon left
 * behind, End.DM's ring buffer and the delay of its samples.
 */
#ifndef __SRV6_UTIL_H
#define __SRV6_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdnoreturn.h>
#include <netinet/in.h>
#include <linux/types.h>
#include <bpf/libbpf.h>

#define EXIT_USAGE	2
#define NSEC_PER_SEC	1000000000LL

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

struct srv6_dm_sample;

/* The options every daemon takes (srv6_parse_opts()). */
struct srv6_opts {
	bool json;		/* -j: JSON Lines on stdout, and nothing else */
	const char *pin_dir;	/* -p DIR */
	double interval;	/* -i SECONDS, 1 by default */
	double duration;	/* -t SECONDS, 0: until a signal */
	bool quiet;		/* -q */
};

/*
 * An object of a daemon's command line ("inject PREFIX dev DEV ..."): its
 * parser gets the arguments from the object's name on and returns how
 * many it used.
 */
struct srv6_object {
	const char *name;
	int (*parse)(int argc, char **argv);
};

/*
 * What a daemon installs that outlives it if it is killed (SIGKILL): its
 * routes, which carry its route protocol, and the maps it pins in -p DIR.
 */
struct srv6_leftovers {
	unsigned char protocol;		/* SRV6_RTPROT_* */
	const char *pin_dir;		/* -p DIR, or NULL */
	const char *const *pins;	/* the names of the maps it pins there */
	int n_pins;
};

/* Set by each daemon before it parses anything. */
extern const char *srv6_prog_name;
extern const char *srv6_usage_text;
/* -j was given: what goes to stdout are JSON lines (seg6_json.h) */
extern bool srv6_json;

noreturn void usage(const char *fmt, ...);
noreturn void srv6_help(void);
int fail(const char *fmt, ...);
unsigned long parse_ulong(const char *what, const char *arg, unsigned long max);
double parse_seconds(const char *what, const char *arg);
void parse_prefix(const char *arg, struct in6_addr *addr, __u32 *plen);
int parse_dev(const char *arg);
int srv6_dev_mtu(int ifindex);
int srv6_parse_opts(int argc, char **argv, struct srv6_opts *opts);
void srv6_parse_objects(int argc, char **argv, const struct srv6_object *objects);
int srv6_claim_netns(void);
int srv6_pinned_map(const char *dir, const struct bpf_map *map);
int srv6_leftovers_check(const struct srv6_leftovers *l);
int srv6_leftovers_flush(const struct srv6_leftovers *l);
int srv6_signalfd(void);
bool srv6_stdout_lost(void);
double srv6_now(void);
int srv6_libbpf_print(enum libbpf_print_level level, const char *fmt,
		      va_list args);
int srv6_tai_utc_offset(void);
int srv6_ring_poll(struct ring_buffer *rb, int ms);
__s64 srv6_dm_delay(const struct srv6_dm_sample *s, __s64 *forward,
		    __s64 *backward);

#endif /* __SRV6_UTIL_H */
