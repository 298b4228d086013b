// Search speed: playouts per second and rows per forward pass of the PUCT search (src/search) on real mid-game
// positions (tom9d/dev), per leaf batch size, with the real Engine; plus the tree's own cost with an instant fake
// evaluator (no network), which bounds what a faster inference runtime could gain.
// Usage: npx tsx bench/search.bench.ts [--quick] [--model DIR] [--backend NAME] [--runtime auto|onnx|tfjs]
// (--runtime defaults to auto, what `tengen gtp` and `tengen analysis` run: ONNX Runtime when it loads)
//        taskset -c 0 npx tsx bench/search.bench.ts   # one core, to compare with two
import path from 'node:path';
import { Engine, positionFromMoves } from '../src/engine/index.js';
import type { Board } from '../src/go/board.js';
import { NPOINTS } from '../src/go/constants.js';
import { evaluatorFrom, type Evaluator } from '../src/search/evaluator.js';
import { Search } from '../src/search/search.js';
import { devMoveLists } from './dev-positions.js';
import { opt, quick, repo } from './args.js';

const modelDir = opt('--model') ?? path.join(repo, 'models/default');
const visits = quick ? 200 : 800;
const positions: Board[] = devMoveLists(repo, quick ? 3 : 6, 60, 150).map((moves) => positionFromMoves({ moves }).board);

const engine = await Engine.load({ modelDir, backend: opt('--backend'), runtime: opt('--runtime') ?? 'auto', maxBatch: 64, maxWaitMs: 0 });
const evaluator = evaluatorFrom(engine);
console.log(`model ${engine.model.id} (${evaluator.hasValue ? 'policy + value' : 'policy only: fallback value'}), backend ${engine.backend}, ${positions.length} positions × ${visits} visits${quick ? ' (quick)' : ''}`);

async function measure(ev: Evaluator, batchSize: number): Promise<{ pps: number; rowsPerPass: number; forwardShare: number }> {
  const before = engine.stats();
  let playouts = 0;
  let ms = 0;
  for (const b of positions) {
    const s = new Search(ev, { batchSize });
    s.setRoot(b, 7.5);
    const st = await s.run({ maxVisits: visits });
    playouts += st.playouts;
    ms += st.ms;
  }
  const after = engine.stats();
  const passes = after.batches - before.batches;
  return {
    pps: playouts / (ms / 1000),
    rowsPerPass: passes > 0 ? (after.rows - before.rows) / passes : 0,
    forwardShare: (after.forwardSeconds - before.forwardSeconds) / (ms / 1000),
  };
}

// Warm-up (kernels, JIT), not reported.
await measure(evaluator, 16);
console.log('| leaves per round | playouts/s | rows per forward pass | time in forward passes |');
console.log('|---:|---:|---:|---:|');
for (const batch of [1, 8, 16, 32]) {
  const r = await measure(evaluator, batch);
  console.log(`| ${batch} | ${r.pps.toFixed(0)} | ${r.rowsPerPass.toFixed(1)} | ${(100 * r.forwardShare).toFixed(0)}% |`);
}

// The tree alone: an evaluator that answers at once with a fixed spread policy and a constant value.
const flat = new Float32Array(NPOINTS).fill(1 / NPOINTS);
const instant: Evaluator = { hasValue: true, evaluate: () => Promise.resolve({ policy: flat, value: 0.5 }) };
let n = 0;
let ms = 0;
for (const b of positions) {
  const s = new Search(instant, { batchSize: 16 });
  s.setRoot(b, 7.5);
  const st = await s.run({ maxVisits: visits * 4 });
  n += st.playouts;
  ms += st.ms;
}
console.log(`\ntree only (instant fake evaluator, 16 leaves per round): ${(n / (ms / 1000)).toFixed(0)} playouts/s`);
await engine.close();
