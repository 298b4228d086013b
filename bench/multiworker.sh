#!/usr/bin/env bash
# 1- vs 2-worker training throughput of python/tengen_tf on this machine (MultiWorkerMirroredStrategy over loopback),
# interleaved A/B/A/B; cores are split evenly (1 worker x 2 threads vs 2 workers x 1 thread on 2 cores), so this shows
# the multi-worker overhead, not a speed-up. Reports positions/s (wall) and positions per CPU-second (fair on a busy
# machine), from the trainer's per-interval metrics with the first interval (graph tracing) excluded.
#   bench/multiworker.sh EXPORT_DIR [ARCH] [VALUE_HEAD] [STEPS]
#   e.g. tengen data export data/tom9d-dev --out runs/export-dev-20k --split val --max-positions 20000 --shard-size 5000
#        bench/multiworker.sh runs/export-dev-20k 8x32 32,64 100
set -euo pipefail
exp="$(cd "$1" && pwd)"; arch="${2:-8x32}"; vh="${3:-32,64}"; steps="${4:-100}"
py="${TENGEN_PYTHON:-python3}"
out="$(mktemp -d)"
cd "$(dirname "$0")/../python"
for round in 1 2; do
  for w in 1 2; do
    "$py" -m tengen_tf.loopback --workers "$w" -- --data "$exp" --out "$out/m-$w-$round" --arch "$arch" --value-head "$vh" \
      --steps "$steps" --batch 64 --log-every 20 --metrics-out "$out/m-$w-$round.jsonl" --val-positions 256 >/dev/null 2>"$out/m-$w-$round.err"
    "$py" -c "
import json, sys
l = [json.loads(x) for x in open('$out/m-$w-$round.jsonl')][1:]
pos = 20 * 64 * len(l); secs = sum(20 * 64 / r['positionsPerSecond'] for r in l); cpu = sum(r['cpuSeconds'] for r in l) * $w
print('workers $w round $round: %.1f pos/s wall, %.1f pos per CPU-second (%d intervals of 20 steps)' % (pos / secs, pos / cpu, len(l)))"
  done
done
uptime
rm -rf "$out"
