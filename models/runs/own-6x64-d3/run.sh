#!/usr/bin/env bash
# Issue 12, toward 45% single-pass top-1: d2's self-distillation again at a gentler learning rate.
# own-6x64-d2 (same student and teacher, w 0.9, lr 0.0001) lost ground from its first validation on (dev top-1 of
# the raw weights 44.11% at step 1,000 against 44.66% for its start), so d3 takes a smaller step: lr 0.00003 with a
# 200-step warm-up, and d1's proven w = 0.75. Student: models/default (own-6x64-d1's best/, 44.66% single-pass,
# 45.46% over the 8 symmetries). Teacher: the same weights, their policy averaged over the 8 symmetries
# (src/train/distill.ts). Adam starts fresh; cosine over the time budget (recorded in the checkpoint: a resume
# continues it); weight average over ~1,000 steps. Validation (the choice of best/) uses tom9d/train's own held-out
# split, so the 50,000-position dev sample chooses nothing.
# History:
#   session 17: run.sh --time-budget 75m, 15:14-16:30 UTC at 66-73 positions/s; cosine over the 75 min to lr 0;
#               2,381 steps, 304,768 positions. On the 4,096 positions of train's held-out split the weight average
#               read 45.26% at step 500 (best/) and fell to 44.53% by the end; the raw weights 44.3-45.1%. On the
#               50,000-position dev sample: best/ 44.55% top-1 (44.11-44.99), 76.41% top-5, log-loss 2.071; the last
#               checkpoint 44.18%, 76.49%, 2.076; its start (models/default) 44.66%, 76.47%, 2.069. Not better than
#               its start: not promoted; only run.sh and metrics.jsonl are kept.
# Resume: mkdir -p $OUT && cp -r models/runs/own-6x64-d3/. $OUT/ && models/runs/own-6x64-d3/run.sh --resume
#   (continues the recorded cosine; add --time-budget to box a session).
set -euo pipefail
cd "$(dirname "$0")/../../.."
TRAIN=${TRAIN:-/work/runs/tom9d-train}
OUT=${OUT:-/work/runs/own-6x64-d3}
exec node bin/tengen.js train --data "$TRAIN" --features alphago49 \
  --preset default --depth 6 --width 64 --block plain --value-head 32x64 --ownership-head \
  --value-weight 1 --ownership-weight 1.5 --init-from models/runs/own-6x64-d1/best \
  --distill-from models/runs/own-6x64-d1/best --distill-symmetries 8 --distill-weight 0.75 \
  --batch 128 --lr 0.00003 --lr-schedule cosine --warmup 200 \
  --eval-every 250 --val-positions 4096 --average-horizon 1000 \
  --backend tensorflow --no-progress --seed 18 --out "$OUT" "$@"
