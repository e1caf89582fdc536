/* SPDX-License-Identifier: GPL-2.0 */
#ifndef RINGBUF_DEMO_H
#define RINGBUF_DEMO_H

struct demo_event {
	unsigned int seq;
	unsigned int square;
	unsigned long long ktime_ns;
};

#endif
