#!/usr/bin/env bash
# Issue 12, toward 45% single-pass top-1: a second distillation, from the current models/default into itself.
# models/default (own-6x64-d1's best/) reads 44.66% top-1 single-pass and 45.46% averaged over the 8 symmetries on the
# 50,000-position dev sample. Student: those weights (--init-from models/runs/own-6x64-d1/best). Teacher: the same
# weights, their policy averaged over the 8 symmetries (src/train/distill.ts), now at 0.9 of the policy loss beside the
# played move (0.1); value and ownership targets as before. Adam starts fresh; lr 0.0001 with a cosine over this
# invocation's time budget; weight average over ~1,000 steps.
# Unlike d1, validation (and so the choice of best/) uses tom9d/train's own held-out split (no --val-data), so the
# 50,000-position dev sample that the goal is measured on chooses nothing.
# History:
#   session 17: run.sh --time-budget 125m (started 14:27 UTC), stopped by SIGINT at step 1,260 (161,280 positions,
#               15:11 UTC, 58-60 positions/s) and abandoned: it was losing ground. On the 4,096 positions of train's
#               held-out split the weight average fell from 45.26% top-1 at step 250 (still mostly the starting
#               weights) to 44.36% at step 1,000, and the raw weights read 44.2-44.8%; on the 50,000-position dev
#               sample the raw step-1,000 checkpoint read 44.11% (43.68-44.55) against 44.66% for its start, and its
#               half-and-half mean with the start 44.20% on train's held-out games (seed 1; the start 44.50%).
#               Only run.sh and metrics.jsonl are kept. Continued as own-6x64-d3 (lr 0.00003, w 0.75).
# Resume: mkdir -p $OUT && cp -r models/runs/own-6x64-d2/. $OUT/ && models/runs/own-6x64-d2/run.sh --resume --time-budget 2h
#   (its checkpoints come from a trainer that did not record time schedules yet: a resume starts a new cosine over
#   its own --time-budget; give --steps to fix the schedule's length instead).
set -euo pipefail
cd "$(dirname "$0")/../../.."
TRAIN=${TRAIN:-/work/runs/tom9d-train}
OUT=${OUT:-/work/runs/own-6x64-d2}
exec node bin/tengen.js train --data "$TRAIN" --features alphago49 \
  --preset default --depth 6 --width 64 --block plain --value-head 32x64 --ownership-head \
  --value-weight 1 --ownership-weight 1.5 --init-from models/runs/own-6x64-d1/best \
  --distill-from models/runs/own-6x64-d1/best --distill-symmetries 8 --distill-weight 0.9 \
  --batch 128 --lr 0.0001 --lr-schedule cosine --warmup 100 \
  --eval-every 250 --val-positions 4096 --average-horizon 1000 \
  --backend tensorflow --no-progress --seed 17 --out "$OUT" "$@"
