// `tengen eval` throughput: positions/s of evaluateSample (layers model → logits, float64 scoring, legal masks)
// with 1 and 8 symmetries, against its peer, the trainer's validate() over the same sample (LocalGradEngine:
// functional forward + in-graph top-k), and against the data side alone (replay + encode + legality, no network).
// Model: a random 8×32 plain alphago48 net (the models/default architecture); data: one tom9d/dev file.
//   npx tsx bench/eval.bench.ts [--quick]      (--quick: 512 positions instead of 2048)
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildDataset } from '../src/data/build.js';
import { openDataset } from '../src/data/dataset.js';
import { validationPositions } from '../src/data/loader.js';
import { getFeatureSet } from '../src/features/registry.js';
import { selectBackend } from '../src/model/backend.js';
import { loadModel } from '../src/model/io.js';
import { saveRandomModel } from '../src/model/random-model.js';
import { evaluateSample } from '../src/eval/evaluate.js';
import { logitsOf } from '../src/eval/run.js';
import { LocalGradEngine } from '../src/train/grad-engine.js';
import { validate } from '../src/train/trainer.js';

const quick = process.argv.includes('--quick');
const COUNT = quick ? 512 : 2048;
const BATCH = 256;
const dev = resolve(import.meta.dirname, '../../shared/data/tom9d/dev');
const tmp = mkdtempSync(join(tmpdir(), 'tengen-eval-bench-'));

try {
  const backend = await selectBackend(process.env.TENGEN_BACKEND);
  const file = readdirSync(dev).filter((f) => f.endsWith('.sgf.gz')).sort()[0];
  await buildDataset([join(dev, file)], join(tmp, 'ds'), { minMoves: 40, allowHandicap: false, valPermille: 1000 });
  const ds = openDataset(join(tmp, 'ds'));
  const fs = getFeatureSet('alphago48');
  const { config: arch, params } = await saveRandomModel(join(tmp, 'model'), fs.name, { preset: 'default', seed: 12345 });
  const loaded = await loadModel(join(tmp, 'model'));
  const runner = logitsOf(loaded.model);
  const sample = validationPositions(ds, { count: COUNT, seed: 0, split: 'val', features: fs });
  const small = validationPositions(ds, { count: COUNT / 8, seed: 0, split: 'val', features: fs });
  await evaluateSample(validationPositions(ds, { count: 64, seed: 9, split: 'val', features: fs }), runner.fn, { symmetries: 1, batch: 64 }); // warm-up

  const time = async (f: () => Promise<unknown>): Promise<number> => {
    const t = performance.now();
    await f();
    return (performance.now() - t) / 1000;
  };
  const zeros = new Float32Array(BATCH * 8 * 361);
  const rows: [string, number, number][] = [];
  const dataOnly = await time(() => evaluateSample(sample, async (_x, r) => zeros.subarray(0, r * 361), { symmetries: 1, batch: BATCH }));
  rows.push(['data only (replay + encode + legality, no network)', COUNT, dataOnly]);
  const engine = new LocalGradEngine(arch, backend.name);
  const peer = await time(() => validate(engine, params, { planes: fs.planes, batches: (n) => sample.evalBatches(n) }, BATCH));
  rows.push(['peer: trainer validate() (no legal row)', COUNT, peer]);
  rows.push(['eval, 1 symmetry, no legal row', COUNT, await time(() => evaluateSample(sample, runner.fn, { symmetries: 1, batch: BATCH, legal: false }))]);
  rows.push(['eval, 1 symmetry', COUNT, await time(() => evaluateSample(sample, runner.fn, { symmetries: 1, batch: BATCH }))]);
  rows.push(['eval, 8 symmetries', COUNT / 8, await time(() => evaluateSample(small, runner.fn, { symmetries: 8, batch: BATCH }))]);
  runner.dispose();
  const peerRate = COUNT / peer;
  process.stdout.write(`8×32 plain alphago48, ${backend.name}, batch ${BATCH}, ${file}\n\n| path | positions | seconds | positions/s | vs trainer validate |\n|---|---:|---:|---:|---:|\n`);
  for (const [name, n, sec] of rows) {
    process.stdout.write(`| ${name} | ${n} | ${sec.toFixed(2)} | ${(n / sec).toFixed(0)} | ${(n / sec / peerRate).toFixed(2)}× |\n`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
