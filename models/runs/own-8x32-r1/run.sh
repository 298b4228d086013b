#!/usr/bin/env bash
# Run own-8x32-r1 (issue 12): the 8x32 policy net (then models/default, now models/8x32-policy) grown to alphago49 (+ komi plane, stem weights 0), a 32/64
# value head and an ownership head (1x1 conv, tanh), the whole net trained jointly on native TensorFlow with the
# game result (value) and each game's Monte-Carlo final ownership (`tengen data ownership`) as targets.
# Resume on any machine from the repository alone:
#   TRAIN/DEV: datasets from `tengen data build` + `tengen data ownership` (models/README.md; same contentHash).
#   Session 4 ran it with TRAIN=/work/runs/tom9d-train DEV=/work/runs/tom9d-dev OUT=/work/runs/own-8x32-r1.
#   mkdir -p $OUT && cp -r models/runs/own-8x32-r1/. $OUT/ && models/runs/own-8x32-r1/run.sh --resume <schedule>
# The learning-rate schedule is given per invocation (the checkpoint keeps weights, optimiser state, step, RNG and
# data cursor; the schedule is not part of it). History of this run, exactly:
#   session 4, steps 0-5,974:     --lr 0.0005 --lr-schedule cosine --steps 60000 [--resume] --time-budget 2h (twice)
#   session 5, steps 5,974-6,650: --resume --lr 0.0005 --lr-schedule cosine --steps 13500 --time-budget 2h25m
#                                  (cosine shortened to anneal within a session; lr 4.9e-4 -> 2.5e-4 over these steps)
#   session 5, from step 6,650:   --resume --lr 0.00025 --lr-schedule cosine --time-budget 90m
#                                  (no step count: cosine over the wall-clock budget, lr 2.5e-4 -> 0, continuous)
#                                  (stopped at 6,682 after a minute and started again with the same arguments
#                                  from a checkout without other agents' edits in progress)
#   session 5, from step 7,350:   TF_ENABLE_ONEDNN_OPTS=1 run.sh --resume --lr 0.0002 --lr-schedule cosine --time-budget 64m
#                                  (the same cosine's remaining part, now with TensorFlow's oneDNN kernels)
set -euo pipefail
cd "$(dirname "$0")/../../.."
TRAIN=${TRAIN:-/root/tengen-runs/tom9d-train}
DEV=${DEV:-/root/tengen-runs/tom9d-dev}
OUT=${OUT:-/root/tengen-runs/own-8x32-r1}
exec node bin/tengen.js train --data "$TRAIN" --val-data "$DEV" --features alphago49 \
  --init-from models/8x32-policy --preset default --value-head 32x64 --ownership-head \
  --value-weight 1 --ownership-weight 1.5 \
  --batch 128 --eval-every 250 --val-positions 4096 \
  --backend tensorflow --no-progress --seed 5 --out "$OUT" "$@"
