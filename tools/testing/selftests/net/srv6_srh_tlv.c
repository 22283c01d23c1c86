// SPDX-License-Identifier: GPL-2.0
/*
 * The TLVs of a Segment Routing Header as seg6_validate_srh() parses them
 * (RFC 8754 section 2.1), through the sticky IPV6_RTHDR option, which
 * validates a type 4 routing header with it: Pad1 (type 0) is a single
 * octet, every other TLV type, length and value.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "../kselftest_harness.h"

#define PAD1	0
#define PADN	4

/* A one-segment SRH (fc00::1) followed by 8 octets of TLVs. */
static int set_srh(const unsigned char tlvs[8])
{
	unsigned char srh[8 + 16 + 8] = {
		[1] = sizeof(srh) / 8 - 1,	/* hdrlen */
		[2] = 4,			/* type: SRH */
		[8] = 0xfc, [23] = 0x01,	/* segments[0] */
	};
	int fd, ret;

	memcpy(srh + 24, tlvs, 8);
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd < 0)
		return -errno;
	ret = setsockopt(fd, IPPROTO_IPV6, IPV6_RTHDR, srh, sizeof(srh));
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

TEST(padn)
{
	const unsigned char tlvs[8] = { PADN, 6 };

	ASSERT_EQ(0, set_srh(tlvs));
}

TEST(padn_then_pad1)
{
	const unsigned char tlvs[8] = { PADN, 5, [7] = PAD1 };

	ASSERT_EQ(0, set_srh(tlvs));
}

TEST(pad1_then_padn)
{
	/* a PadN payload is ignored on receipt: its last octet is not a TLV */
	const unsigned char tlvs[8] = { PAD1, PADN, 5, [7] = 1 };

	ASSERT_EQ(0, set_srh(tlvs));
}

TEST(eight_pad1)
{
	const unsigned char tlvs[8] = { PAD1 };

	ASSERT_EQ(0, set_srh(tlvs));
}

TEST(tlv_past_the_end)
{
	const unsigned char tlvs[8] = { PADN, 7 };

	ASSERT_EQ(-EINVAL, set_srh(tlvs));
}

TEST(tlv_header_cut)
{
	const unsigned char tlvs[8] = { PADN, 4, [6] = PAD1, [7] = PADN };

	ASSERT_EQ(-EINVAL, set_srh(tlvs));
}

TEST_HARNESS_MAIN
