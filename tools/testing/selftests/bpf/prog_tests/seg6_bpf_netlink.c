// SPDX-License-Identifier: GPL-2.0
/*
 * Bad SEG6_LOCAL_BPF input over rtnetlink: every rejection carries its own
 * extack message and errno, and leaves the routing table as it was; then
 * FUZZ_ROUNDS seeded random SEG6_LOCAL_BPF nests (SEG6_FUZZ_SEED repeats a
 * run), each refused with an extack message or accepted whole.
 */
#include <fcntl.h>
#include "seg6_bpf_helpers.h"
#include "test_seg6_bpf.skel.h"

#define NS		"seg6_bpf_nl"
#define FUZZ_ROUNDS	3000
#define IS_END_BPF	"ip -6 route show fc00::1 | grep -q 'End.BPF endpoint'"

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
	if (!ASSERT_EQ(seg6_bpf_route_add(r, msg, sizeof(msg)), c->err, "errno"))
		SYS_NOFAIL("ip -6 route del %s/128", r->sid);	/* for the next case */
	ASSERT_STREQ(msg, c->msg, "extack");
	ASSERT_EQ(sid_routes(), before, "table unchanged");
}

struct fuzz_fds {
	int good, other, null, closed;
};

/* A random attribute of a SEG6_LOCAL_BPF nest: known or unknown type, any
 * length, an fd of any kind, a name with or without its NUL.
 */
static void fuzz_attr(struct nlmsghdr *nh, const struct fuzz_fds *fds)
{
	const int fd_pool[] = { fds->good, fds->other, fds->null, fds->closed,
				-1, 0, rand() };
	int type = rand() % 5, len, fd, i;
	char data[300];

	if (rand() % 8 == 0)
		type |= NLA_F_NESTED;
	switch (rand() % 3) {
	case 0:		/* a program fd of any kind, maybe of a wrong size */
		fd = fd_pool[rand() % ARRAY_SIZE(fd_pool)];
		memcpy(data, &fd, sizeof(fd));
		len = rand() % 4 ? 4 : rand() % 9;
		break;
	case 1:		/* a name, maybe unterminated, maybe too long */
		len = rand() % 2 ? 1 + rand() % 16 : rand() % 300;
		for (i = 0; i < len; i++)
			data[i] = 'a' + rand() % 26;
		if (len && rand() % 3)
			data[len - 1] = '\0';
		break;
	default:	/* noise */
		len = rand() % 24;
		for (i = 0; i < len; i++)
			data[i] = rand();
		break;
	}
	seg6_nl_put(nh, type, data, len);
}

/* RTM_NEWROUTE fc00::1 End.BPF whose SEG6_LOCAL_BPF holds 0-4 random
 * attributes, one time in ten after a valid program and name (which they
 * may override).  Returns the kernel's answer, its extack in @msg.
 */
static int fuzz_route_add(const struct fuzz_fds *fds, char *msg, size_t msglen)
{
	struct seg6_nl_req req = {};
	__u16 type = LWTUNNEL_ENCAP_SEG6_LOCAL;
	__u32 action = SEG6_LOCAL_ACTION_END_BPF;
	int oif = if_nametoindex("dummy0"), n, i;
	struct rtattr *encap, *bpf;
	struct in6_addr sid;

	inet_pton(AF_INET6, "fc00::1", &sid);
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	req.nh.nlmsg_type = RTM_NEWROUTE;
	req.nh.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	req.rt.rtm_family = AF_INET6;
	req.rt.rtm_dst_len = 128;
	req.rt.rtm_table = RT_TABLE_MAIN;
	req.rt.rtm_protocol = RTPROT_BOOT;
	req.rt.rtm_type = RTN_UNICAST;
	seg6_nl_put(&req.nh, RTA_DST, &sid, sizeof(sid));
	seg6_nl_put(&req.nh, RTA_OIF, &oif, sizeof(oif));
	seg6_nl_put(&req.nh, RTA_ENCAP_TYPE, &type, sizeof(type));
	encap = seg6_nl_put(&req.nh, RTA_ENCAP | NLA_F_NESTED, NULL, 0);
	seg6_nl_put(&req.nh, SEG6_LOCAL_ACTION, &action, sizeof(action));
	bpf = seg6_nl_put(&req.nh, SEG6_LOCAL_BPF | (rand() % 4 ? NLA_F_NESTED : 0),
			  NULL, 0);
	if (rand() % 10 == 0) {
		seg6_nl_put(&req.nh, SEG6_LOCAL_BPF_PROG, &fds->good, sizeof(fds->good));
		seg6_nl_put(&req.nh, SEG6_LOCAL_BPF_PROG_NAME, "fuzz", 5);
	}
	n = rand() % 5;
	for (i = 0; i < n; i++)
		fuzz_attr(&req.nh, fds);
	seg6_nl_end(&req.nh, bpf);
	seg6_nl_end(&req.nh, encap);
	return seg6_nl_talk(&req.nh, msg, msglen);
}

static void test_fuzz(const struct fuzz_fds *fds)
{
	int i, err, accepted = 0, refused = 0, silent = 0;
	unsigned int seed;
	char msg[256];

	seed = getenv("SEG6_FUZZ_SEED") ? strtoul(getenv("SEG6_FUZZ_SEED"), NULL, 0) :
					   (unsigned int)time(NULL);
	printf("fuzz: netlink: seed %u (SEG6_FUZZ_SEED=%u reproduces)\n", seed, seed);
	srand(seed);
	for (i = 0; i < FUZZ_ROUNDS; i++) {
		err = fuzz_route_add(fds, msg, sizeof(msg));
		if (!err) {
			/* a complete, valid request: the route must be whole */
			accepted++;
			if (!ASSERT_OK(system(IS_END_BPF), "accepted route is End.BPF"))
				break;
			SYS_NOFAIL("ip -6 route del fc00::1/128");
			continue;
		}
		refused++;
		if (!msg[0] && silent++ < 5)
			printf("fuzz: netlink: round %d: errno %d without extack\n", i, err);
		if (!ASSERT_LT(err, 0, "refused with an errno"))
			break;
	}
	printf("fuzz: netlink: %d requests, %d accepted, %d refused, %d without extack\n",
	       FUZZ_ROUNDS, accepted, refused, silent);
	ASSERT_EQ(silent, 0, "every refusal says why");
	ASSERT_GT(accepted, 0, "some requests were valid");
	ASSERT_EQ(sid_routes(), 0, "routing table as before");
}

void test_seg6_bpf_netlink(void)
{
	char long_name[300], max_name[257], early_nul_name[300] = "p";
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
	memset(early_nul_name + 2, 'e', sizeof(early_nul_name) - 3);
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
	/* the name's policy is upstream's: a NUL within its first 257
	 * bytes, and at most 256 bytes in all, the trailing NUL excepted
	 */
	ROUTE(.name = long_name);
	expect_rejected(&r, &(struct bad_case){ "name_too_long", -EINVAL,
			"Attribute failed policy validation" });
	ROUTE(.name = early_nul_name, .name_len = sizeof(early_nul_name));
	expect_rejected(&r, &(struct bad_case){ "name_early_nul_too_long", -ERANGE,
			"Attribute failed policy validation" });

	if (test__start_subtest("ignored_attr_accepted")) {
		/* Since End.BPF exists, attributes it does not take are
		 * ignored (iproute2 sends SEG6_LOCAL_TABLE whenever it is
		 * given one); they must not make a route fail now.
		 */
		ROUTE(.extra_table_attr = true);
		ASSERT_OK(seg6_bpf_route_add(&r, msg, sizeof(msg)), msg);
		ASSERT_EQ(sid_routes(), 1, "route added");
		ASSERT_OK(system(IS_END_BPF), "End.BPF route");
		ASSERT_NEQ(system("ip -6 route show fc00::1 | grep -q 'table 100'"), 0,
			   "the ignored attribute is not dumped");
		SYS_NOFAIL("ip -6 route del fc00::1/128");
	}

	if (test__start_subtest("longest_name_accepted")) {
		/* the notification and the dump have room for it */
		ROUTE(.name = max_name);
		ASSERT_OK(seg6_bpf_route_add(&r, msg, sizeof(msg)), msg);
		ASSERT_EQ(sid_routes(), 1, "route added");
		ASSERT_OK(system("ip -6 route show fc00::1 | grep -q mmmmmmmm"), "dumped");
		SYS_NOFAIL("ip -6 route del fc00::1/128");
	}
#undef ROUTE
	if (test__start_subtest("fuzz"))
		test_fuzz(&(struct fuzz_fds){ good_fd, other_fd, null_fd, closed_fd });
out:
	if (other_fd >= 0)
		close(other_fd);
	if (null_fd >= 0)
		close(null_fd);
	test_seg6_bpf__destroy(skel);
	close_netns(tok);
	SYS_NOFAIL("ip netns del " NS);
}
