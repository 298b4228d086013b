#!/usr/bin/env bash
# Run joint-8x32-r1 (issue 12): the shipped 8x32 policy net grown to alphago49 (+ komi plane, stem weights 0) and a
# 32/64 value head, the whole net trained jointly on native TensorFlow. Exactly the command of session 3, with paths as
# variables. Resume on any machine from the repository alone:
#   TRAIN/DEV: datasets from `tengen data build` (models/README.md, "Resuming the default run"; same contentHash)
#   mkdir -p $OUT && cp -r models/runs/joint-8x32-r1/. $OUT/ && models/runs/joint-8x32-r1/run.sh --resume --time-budget 2h
set -euo pipefail
cd "$(dirname "$0")/../../.."
TRAIN=${TRAIN:-/root/tengen-runs/tom9d-train}
DEV=${DEV:-/root/tengen-runs/tom9d-dev}
OUT=${OUT:-/root/tengen-runs/joint-8x32}
exec node bin/tengen.js train --data "$TRAIN" --val-data "$DEV" --features alphago49 \
  --init-from models/default --preset default --value-head 32x64 --value-weight 0.5 \
  --batch 128 --lr 0.0003 --lr-schedule cosine --steps 60000 --eval-every 250 --val-positions 4096 \
  --backend tensorflow --no-progress --seed 3 --out "$OUT" "$@"
