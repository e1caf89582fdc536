#!/usr/bin/env bash
# The demo, run inside the VM by `make vm`.
set -euo pipefail
tools=$1 bpftool=$2

echo "== kernel: $(uname -r)"
echo "== BPF iterator: bpftool iter pin task_iter.bpf.o /sys/fs/bpf/tasks; cat /sys/fs/bpf/tasks"
"$bpftool" iter pin "$tools/task_iter.bpf.o" /sys/fs/bpf/tasks
cat /sys/fs/bpf/tasks
rm /sys/fs/bpf/tasks
echo "== ring buffer: BPF producer, libbpf consumer"
"$tools/ringbuf_demo" 5
