// SPDX-License-Identifier: GPL-2.0
/*
 * What the SRv6 samples' daemons share (srv6_util.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/signalfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>
#include <linux/limits.h>
#include <net/if.h>
#include <bpf/bpf.h>
#include "seg6_json.h"
#include "srv6_dm.h"
#include "srv6_nl.h"
#include "srv6_util.h"

const char *srv6_prog_name = "srv6";
const char *srv6_usage_text = "";
bool srv6_json;

static void vsay(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", srv6_prog_name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/**
 * usage() - report bad input in one line, point at --help, exit with status 2
 * @fmt: what is wrong (printf format)
 */
noreturn void usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", srv6_prog_name);
	exit(EXIT_USAGE);
}

/**
 * srv6_help() - -h or --help: the usage text on stdout, exit with status 0
 */
noreturn void srv6_help(void)
{
	fputs(srv6_usage_text, stdout);
	exit(0);
}

/**
 * fail() - report what the system refused
 * @fmt: the message (printf format)
 *
 * Return: 1, the exit status for it.
 */
int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	return 1;
}

/**
 * parse_ulong() - a number from 0 to @max, or usage()
 * @what: its name, for the message
 * @arg: the text
 * @max: the largest value allowed
 *
 * Return: the number.
 */
unsigned long parse_ulong(const char *what, const char *arg, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v > max)
		usage("bad %s '%s' (0-%lu)", what, arg, max);
	return v;
}

/**
 * parse_seconds() - a duration over 0 and up to a day, or usage()
 * @what: its name, for the message
 * @arg: the text, in seconds
 *
 * Return: the duration in seconds.
 */
double parse_seconds(const char *what, const char *arg)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !(v > 0) || v > 86400)
		usage("bad %s '%s' (seconds, more than 0)", what, arg);
	return v;
}

/**
 * parse_prefix() - an IPv6 prefix (a /128 without a length), or usage()
 * @arg: the text
 * @addr: gets the address
 * @plen: gets the prefix length
 */
void parse_prefix(const char *arg, struct in6_addr *addr, __u32 *plen)
{
	char buf[INET6_ADDRSTRLEN + 5], *slash;

	if (strlen(arg) >= sizeof(buf))
		usage("bad IPv6 prefix '%s'", arg);
	snprintf(buf, sizeof(buf), "%s", arg);
	*plen = 128;
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		*plen = parse_ulong("prefix length", slash + 1, 128);
	}
	if (inet_pton(AF_INET6, buf, addr) != 1)
		usage("bad IPv6 address '%s'", buf);
}

/**
 * parse_dev() - the index of a device, or exit with status 1
 * @arg: the device's name
 *
 * Return: the ifindex.
 */
int parse_dev(const char *arg)
{
	int ifindex = if_nametoindex(arg);

	if (!ifindex)
		exit(fail("no device '%s'", arg));
	return ifindex;
}

/**
 * srv6_dev_mtu() - the MTU of a device
 * @ifindex: the device
 *
 * Return: the MTU, or -errno.
 */
int srv6_dev_mtu(int ifindex)
{
	struct ifreq ifr = {};
	int fd, mtu;

	if (!if_indextoname(ifindex, ifr.ifr_name))
		return -errno;
	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	mtu = ioctl(fd, SIOCGIFMTU, &ifr) ? -errno : ifr.ifr_mtu;
	close(fd);
	return mtu;
}

/**
 * srv6_parse_opts() - the options every daemon takes, or usage()
 * @argc: main()'s
 * @argv: main()'s
 * @opts: gets them
 *
 * -j, -i SECONDS, -t SECONDS, -p DIR and -q, up to the first argument
 * that is not an option.
 *
 * Return: the index in @argv of that argument.
 */
int srv6_parse_opts(int argc, char **argv, struct srv6_opts *opts)
{
	int opt;

	memset(opts, 0, sizeof(*opts));
	opts->interval = 1;
	if (argc > 1 && !strcmp(argv[1], "--help"))
		srv6_help();
	opterr = 0;
	while ((opt = getopt(argc, argv, "+ji:t:p:qh")) != -1) {
		switch (opt) {
		case 'j':
			opts->json = true;
			srv6_json = true;
			break;
		case 'i':
			opts->interval = parse_seconds("interval", optarg);
			break;
		case 't':
			opts->duration = parse_seconds("duration", optarg);
			break;
		case 'p':
			opts->pin_dir = optarg;
			break;
		case 'q':
			opts->quiet = true;
			break;
		case 'h':
			srv6_help();
		default:
			if (strchr("itp", optopt))
				usage("option -%c needs a value", optopt);
			usage("unknown option '-%c'", optopt);
		}
	}
	return optind;
}

/**
 * srv6_parse_objects() - parse every object of the command line, or usage()
 * @argc: the arguments after the options
 * @argv: the arguments after the options
 * @objects: the daemon's objects, ending with a NULL name
 */
void srv6_parse_objects(int argc, char **argv, const struct srv6_object *objects)
{
	const struct srv6_object *o;
	int used;

	if (!argc)
		usage("nothing to do: give at least one OBJECT");
	while (argc) {
		for (o = objects; o->name; o++)
			if (!strcmp(argv[0], o->name))
				break;
		if (!o->name)
			usage("unknown object '%s'", argv[0]);
		used = o->parse(argc, argv);
		argc -= used;
		argv += used;
	}
}

/**
 * srv6_pinned_map() - open the map a running instance pinned in @dir
 * @dir: the pin directory (-p DIR)
 * @map: the map, as this program's skeleton defines it (opened, at least)
 *
 * The pin is checked against @map's name, type, key and value sizes and
 * entries: a pin of another program's map, or of another version of this
 * one, is refused, since writing this layout into it would corrupt what
 * uses it.
 *
 * Return: a map fd, or -1 after saying why not.
 */
int srv6_pinned_map(const char *dir, const struct bpf_map *map)
{
	const char *name = bpf_map__name(map);
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = bpf_obj_get(path);
	if (fd < 0) {
		fail("%s: %s (is %s running with -p %s?)", path, strerror(errno),
		     srv6_prog_name, dir);
		return -1;
	}
	if (bpf_map_get_info_by_fd(fd, &info, &len)) {
		fail("%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (strncmp(info.name, name, sizeof(info.name) - 1) ||
	    info.type != bpf_map__type(map) ||
	    info.key_size != bpf_map__key_size(map) ||
	    info.value_size != bpf_map__value_size(map) ||
	    info.max_entries != bpf_map__max_entries(map)) {
		close(fd);
		fail("%s: not this %s's map: %s '%s', %u entries, key %u, value %u bytes expected",
		     path, srv6_prog_name, libbpf_bpf_map_type_str(bpf_map__type(map)),
		     name, bpf_map__max_entries(map), bpf_map__key_size(map),
		     bpf_map__value_size(map));
		return -1;
	}
	return fd;
}

/**
 * srv6_claim_netns() - be the only instance of this daemon in the netns
 *
 * Binds the abstract unix socket named after the daemon ("@srv6-dm"):
 * abstract names belong to a network namespace, and the kernel frees
 * them when the process ends, SIGKILL included.  The socket stays open
 * until exit.  Taken before installing and before `flush`, so that flush
 * never removes what a running instance uses.
 *
 * Return: 0, or 1 (the exit status) if another instance runs here.
 */
int srv6_claim_netns(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(srv6_prog_name);
	int fd;

	if (len + 1 > sizeof(sa.sun_path))
		return fail("name too long for a unix socket");
	memcpy(sa.sun_path + 1, srv6_prog_name, len);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail("socket: %s", strerror(errno));
	if (!bind(fd, (struct sockaddr *)&sa, offsetof(struct sockaddr_un, sun_path) + 1 + len))
		return 0;
	if (errno == EADDRINUSE)
		return fail("another %s runs in this network namespace", srv6_prog_name);
	return fail("bind @%s: %s", srv6_prog_name, strerror(errno));
}

/* Is @dir/@name (made in @path) a pinned map of that name, as we pin it? */
static bool our_pin(const char *dir, const char *name, char *path, size_t sz)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	bool ours;
	int fd;

	snprintf(path, sz, "%s/%s", dir, name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return false;
	ours = !bpf_map_get_info_by_fd(fd, &info, &len) && !strcmp(info.name, name);
	close(fd);
	return ours;
}

/* How many of the daemon's pins are in its dir; with @remove, unpin them */
static int count_pins(const struct srv6_leftovers *l, bool remove)
{
	char path[PATH_MAX];
	int i, n = 0;

	for (i = 0; l->pin_dir && i < l->n_pins; i++) {
		if (!our_pin(l->pin_dir, l->pins[i], path, sizeof(path)))
			continue;
		if (remove && unlink(path))
			return -errno;
		n++;
	}
	return n;
}

/**
 * srv6_leftovers_check() - refuse to start over what another instance left
 * @l: what the daemon installs
 *
 * With srv6_claim_netns() taken, routes of the daemon's protocol or its
 * maps pinned in -p DIR mean that an instance was killed.  Name them, and
 * the command that removes them.
 *
 * Return: 0 if there are none, else 1 (the exit status).
 */
int srv6_leftovers_check(const struct srv6_leftovers *l)
{
	int routes = srv6_nl_routes_of(l->protocol, false);
	int pins = count_pins(l, false);

	if (routes < 0)
		return fail("cannot read the routing table: %s", strerror(-routes));
	if (!routes && !pins)
		return 0;
	fail("%d route(s) of protocol %u and %d map(s) pinned in %s left by a killed %s",
	     routes, l->protocol, pins, l->pin_dir ?: "-", srv6_prog_name);
	return fail("remove them with: %s%s%s flush", srv6_prog_name,
		    l->pin_dir ? " -p " : "", l->pin_dir ?: "");
}

/**
 * srv6_leftovers_flush() - remove what a killed instance left
 * @l: what the daemon installs
 *
 * Removes the routes of the daemon's protocol, in every table, and its
 * maps pinned in -p DIR (a file there that is not such a map stays).
 * Prints what it removed.
 *
 * Return: 0, or 1 (the exit status) if the kernel refused.
 */
int srv6_leftovers_flush(const struct srv6_leftovers *l)
{
	int routes = srv6_nl_routes_of(l->protocol, true);
	int pins;

	if (routes < 0)
		return fail("removing the routes of protocol %u: %s", l->protocol,
			    strerror(-routes));
	pins = count_pins(l, true);
	if (pins < 0)
		return fail("unpinning from %s: %s", l->pin_dir, strerror(-pins));
	if (srv6_json) {
		json_begin("flushed");
		printf(",\"protocol\":%u,\"routes\":%d", l->protocol, routes);
		if (l->pin_dir)
			printf(",\"pins\":%d", pins);
		json_end();
		return 0;
	}
	printf("%s: removed %d route(s) of protocol %u", srv6_prog_name, routes,
	       l->protocol);
	if (l->pin_dir)
		printf(" and %d map(s) pinned in %s", pins, l->pin_dir);
	printf("\n");
	return 0;
}

/**
 * srv6_signalfd() - read the signals that stop a daemon from a file
 *
 * SIGINT, SIGTERM, SIGHUP (the terminal or ssh session went away) and
 * SIGQUIT are blocked and read in the daemon's main loop, so that a signal
 * that comes while it installs waits until it can remove what it
 * installed.  SIGPIPE is ignored: a reader of stdout that goes away
 * (`| head`) shows as EPIPE, see srv6_stdout_lost().
 *
 * Return: the non-blocking signalfd, or -1 with errno set.
 */
int srv6_signalfd(void)
{
	sigset_t sigs;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGQUIT);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	return signalfd(-1, &sigs, SFD_NONBLOCK | SFD_CLOEXEC);
}

/**
 * srv6_stdout_lost() - has the reader of stdout gone away?
 *
 * A daemon that prints to a pipe stops when the pipe's reader exits, as it
 * would on SIGPIPE, but through its own clean-up.  poll() tells it even
 * when nothing was written since: a pipe without readers reports POLLERR.
 *
 * Return: true if stdout is a pipe or socket whose other end is closed.
 */
bool srv6_stdout_lost(void)
{
	struct pollfd p = { .fd = STDOUT_FILENO };

	fflush(stdout);
	return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP));
}

/**
 * srv6_now() - CLOCK_MONOTONIC in seconds
 *
 * Return: the time.
 */
double srv6_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/**
 * srv6_libbpf_print() - libbpf's messages but its debug ones, on stderr
 * @level: the message's level
 * @fmt: its format
 * @args: its arguments
 *
 * Return: what vfprintf() returns, 0 for a debug message.
 */
int srv6_libbpf_print(enum libbpf_print_level level, const char *fmt,
		      va_list args)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, args);
}

/**
 * srv6_tai_utc_offset() - TAI - UTC in seconds, as adjtimex(2) knows it
 *
 * srv6_dm.bpf.c stamps NTP (UTC) timestamps from CLOCK_TAI.
 *
 * Return: the offset, 0 if unknown.
 */
int srv6_tai_utc_offset(void)
{
	struct timex tx = {};

	return adjtimex(&tx) < 0 ? 0 : tx.tai;
}

/* A wire timestamp (RFC 8762 4.2.1) in ns; only differences matter. */
static __s64 ts_ns(__u64 ts, bool ptp)
{
	__u64 sec = ts >> 32, low = ts & 0xffffffff;

	if (ptp)
		return sec * NSEC_PER_SEC + low;
	return sec * NSEC_PER_SEC + ((low * NSEC_PER_SEC) >> 32);
}

/**
 * srv6_dm_delay() - the delay an End.DM sample measured
 * @s: the sample
 * @forward: gets T2 - T1
 * @backward: gets T4 - T3 (two-way samples only)
 *
 * Return: in ns, T2 - T1 for a one-way sample, the round trip without
 * End.DM's residence time for a two-way one.
 */
__s64 srv6_dm_delay(const struct srv6_dm_sample *s, __s64 *forward,
		    __s64 *backward)
{
	bool ptp = s->flags & SRV6_DM_F_PTP;
	__s64 t[4];
	int i;

	for (i = 0; i < 4; i++)
		t[i] = ts_ns(s->t[i], ptp);
	*forward = t[1] - t[0];
	*backward = t[3] - t[2];
	if (s->flags & SRV6_DM_F_TWO_WAY)
		return *forward + *backward;
	return *forward;
}

/**
 * srv6_ring_poll() - wait for End.DM's samples, then take what is there
 * @rb: the ring buffer
 * @ms: the longest wait
 *
 * End.DM wakes its reader only once a few samples wait: after a wait that
 * timed out, what came meanwhile is taken all the same.
 *
 * Return: the number of samples taken, or a negative errno.
 */
int srv6_ring_poll(struct ring_buffer *rb, int ms)
{
	int err = ring_buffer__poll(rb, ms);

	return err < 0 ? err : ring_buffer__consume(rb);
}
