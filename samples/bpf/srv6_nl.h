/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtnetlink for the SRv6 samples' daemons (srv6-dm, srv6-hybrid): what
 * libbpf does not do for them.  libbpf attaches End.BPF routes
 * (bpf_seg6local_attach()) and tc programs (bpf_tc_attach()); these add
 * and remove the routes of LWT "in" programs, find and remove what a
 * daemon's route protocol marks, and read a device's qdiscs.  Errors are
 * negative errnos; @msg gets the kernel's extack message when there is
 * one.
 */
#ifndef __SRV6_NL_H
#define __SRV6_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>

/* The route protocols of the daemons' routes (srv6_nl.rt_protos) */
#define SRV6_RTPROT_DM		200
#define SRV6_RTPROT_HYBRID	201

struct srv6_nl_route {
	struct in6_addr dst;
	int prefixlen;
	int ifindex;
	unsigned char protocol;	/* 0: static */
};

int srv6_nl_lwt_in_add(const struct srv6_nl_route *rt, int prog_fd,
		       const char *prog_name, char *msg, size_t msg_sz);
int srv6_nl_route_del(const struct srv6_nl_route *rt);
int srv6_nl_routes_of(unsigned char protocol, bool remove);
int srv6_nl_root_qdisc(int ifindex, char *kind, size_t kind_sz, __u32 *handle);
int srv6_nl_children_not(int ifindex, __u32 parent, const char *kind, int *children);
int srv6_nl_clsact_filters(int ifindex);

#endif /* __SRV6_NL_H */
