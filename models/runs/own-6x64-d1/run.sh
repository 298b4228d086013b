#!/usr/bin/env bash
# Issue 12, the last lever toward 45% single-pass top-1: distil the 8-symmetry average into the single pass.
# models/default (r2 step 17,500) reads 44.39% top-1 single-pass and 45.43% averaged over the 8 symmetries on the
# 50,000-position dev sample; warm restarts on the played move alone stopped gaining (r3: +0 for 1.57M positions).
# Student: own-6x64-r3's last checkpoint (step 12,255; 6.75M positions in all; same top-1 as models/default, better
# log-loss, top-5 and value). Teacher: models/default of sessions 14-15, which is models/runs/own-6x64-r2/best (the
same weights), its policy averaged over the 8 symmetries (src/train/distill.ts),
# taking 0.75 of the policy loss beside the played move (0.25); value and ownership targets as before. Adam starts
# fresh; lr 0.0001 with a cosine over this invocation's time budget (no --steps). The teacher's 8 forward passes
# cost about 2.3 training steps: 68 positions/s against 213-236 without it.
# History:
#   session 16, steps 0-132: run.sh --time-budget 105m, stopped by SIGINT after 4 min to shorten the budget (12:11 UTC).
#               The teacher was given as models/default, then the same weights as models/runs/own-6x64-r2/best (the
#               recorded distilledFrom says so).
#   session 16, steps 132-2796: run.sh --resume --time-budget 80m, 12:15-13:35 UTC at 68-72 positions/s; cosine
#               over the 80 min to lr 0; 357,888 positions (7.11M in all). 4,096 sample: top-1 43.7-44.2% raw, the
#               weight average 43.8-44.4% (best/: the average at step 1,250, 44.36%). On the 50,000-position dev
#               sample: best/ 44.66% top-1 (44.22-45.09), 76.47% top-5, log-loss 2.069; the last checkpoint 44.22%,
#               76.72%, 2.073; models/default before (r2 step 17,500) 44.39%, 76.29%, 2.082. On 50,000 positions of
#               tom9d/train's held-out games (--split val --seed 1, not used to choose): best/ 44.50%, r2 step 17,500
#               44.20%. best/ became models/default.
# Resume: mkdir -p $OUT && cp -r models/runs/own-6x64-d1/. $OUT/ && models/runs/own-6x64-d1/run.sh --resume --time-budget 2h
#   (a resume restarts the cosine over its own budget; give --steps to fix the schedule's length instead).
set -euo pipefail
cd "$(dirname "$0")/../../.."
TRAIN=${TRAIN:-/work/runs/tom9d-train}
DEV=${DEV:-/work/runs/tom9d-dev}
OUT=${OUT:-/work/runs/own-6x64-d1}
exec node bin/tengen.js train --data "$TRAIN" --val-data "$DEV" --features alphago49 \
  --preset default --depth 6 --width 64 --block plain --value-head 32x64 --ownership-head \
  --value-weight 1 --ownership-weight 1.5 --init-from models/runs/own-6x64-r3/checkpoint \
  --distill-from models/runs/own-6x64-r2/best --distill-symmetries 8 --distill-weight 0.75 \
  --batch 128 --lr 0.0001 --lr-schedule cosine --warmup 100 \
  --eval-every 250 --val-positions 4096 --average-horizon 1000 \
  --backend tensorflow --no-progress --seed 12 --out "$OUT" "$@"
