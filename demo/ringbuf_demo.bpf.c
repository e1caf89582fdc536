// SPDX-License-Identifier: GPL-2.0
/* Demo producer: each run writes nr_events records into a ring buffer. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "ringbuf_demo.h"

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

unsigned int nr_events = 5;

SEC("syscall")
int produce(void *ctx)
{
	struct demo_event *e;
	unsigned int i;

	for (i = 0; i < nr_events && i < 64; i++) {
		e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
		if (!e)
			return -1;
		e->seq = i;
		e->square = i * i;
		e->ktime_ns = bpf_ktime_get_ns();
		bpf_ringbuf_submit(e, 0);
	}
	return i;
}
