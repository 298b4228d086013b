#!/usr/bin/env bash
# Issue 12's next continuation toward 45% single-pass top-1: own-6x64-r2's best (step 17,500; 5.18M positions in all,
# models/default since session 14) trained on with the same recipe (joint policy + value + ownership, batch 128) and
# another warm restart: Adam starts fresh, warm-up 500, lr 0.0002 with a cosine over 24,000 steps (3.07M more
# positions, about 3.7 h of a quiet two-core machine at 229 positions/s). The peak is lower than r2's 0.0003: r2 lost
# 0.5-1 point of top-1 at its peak and gained nothing in its 9,000 steps near it; all of its gain came while the rate
# fell. Through r2's point, one point of top-1 per doubling of positions puts 45% near 7.9M positions in all
# (models/README.md, "The run behind models/default"). Resume with --resume.
# History:
#   session 14, steps 0-3045: run.sh --time-budget 30m, quiet after the clean-clone check
#               (TRAIN=/work/runs/tom9d-train DEV=/work/runs/tom9d-dev OUT=/work/runs/own-6x64-r3), 08:27-08:58 UTC at
#               236 positions/s; 389,760 positions. Dev (4,096) top-1 43.6-44.5% near the peak rate (best/: step
#               1750, 44.53%; r2's best read 44.24% there). tengen.json records initFrom (r2 best: 40,500 steps,
#               5,184,000 positions in all).
#   session 15, steps 3045-12255: run.sh --resume --steps 13500 --time-budget 100m (the cosine's end moved from 24,000
#               to 13,500 so the run anneals within the session, as r2's did; lr at step 3,045 0.000194 -> 0.000183),
#               09:20-11:30 UTC at 205-214 positions/s (25% CPU steal from the host; a 3-min test at the start);
#               stopped by its time budget at lr 4.5e-6 with 1,568,640 positions (6.75M in all). 4,096 sample: top-1
#               43.8-44.4% while the rate fell, loss 2.135 -> 2.099; best/ stayed at step 1,750. On the 50,000-position
#               dev sample: step 12,255 44.36% top-1 (43.92-44.80), 76.61% top-5, log-loss 2.067, value 53.0 / 63.3 /
#               69.9%; best/ (step 1,750) 44.47%, 76.19%, 2.079; models/default (r2 step 17,500) 44.39%, 76.29%, 2.082.
#               Top-1 did not move; not promoted (see models/README.md).
# Resume: mkdir -p $OUT && cp -r models/runs/own-6x64-r3/. $OUT/ && models/runs/own-6x64-r3/run.sh --resume --time-budget 2h
set -euo pipefail
cd "$(dirname "$0")/../../.."
TRAIN=${TRAIN:-/work/runs/tom9d-train}
DEV=${DEV:-/work/runs/tom9d-dev}
OUT=${OUT:-/work/runs/own-6x64-r3}
exec node bin/tengen.js train --data "$TRAIN" --val-data "$DEV" --features alphago49 \
  --preset default --depth 6 --width 64 --block plain --value-head 32x64 --ownership-head \
  --value-weight 1 --ownership-weight 1.5 --init-from models/runs/own-6x64-r2/best \
  --batch 128 --lr 0.0002 --lr-schedule cosine --steps 24000 --warmup 500 \
  --eval-every 250 --val-positions 4096 --average-horizon 2000 \
  --backend tensorflow --no-progress --seed 9 --out "$OUT" "$@"
