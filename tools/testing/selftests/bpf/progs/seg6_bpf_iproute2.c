// SPDX-License-Identifier: GPL-2.0
/* Programs loaded by iproute2 in prog_tests/seg6_bpf_iproute2.c; iproute2
 * picks a program by its ELF section.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("end_pass")
int pass_prog(struct __sk_buff *skb)
{
	return BPF_OK;
}

SEC("end_drop")
int drop_prog(struct __sk_buff *skb)
{
	return BPF_DROP;
}

char _license[] SEC("license") = "GPL";
