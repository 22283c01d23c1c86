/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The JSON output of the End.BPF samples' tools (-j): JSON Lines on
 * stdout, one object per line, each starting with the wall-clock time it
 * was written ("time", seconds since the epoch) and what it tells
 * ("type").  Nothing else goes to stdout with -j.
 */
#ifndef __SEG6_JSON_H
#define __SEG6_JSON_H

#include <stdio.h>
#include <time.h>

/* Start a line; the caller prints its other members (",\"name\":value"). */
static inline void json_begin(const char *type)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	printf("{\"time\":%lld.%06ld,\"type\":\"%s\"", (long long)ts.tv_sec,
	       ts.tv_nsec / 1000, type);
}

/* A string value, quoted and escaped: names come from the command line. */
static inline void json_string(const char *value)
{
	const unsigned char *c;

	putchar('"');
	for (c = (const unsigned char *)value; *c; c++) {
		if (*c == '"' || *c == '\\')
			printf("\\%c", *c);
		else if (*c < 0x20)
			printf("\\u%04x", *c);
		else
			putchar(*c);
	}
	putchar('"');
}

/* End the line, and flush it: a reader sees each line when it happens. */
static inline void json_end(void)
{
	printf("}\n");
	fflush(stdout);
}

#endif /* __SEG6_JSON_H */
