// Where a native training step's time goes: per-kernel times of ResidentTrainer.step (tf.profile), e.g.
//   npx tsx bench/native-profile.ts 6x64     (a script, not a *.bench.ts: npm run bench does not run it)
import * as tf from '@tensorflow/tfjs';
import { preferOneDnn, selectBackend } from '../src/model/backend.js';
import { ResidentTrainer } from '../src/train/native-engine.js';
import { initParams } from '../src/model/params.js';
import { archFromSpec } from '../src/model/config.js';
import { SyntheticSource } from '../src/train/synthetic.js';
import { seededUniform } from '../src/random.js';
preferOneDnn(); // as `tengen train` does
await selectBackend('tensorflow');
const arch = archFromSpec(process.argv[2] ?? '6x64', 48);
const rt = new ResidentTrainer(arch, { kind: 'adam', momentum: 0, weightDecay: 1e-4 }, initParams(arch, seededUniform(1)), null);
const src = new SyntheticSource('noise', 48, 2);
for (let i = 0; i < 3; i++) rt.step(src.next(64), 1e-3);
const b = src.next(64);
const byKernel = new Map<string, { ms: number; n: number }>();
let wall = 0;
for (let r = 0; r < 5; r++) {
  const t0 = performance.now();
  const info = await tf.profile(() => { rt.step(b, 1e-3); });
  wall += performance.now() - t0;
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const e = byKernel.get(k.name) ?? { ms: 0, n: 0 };
    e.ms += ms; e.n++; byKernel.set(k.name, e);
  }
}
const total = [...byKernel.values()].reduce((a, e) => a + e.ms, 0);
console.log(`wall per step ${(wall / 5).toFixed(1)} ms, kernel time per step ${(total / 5).toFixed(1)} ms, kernels per step ${[...byKernel.values()].reduce((a, e) => a + e.n, 0) / 5}`);
for (const [k, e] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8)) console.log(k, (e.ms / 5).toFixed(1), 'ms', (100 * e.ms / total).toFixed(1) + '%', e.n / 5);
