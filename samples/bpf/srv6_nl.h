/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtnetlink for the SRv6 samples' daemons (srv6-dm, srv6-hybrid): what
 * libbpf does not do for them.  libbpf attaches End.BPF routes
 * (bpf_seg6local_attach()) and tc programs (bpf_tc_attach()); these add
 * and remove the routes of LWT "in" programs, and read a device's root
 * qdisc.  Errors are negative errnos; @msg gets the kernel's extack
 * message when there is one.
 */
#ifndef __SRV6_NL_H
#define __SRV6_NL_H

#include <stddef.h>
#include <netinet/in.h>

struct srv6_nl_route {
	struct in6_addr dst;
	int prefixlen;
	int ifindex;
};

int srv6_nl_lwt_in_add(const struct srv6_nl_route *rt, int prog_fd,
		       const char *prog_name, char *msg, size_t msg_sz);
int srv6_nl_route_del(const struct srv6_nl_route *rt);
int srv6_nl_root_qdisc(int ifindex, char *kind, size_t kind_sz);

#endif /* __SRV6_NL_H */
