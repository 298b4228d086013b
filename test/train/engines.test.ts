// Gradient engines: the two-worker pool must produce the whole-batch gradient of the in-thread engine,
// and the in-thread engine on wasm must agree with tfjs's built-in gradients on cpu.
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { ArchConfig } from '../../src/model/config.js';
import { initParams, layerSpecs, paramSpecs } from '../../src/model/params.js';
import { forward, crossEntropy } from '../../src/model/forward.js';
import { selectBackend } from '../../src/model/backend.js';
import { LocalGradEngine } from '../../src/train/grad-engine.js';
import { WorkerPoolEngine } from '../../src/train/worker-pool.js';
import { SyntheticSource } from '../../src/train/synthetic.js';
import { seededUniform } from '../../src/random.js';

const pools: WorkerPoolEngine[] = [];
afterAll(async () => {
  for (const p of pools) await p.close();
});

function maxRelDiff(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((x, i) => {
    let scale = 1e-2; // floor: the policy bias gradient is ~0 (softmax is shift-invariant), pure round-off
    for (const v of b[i]) scale = Math.max(scale, Math.abs(v));
    for (let k = 0; k < x.length; k++) worst = Math.max(worst, Math.abs(x[k] - b[i][k]) / scale);
  });
  return worst;
}

for (const block of ['plain', 'residual'] as const) {
  describe(`${block} 2×4 net`, () => {
    const c: ArchConfig = { depth: 2, width: 4, block, planes: 3 };
    const params = initParams(c, seededUniform(11));
    const batch = new SyntheticSource('noise', 3, 5).next(7);
    const copy = { inputs: batch.inputs.slice(), labels: batch.labels.slice(), size: 7 };

    it('wasm forward-conv gradients == cpu built-in gradients', async () => {
      await selectBackend('cpu');
      const specs = paramSpecs(c);
      const trainIdx = specs.flatMap((s, i) => (s.trainable ? [i] : []));
      const all = params.map((p, i) => tf.tensor(p, specs[i].shape));
      const x = tf.tensor4d(copy.inputs, [7, 19, 19, 3]);
      const y = tf.tensor1d(copy.labels, 'int32');
      // Reference: the same network written with tf.conv2d, whose gradient is tfjs's own.
      const ref = tf.grads((...tr: tf.Tensor[]) => {
        const ps = all.slice();
        trainIdx.forEach((k, j) => (ps[k] = tr[j]));
        let p = 0;
        const next = (): tf.Tensor => ps[p++];
        let h: tf.Tensor4D = x;
        let skip: tf.Tensor4D | null = null;
        for (const l of layerSpecs(c)) {
          if (l.type === 'conv') {
            h = tf.conv2d(h, next() as tf.Tensor4D, 1, 'same');
            if (l.bias) h = tf.add(h, next());
            if (l.relu) h = tf.relu(h);
          } else if (l.type === 'bn') {
            const g = next(), b = next();
            next(); next();
            const { mean, variance } = tf.moments(h, [0, 1, 2]);
            h = tf.batchNorm(h, mean, variance, b, g, 1e-3) as tf.Tensor4D;
            if (l.relu) h = tf.relu(h) as tf.Tensor4D;
          } else if (l.type === 'residual-start') skip = h;
          else {
            h = tf.relu(tf.add(h, skip as tf.Tensor4D)) as tf.Tensor4D;
          }
        }
        return crossEntropy(tf.reshape(h, [-1, 361]) as tf.Tensor2D, y);
      })(trainIdx.map((k) => all[k])).map((g) => g.dataSync() as Float32Array);

      await selectBackend('wasm');
      const got = await new LocalGradEngine(c, 'wasm').computeGradients(params, copy);
      expect(got.grads.length).toBe(ref.length);
      expect(maxRelDiff(got.grads, ref)).toBeLessThan(1e-3);
      // The loss must be that of the full forward (sanity on the value path).
      const lossRef = crossEntropy(forward(c, all, x, true).logits, y);
      expect(got.loss).toBeCloseTo(lossRef.dataSync()[0], 4);
    });

    it('a 2-worker pool returns the whole-batch gradient and batch-norm statistics', async () => {
      await selectBackend('wasm');
      const local = await new LocalGradEngine(c, 'wasm').computeGradients(params, copy);
      const pool = await WorkerPoolEngine.create(c, 2, 'wasm');
      pools.push(pool);
      expect(pool.backend).toBe('wasm');
      const got = await pool.computeGradients(params, copy);
      // Batch norm normalises each worker's slice with that slice's statistics (as in DDP without
      // SyncBN), so for residual nets the expected gradient is the size-weighted mean of the slices'.
      let expected = local.grads;
      if (block === 'residual') {
        const slice = (s: number, n: number) => ({ inputs: copy.inputs.subarray(s * 1083, (s + n) * 1083), labels: copy.labels.subarray(s, s + n), size: n });
        const a = await new LocalGradEngine(c, 'wasm').computeGradients(params, slice(0, 4));
        const b = await new LocalGradEngine(c, 'wasm').computeGradients(params, slice(4, 3));
        expected = a.grads.map((g, i) => g.map((v, k) => (4 * v + 3 * b.grads[i][k]) / 7));
        expect(maxRelDiff(expected, local.grads)).toBeGreaterThan(1e-3); // the distinction is real
      }
      expect(maxRelDiff(got.grads, expected)).toBeLessThan(1e-4);
      // The first batch norm sees the same activations either way, so the pool's combined slice
      // statistics must equal the whole batch's (later layers' inputs differ, see above).
      const firstBn = block === 'residual' ? 2 : 0;
      expect(maxRelDiff(got.bnStats.slice(0, firstBn), local.bnStats.slice(0, firstBn))).toBeLessThan(1e-4);
      if (block === 'plain') {
        expect(got.loss).toBeCloseTo(local.loss, 5);
        expect(got.correct).toBe(local.correct);
      }
      const e1 = await new LocalGradEngine(c, 'wasm').evaluate(params, copy);
      const e2 = await pool.evaluate(params, copy);
      expect(e2.top5).toBe(e1.top5);
      expect(e2.lossSum).toBeCloseTo(e1.lossSum, 3);
    });
  });
}
