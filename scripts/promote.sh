#!/usr/bin/env bash
# The figures a candidate for models/default needs before it replaces it (issue 12's "Done when"; models/README.md):
#   1. `tengen eval` on the fixed 50,000-position dev sample, recorded in its tengen.json, with the calibration plot;
#   2. the same over the 8 board symmetries, recorded;
#   3. its policy (argmax, no search) against GnuGo level 1 (20 games) and level 10 (20 games, two shards of 10 run
#      at once, summed by --rescore), openings from the dev games, GnuGo level 10 with Chinese rules as referee;
#   4. game-by-game comparisons with the matches of the model it would replace (--compare), when that tag is given.
# Promotion itself is by hand: `tengen model calibrate-value CANDIDATE_DIR --data <train dataset> --out models/default`
# (temperature-scales the value head on train's held-out games; the policy, so the matches, are unchanged), then the
# two evals above again on models/default with --record (and --calibration-plot models/default/calibration.png).
# Usage (from the repository root; the dev dataset built as models/README.md says, GnuGo from Debian's gnugo):
#   scripts/promote.sh CANDIDATE_DIR TAG [PREVIOUS_TAG]
#   e.g. scripts/promote.sh models/runs/own-6x64-s2/best pv6x64-s2 pv6x64-d1
# Matches go to models/matches/TAG-policy-gnugo-level{1,10}-openings; reports and logs to $OUT (default
# /tmp/promote-TAG). DEV (default /work/runs/tom9d-dev), OPENINGS (default ../shared/data/tom9d/dev) and GNUGO
# (default /usr/games/gnugo) may be set. Takes about an hour on two quiet cores.
set -euo pipefail
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  sed -n '2,16p' "$0" >&2
  exit 2
fi
CAND=$1
TAG=$2
PREV=${3:-}
cd "$(dirname "$0")/.."
DEV=${DEV:-/work/runs/tom9d-dev}
OPENINGS=${OPENINGS:-../shared/data/tom9d/dev}
GNUGO=${GNUGO:-/usr/games/gnugo}
OUT=${OUT:-/tmp/promote-$TAG}
[ -f "$CAND/tengen.json" ] || { echo "promote: $CAND is not a model directory (no tengen.json)" >&2; exit 2; }
[ -f "$DEV/manifest.json" ] || { echo "promote: DEV=$DEV is not a dataset (tengen data build ... --split all-val)" >&2; exit 2; }
[ -x "$GNUGO" ] || { echo "promote: no GnuGo at GNUGO=$GNUGO (apt-get install gnugo)" >&2; exit 2; }
mkdir -p "$OUT"
T="node bin/tengen.js"
REF="$GNUGO --mode gtp --level 10 --chinese-rules"
ENG="node bin/tengen.js gtp --model $CAND --policy-only"
M=models/matches/$TAG-policy-gnugo
echo "eval (1 symmetry) $(date -u +%T)"
$T eval --model "$CAND" --data "$DEV" --backend tensorflow --record --calibration-plot "$CAND/calibration.png" --no-progress > "$OUT/eval1.txt"
echo "matches and the 8-symmetry eval $(date -u +%T)"
pids=()
$T match --black "$ENG" --white "$GNUGO --mode gtp --level 1" --openings "$OPENINGS" --games 20 --referee "$REF" --out "$M-level1-openings" > "$OUT/level1.log" 2>&1 & pids+=($!)
$T match --black "$ENG" --white "$GNUGO --mode gtp --level 10" --openings "$OPENINGS" --games 10 --referee "$REF" --out "$M-level10-openings" > "$OUT/level10a.log" 2>&1 & pids+=($!)
$T match --black "$ENG" --white "$GNUGO --mode gtp --level 10" --openings "$OPENINGS" --games 10 --first-game 11 --referee "$REF" --out "$M-level10-openings" > "$OUT/level10b.log" 2>&1 & pids+=($!)
nice -n 10 $T eval --model "$CAND" --data "$DEV" --backend tensorflow --symmetries 8 --record --no-progress > "$OUT/eval8.txt" 2> "$OUT/eval8.err" & pids+=($!)
for p in "${pids[@]}"; do wait "$p"; done
$T match --rescore "$M-level10-openings" --referee "$REF" > "$OUT/level10-rescore.txt" 2>&1
if [ -n "$PREV" ]; then
  for level in 1 10; do
    $T match --compare "$M-level$level-openings" "models/matches/$PREV-policy-gnugo-level$level-openings" > "$OUT/compare-level$level.txt" 2>&1
  done
fi
echo "done $(date -u +%T): $OUT"
