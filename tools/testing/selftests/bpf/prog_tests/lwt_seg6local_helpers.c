// SPDX-License-Identifier: GPL-2.0
/*
 * The seg6 helpers on packets an End.BPF route receives and forwards,
 * with the routes installed by iproute2:
 *
 *   NS_SND: s0 ---- r0 :NS_RTR: r1 ---- c0 :NS_RCV
 *
 * The sender steers UDP to fc00::100 and fc00::101 through the End.BPF
 * SIDs fc00::1 and fc00::2 by seg6 inline encap (a 2-segment SRH, hdrlen
 * 4).  Each route's program writes the errno of a
 * helper call that fails into the SRH tag, and the receiver reads the SRH
 * each datagram came with (IPV6_RECVRTHDR).
 *
 * fc00::1 calls bpf_lwt_seg6_adjust_srh() at the end of the SRH with the
 * one or two lengths each datagram carries:
 * grow_bound: the SRH grows as far as its 8-bit length can say, and no
 * further, whatever length is asked for.
 * mac_header: after a grow or a shrink, the MAC header that ip6tables
 * matches in FORWARD is still the one the packet was received with.
 *
 * fc00::2 calls bpf_lwt_seg6_store_bytes() on the last 8 bytes of the
 * segment list:
 * store_bytes_seglist: the call fails with -EFAULT and the segment list
 * arrives as the sender wrote it.
 */
#include <netinet/in.h>
#include <linux/seg6.h>

#include "test_progs.h"
#include "network_helpers.h"
#include "test_lwt_seg6local_helpers.h"

#define NS_SND		"seg6_help_snd"
#define NS_RTR		"seg6_help_rtr"
#define NS_RCV		"seg6_help_rcv"
#define OBJ		"test_lwt_seg6local_helpers.bpf.o"
/* followed by the section of OBJ the route runs */
#define END_BPF		"encap seg6local action End.BPF endpoint obj " OBJ " sec"
/* followed by the SID */
#define INLINE_SRH	"encap seg6 mode inline segs"
#define SND_MAC		"02:00:00:00:00:01"
#define RTR_MAC_IN	"02:00:00:00:00:02"
#define RTR_MAC_OUT	"02:00:00:00:00:03"
#define RCV_MAC		"02:00:00:00:00:04"
#define DST		"fc00::100"
#define DST_STORE	"fc00::101"
#define PORT		7777
#define SRH_HDRLEN	4
/* what 8 bits of 8-octet units leave for TLVs after two segments */
#define MAX_GROW	((255 - SRH_HDRLEN) * 8)

struct datagram {
	struct adjust_srh_req req;
	__u32 seq;
};

/* The SRH of inline encap with one SID: the SID and the destination. */
struct srh2 {
	struct ipv6_sr_hdr hdr;
	struct in6_addr segments[2];
};

struct adjust_case {
	struct adjust_srh_req req;
	int err;	/* errno of the call that fails, or 0 */
	int hdrlen;	/* of the SRH the receiver gets */
};

static const struct adjust_case bound_cases[] = {
	{ { 8, 0 }, 0, SRH_HDRLEN + 1 },
	{ { MAX_GROW, 0 }, 0, 255 },
	{ { MAX_GROW + 8, 0 }, EINVAL, SRH_HDRLEN },
	{ { 2048, 0 }, EINVAL, SRH_HDRLEN },
	{ { 8, MAX_GROW }, EINVAL, SRH_HDRLEN + 1 },
	{ { INT_MAX, 0 }, EINVAL, SRH_HDRLEN },
	{ { 8, INT_MAX }, EINVAL, SRH_HDRLEN + 1 },
	{ { INT_MIN, 0 }, EFAULT, SRH_HDRLEN },
	{ { 16, -8 }, 0, SRH_HDRLEN + 1 },
	{ { MAX_GROW, -MAX_GROW }, 0, SRH_HDRLEN },
};

/* The End.BPF SIDs of NS_RTR: the section of OBJ each runs, and the
 * destination the sender steers through it.
 */
static const struct {
	const char *sid, *sec, *dst;
} sids[] = {
	{ "fc00::1", "adjust_srh", DST },
	{ "fc00::2", "store_bytes_seglist", DST_STORE },
};

static int setup(void)
{
	int i;

	SYS(fail, "ip netns add " NS_SND);
	SYS(fail, "ip netns add " NS_RTR);
	SYS(fail, "ip netns add " NS_RCV);
	SYS(fail, "ip -n %s link add s0 address %s type veth peer name r0 address %s netns %s",
	    NS_SND, SND_MAC, RTR_MAC_IN, NS_RTR);
	SYS(fail, "ip -n %s link add r1 address %s type veth peer name c0 address %s netns %s",
	    NS_RTR, RTR_MAC_OUT, RCV_MAC, NS_RCV);
	SYS(fail, "ip -n " NS_SND " addr add fd00:1::1/64 dev s0 nodad");
	SYS(fail, "ip -n " NS_RTR " addr add fd00:1::2/64 dev r0 nodad");
	SYS(fail, "ip -n " NS_RTR " addr add fd00:2::1/64 dev r1 nodad");
	SYS(fail, "ip -n " NS_RCV " addr add fd00:2::2/64 dev c0 nodad");
	SYS(fail, "ip -n " NS_SND " link set s0 mtu 9000 up");
	SYS(fail, "ip -n " NS_RTR " link set r0 mtu 9000 up");
	SYS(fail, "ip -n " NS_RTR " link set r1 mtu 9000 up");
	SYS(fail, "ip -n " NS_RCV " link set c0 mtu 9000 up");
	SYS(fail, "ip -n " NS_SND " neigh add fd00:1::2 lladdr " RTR_MAC_IN " dev s0");
	SYS(fail, "ip -n " NS_RTR " neigh add fd00:2::2 lladdr " RCV_MAC " dev r1");
	SYS(fail, "ip netns exec " NS_RTR " sysctl -wq net.ipv6.conf.all.forwarding=1");
	for (i = 0; i < ARRAY_SIZE(sids); i++) {
		SYS(fail, "ip -n %s addr add %s/128 dev c0 nodad", NS_RCV, sids[i].dst);
		SYS(fail, "ip -n %s -6 route add %s/128 via fd00:1::2 dev s0", NS_SND, sids[i].sid);
		SYS(fail, "ip -n %s -6 route add %s/128 " INLINE_SRH " %s via fd00:1::2 dev s0",
		    NS_SND, sids[i].dst, sids[i].sid);
		SYS(fail, "ip -n %s -6 route add %s/128 " END_BPF " %s dev r0",
		    NS_RTR, sids[i].sid, sids[i].sec);
		SYS(fail, "ip -n %s -6 route add %s/128 via fd00:2::2 dev r1", NS_RTR, sids[i].dst);
	}
	SYS(fail, "ip netns exec " NS_RCV " sysctl -wq net.ipv6.conf.all.seg6_enabled=1");
	SYS(fail, "ip netns exec " NS_RCV " sysctl -wq net.ipv6.conf.c0.seg6_enabled=1");
	return 0;
fail:
	return -1;
}

static void cleanup(void)
{
	SYS_NOFAIL("ip netns del " NS_SND);
	SYS_NOFAIL("ip netns del " NS_RTR);
	SYS_NOFAIL("ip netns del " NS_RCV);
}

/* A UDP socket in @ns: a receiver's bound to @dst with IPV6_RECVRTHDR. */
static int udp_socket(const char *ns, const char *dst)
{
	struct timeval tv = { .tv_sec = 2 };
	struct sockaddr_storage addr;
	struct nstoken *nstoken;
	socklen_t len;
	int fd, on = 1;

	nstoken = open_netns(ns);
	if (!ASSERT_OK_PTR(nstoken, ns))
		return -1;
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	close_netns(nstoken);
	if (!ASSERT_GE(fd, 0, "socket"))
		return -1;
	if (!dst)
		return fd;
	if (!ASSERT_OK(make_sockaddr(AF_INET6, dst, PORT, &addr, &len), "addr") ||
	    !ASSERT_OK(bind(fd, (struct sockaddr *)&addr, len), "bind") ||
	    !ASSERT_OK(setsockopt(fd, IPPROTO_IPV6, IPV6_RECVRTHDR, &on, sizeof(on)),
		       "IPV6_RECVRTHDR") ||
	    !ASSERT_OK(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)),
		       "SO_RCVTIMEO")) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Receive datagram @seq; put the SRH it came with in @srh. */
static int recv_srh(int fd, __u32 seq, struct ipv6_sr_hdr *srh, size_t srh_len)
{
	char cbuf[CMSG_SPACE(2048 + 8)];
	struct datagram dg;
	struct iovec iov = { .iov_base = &dg, .iov_len = sizeof(dg) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg;
	ssize_t n;

	do {
		msg.msg_controllen = sizeof(cbuf);
		n = recvmsg(fd, &msg, 0);
		if (n < 0)
			return -errno;
	} while (n != sizeof(dg) || dg.seq != seq);

	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level != IPPROTO_IPV6 || cmsg->cmsg_type != IPV6_RTHDR)
			continue;
		if (cmsg->cmsg_len - CMSG_LEN(0) < srh_len)
			return -EMSGSIZE;
		memcpy(srh, CMSG_DATA(cmsg), srh_len);
		return 0;
	}
	return -ENOENT;
}

/* Send @dg to @dst; put the SRH it arrives with in @srh. */
static int send_recv(int snd, int rcv, const char *dst, struct datagram *dg,
		     struct srh2 *srh, size_t srh_len, const char *name)
{
	struct sockaddr_storage addr;
	socklen_t len;

	if (!ASSERT_OK(make_sockaddr(AF_INET6, dst, PORT, &addr, &len), "addr"))
		return -1;
	if (!ASSERT_EQ(sendto(snd, dg, sizeof(*dg), 0, (struct sockaddr *)&addr, len),
		       sizeof(*dg), name))
		return -1;
	if (!ASSERT_OK(recv_srh(rcv, dg->seq, &srh->hdr, srh_len), name))
		return -1;
	return 0;
}

/* Send @c's lengths as datagram @seq and check the SRH that arrives. */
static void run_case(int snd, int rcv, const struct adjust_case *c, __u32 seq)
{
	struct datagram dg = { .req = c->req, .seq = seq };
	struct srh2 got = {};
	char name[64];

	snprintf(name, sizeof(name), "adjust %d then %d", c->req.first, c->req.second);
	if (send_recv(snd, rcv, DST, &dg, &got, sizeof(got), name))
		return;
	ASSERT_EQ(got.hdr.type, IPV6_SRCRT_TYPE_4, name);
	ASSERT_EQ(ntohs(got.hdr.tag), c->err, name);
	ASSERT_EQ(got.hdr.hdrlen, c->hdrlen, name);
	ASSERT_EQ(got.hdr.segments_left, 0, name);
}

static void test_grow_bound(int snd, int rcv)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(bound_cases); i++)
		run_case(snd, rcv, &bound_cases[i], i);
}

/* Grows and shrinks by 8 to 256 bytes: on a veth the headroom is small, so
 * some of them land where the MAC header's offset would wrap.
 */
static void test_mac_header(int snd, int rcv)
{
	struct adjust_case c = { { 0, 0 }, 0, SRH_HDRLEN };
	__u32 seq = 1000;
	int n;

	SYS(out, "ip netns exec " NS_RTR " ip6tables -P FORWARD DROP");
	SYS(out, "ip netns exec %s ip6tables -A FORWARD -m mac --mac-source %s -j ACCEPT",
	    NS_RTR, SND_MAC);
	/* the rule lets an unchanged packet through */
	run_case(snd, rcv, &c, seq++);
	for (n = 8; n <= 256; n += 8) {
		c = (struct adjust_case){ { n, 0 }, 0, SRH_HDRLEN + n / 8 };
		run_case(snd, rcv, &c, seq++);
		c = (struct adjust_case){ { n + 8, -8 }, 0, SRH_HDRLEN + n / 8 };
		run_case(snd, rcv, &c, seq++);
	}
out:
	return;
}

/* The segment list is no TLV: store_bytes may not write its tail, the
 * low half of segments[1] (the SID: the list is in reverse order).
 */
static void test_store_bytes_seglist(int snd, int rcv_store)
{
	struct datagram dg = { .seq = 2000 };
	struct in6_addr sent[2];
	struct srh2 got = {};

	if (send_recv(snd, rcv_store, DST_STORE, &dg, &got, sizeof(got), "store_bytes"))
		return;
	ASSERT_EQ(ntohs(got.hdr.tag), EFAULT, "store_bytes into the segment list");
	ASSERT_EQ(got.hdr.first_segment, 1, "first_segment");
	inet_pton(AF_INET6, DST_STORE, &sent[0]);
	inet_pton(AF_INET6, "fc00::2", &sent[1]);
	ASSERT_OK(memcmp(got.segments, sent, sizeof(sent)), "segment list as sent");
}

void test_lwt_seg6local_helpers(void)
{
	int snd = -1, rcv = -1, rcv_store = -1;

	cleanup();
	if (!ASSERT_OK(setup(), "setup"))
		goto out;
	snd = udp_socket(NS_SND, NULL);
	rcv = udp_socket(NS_RCV, DST);
	rcv_store = udp_socket(NS_RCV, DST_STORE);
	if (snd < 0 || rcv < 0 || rcv_store < 0)
		goto out;

	if (test__start_subtest("grow_bound"))
		test_grow_bound(snd, rcv);
	if (test__start_subtest("mac_header"))
		test_mac_header(snd, rcv);
	if (test__start_subtest("store_bytes_seglist"))
		test_store_bytes_seglist(snd, rcv_store);
out:
	if (snd >= 0)
		close(snd);
	if (rcv >= 0)
		close(rcv);
	if (rcv_store >= 0)
		close(rcv_store);
	cleanup();
}
