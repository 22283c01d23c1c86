// SPDX-License-Identifier: GPL-2.0
/* Packet memory as a kfunc memory argument (progs/verifier_kfunc_pkt_mem.c) */
#include <test_progs.h>
#include "verifier_kfunc_pkt_mem.skel.h"

void test_verifier_kfunc_pkt_mem(void)
{
	RUN_TESTS(verifier_kfunc_pkt_mem);
}
