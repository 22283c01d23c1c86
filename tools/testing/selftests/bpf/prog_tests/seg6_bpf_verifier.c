// SPDX-License-Identifier: GPL-2.0
/*
 * What End.BPF refuses, one subtest per row of the table in
 * Documentation/networking/seg6-bpf.rst: programs the verifier rejects at
 * load (the verifier's message checked), and helper calls that load but
 * fail at run time with their documented errno (read back from the
 * program's return value through BPF_PROG_TEST_RUN).  For the kfuncs,
 * the programs of progs/test_seg6_bpf_kfunc_fail.c, each loaded alone:
 * packet pointers die across the kfuncs, in subprograms too; other program
 * types cannot call them; bad arguments, packet memory among them.
 */
#include <limits.h>
#include <linux/seg6_local.h>
#include "seg6_bpf_helpers.h"
#include "test_seg6_bpf_kfunc_fail.skel.h"

#define SRH	40	/* SRH offset in the test packet */

#define CALL(fn)	BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_##fn)
#define MAX_INSNS	16

/* What rows with a buffer start with: r3 = fp - 8, holding 8 zero bytes */
static const struct bpf_insn stack_buf[] = {
	BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
	BPF_MOV64_REG(BPF_REG_3, BPF_REG_10),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, -8),
};

/* @insns, after stack_buf if @buf, into @prog; returns the count */
static int assemble(struct bpf_insn *prog, bool buf, const struct bpf_insn *insns)
{
	int n = 0, i = MAX_INSNS;

	if (buf) {
		memcpy(prog, stack_buf, sizeof(stack_buf));
		n = ARRAY_SIZE(stack_buf);
	}
	/* rows end with BPF_EXIT_INSN; the rest of the array is zero */
	while (i > 0 && !insns[i - 1].code)
		i--;
	memcpy(prog + n, insns, i * sizeof(*insns));
	return n + i;
}

struct load_row {
	const char *name;
	enum bpf_prog_type type;
	bool buf;
	struct bpf_insn insns[MAX_INSNS];
	const char *msg;
};

static const struct load_row load_rows[] = {
	{
		"direct_packet_write", BPF_PROG_TYPE_LWT_SEG6LOCAL, false, {
			BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_1,
				    offsetof(struct __sk_buff, data)),
			BPF_LDX_MEM(BPF_W, BPF_REG_3, BPF_REG_1,
				    offsetof(struct __sk_buff, data_end)),
			BPF_MOV64_REG(BPF_REG_4, BPF_REG_2),
			BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 48),
			BPF_JMP_REG(BPF_JGT, BPF_REG_4, BPF_REG_3, 2),
			BPF_MOV64_IMM(BPF_REG_5, 0),
			BPF_STX_MEM(BPF_B, BPF_REG_2, BPF_REG_5, 46),
			BPF_MOV64_IMM(BPF_REG_0, 0),
			BPF_EXIT_INSN(),
		}, "cannot write into packet",
	},
	{
		"ctx_write_len", BPF_PROG_TYPE_LWT_SEG6LOCAL, false, {
			BPF_MOV64_IMM(BPF_REG_2, 0),
			BPF_STX_MEM(BPF_W, BPF_REG_1, BPF_REG_2, offsetof(struct __sk_buff, len)),
			BPF_MOV64_IMM(BPF_REG_0, 0),
			BPF_EXIT_INSN(),
		}, "invalid bpf_context access",
	},
	{
		"ctx_write_tstamp", BPF_PROG_TYPE_LWT_SEG6LOCAL, false, {
			BPF_MOV64_IMM(BPF_REG_2, 0),
			BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_2,
				    offsetof(struct __sk_buff, tstamp)),
			BPF_MOV64_IMM(BPF_REG_0, 0),
			BPF_EXIT_INSN(),
		}, "invalid bpf_context access",
	},
	{
		"ctx_read_tstamp_narrow", BPF_PROG_TYPE_LWT_SEG6LOCAL, false, {
			BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1,
				    offsetof(struct __sk_buff, tstamp)),
			BPF_EXIT_INSN(),
		}, "invalid bpf_context access",
	},
	{
		"skb_pull_data", BPF_PROG_TYPE_LWT_SEG6LOCAL, false, {
			BPF_MOV64_IMM(BPF_REG_2, 48),
			CALL(skb_pull_data),
			BPF_EXIT_INSN(),
		}, "program of this type cannot use helper bpf_skb_pull_data#39",
	},
	{
		"store_bytes_from_tc", BPF_PROG_TYPE_SCHED_CLS, true, {
			BPF_MOV64_IMM(BPF_REG_2, SRH + 6),
			BPF_MOV64_IMM(BPF_REG_4, 2),
			CALL(lwt_seg6_store_bytes),
			BPF_EXIT_INSN(),
		}, "program of this type cannot use helper bpf_lwt_seg6_store_bytes#74",
	},
	{
		"adjust_srh_from_lwt_xmit", BPF_PROG_TYPE_LWT_XMIT, false, {
			BPF_MOV64_IMM(BPF_REG_2, SRH + 40),
			BPF_MOV64_IMM(BPF_REG_3, 8),
			CALL(lwt_seg6_adjust_srh),
			BPF_EXIT_INSN(),
		}, "program of this type cannot use helper bpf_lwt_seg6_adjust_srh#75",
	},
	{
		"action_from_lwt_in", BPF_PROG_TYPE_LWT_IN, true, {
			BPF_MOV64_IMM(BPF_REG_2, SEG6_LOCAL_ACTION_END_T),
			BPF_MOV64_IMM(BPF_REG_4, 4),
			CALL(lwt_seg6_action),
			BPF_EXIT_INSN(),
		}, "program of this type cannot use helper bpf_lwt_seg6_action#76",
	},
	{
		"store_bytes_past_buffer", BPF_PROG_TYPE_LWT_SEG6LOCAL, true, {
			BPF_MOV64_IMM(BPF_REG_2, SRH + 6),
			BPF_MOV64_IMM(BPF_REG_4, 16),
			CALL(lwt_seg6_store_bytes),
			BPF_EXIT_INSN(),
		}, "invalid indirect",
	},
	{
		"store_bytes_unbounded_len", BPF_PROG_TYPE_LWT_SEG6LOCAL, true, {
			BPF_LDX_MEM(BPF_W, BPF_REG_4, BPF_REG_1,
				    offsetof(struct __sk_buff, len)),
			BPF_ALU64_IMM(BPF_OR, BPF_REG_4, 1),	/* not zero */
			BPF_MOV64_IMM(BPF_REG_2, SRH + 6),
			CALL(lwt_seg6_store_bytes),
			BPF_EXIT_INSN(),
		}, "R4 unbounded memory access",
	},
};

struct fail_case {
	const char *prog;
	const char *msg;	/* NULL: must load */
};

static const struct fail_case fail_cases[] = {
	{ "stale_pointer", "invalid mem access 'scalar'" },
	{ "reloaded_pointer", NULL },
	{ "stale_pointer_subprog", "invalid mem access 'scalar'" },
	{ "tc_find", "calling kernel function bpf_seg6_tlv_find is not allowed" },
	{ "lwt_xmit_insert", "calling kernel function bpf_seg6_tlv_insert is not allowed" },
	{ "lwt_in_remove", "calling kernel function bpf_seg6_tlv_remove is not allowed" },
	{ "lwt_out_pop", "calling kernel function bpf_seg6_srh_pop is not allowed" },
	{ "cgroup_skb_ecmp", "calling kernel function bpf_seg6_ecmp_nexthops is not allowed" },
	{ "insert_past_buffer", "invalid indirect access to stack" },
	{ "find_null_len", "Possibly NULL pointer passed to trusted arg3" },
	/* kfunc memory in the packet: a kfunc that moves packet data would
	 * read freed memory, and the packet is read-only for End.BPF
	 */
	{ "find_len_in_packet", "R4 points into the packet, which this program cannot write" },
	{ "insert_tlv_from_packet",
	  "R3 points into the packet, which kfunc bpf_seg6_tlv_insert may change" },
	{ "ecmp_nhs_in_packet", "R4 points into the packet, which this program cannot write" },
	{ "ecmp_dst_in_packet", "R2 points into the packet, which this program cannot write" },
};

static void test_kfunc_row(const struct fail_case *c)
{
	struct test_seg6_bpf_kfunc_fail *skel;
	struct bpf_program *prog, *p;
	static char log[65536];
	int err;

	skel = test_seg6_bpf_kfunc_fail__open();
	if (!ASSERT_OK_PTR(skel, "open"))
		return;
	prog = bpf_object__find_program_by_name(skel->obj, c->prog);
	if (!ASSERT_OK_PTR(prog, c->prog))
		goto out;
	bpf_object__for_each_program(p, skel->obj)
		bpf_program__set_autoload(p, p == prog);
	log[0] = 0;
	bpf_program__set_log_buf(prog, log, sizeof(log));
	bpf_program__set_log_level(prog, 1);
	err = test_seg6_bpf_kfunc_fail__load(skel);
	if (!c->msg) {
		ASSERT_OK(err, "loads");
		goto out;
	}
	if (ASSERT_ERR(err, "refused") && !ASSERT_HAS_SUBSTR(log, c->msg, "verifier message"))
		printf("verifier log:\n%s\n", log);
out:
	test_seg6_bpf_kfunc_fail__destroy(skel);
}

static void test_load_row(const struct load_row *row)
{
	static char log[65536];
	struct bpf_insn prog[MAX_INSNS + ARRAY_SIZE(stack_buf)];
	int fd, n = assemble(prog, row->buf, row->insns);

	LIBBPF_OPTS(bpf_prog_load_opts, opts, .log_buf = log,
		    .log_size = sizeof(log), .log_level = 1);

	log[0] = '\0';
	fd = bpf_prog_load(row->type, row->name, "GPL", prog, n, &opts);
	if (!ASSERT_LT(fd, 0, "rejected at load")) {
		close(fd);
		return;
	}
	if (!ASSERT_OK_PTR(strstr(log, row->msg), row->msg))
		printf("verifier log:\n%s\n", log);
}

/* Rows that load and fail at run time: the program returns the helper's
 * return value, which test_run reports in seg6_local_bpf_test.prog_ret.
 */
struct run_row {
	const char *name;
	bool buf;
	struct bpf_insn insns[MAX_INSNS];
	int err;
};

static const struct run_row run_rows[] = {
	{
		"store_bytes_next_header", true, {
			BPF_MOV64_IMM(BPF_REG_2, SRH),
			BPF_MOV64_IMM(BPF_REG_4, 1),
			CALL(lwt_seg6_store_bytes),
			BPF_EXIT_INSN(),
		}, -EFAULT,
	},
	{
		"store_bytes_segment_list", true, {
			BPF_MOV64_IMM(BPF_REG_2, SRH + 8),
			BPF_MOV64_IMM(BPF_REG_4, 8),
			CALL(lwt_seg6_store_bytes),
			BPF_EXIT_INSN(),
		}, -EFAULT,
	},
	{
		"store_bytes_tag_into_segments", true, {
			BPF_MOV64_IMM(BPF_REG_2, SRH + 6),
			BPF_MOV64_IMM(BPF_REG_4, 4),
			CALL(lwt_seg6_store_bytes),
			BPF_EXIT_INSN(),
		}, -EFAULT,
	},
	{
		"adjust_srh_in_segment_list", false, {
			BPF_MOV64_IMM(BPF_REG_2, SRH + 24),
			BPF_MOV64_IMM(BPF_REG_3, 8),
			CALL(lwt_seg6_adjust_srh),
			BPF_EXIT_INSN(),
		}, -EFAULT,
	},
	{
		"adjust_srh_shrink_past_end", false, {
			BPF_MOV64_IMM(BPF_REG_2, SRH + 40),
			BPF_MOV64_IMM(BPF_REG_3, -8),
			CALL(lwt_seg6_adjust_srh),
			BPF_EXIT_INSN(),
		}, -EFAULT,
	},
	{
		"adjust_srh_past_max", false, {
			BPF_MOV64_IMM(BPF_REG_2, SRH + 40),
			BPF_MOV64_IMM(BPF_REG_3, 2048),
			CALL(lwt_seg6_adjust_srh),
			BPF_EXIT_INSN(),
		}, -EINVAL,
	},
	/* lengths at the ends of their 32-bit range: no sum may wrap */
	{
		"adjust_srh_int_max", false, {
			BPF_MOV64_IMM(BPF_REG_2, SRH + 40),
			BPF_MOV64_IMM(BPF_REG_3, INT_MAX),
			CALL(lwt_seg6_adjust_srh),
			BPF_EXIT_INSN(),
		}, -EINVAL,
	},
	{
		"adjust_srh_int_min", false, {
			BPF_MOV64_IMM(BPF_REG_2, SRH + 40),
			BPF_MOV64_IMM(BPF_REG_3, INT_MIN),
			CALL(lwt_seg6_adjust_srh),
			BPF_EXIT_INSN(),
		}, -EFAULT,
	},
	{
		/* a TLV area of 8 bytes, and one more */
		"adjust_srh_area_plus_one", false, {
			BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
			BPF_MOV64_IMM(BPF_REG_2, SRH + 40),
			BPF_MOV64_IMM(BPF_REG_3, 8),
			CALL(lwt_seg6_adjust_srh),
			BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 4),
			BPF_MOV64_REG(BPF_REG_1, BPF_REG_6),
			BPF_MOV64_IMM(BPF_REG_2, SRH + 40),
			BPF_MOV64_IMM(BPF_REG_3, -9),
			CALL(lwt_seg6_adjust_srh),
			BPF_EXIT_INSN(),
		}, -EFAULT,
	},
	{
		"adjust_srh_int_max_after_grow", false, {
			BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
			BPF_MOV64_IMM(BPF_REG_2, SRH + 40),
			BPF_MOV64_IMM(BPF_REG_3, 8),
			CALL(lwt_seg6_adjust_srh),
			BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 4),
			BPF_MOV64_REG(BPF_REG_1, BPF_REG_6),
			BPF_MOV64_IMM(BPF_REG_2, SRH + 40),
			BPF_MOV64_IMM(BPF_REG_3, INT_MAX),
			CALL(lwt_seg6_adjust_srh),
			BPF_EXIT_INSN(),
		}, -EINVAL,
	},
	{
		"action_unknown", true, {
			BPF_MOV64_IMM(BPF_REG_2, 99),
			BPF_MOV64_IMM(BPF_REG_4, 4),
			CALL(lwt_seg6_action),
			BPF_EXIT_INSN(),
		}, -EINVAL,
	},
	{
		"action_not_after_program", true, {
			BPF_MOV64_IMM(BPF_REG_2, SEG6_LOCAL_ACTION_END_BPF),
			BPF_MOV64_IMM(BPF_REG_4, 4),
			CALL(lwt_seg6_action),
			BPF_EXIT_INSN(),
		}, -EINVAL,
	},
	{
		"action_param_size", true, {
			BPF_MOV64_IMM(BPF_REG_2, SEG6_LOCAL_ACTION_END_X),
			BPF_MOV64_IMM(BPF_REG_4, 8),
			CALL(lwt_seg6_action),
			BPF_EXIT_INSN(),
		}, -EINVAL,
	},
	{
		"action_dx6_param_size", true, {
			BPF_MOV64_IMM(BPF_REG_2, SEG6_LOCAL_ACTION_END_DX6),
			BPF_MOV64_IMM(BPF_REG_4, 4),
			CALL(lwt_seg6_action),
			BPF_EXIT_INSN(),
		}, -EINVAL,
	},
	{
		"action_dx4_nothing_to_decap", true, {
			BPF_MOV64_IMM(BPF_REG_2, SEG6_LOCAL_ACTION_END_DX4),
			BPF_MOV64_IMM(BPF_REG_4, 4),
			CALL(lwt_seg6_action),
			BPF_EXIT_INSN(),
		}, -EBADMSG,
	},
	{
		"action_dt4_table_without_vrf", true, {
			BPF_MOV64_IMM(BPF_REG_2, SEG6_LOCAL_ACTION_END_DT4),
			BPF_MOV64_IMM(BPF_REG_4, 4),
			CALL(lwt_seg6_action),
			BPF_EXIT_INSN(),
		}, -EINVAL,
	},
	{
		"action_dx2_no_interface", true, {
			BPF_MOV64_IMM(BPF_REG_2, SEG6_LOCAL_ACTION_END_DX2),
			BPF_MOV64_IMM(BPF_REG_4, 4),
			CALL(lwt_seg6_action),
			BPF_EXIT_INSN(),
		}, -EINVAL,
	},
	{
		"action_b6_invalid_srh", true, {
			BPF_MOV64_IMM(BPF_REG_2, SEG6_LOCAL_ACTION_END_B6),
			BPF_MOV64_IMM(BPF_REG_4, 8),
			CALL(lwt_seg6_action),
			BPF_EXIT_INSN(),
		}, -EINVAL,
	},
};

static void test_run_row(const struct run_row *row)
{
	const char * const segs[] = { "fc00::a", "fc00::d1" };
	struct bpf_insn prog[MAX_INSNS + ARRAY_SIZE(stack_buf)];
	struct seg6_local_bpf_test result = {};
	int fd, n = assemble(prog, row->buf, row->insns);
	char pkt[256], udp[64];

	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt,
		    .ctx_out = &result, .ctx_size_out = sizeof(result));

	opts.data_size_in = seg6_build(pkt, "fd01::1", segs, 2, IPPROTO_UDP, udp,
				       seg6_udp(udp, 1));
	fd = bpf_prog_load(BPF_PROG_TYPE_LWT_SEG6LOCAL, row->name, "GPL", prog, n, NULL);
	if (!ASSERT_GE(fd, 0, "loads"))
		return;
	if (ASSERT_OK(bpf_prog_test_run_opts(fd, &opts), "test_run") &&
	    ASSERT_EQ(result.ran, 1, "program ran"))
		ASSERT_EQ((int)result.prog_ret, row->err, "helper errno");
	close(fd);
}

void test_seg6_bpf_verifier(void)
{
	char name[64];
	int i;

	for (i = 0; i < ARRAY_SIZE(load_rows); i++)
		if (test__start_subtest(load_rows[i].name))
			test_load_row(&load_rows[i]);
	for (i = 0; i < ARRAY_SIZE(run_rows); i++)
		if (test__start_subtest(run_rows[i].name))
			test_run_row(&run_rows[i]);
	for (i = 0; i < ARRAY_SIZE(fail_cases); i++) {
		snprintf(name, sizeof(name), "kfunc_%s", fail_cases[i].prog);
		if (test__start_subtest(name))
			test_kfunc_row(&fail_cases[i]);
	}
}
