// Analysis honesty (issue 13; not a *.bench.ts, so `npm run bench` does not start this long run): on N positions of tom9d/dev games (a fixed, spread-out sample), does the move a
// V-visit search ranks first match the 9-dan move at least as often as the raw policy's first move, and is the
// search's root winrate better calibrated (Brier score against the game result) than the raw value head? Also:
// on the tactical positions of test/search/tactics.ts the raw policy misses, how often the search finds the move.
// Usage: npx tsx bench/search-honesty.ts [--model DIR] [--positions 200] [--visits 1000] [--tactics 40] [--runtime auto|onnx|tfjs]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync, readdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Engine, positionFromRecord } from '../src/engine/index.js';
import { BLACK, NPOINTS, PASS } from '../src/go/constants.js';
import { parseSgf, toGameRecord } from '../src/sgf/index.js';
import { evaluatorFrom } from '../src/search/evaluator.js';
import { Search } from '../src/search/search.js';
import { wilson } from '../src/stats.js';
import { DEV_DIR, tacticalPositions } from '../test/search/tactics.js';

const args = process.argv.slice(2);
const opt = (name: string, def: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]! : def;
};
const repo = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
process.chdir(repo);
const modelDir = opt('--model', 'models/default');
const nPositions = Number(opt('--positions', '200'));
const visits = Number(opt('--visits', '1000'));
const nTactics = Number(opt('--tactics', '40'));

const engine = await Engine.load({ modelDir, runtime: opt('--runtime', 'auto'), maxBatch: 64, maxWaitMs: 0 });
const evaluator = evaluatorFrom(engine);
console.log(`model ${engine.model.id} (${evaluator.hasValue ? 'policy + value' : 'policy only: fallback value'}), ${visits} visits`);

function argmax(p: Float32Array): number {
  let a = 0;
  for (let i = 1; i < NPOINTS; i++) if (p[i]! > p[a]!) a = i;
  return a;
}

// The sample: every game with a B+/W+ result, one position each at move 20 + (37·k mod 180), across the dev files.
interface Sample { board: ReturnType<typeof positionFromRecord>; move: number; komi: number; blackWon: boolean }
const sample: Sample[] = [];
outer: for (const f of readdirSync(DEV_DIR).filter((x) => x.endsWith('.sgf.gz')).sort()) {
  const { games } = parseSgf(gunzipSync(readFileSync(path.join(DEV_DIR, f))).toString('utf8'));
  for (const g of games) {
    let rec;
    try {
      rec = toGameRecord(g);
    } catch {
      continue;
    }
    const re = /^([BW])\+/i.exec(rec.result ?? '');
    if (!re || rec.setup.black.length + rec.setup.white.length > 0) continue;
    const m = 20 + ((sample.length * 37) % 180);
    if (m >= rec.moves.length || rec.moves[m]!.point === PASS) continue;
    sample.push({ board: positionFromRecord(rec, m), move: rec.moves[m]!.point, komi: rec.komi ?? 7.5, blackWon: re[1]!.toUpperCase() === 'B' });
    if (sample.length >= nPositions) break outer;
  }
}

let policyHits = 0, searchHits = 0, brierRaw = 0, brierSearch = 0, nValue = 0;
const t0 = performance.now();
for (const s of sample) {
  const pol = await engine.policy(s.board);
  if (argmax(pol) === s.move) policyHits++;
  const search = new Search(evaluator, { batchSize: 16 });
  search.setRoot(s.board, s.komi);
  await search.run({ maxVisits: visits });
  if (search.bestMove().move === s.move) searchHits++;
  const won = (s.board.toPlay === BLACK) === s.blackWon ? 1 : 0;
  if (search.rootValue !== null && evaluator.hasValue) {
    brierRaw += (search.rootValue - won) ** 2;
    brierSearch += (search.rootWinrate - won) ** 2;
    nValue++;
  }
}
const pct = (k: number, n: number) => {
  const w = wilson(k, n);
  return `${((100 * k) / n).toFixed(1)}% (${(100 * w.lo).toFixed(1)}–${(100 * w.hi).toFixed(1)})`;
};
console.log(`\n${sample.length} dev positions, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
console.log(`| | top-1 = 9-dan move |\n|---|---:|\n| raw policy | ${pct(policyHits, sample.length)} |\n| search, ${visits} visits | ${pct(searchHits, sample.length)} |`);
if (nValue > 0) console.log(`\nBrier score vs game result (lower is better): raw value head ${(brierRaw / nValue).toFixed(4)}, search root winrate ${(brierSearch / nValue).toFixed(4)} (${nValue} positions)`);
else console.log('\nno value head: calibration not measured');

if (nTactics > 0) {
  let missed = 0, found = 0;
  for (const c of tacticalPositions(1000)) {
    if (missed >= nTactics) break;
    if (argmax(await engine.policy(c.board)) === c.move) continue;
    missed++;
    const search = new Search(evaluator, { batchSize: 16 });
    search.setRoot(c.board, c.komi);
    await search.run({ maxVisits: visits });
    if (search.bestMove().move === c.move) found++;
  }
  console.log(`\ntactical positions (atari escapes, captures, ladders) whose 9-dan move the raw policy misses: the search finds ${found} of ${missed}`);
}
await engine.close();
