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
