// SPDX-License-Identifier: GPL-2.0
/* Demo consumer: run the producer once, then print what the ring buffer holds
 * and what it lost. With a path as second argument, pin the ring there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include "ringbuf_demo.h"
#include "ringbuf_demo.skel.h"

static int print_event(void *ctx, void *data, size_t len)
{
	const struct demo_event *e = data;

	if (e->seq >= 5) /* print the first few */
		return 0;
	printf("  record %u: %u^2 = %u  (%zu bytes, t=%llu ns)\n",
	       e->seq, e->seq, e->square, len, e->ktime_ns);
	return 0;
}

int main(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_test_run_opts, run);
	struct ringbuf_demo *skel;
	struct ring_buffer *rb = NULL;
	int n, err = 1;

	skel = ringbuf_demo__open();
	if (!skel) {
		fprintf(stderr, "ringbuf_demo: cannot open the BPF object\n");
		return 1;
	}
	skel->data->nr_events = argc > 1 ? atoi(argv[1]) : 5;
	if (ringbuf_demo__load(skel)) {
		fprintf(stderr, "ringbuf_demo: cannot load the BPF object\n");
		goto out;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), print_event, NULL, NULL);
	if (!rb) {
		fprintf(stderr, "ringbuf_demo: cannot create the ring buffer consumer\n");
		goto out;
	}
	if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.produce), &run)) {
		fprintf(stderr, "ringbuf_demo: cannot run the producer\n");
		goto out;
	}
	printf("producer wrote %d of %u records\n", (int)run.retval, skel->data->nr_events);
	n = ring_buffer__consume(rb);
	printf("consumer read %d records; the ring counted %llu dropped, %llu overwritten\n", n,
	       (unsigned long long)ring__dropped_records(ring_buffer__ring(rb, 0)),
	       (unsigned long long)ring__overwritten_records(ring_buffer__ring(rb, 0)));
	err = n == (int)run.retval ? 0 : 1;
	if (!err && argc > 2 && bpf_map__pin(skel->maps.events, argv[2])) {
		fprintf(stderr, "ringbuf_demo: cannot pin the ring at %s\n", argv[2]);
		err = 1;
	}
out:
	ring_buffer__free(rb);
	ringbuf_demo__destroy(skel);
	return err;
}
