// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_PROG_TEST_RUN with a huge repeat must let RCU grace periods end
 * while it runs.  A child runs a tc program with repeat = UINT_MAX; once
 * the program has run a while, the parent deletes a netdev, which waits
 * for grace periods.  On a CONFIG_PREEMPT_RCU kernel, a run that held the
 * RCU read side for all its repetitions would keep the deletion waiting
 * until the alarm kills the child.
 */
#include <signal.h>
#include <sys/wait.h>
#include <linux/if_ether.h>

#include "test_progs.h"
#include "network_helpers.h"

#define NS	"prog_run_rcu"

static pid_t runner;
static bool runner_killed;	/* atomic: set by the signal handler */

static void kill_runner(int sig)
{
	__atomic_store_n(&runner_killed, true, __ATOMIC_RELAXED);
	kill(runner, SIGKILL);
}

/* A tc program that counts its runs in entry 0 of the array @map_fd. */
static int counting_prog(int map_fd)
{
	struct bpf_insn insns[] = {
		BPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0),
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
		BPF_LD_MAP_FD(BPF_REG_1, map_fd),
		BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 2),
		BPF_MOV64_IMM(BPF_REG_1, 1),
		BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_0, BPF_REG_1, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	return bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, NULL, "GPL", insns,
			     ARRAY_SIZE(insns), NULL);
}

static __u64 runs(int map_fd)
{
	__u64 n = 0;
	int key = 0;

	bpf_map_lookup_elem(map_fd, &key, &n);
	return n;
}

void test_prog_run_rcu(void)
{
	__sighandler_t old = signal(SIGALRM, kill_runner);
	char pkt[ETH_HLEN + 64] = {};
	struct nstoken *tok = NULL;
	int map_fd, fd = -1, i, err, status;

	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt,
		    .data_size_in = sizeof(pkt), .repeat = UINT_MAX);

	map_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 8, 1, NULL);
	if (!ASSERT_GE(map_fd, 0, "run counter"))
		goto out;
	fd = counting_prog(map_fd);
	if (!ASSERT_GE(fd, 0, "tc program"))
		goto out;
	SYS(out, "ip netns add " NS);
	tok = open_netns(NS);
	if (!ASSERT_OK_PTR(tok, "netns"))
		goto out;
	SYS(out, "ip link add rcu0 type dummy");
	__atomic_store_n(&runner_killed, false, __ATOMIC_RELAXED);
	runner = fork();
	if (!ASSERT_GE(runner, 0, "fork"))
		goto out;
	if (!runner)
		_exit(bpf_prog_test_run_opts(fd, &opts) == -EINTR ? 0 : 1);
	for (i = 0; i < 1000 && runs(map_fd) < 1000; i++)
		usleep(10000);
	if (ASSERT_GE(runs(map_fd), 1000, "the child runs the program")) {
		alarm(60);
		err = SYS_NOFAIL("ip link del rcu0");
		alarm(0);
		ASSERT_OK(err, "ip link del rcu0");
		ASSERT_FALSE(__atomic_load_n(&runner_killed, __ATOMIC_RELAXED),
			     "grace periods ended while the run went on");
	}
	kill(runner, SIGKILL);
	waitpid(runner, &status, 0);
out:
	signal(SIGALRM, old);
	if (tok)
		close_netns(tok);
	SYS_NOFAIL("ip netns del " NS);
	if (fd >= 0)
		close(fd);
	if (map_fd >= 0)
		close(map_fd);
}
