#!/usr/bin/env bash
# Issue 12's size sweep: three trunks trained with one recipe (own-6x64-r1's: joint policy + value + ownership,
# batch 128, Adam lr 0.001 with a cosine over the time budget, seed 7, native TensorFlow) for the same
# wall clock each, one after the other on a quiet machine, validated every 250 steps on the trainer's fixed
# 4,096-position dev sample. Warm-up is 100 steps, not the run's 500: at 30 minutes the largest net makes only a few
# hundred steps. Usage (datasets and ownership targets as in models/README.md):
#   TRAIN=/work/runs/tom9d-train DEV=/work/runs/tom9d-dev OUT=/work/runs/sizes-joint BUDGET=30m \
#     models/runs/sizes-joint/run.sh [6x64 10x64r 12x96r]
# History: session 11 ran it as written above (all three sizes, BUDGET=30m), 18:39-20:10 UTC on a quiet two-core
#   AMD EPYC; each size's metrics.jsonl is committed beside this script (models/README.md, "Sizes at equal wall clock").
set -euo pipefail
cd "$(dirname "$0")/../../.."
TRAIN=${TRAIN:-/work/runs/tom9d-train}
DEV=${DEV:-/work/runs/tom9d-dev}
OUT=${OUT:-/work/runs/sizes-joint}
BUDGET=${BUDGET:-30m}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(6x64 10x64r 12x96r)
for s in "${sizes[@]}"; do
  case $s in
    6x64) arch=(--depth 6 --width 64 --block plain) ;;
    10x64r) arch=(--depth 10 --width 64 --block residual) ;;
    12x96r) arch=(--depth 12 --width 96 --block residual) ;;
    *) echo "unknown size $s (6x64, 10x64r, 12x96r)" >&2; exit 2 ;;
  esac
  node bin/tengen.js train --data "$TRAIN" --val-data "$DEV" --features alphago49 \
    --preset default "${arch[@]}" --value-head 32x64 --ownership-head \
    --value-weight 1 --ownership-weight 1.5 \
    --batch 128 --lr 0.001 --lr-schedule cosine --warmup 100 --time-budget "$BUDGET" \
    --eval-every 250 --val-positions 4096 \
    --backend tensorflow --no-progress --seed 7 --out "$OUT/$s"
done
