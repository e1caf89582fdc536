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
echo "== ring buffer flooded: 300 records of 24 bytes into a 4 KiB ring read afterwards"
"$tools/ringbuf_demo" 300 /sys/fs/bpf/demo_ring | grep -v '^  record'
"$bpftool" map show pinned /sys/fs/bpf/demo_ring
rm /sys/fs/bpf/demo_ring
