// SPDX-License-Identifier: GPL-2.0
/*
 * Bad SEG6_LOCAL_BPF input over rtnetlink: every rejection carries its own
 * extack message and errno, and leaves the routing table as it was.
 */
#include <fcntl.h>
#include "seg6_bpf_helpers.h"
#include "test_seg6_bpf.skel.h"

#define NS	"seg6_bpf_nl"

/* Number of routes for fc00::/16 in the test netns. */
static int sid_routes(void)
{
	char line[512];
	int n = 0;
	FILE *p = popen("ip -6 route show 2>/dev/null", "r");

	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p))
		n += !strncmp(line, "fc00:", 5);
	pclose(p);
	return n;
}

static int socket_filter_prog(void)
{
	struct bpf_insn insns[] = {
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	return bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, NULL, "GPL", insns,
			     ARRAY_SIZE(insns), NULL);
}

struct bad_case {
	const char *what;
	int err;
	const char *msg;
};

static void expect_rejected(const struct seg6_bpf_route *r, const struct bad_case *c)
{
	char msg[256];
	int before = sid_routes();

	if (!test__start_subtest(c->what))
		return;
	ASSERT_EQ(seg6_bpf_route_add(r, msg, sizeof(msg)), c->err, "errno");
	ASSERT_STREQ(msg, c->msg, "extack");
	ASSERT_EQ(sid_routes(), before, "table unchanged");
}

void test_seg6_bpf_netlink(void)
{
	char long_name[300], max_name[257];
	struct test_seg6_bpf *skel = NULL;
	struct nstoken *tok = NULL;
	int other_fd = -1, null_fd = -1, closed_fd, good_fd;
	struct seg6_bpf_route r;
	char msg[256];

	SYS(out, "ip netns add " NS);
	tok = open_netns(NS);
	if (!ASSERT_OK_PTR(tok, "netns"))
		goto out;
	SYS(out, "ip link add dummy0 type dummy");
	SYS(out, "ip link set dummy0 up");
	skel = test_seg6_bpf__open_and_load();
	if (!ASSERT_OK_PTR(skel, "skel"))
		goto out;
	good_fd = bpf_program__fd(skel->progs.seg6_test);
	other_fd = socket_filter_prog();
	null_fd = open("/dev/null", O_RDONLY);
	/* a high number: the lowest free one would be reused by the netlink
	 * socket of the request itself
	 */
	closed_fd = dup2(null_fd, 900);
	close(closed_fd);
	if (!ASSERT_GE(other_fd, 0, "socket filter") || !ASSERT_GE(null_fd, 0, "/dev/null"))
		goto out;
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	memset(max_name, 'm', sizeof(max_name) - 1);
	max_name[sizeof(max_name) - 1] = '\0';

#define ROUTE(...) (r = (struct seg6_bpf_route){ .sid = "fc00::1", .dev = "dummy0", \
						 .prog_fd = good_fd, .name = "p", __VA_ARGS__ })
	ROUTE(.prog_fd = -1);
	expect_rejected(&r, &(struct bad_case){ "missing_prog", -EINVAL,
			"End.BPF: missing program fd (SEG6_LOCAL_BPF_PROG)" });
	ROUTE(.name = NULL);
	expect_rejected(&r, &(struct bad_case){ "missing_name", -EINVAL,
			"End.BPF: missing program name (SEG6_LOCAL_BPF_PROG_NAME)" });
	ROUTE(.no_bpf_attr = true);
	expect_rejected(&r, &(struct bad_case){ "missing_bpf_attr", -EINVAL,
			"seg6local: missing attribute required by this action" });
	ROUTE(.prog_fd = other_fd);
	expect_rejected(&r, &(struct bad_case){ "wrong_prog_type", -EINVAL,
			"End.BPF: fd is not a BPF_PROG_TYPE_LWT_SEG6LOCAL program" });
	ROUTE(.prog_fd = null_fd);
	expect_rejected(&r, &(struct bad_case){ "not_a_prog_fd", -EINVAL,
			"End.BPF: fd is not a BPF_PROG_TYPE_LWT_SEG6LOCAL program" });
	ROUTE(.prog_fd = closed_fd);
	expect_rejected(&r, &(struct bad_case){ "closed_fd", -EBADF,
			"End.BPF: program fd is not an open file descriptor" });
	ROUTE(.name = long_name);
	expect_rejected(&r, &(struct bad_case){ "name_too_long", -EINVAL,
			"End.BPF: program name longer than 256 bytes" });
	ROUTE(.extra_table_attr = true);
	expect_rejected(&r, &(struct bad_case){ "unsupported_attr", -EINVAL,
			"seg6local: attribute not supported by this action" });

	if (test__start_subtest("longest_name_accepted")) {
		/* the notification and the dump have room for it */
		ROUTE(.name = max_name);
		ASSERT_OK(seg6_bpf_route_add(&r, msg, sizeof(msg)), msg);
		ASSERT_EQ(sid_routes(), 1, "route added");
		ASSERT_OK(system("ip -6 route show fc00::1 | grep -q mmmmmmmm"), "dumped");
		SYS_NOFAIL("ip -6 route del fc00::1/128");
	}
#undef ROUTE
out:
	if (other_fd >= 0)
		close(other_fd);
	if (null_fd >= 0)
		close(null_fd);
	test_seg6_bpf__destroy(skel);
	close_netns(tok);
	SYS_NOFAIL("ip netns del " NS);
}
