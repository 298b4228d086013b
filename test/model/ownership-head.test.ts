// The ownership head: layers model and functional forward agree, the config validates and survives save/load,
// --init-from grows a value model by an ownership head without changing its outputs, the loss is the per-point
// binary cross-entropy it claims to be, and a few hundred steps learn a target that the inputs determine.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildModel, setParams } from '../../src/model/build.js';
import { validateArchConfig, type ArchConfig } from '../../src/model/config.js';
import { forward, ownershipLoss } from '../../src/model/forward.js';
import { initParams, paramSpecs } from '../../src/model/params.js';
import { saveModel, loadModel } from '../../src/model/io.js';
import { seededUniform } from '../../src/random.js';
import { loadInitParams } from '../../src/train/init-from.js';
import { LocalGradEngine } from '../../src/train/grad-engine.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const arch = (block: 'plain' | 'residual'): ArchConfig => ({ depth: 2, width: 6, block, planes: 5, valueHead: { channels: 4, hidden: 7 }, ownershipHead: true });
const meta = { featureSet: { name: 'test5', version: 1, planes: 5 }, dataManifestHash: null, steps: 0, positionsSeen: 0, metrics: {}, wallClockSeconds: 0, backend: 'cpu' };

describe('ownership head', () => {
  for (const block of ['plain', 'residual'] as const) {
    it(`layers model and functional forward give the same ownership (${block})`, () => {
      const c = arch(block);
      const params = initParams(c, seededUniform(4));
      paramSpecs(c).forEach((s, i) => {
        if (s.kind === 'movingVariance') params[i].fill(1.3);
        if (s.kind === 'bias') params[i].forEach((_, k) => (params[i][k] = Math.cos(k + i) * 0.2));
      });
      const model = buildModel(c);
      setParams(model, c, params);
      const x = tf.randomUniform([2, 19, 19, c.planes], 0, 1, 'float32', 7) as tf.Tensor4D;
      const outs = model.predict(x) as tf.Tensor[];
      expect(outs.length).toBe(3);
      expect(outs[2].shape).toEqual([2, 361]);
      const f = forward(c, params.map((a, i) => tf.tensor(a, paramSpecs(c)[i].shape)), x, false);
      expect(f.ownershipLogit!.shape).toEqual([2, 361]);
      expect(tf.max(tf.abs(tf.sub(outs[2], tf.tanh(f.ownershipLogit!)))).dataSync()[0]).toBeLessThan(1e-5);
      // The policy and value outputs keep their places.
      expect(tf.max(tf.abs(tf.sub(outs[0], tf.softmax(f.logits)))).dataSync()[0]).toBeLessThan(1e-5);
      model.dispose();
    });
  }

  it('validates ownershipHead, needs a value head, and keeps it through save and load', async () => {
    expect(() => validateArchConfig({ depth: 2, width: 4, block: 'plain', planes: 3, ownershipHead: true })).toThrow(/needs a value head/);
    expect(() => validateArchConfig({ depth: 2, width: 4, block: 'plain', planes: 3, valueHead: { channels: 2, hidden: 2 }, ownershipHead: 'yes' })).toThrow(/ownershipHead/);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tengen-own-'));
    try {
      const c = arch('plain');
      await saveModel(path.join(dir, 'm'), c, initParams(c, seededUniform(1)), meta);
      const loaded = await loadModel(path.join(dir, 'm'));
      expect(loaded.meta.architecture.ownershipHead).toBe(true);
      expect(loaded.model.outputs.length).toBe(3);
      loaded.model.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--init-from grows a policy + value model by an ownership head and refuses to drop one', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tengen-own-grow-'));
    try {
      const pv: ArchConfig = { depth: 2, width: 6, block: 'plain', planes: 5, valueHead: { channels: 4, hidden: 7 } };
      const params = initParams(pv, seededUniform(5));
      await saveModel(path.join(dir, 'pv'), pv, params, meta);
      const grown = await loadInitParams(path.join(dir, 'pv'), arch('plain'), meta.featureSet, seededUniform(6));
      expect(grown.grown).toEqual(['ownership head (random initialisation)']);
      const x = tf.randomUniform([1, 19, 19, 5], 0, 1, 'float32', 8) as tf.Tensor4D;
      const a = forward(pv, params.map((p, i) => tf.tensor(p, paramSpecs(pv)[i].shape)), x, false);
      const b = forward(arch('plain'), grown.params.map((p, i) => tf.tensor(p, paramSpecs(arch('plain'))[i].shape)), x, false);
      expect(tf.max(tf.abs(tf.sub(a.logits, b.logits))).dataSync()[0]).toBeLessThan(1e-6);
      expect(tf.max(tf.abs(tf.sub(a.value!, b.value!))).dataSync()[0]).toBeLessThan(1e-6);
      await saveModel(path.join(dir, 'pvo'), arch('plain'), grown.params, meta);
      await expect(loadInitParams(path.join(dir, 'pvo'), pv, meta.featureSet, seededUniform(1))).rejects.toThrow(/--ownership-head/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the loss is the binary cross-entropy of sigmoid(2z) against (t + 1) / 2', () => {
    const z = [0, 1.5, -2, 0.3];
    const t = [0.4, 1, -1, -0.6];
    const want = z.map((zi, i) => {
      const p = 1 / (1 + Math.exp(-2 * zi));
      const y = (t[i] + 1) / 2;
      return -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
    });
    const zs = tf.tensor2d([...z, ...z.map(() => 0)], [2, 4]);
    const ts = tf.tensor2d([...t, ...t], [2, 4]);
    const got = ownershipLoss(zs as tf.Tensor2D, ts as tf.Tensor2D).dataSync()[0];
    const mean = (want.reduce((a, b) => a + b, 0) + 4 * Math.LN2) / 8;
    expect(got).toBeCloseTo(mean, 5);
  });

  it('the training loss adds weight × the ownership loss when the batch has targets', async () => {
    const c = arch('plain');
    const params = initParams(c, seededUniform(13));
    const N = 3;
    const rnd = seededUniform(14);
    const inputs = new Float32Array(N * 361 * 5).map(() => (rnd() < 0.3 ? 1 : 0));
    const ownership = new Float32Array(N * 361).map(() => rnd() * 2 - 1);
    const labels = Int32Array.from([5, 100, 300]);
    const withT = await new LocalGradEngine(c, 'cpu', { value: 0, ownership: 2 }).computeGradients(params, { inputs, labels, ownership, size: N });
    const without = await new LocalGradEngine(c, 'cpu', { value: 0, ownership: 2 }).computeGradients(params, { inputs, labels, size: N });
    const f = forward(c, params.map((a, i) => tf.tensor(a, paramSpecs(c)[i].shape)), tf.tensor4d(inputs, [N, 19, 19, 5]), true);
    const own = ownershipLoss(f.ownershipLogit!, tf.tensor2d(ownership, [N, 361])).dataSync()[0];
    expect(withT.loss - without.loss).toBeCloseTo(2 * own, 4);
  });

  it('learns an ownership target determined by the inputs (plane 0 → +1, else −1)', () => {
    const c: ArchConfig = { depth: 1, width: 8, block: 'plain', planes: 2, valueHead: { channels: 2, hidden: 2 }, ownershipHead: true };
    const specs = paramSpecs(c);
    const vars = initParams(c, seededUniform(11)).map((a, i) => tf.variable(tf.tensor(a, specs[i].shape), specs[i].trainable));
    const rnd = seededUniform(12);
    const N = 8;
    const batch = (): { x: tf.Tensor4D; t: tf.Tensor2D } => {
      const inputs = new Float32Array(N * 361 * 2);
      const own = new Float32Array(N * 361);
      for (let i = 0; i < N * 361; i++) {
        const on = rnd() < 0.5;
        inputs[i * 2] = on ? 1 : 0;
        inputs[i * 2 + 1] = 1;
        own[i] = on ? 1 : -1;
      }
      return { x: tf.tensor4d(inputs, [N, 19, 19, 2]), t: tf.tensor2d(own, [N, 361]) };
    };
    const probe = batch();
    const lossOf = (b: { x: tf.Tensor4D; t: tf.Tensor2D }): tf.Scalar => ownershipLoss(forward(c, vars, b.x, false).ownershipLogit!, b.t);
    const first = tf.tidy(() => lossOf(probe).dataSync()[0]);
    const opt = tf.train.adam(0.02);
    for (let step = 0; step < 150; step++) {
      const b = batch();
      opt.minimize(() => lossOf(b));
      tf.dispose([b.x, b.t]);
    }
    const last = tf.tidy(() => lossOf(probe).dataSync()[0]);
    // Near ln 2 at the start; a head that learns gets the (deterministic) target almost right.
    expect(first).toBeGreaterThan(0.4);
    expect(last).toBeLessThan(0.1);
  });
});
