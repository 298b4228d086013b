// Single-position latency of the engine (the /v1/suggest and genmove path: encode, forward pass of batch 1,
// legal masking, top moves), one request at a time after a warm-up, on 300 mid-game tom9d/dev positions.
// Speed does not depend on the weights, so architectures not trained yet are measured with random weights.
// Also the batched throughput: 64 concurrent requests per round through the dynamic batcher (one pass of 64).
// Each model runs on every backend of --backends, so native and WASM are compared in one sitting.
//   npx tsx bench/latency.bench.ts [--quick] [--models dir,dir] [--archs small,6x32,8x64,12x128r] [--backends tensorflow,wasm]
// Defaults: --models models/default, --archs 6x32,8x32,6x64,8x64,12x128r (r = residual blocks; '' = none), both backends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Engine, positionFromMoves } from '../src/engine/index.js';
import { getFeatureSet } from '../src/features/registry.js';
import { archFromSpec, describeArch } from '../src/model/config.js';
import { countTrainable, paramSpecs } from '../src/model/params.js';
import { saveRandomModel } from '../src/model/random-model.js';
import { devMoveLists } from './dev-positions.js';

const repo = path.resolve(import.meta.dirname, '..');
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const opt = (name: string, dflt: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : dflt;
};
const modelDirs = opt('--models', path.join(repo, 'models/default')).split(',').filter(Boolean);
const archs = opt('--archs', '6x32,8x32,6x64,8x64,12x128r').split(',').filter(Boolean);
const backends = opt('--backends', 'tensorflow,wasm').split(',').filter(Boolean);
const COUNT = quick ? 60 : 300;
const WARMUP = quick ? 10 : 30;

/** Boards after moves 20..159 of dev games. */
function devPositions(limit: number) {
  return devMoveLists(repo, limit, 20, 140).map((moves) => positionFromMoves({ moves }).board);
}

const pct = (xs: number[], q: number): number => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

async function measure(modelDir: string, label: string, positions: ReturnType<typeof devPositions>, backend: string): Promise<string> {
  const engine = await Engine.load({ modelDir, maxBatch: 64, maxWaitMs: 0, backend });
  try {
    for (let i = 0; i < WARMUP; i++) await engine.suggest(positions[i % positions.length]!, { topK: 10 });
    const ms: number[] = [];
    for (const b of positions) {
      const t = performance.now();
      await engine.suggest(b, { topK: 10 });
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    // Batched: rounds of 64 concurrent requests, which the batcher serves as one pass of 64.
    const rounds = quick ? 4 : 12;
    const t0 = performance.now();
    for (let r = 0; r < rounds; r++) await Promise.all(Array.from({ length: 64 }, (_, i) => engine.suggest(positions[(r * 64 + i) % positions.length]!, { topK: 10 })));
    const perSecond = (rounds * 64) / ((performance.now() - t0) / 1000);
    const params = countTrainable(paramSpecs(engine.model.architecture));
    return `| ${label} | ${params.toLocaleString('en-US')} | ${engine.backend} | ${pct(ms, 0.5).toFixed(2)} | ${pct(ms, 0.9).toFixed(2)} | ${pct(ms, 0.99).toFixed(2)} | ${perSecond.toFixed(0)} |`;
  } finally {
    await engine.close();
  }
}

const tmp = mkdtempSync(path.join(tmpdir(), 'tengen-latency-'));
try {
  const positions = devPositions(COUNT);
  const fs = getFeatureSet('alphago48');
  console.log(`engine.suggest(topK 10), 1 position at a time (batch 1), ${positions.length} mid-game tom9d/dev positions after ${WARMUP} warm-up calls; ms\n`);
  console.log('| model | params | backend | batch-1 p50 ms | p90 | p99 | batch-64 positions/s |');
  console.log('|---|---:|---|---:|---:|---:|---:|');
  for (const dir of modelDirs) for (const b of backends) console.log(await measure(path.resolve(dir), path.relative(repo, path.resolve(dir)) || dir, positions, b));
  for (const spec of archs) {
    const arch = archFromSpec(spec, fs.planes);
    const dir = path.join(tmp, spec);
    await saveRandomModel(dir, fs.name, { arch, seed: 12345 });
    for (const b of backends) console.log(await measure(dir, `${describeArch(arch)} (random weights)`, positions, b));
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
