// SPDX-License-Identifier: GPL-2.0
/*
 * seg6local End and End.BPF routes through iproute2, as operators install
 * them: `ip -6 route add SID encap seg6local action End.BPF endpoint obj
 * FILE sec NAME dev DEV`, shown back by `ip -6 route show` and removed.
 */
#include "test_progs.h"
#include "network_helpers.h"

#define NS	"seg6_bpf_ip2"
#define OBJ	"seg6_bpf_iproute2.bpf.o"
#define END_BPF	"encap seg6local action End.BPF endpoint obj " OBJ

/* Run @cmd in the test's netns, put its first output line in @buf and
 * return its wait status.
 */
static int first_line(const char *cmd, char *buf, size_t len)
{
	FILE *p = popen(cmd, "r");
	int err;

	if (!p)
		return -errno;
	buf[0] = '\0';
	if (!fgets(buf, len, p))
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	err = pclose(p);
	return err;
}

void test_seg6_bpf_iproute2(void)
{
	struct nstoken *nstoken = NULL;
	char line[512];
	int status;

	SYS(out, "ip netns add %s", NS);
	nstoken = open_netns(NS);
	if (!ASSERT_OK_PTR(nstoken, "open_netns"))
		goto out;
	SYS(out, "ip link add dummy0 type dummy");
	SYS(out, "ip link set dummy0 up");

	SYS(out, "ip -6 route add fc00::e/128 encap seg6local action End dev dummy0");
	if (!ASSERT_OK(first_line("ip -6 route show fc00::e/128", line, sizeof(line)),
		       "show End"))
		goto out;
	ASSERT_OK_PTR(strstr(line, "encap seg6local action End dev dummy0"), line);

	SYS(out, "ip -6 route add fc00::b/128 " END_BPF " sec end_pass dev dummy0");
	if (!ASSERT_OK(first_line("ip -6 route show fc00::b/128", line, sizeof(line)),
		       "show End.BPF"))
		goto out;
	ASSERT_OK_PTR(strstr(line, "action End.BPF endpoint " OBJ ":[end_pass]"), line);

	/* The program of the route is a live LWT_SEG6LOCAL program. */
	if (!ASSERT_OK(first_line("bpftool prog show name pass_prog | head -n1",
				  line, sizeof(line)), "bpftool"))
		goto out;
	ASSERT_OK_PTR(strstr(line, "lwt_seg6local"), line);

	/* An unknown section fails and leaves no route behind. */
	ASSERT_NEQ(system("ip -6 route add fc00::c/128 " END_BPF " sec no_such dev dummy0"),
		   0, "unknown section rejected");
	first_line("ip -6 route show fc00::c/128", line, sizeof(line));
	ASSERT_STREQ(line, "", "no half-configured route");

	/* iproute2 passes on attributes End.BPF does not take; the kernel
	 * has ignored them since End.BPF exists, and still does.
	 */
	status = first_line("ip -6 route add fc00::d/128 " END_BPF
			    " sec end_pass table 100 dev dummy0 2>&1", line, sizeof(line));
	ASSERT_STREQ(line, "", "ip says nothing");
	if (!ASSERT_EQ(WEXITSTATUS(status), 0, "ip exit status"))
		goto out;
	first_line("ip -6 route show fc00::d/128", line, sizeof(line));
	ASSERT_OK_PTR(strstr(line, "action End.BPF endpoint " OBJ ":[end_pass]"), line);
	SYS(out, "ip -6 route del fc00::d/128");

	SYS(out, "ip -6 route del fc00::b/128");
	first_line("ip -6 route show fc00::b/128", line, sizeof(line));
	ASSERT_STREQ(line, "", "End.BPF route deleted");
out:
	close_netns(nstoken);
	SYS_NOFAIL("ip netns del %s", NS);
}
