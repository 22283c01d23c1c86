// SPDX-License-Identifier: GPL-2.0
/*
 * Holds IPv6's input route lookup open for prog_tests/seg6_bpf_attach.c.
 * ip6_pol_route() finds a route under RCU alone, then takes a reference on
 * it to make a per-CPU route; a replace on another CPU in between releases
 * the route it found.  Spinning on entry to fib6_select_path(), which runs
 * between the two, widens that window from nanoseconds to spin_ns: on the
 * first lookup of each input packet for @target in the netns of
 * @netns_cookie, not on a second lookup ip6_pol_route() makes of its own.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char _license[] SEC("license") = "GPL";

__u64 netns_cookie;	/* the netns whose lookups are held open */
__u32 target[4];	/* ... for this destination */
__u64 spin_ns;		/* how long; 0 disables the program */
__u64 windows;		/* lookups held open */
__u64 released;		/* ... whose route was released meanwhile */

/* the flow of the input lookup ip6_pol_route() began last, until held */
static const struct flowi6 *armed_fl6;

static long spin_until(__u64 i, void *deadline)
{
	return bpf_ktime_get_ns() >= *(__u64 *)deadline;
}

static bool is_target(const struct net *net, const struct flowi6 *fl6)
{
	__u32 daddr[4];
	int i;

	if (BPF_CORE_READ(net, net_cookie) != netns_cookie)
		return false;
	if (bpf_probe_read_kernel(daddr, sizeof(daddr), &fl6->daddr))
		return false;
	for (i = 0; i < 4; i++)
		if (daddr[i] != target[i])
			return false;
	return true;
}

/* input lookups only: output ones have no skb */
SEC("kprobe/ip6_pol_route")
int BPF_KPROBE(arm_lookup, struct net *net, struct fib6_table *table, int oif,
	       struct flowi6 *fl6, const struct sk_buff *skb)
{
	if (spin_ns && skb && is_target(net, fl6))
		armed_fl6 = fl6;
	return 0;
}

/* fl6 and not skb, the 6th argument, which s390 does not pass in a register */
SEC("kprobe/fib6_select_path")
int BPF_KPROBE(hold_lookup_open, const struct net *net, struct fib6_result *res,
	       struct flowi6 *fl6)
{
	struct fib6_info *f6i;
	__u64 deadline;

	if (!fl6 || fl6 != armed_fl6)
		return 0;
	armed_fl6 = NULL;
	deadline = bpf_ktime_get_ns() + spin_ns;
	bpf_loop(1 << 23, spin_until, &deadline, 0);
	windows++;
	f6i = BPF_CORE_READ(res, f6i);
	if (!BPF_CORE_READ(f6i, fib6_ref.refs.counter))
		released++;
	return 0;
}
