// SPDX-License-Identifier: GPL-2.0
/* Demo: a seq_file task iterator, pinned with `bpftool iter pin` and read with cat. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char _license[] SEC("license") = "GPL";

SEC("iter/task")
int dump_task(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;

	if (!task)
		return 0;
	if (ctx->meta->seq_num == 0)
		BPF_SEQ_PRINTF(seq, "  PID  COMM\n");
	BPF_SEQ_PRINTF(seq, "%5d  %s\n", task->pid, task->comm);
	return 0;
}
