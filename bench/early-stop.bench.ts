// genmove's early stop (SearchLimits.stopWhenDecided, `tengen gtp --early-stop on`): on real mid-game positions
// (tom9d/dev) with the real Engine and a time limit per move, the time a move takes with the early stop and without
// it, interleaved position by position (A/B, order alternating) so that a busy machine slows both alike; how often the
// early stop fired; and how often the two choose the same move — beside how often two runs *without* it agree, since
// two searches limited by time differ anyway.
// Usage: npx tsx bench/early-stop.bench.ts [--quick] [--time 1] [--positions 30] [--model DIR] [--runtime auto|onnx|tfjs]
import path from 'node:path';
import { Engine, positionFromMoves } from '../src/engine/index.js';
import type { Board } from '../src/go/board.js';
import { evaluatorFrom } from '../src/search/evaluator.js';
import { Search } from '../src/search/search.js';
import { devMoveLists } from './dev-positions.js';
import { opt, quick, repo } from './args.js';

const modelDir = opt('--model') ?? path.join(repo, 'models/default');
const timeMs = 1000 * Number(opt('--time') ?? (quick ? 0.25 : 1));
const count = Number(opt('--positions') ?? (quick ? 6 : 30));
if (!(timeMs > 0) || !(count > 0)) throw new Error('--time and --positions must be positive');
const positions: Board[] = devMoveLists(repo, count, 30, 200).map((moves) => positionFromMoves({ moves }).board);

const engine = await Engine.load({ modelDir, backend: opt('--backend'), runtime: opt('--runtime') ?? 'auto', maxBatch: 64, maxWaitMs: 0 });
const evaluator = evaluatorFrom(engine);
console.log(`model ${engine.model.id}, backend ${engine.backend}, ${positions.length} dev positions (moves 30–229), ${timeMs} ms per move, batch 16`);

async function play(b: Board, early: boolean): Promise<{ move: number; ms: number; stopped: boolean }> {
  const s = new Search(evaluator, { batchSize: 16 });
  s.setRoot(b, 7.5);
  const st = await s.run({ maxTimeMs: timeMs, stopWhenDecided: early });
  return { move: s.bestMove().move, ms: st.ms, stopped: st.stoppedEarly };
}

await play(positions[0]!, false); // warm-up: kernels, JIT
let msOn = 0, msOff = 0, fired = 0, sameOnOff = 0, sameOffOff = 0;
for (let i = 0; i < positions.length; i++) {
  const b = positions[i]!;
  // Alternate the order so neither variant always runs first (caches, a neighbour's load).
  const first = i % 2 === 0;
  const a = first ? await play(b, true) : await play(b, false);
  const c = first ? await play(b, false) : await play(b, true);
  const on = first ? a : c;
  const off = first ? c : a;
  const off2 = await play(b, false);
  msOn += on.ms;
  msOff += off.ms;
  if (on.stopped) fired++;
  if (on.move === off.move) sameOnOff++;
  if (off2.move === off.move) sameOffOff++;
}
const n = positions.length;
console.log('| | ms per move | early stops | same move as a run without it |');
console.log('|---|---:|---:|---:|');
console.log(`| early stop off | ${(msOff / n).toFixed(0)} | – | ${sameOffOff} / ${n} (a second run without it) |`);
console.log(`| early stop on | ${(msOn / n).toFixed(0)} | ${fired} / ${n} | ${sameOnOff} / ${n} |`);
console.log(`time per move with the early stop: ${(msOn / msOff).toFixed(2)}× of the full budget`);
await engine.close();
