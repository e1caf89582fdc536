// SPDX-License-Identifier: GPL-2.0
/* Demo producer: each run tries to write nr_events records into a ring buffer. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "ringbuf_demo.h"

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

unsigned int nr_events = 5;
unsigned int written;

static int produce_one(__u32 i, void *ctx)
{
	struct demo_event *e;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;	/* ring full: the kernel counts the drop */
	e->seq = i;
	e->square = i * i;
	e->ktime_ns = bpf_ktime_get_ns();
	bpf_ringbuf_submit(e, 0);
	written++;
	return 0;
}

/* bpf_loop() rather than a bounded loop: the verifier checks the body once. */
SEC("syscall")
int produce(void *ctx)
{
	written = 0;
	bpf_loop(nr_events, produce_one, NULL, 0);
	return written;
}
