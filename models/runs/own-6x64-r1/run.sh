#!/usr/bin/env bash
# Run own-6x64-r1 (issue 12: a larger policy + value net): 6×64 plain trunk (5×5 stem + 6 3×3 convs, 64 filters),
# alphago49 features, a 32/64 value head and an ownership head, trained from scratch on native TensorFlow with the
# game result and each game's Monte-Carlo final ownership as targets (the recipe of own-8x32-r1).
# Why 6×64 plain: the largest candidate within the shipped net's WASM budget (batch-1 p50 ≤ 15 ms): measured
# 11.1 ms for 6×64 plain, 18.8 ms 6×64 residual, 16.7 ms 8×64 plain, 21.2 ms 10×64 residual, 56 ms 12×96 residual
# (`bench/latency.bench.ts --quick`, random weights, WASM, one thread). A 10×64 residual run was started first and
# stopped after 57 steps: 17 positions/s here, too slow to matter in the sessions available.
# The cosine ran over --steps 100000 (12.8M positions at batch 128) until step 8,470; from session 8 it runs over
# --steps 24000 (3.07M positions): at 126 positions/s on a quiet machine, 100k steps would need about 25 more hours of
# training and the learning rate would stay near its peak for every session in sight, so the net would never be
# annealed; 24k steps end within about two more sessions. The change lowered the learning rate at step 8,470 from
# 0.00098 to 0.00076 (the schedule is a pure function of step and --steps, schedule.ts). Every invocation passes the
# same schedule, and the learning rate continues where the checkpoint left it; each session adds a --time-budget.
# Resume on any machine from the repository alone:
#   TRAIN/DEV: datasets from `tengen data build` + `tengen data ownership` (models/README.md; same contentHash).
#   mkdir -p $OUT && cp -r models/runs/own-6x64-r1/. $OUT/ && models/runs/own-6x64-r1/run.sh --resume --time-budget 2h
# History of this run, exactly:
#   session 6, steps 0-2,881: run.sh --time-budget 70m   (TRAIN=/work/runs/tom9d-train DEV=/work/runs/tom9d-dev OUT=/work/runs/own-6x64-r1)
#                              368,768 positions in 70 min (91 positions/s; beside other work for its first 30 min);
#                              dev (4,096) top-1 35.5% (best 35.9% at step 2,500), top-5 66.6%, value at chance (49.8%)
#   session 7, steps 2,881-7,010: run.sh --resume --time-budget 140m   (same TRAIN/DEV/OUT; stopped by SIGINT at 05:12 to
#                              leave time for the evaluation) 897,280 positions in all; 528,512 this session in 130 min
#                              (72 positions/s: paused by SIGSTOP for about 25 min of benchmarks, beside tests and matches);
#                              dev (4,096) top-1 39.2% (best, step 7,000), top-5 69.9%, value accuracy 56.7%
#   session 7, steps 7,010-8,146: run.sh --resume --time-budget 20m   (same TRAIN/DEV/OUT, quiet machine)
#                              1,042,688 positions in all; 145,408 in 20 min (126 positions/s);
#                              dev (4,096) top-1 39.3% (best, step 8,000), top-5 70.5%
#   session 8, steps 8,146-8,470: run.sh --resume --time-budget 135m with --steps 100000   (same TRAIN/DEV/OUT;
#                              stopped by SIGINT after 23 min, mostly paused for benchmarks, to re-plan the schedule)
#                              1,084,160 positions in all; dev (4,096) top-1 39.4% (best, step 8,250)
#   session 8, steps 8,470-12,414: run.sh --resume --time-budget 120m   (same TRAIN/DEV/OUT, --steps 24000 from here;
#                              stopped by SIGINT at 07:56 after 87 min to leave time for the evaluation)
#                              1,588,992 positions in all; 504,832 this session in 87 min (97 positions/s, quiet but for
#                              short benchmark pauses); dev (4,096) top-1 41.9% (best, step 11,750), value accuracy 58.5%;
#                              step 11,750 became models/default (50,000 dev positions: top-1 42.06%, top-5 73.80%)
#   session 9, steps 12,414-16,492: run.sh --resume --time-budget 150m at nice 19   (TRAIN=/work/runs/tom9d-train
#                              DEV=/work/runs/tom9d-dev OUT=/work/runs/own-6x64-r1, a new machine: datasets rebuilt with the
#                              same content hashes; stopped by SIGINT at 14:08 UTC for the end of the session)
#                              2,110,976 positions in all; 521,984 this session in 145 min beside GnuGo matches that held
#                              both cores for 120 of them; dev (4,096) top-1 42.2% (best, step 16,000), lr 0.00024
#   session 10, steps 16,492-22,495: run.sh --resume --time-budget 160m, then --time-budget 125m, both at nice 19   (same
#                              TRAIN/DEV/OUT, same machine; the first stopped by SIGINT after 4 min, quiet, at 290
#                              positions/s by the metrics' clock; the second ran beside a one-shard GnuGo match, in the
#                              gaps while GnuGo thought, stopped by SIGINT at 16:48 UTC)
#                              2,879,360 positions in all; dev (4,096) top-1 43.2% (best, step 21,000), lr 2.2e-5;
#                              step 21,000 on the 50,000-position sample: top-1 43.65% (43.21-44.08), top-5 75.45%
#   session 10, steps 22,495-24,000: run.sh --resume --time-budget 25m at nice 19   (same TRAIN/DEV/OUT; beside the
#                              clean-clone check; ended by --steps 24000: the schedule is done)
#                              3,072,000 positions in all; dev (4,096) top-1 43.2% (best, step 23,000); step 23,000 on
#                              the 50,000-position sample: top-1 43.73% (43.29-44.16), top-5 75.55%, log-loss 2.122
set -euo pipefail
cd "$(dirname "$0")/../../.."
TRAIN=${TRAIN:-/root/tengen-runs/tom9d-train}
DEV=${DEV:-/root/tengen-runs/tom9d-dev}
OUT=${OUT:-/root/tengen-runs/own-6x64-r1}
exec node bin/tengen.js train --data "$TRAIN" --val-data "$DEV" --features alphago49 \
  --preset default --depth 6 --width 64 --block plain --value-head 32x64 --ownership-head \
  --value-weight 1 --ownership-weight 1.5 \
  --batch 128 --lr 0.001 --lr-schedule cosine --steps 24000 --warmup 500 \
  --eval-every 250 --val-positions 4096 \
  --backend tensorflow --no-progress --seed 7 --out "$OUT" "$@"
