// SPDX-License-Identifier: GPL-2.0
/*
 * seg6bpf: attach, replace, detach and show SRv6 End.BPF routes through
 * libbpf's bpf_seg6local_*() API.
 *
 * Exit status: 0 on success, 1 when the kernel or libbpf refuses (the reason
 * is printed as given), 2 on bad usage.  A failed attach or replace leaves
 * nothing behind: pins it made are removed again.
 */
#define _GNU_SOURCE	/* renameat2 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "seg6_json.h"

#define EXIT_USAGE 2
#define MAX_MAPS 64

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

static const char *usage_text =
	"Usage: seg6bpf attach  SID dev DEV obj FILE prog NAME [table N] [pin DIR] [count]\n"
	"       seg6bpf replace SID dev DEV obj FILE prog NAME [table N] [pin DIR] [count]\n"
	"       seg6bpf detach  SID dev DEV [table N] [pin DIR]\n"
	"       seg6bpf [-j] show [SID] [table N]\n"
	"\n"
	"-j shows each route as a line of JSON (JSON Lines), with the time.\n"
	"SID is an IPv6 address with an optional /prefix length (default /128).\n"
	"NAME is the program's function or section name in FILE; a section that\n"
	"names no program type (as with iproute2) is loaded as lwt_seg6local.\n"
	"pin DIR pins the program (DIR/prog) and the maps it uses (DIR/<map>) in a\n"
	"new directory on a bpffs.  replace with pin DIR moves the pins to the new\n"
	"program; detach with pin DIR removes them.  Both first check that DIR\n"
	"holds exactly the route's program and its maps, and change nothing if\n"
	"not.  count keeps per-route counters.\n";

struct cmd {
	const char *verb;
	struct bpf_seg6local_route route;
	bool has_sid;
	const char *sid;
	const char *dev;
	const char *obj;
	const char *prog;
	const char *pin;
	bool counters;
};

static bool libbpf_quiet;

static int print_libbpf(enum libbpf_print_level level, const char *fmt,
			va_list args)
{
	if (level == LIBBPF_DEBUG || libbpf_quiet)
		return 0;
	return vfprintf(stderr, fmt, args);
}

/* Bad input: what is wrong in one line, where the usage is, exit 2. */
static void usage(const char *fmt, ...)
{
	va_list ap;

	fputs("seg6bpf: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'seg6bpf --help' for more information.\n", stderr);
	exit(EXIT_USAGE);
}

static int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("seg6bpf: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static void parse_sid(struct cmd *c, const char *arg)
{
	char buf[INET6_ADDRSTRLEN + 5], *slash, *end;
	unsigned long plen = 128;

	if (strlen(arg) >= sizeof(buf))
		usage("bad SID '%s'", arg);
	memcpy(buf, arg, strlen(arg) + 1);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		errno = 0;
		plen = strtoul(slash + 1, &end, 10);
		if (errno || end == slash + 1 || *end || plen < 1 || plen > 128)
			usage("bad SID prefix length in '%s'", arg);
	}
	if (inet_pton(AF_INET6, buf, c->route.sid) != 1)
		usage("bad SID '%s'", arg);
	c->route.prefixlen = plen;
	c->has_sid = true;
	c->sid = arg;
}

static __u32 parse_table(const char *arg)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || !v || v > UINT_MAX || arg[0] == '-')
		usage("bad table '%s'", arg);
	return v;
}

/* Is @kw one of the space-separated words of @allowed? */
static bool keyword_allowed(const char *allowed, const char *kw)
{
	size_t n = strlen(kw);
	const char *p;

	for (p = strstr(allowed, kw); n && p; p = strstr(p + 1, kw))
		if ((p == allowed || p[-1] == ' ') && (!p[n] || p[n] == ' '))
			return true;
	return false;
}

/* Keyword arguments after the verb (and SID); each at most once */
static void parse_options(struct cmd *c, int argc, char **argv,
			  const char *allowed)
{
	const char **slot;
	int i;

	for (i = 0; i < argc; i++) {
		const char *kw = argv[i];

		if (!keyword_allowed(allowed, kw))
			usage("unexpected '%s'", kw);
		if (!strcmp(kw, "count")) {
			c->counters = true;
			continue;
		}
		if (i + 1 == argc)
			usage("'%s' needs a value", kw);
		if (!strcmp(kw, "table")) {
			if (c->route.table)
				usage("'table' given twice");
			c->route.table = parse_table(argv[++i]);
			continue;
		}
		slot = !strcmp(kw, "dev") ? &c->dev : !strcmp(kw, "obj") ? &c->obj :
		       !strcmp(kw, "prog") ? &c->prog : !strcmp(kw, "pin") ? &c->pin :
		       NULL;
		if (!slot)
			usage("unexpected '%s'", kw);
		if (*slot)
			usage("'%s' given twice", kw);
		*slot = argv[++i];
	}
}

static struct bpf_program *find_prog(struct bpf_object *obj, const char *name)
{
	struct bpf_program *p = bpf_object__find_program_by_name(obj, name);

	if (p)
		return p;
	bpf_object__for_each_program(p, obj)
		if (!strcmp(bpf_program__section_name(p), name))
			return p;
	return NULL;
}

/* The ids of the maps program @prog_fd uses; their number, or -1. */
static int prog_map_ids(int prog_fd, __u32 *ids)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	info.nr_map_ids = MAX_MAPS;
	info.map_ids = (__u64)(unsigned long)ids;
	if (bpf_prog_get_info_by_fd(prog_fd, &info, &len))
		return -1;
	return info.nr_map_ids > MAX_MAPS ? -1 : (int)info.nr_map_ids;
}

static bool id_in(__u32 id, const __u32 *ids, int n)
{
	while (n-- > 0)
		if (ids[n] == id)
			return true;
	return false;
}

static __u32 map_id(int map_fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	return bpf_map_get_info_by_fd(map_fd, &info, &len) ? 0 : info.id;
}

/* Is @fd a BPF program or map?  (The info calls do not tell them apart.) */
static bool fd_is(int fd, const char *kind)
{
	char link[64], target[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	return !strcmp(target, kind);
}

/* Is @path in directory @dir? */
static bool in_dir(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return path && !strncmp(path, dir, n) && path[n] == '/';
}

/* Undo pin_all(): only what it pinned in @dir, never a map libbpf pinned
 * elsewhere by name.
 */
static void unpin_all(struct bpf_object *obj, const char *dir)
{
	char path[PATH_MAX];
	struct bpf_map *map;

	snprintf(path, sizeof(path), "%s/prog", dir);
	unlink(path);
	bpf_object__for_each_map(map, obj)
		if (in_dir(bpf_map__pin_path(map), dir))
			bpf_map__unpin(map, NULL);
	rmdir(dir);
}

/* Pin @prog as @dir/prog and the maps it uses as @dir/<map>, in a new
 * directory; all or nothing.  A map's dots become underscores, as with
 * bpf_object__pin_maps(): bpffs refuses names with a dot.  Maps that
 * libbpf already pinned by name elsewhere are shared, not the route's,
 * and stay where they are.
 */
static int pin_all(struct bpf_object *obj, struct bpf_program *prog,
		   const char *dir)
{
	__u32 ids[MAX_MAPS];
	char path[PATH_MAX], *c;
	struct bpf_map *map;
	int n;

	if (strlen(dir) + 1 + NAME_MAX >= sizeof(path))
		return fail("pin %s: name too long", dir);
	n = prog_map_ids(bpf_program__fd(prog), ids);
	if (n < 0)
		return fail("pin %s: cannot list the program's maps", dir);
	if (mkdir(dir, 0700))
		return fail("pin %s: %s", dir, strerror(errno));
	snprintf(path, sizeof(path), "%s/prog", dir);
	if (bpf_program__pin(prog, path))
		goto err;
	bpf_object__for_each_map(map, obj) {
		if (bpf_map__pin_path(map) ||
		    !id_in(map_id(bpf_map__fd(map)), ids, n))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, bpf_map__name(map));
		for (c = path + strlen(dir) + 1; *c; c++)
			if (*c == '.')
				*c = '_';
		if (bpf_map__pin(map, path))
			goto err;
	}
	return 0;
err:
	n = errno;
	unpin_all(obj, dir);
	return fail("pin %s: %s", dir, strerror(n));
}

struct pins {
	char dir[PATH_MAX];
	int n;
	char names[MAX_MAPS + 1][NAME_MAX + 1];
};

/* Does @name in @p->dir hold a map of @ids? */
static bool pinned_map_of(const struct pins *p, const char *name,
			  const __u32 *ids, int n)
{
	char path[PATH_MAX + 1 + NAME_MAX + 1];
	bool ours;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", p->dir, name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return false;
	ours = fd_is(fd, "anon_inode:bpf-map") && id_in(map_id(fd), ids, n);
	close(fd);
	return ours;
}

/* Check that @dir holds the pins of @route's program, as pin_all() made
 * them: it is on a bpffs, @dir/prog is the program the route runs, and
 * every other entry is a map that program uses.  Anything else is
 * refused, so that a wrong DIR never loses a file.  On success @p names
 * the entries to remove.
 */
static int check_pins(const struct bpf_seg6local_route *route, const char *dir,
		      struct pins *p)
{
	struct bpf_seg6local_info info = { .route.sz = sizeof(info.route) };
	struct bpf_prog_info pinfo = {};
	__u32 plen = sizeof(pinfo), ids[MAX_MAPS];
	char path[PATH_MAX];
	struct statfs st;
	struct dirent *e;
	int fd, n, err;
	DIR *d;

	if (strlen(dir) + 1 + NAME_MAX >= sizeof(p->dir))
		return fail("pin %s: name too long", dir);
	snprintf(p->dir, sizeof(p->dir), "%s", dir);
	p->n = 0;
	if (statfs(dir, &st))
		return fail("pin %s: %s", dir, strerror(errno));
	if (st.f_type != BPF_FS_MAGIC)
		return fail("pin %s: not on a bpffs; nothing changed", dir);
	err = bpf_seg6local_query(route, &info);
	if (err == -ENOENT)
		return fail("no End.BPF route for this SID and device; nothing changed");
	if (err)
		return fail("pin %s: %s", dir, strerror(-err));
	snprintf(path, sizeof(path), "%s/prog", dir);
	fd = bpf_obj_get(path);
	if (fd < 0 || !fd_is(fd, "anon_inode:bpf-prog") ||
	    bpf_prog_get_info_by_fd(fd, &pinfo, &plen)) {
		if (fd >= 0)
			close(fd);
		return fail("pin %s: %s is not a pinned program; nothing changed",
			    dir, path);
	}
	n = prog_map_ids(fd, ids);
	close(fd);
	if (pinfo.id != info.prog_id)
		return fail("pin %s: %s is program %u, not the route's %u; nothing changed",
			    dir, path, pinfo.id, info.prog_id);
	if (n < 0)
		return fail("pin %s: cannot list the program's maps", dir);
	snprintf(p->names[p->n++], sizeof(p->names[0]), "prog");

	d = opendir(dir);
	if (!d)
		return fail("pin %s: %s", dir, strerror(errno));
	err = 0;
	while (!err && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    !strcmp(e->d_name, "prog"))
			continue;
		if (p->n > MAX_MAPS)
			err = fail("pin %s: more entries than a program has maps; nothing changed",
				   dir);
		else if (!pinned_map_of(p, e->d_name, ids, n))
			err = fail("pin %s: %s/%s is not a map of the program; nothing changed",
				   dir, dir, e->d_name);
		else
			snprintf(p->names[p->n++], sizeof(p->names[0]), "%s", e->d_name);
	}
	closedir(d);
	return err;
}

/* Remove what check_pins() found, then the directory. */
static int remove_pins(const struct pins *p)
{
	char path[PATH_MAX + 1 + NAME_MAX + 1];
	int i, err = 0;

	for (i = 0; i < p->n; i++) {
		snprintf(path, sizeof(path), "%s/%s", p->dir, p->names[i]);
		if (unlink(path) && !err)
			err = errno;
	}
	if (rmdir(p->dir) && !err)
		err = errno;
	return err ? fail("cannot remove the pins in %s: %s", p->dir, strerror(err)) : 0;
}

/* attach and replace: load the one program, pin, then set the route.
 * replace with the pins of the old program in DIR pins the new one in
 * DIR_new, exchanges the two directories once the route runs it, then
 * removes the old pins: DIR is never missing nor half full.
 */
static int cmd_set(struct cmd *c, bool replace)
{
	char errmsg[256] = "", name[256], pin_dir[PATH_MAX];
	struct pins old = {};
	bool move = false;

	LIBBPF_OPTS(bpf_seg6local_opts, opts, .counters = c->counters,
		    .prog_name = name, .errmsg = errmsg,
		    .errmsg_sz = sizeof(errmsg));
	struct bpf_program *prog, *p;
	struct bpf_object *obj;
	int err;

	if (!c->dev || !c->obj || !c->prog)
		usage("%s needs dev, obj and prog", c->verb);
	c->route.ifindex = if_nametoindex(c->dev);
	if (!c->route.ifindex)
		return fail("unknown device '%s'", c->dev);

	obj = bpf_object__open_file(c->obj, NULL);
	if (!obj)
		return fail("cannot open %s: %s", c->obj, strerror(errno));
	prog = find_prog(obj, c->prog);
	if (!prog) {
		bpf_object__close(obj);
		return fail("no program '%s' in %s", c->prog, c->obj);
	}
	bpf_object__for_each_program(p, obj)
		bpf_program__set_autoload(p, p == prog);
	/* sections that name no type (iproute2's "sec NAME") mean End.BPF */
	if (bpf_program__type(prog) == BPF_PROG_TYPE_UNSPEC)
		bpf_program__set_type(prog, BPF_PROG_TYPE_LWT_SEG6LOCAL);
	err = bpf_object__load(obj);
	if (err) {
		bpf_object__close(obj);
		return fail("cannot load %s: %s", c->obj, strerror(-err));
	}
	if (c->pin && replace && !access(c->pin, F_OK)) {
		if (check_pins(&c->route, c->pin, &old)) {
			bpf_object__close(obj);
			return 1;
		}
		move = true;
	}
	if (c->pin) {
		/* bpffs refuses names with a dot */
		snprintf(pin_dir, sizeof(pin_dir), "%s%s", c->pin, move ? "_new" : "");
		if (pin_all(obj, prog, pin_dir)) {
			bpf_object__close(obj);
			return 1;
		}
	}

	/* the name iproute2 gives: object file and section */
	snprintf(name, sizeof(name), "%s:%s", c->obj,
		 bpf_program__section_name(prog));
	libbpf_quiet = true;
	err = replace ? bpf_seg6local_replace(&c->route, bpf_program__fd(prog), &opts) :
			bpf_seg6local_attach(&c->route, bpf_program__fd(prog), &opts);
	if (err) {
		if (c->pin)
			unpin_all(obj, pin_dir);
		bpf_object__close(obj);
		return fail("%s %s: %s", c->verb, c->sid, errmsg);
	}
	bpf_object__close(obj);
	if (!move)
		return 0;
	if (renameat2(AT_FDCWD, pin_dir, AT_FDCWD, c->pin, RENAME_EXCHANGE))
		return fail("replaced; new pins in %s, old ones still in %s: %s",
			    pin_dir, c->pin, strerror(errno));
	/* the old pins are where the new ones were */
	snprintf(old.dir, sizeof(old.dir), "%s", pin_dir);
	return remove_pins(&old);
}

static int cmd_detach(struct cmd *c)
{
	char errmsg[256] = "";

	LIBBPF_OPTS(bpf_seg6local_opts, opts, .errmsg = errmsg,
		    .errmsg_sz = sizeof(errmsg));
	struct pins pins;

	if (!c->dev)
		usage("detach needs dev");
	c->route.ifindex = if_nametoindex(c->dev);
	if (!c->route.ifindex)
		return fail("unknown device '%s'", c->dev);
	libbpf_quiet = true;
	if (c->pin && check_pins(&c->route, c->pin, &pins))
		return 1;
	if (bpf_seg6local_detach(&c->route, &opts))
		return fail("detach %s: %s", c->sid, errmsg);
	return c->pin ? remove_pins(&pins) : 0;
}

static void show_maps(__u32 prog_id)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), ids[64], i;
	int fd;

	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return;
	info.nr_map_ids = ARRAY_SIZE(ids);
	info.map_ids = (__u64)(unsigned long)ids;
	if (bpf_prog_get_info_by_fd(fd, &info, &len))
		goto out;
	printf("    maps:");
	for (i = 0; i < info.nr_map_ids && i < ARRAY_SIZE(ids); i++) {
		struct bpf_map_info minfo = {};
		__u32 mlen = sizeof(minfo);
		int mfd = bpf_map_get_fd_by_id(ids[i]);

		if (mfd >= 0 && !bpf_map_get_info_by_fd(mfd, &minfo, &mlen))
			printf(" %u(%s)", ids[i], minfo.name);
		if (mfd >= 0)
			close(mfd);
	}
	printf("%s\n", info.nr_map_ids ? "" : " none");
out:
	close(fd);
}

static void show_prog(__u32 prog_id)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd, i;

	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0 || bpf_prog_get_info_by_fd(fd, &info, &len)) {
		printf(" prog id %u", prog_id);
		if (fd >= 0)
			close(fd);
		return;
	}
	printf(" prog id %u name %s tag ", prog_id, info.name);
	for (i = 0; i < BPF_TAG_SIZE; i++)
		printf("%02x", info.tag[i]);
	close(fd);
}

/* What the kernel measured of the program's runs, with kernel.bpf_stats_enabled. */
static void show_runs(__u32 prog_id)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd;

	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return;
	if (!bpf_prog_get_info_by_fd(fd, &info, &len) && info.run_cnt)
		printf("    runs %llu, %.1f ns each\n", (unsigned long long)info.run_cnt,
		       (double)info.run_time_ns / info.run_cnt);
	close(fd);
}

struct show_ctx {
	const struct cmd *c;
	bool json;
	int shown;
};

/* A route as a line of JSON: what show prints, with the time (-j). */
static void show_route_json(const struct bpf_seg6local_info *info, const char *sid,
			    const char *dev)
{
	struct bpf_prog_info prog = {};
	__u32 len = sizeof(prog), ids[64], i, n = 0;
	int fd;

	fd = bpf_prog_get_fd_by_id(info->prog_id);
	prog.nr_map_ids = ARRAY_SIZE(ids);
	prog.map_ids = (__u64)(unsigned long)ids;
	if (fd >= 0 && !bpf_prog_get_info_by_fd(fd, &prog, &len))
		n = prog.nr_map_ids < ARRAY_SIZE(ids) ? prog.nr_map_ids : ARRAY_SIZE(ids);
	json_begin("route");
	printf(",\"sid\":\"%s\",\"prefixlen\":%u,\"dev\":", sid, info->route.prefixlen);
	json_string(dev);
	printf(",\"table\":%u,\"attached_as\":", info->route.table);
	json_string(info->prog_name);
	printf(",\"prog_id\":%u", info->prog_id);
	if (prog.id) {
		printf(",\"prog_name\":\"%s\",\"tag\":\"", prog.name);
		for (i = 0; i < BPF_TAG_SIZE; i++)
			printf("%02x", prog.tag[i]);
		printf("\",\"runs\":%llu,\"run_time_ns\":%llu",
		       (unsigned long long)prog.run_cnt, (unsigned long long)prog.run_time_ns);
	}
	if (info->has_counters)
		printf(",\"packets\":%llu,\"bytes\":%llu,\"errors\":%llu",
		       (unsigned long long)info->packets, (unsigned long long)info->bytes,
		       (unsigned long long)info->errors);
	printf(",\"maps\":[");
	for (i = 0; i < n; i++) {
		struct bpf_map_info minfo = {};
		__u32 mlen = sizeof(minfo);
		int mfd = bpf_map_get_fd_by_id(ids[i]);

		if (mfd >= 0 && !bpf_map_get_info_by_fd(mfd, &minfo, &mlen))
			printf("%s{\"id\":%u,\"name\":\"%s\"}", i ? "," : "", ids[i],
			       minfo.name);
		if (mfd >= 0)
			close(mfd);
	}
	printf("]");
	json_end();
	if (fd >= 0)
		close(fd);
}

static int show_route(const struct bpf_seg6local_info *info, void *ctx)
{
	struct show_ctx *s = ctx;
	char sid[INET6_ADDRSTRLEN], dev[IF_NAMESIZE] = "?";

	if (s->c->has_sid &&
	    (memcmp(info->route.sid, s->c->route.sid, sizeof(info->route.sid)) ||
	     info->route.prefixlen != s->c->route.prefixlen))
		return 0;
	inet_ntop(AF_INET6, info->route.sid, sid, sizeof(sid));
	if_indextoname(info->route.ifindex, dev);
	s->shown++;
	if (s->json) {
		show_route_json(info, sid, dev);
		return 0;
	}
	printf("%s/%u dev %s table %u", sid, info->route.prefixlen, dev,
	       info->route.table);
	show_prog(info->prog_id);
	printf(" attached as \"%s\"\n", info->prog_name);
	if (info->has_counters)
		printf("    packets %llu bytes %llu errors %llu\n",
		       (unsigned long long)info->packets,
		       (unsigned long long)info->bytes,
		       (unsigned long long)info->errors);
	show_runs(info->prog_id);
	show_maps(info->prog_id);
	return 0;
}

static int cmd_show(struct cmd *c, bool json)
{
	struct show_ctx s = { .c = c, .json = json };
	int err;

	err = bpf_seg6local_list(c->route.table, show_route, &s);
	if (err)
		return fail("cannot list routes: %s", strerror(-err));
	if (c->has_sid && !s.shown)
		return fail("no End.BPF route for %s", c->sid);
	return 0;
}

int main(int argc, char **argv)
{
	struct cmd c = { .route.sz = sizeof(c.route) };
	bool json = false;
	int first = 2;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
			  !strcmp(argv[1], "help"))) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "-j")) {
		json = true;
		argc--;
		argv++;
	}
	if (argc < 2)
		usage("a command is needed: attach, replace, detach or show");
	c.verb = argv[1];
	if (json && strcmp(c.verb, "show"))
		usage("-j is for show, not %s", c.verb);
	libbpf_set_print(print_libbpf);

	if (!strcmp(c.verb, "show")) {
		if (argc > 2 && strcmp(argv[2], "table")) {
			parse_sid(&c, argv[2]);
			first = 3;
		}
		parse_options(&c, argc - first, argv + first, "table");
		return cmd_show(&c, json);
	}
	if (argc < 3)
		usage("%s needs a SID", c.verb);
	parse_sid(&c, argv[2]);
	first = 3;
	if (!strcmp(c.verb, "attach") || !strcmp(c.verb, "replace")) {
		parse_options(&c, argc - first, argv + first,
			      "dev obj prog table pin count");
		return cmd_set(&c, !strcmp(c.verb, "replace"));
	}
	if (!strcmp(c.verb, "detach")) {
		parse_options(&c, argc - first, argv + first, "dev table pin");
		return cmd_detach(&c);
	}
	usage("unknown command '%s'", c.verb);
	return EXIT_USAGE;
}
