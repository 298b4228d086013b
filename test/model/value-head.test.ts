// The policy + value network: the Keras-compatible layers model and the trainer's functional forward agree (policy
// and value), value-head configs validate, alphago49 is alphago48 plus a komi plane, and --init-from can grow a
// policy-only 48-plane model into a 49-plane policy + value model without changing its policy.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildModel, setParams } from '../../src/model/build.js';
import { validateArchConfig, type ArchConfig } from '../../src/model/config.js';
import { forward } from '../../src/model/forward.js';
import { initParams, paramSpecs } from '../../src/model/params.js';
import { saveModel, loadModel } from '../../src/model/io.js';
import { seededUniform } from '../../src/random.js';
import { getFeatureSet } from '../../src/features/registry.js';
import { komiPlaneValue } from '../../src/features/alphago48.js';
import { loadInitParams } from '../../src/train/init-from.js';
import { Board } from '../../src/go/board.js';
import { BLACK, WHITE } from '../../src/go/constants.js';
import { winnerOfResult } from '../../src/go/score.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const arch = (block: 'plain' | 'residual'): ArchConfig => ({ depth: 2, width: 6, block, planes: 5, valueHead: { channels: 4, hidden: 7 } });

describe('value head', () => {
  for (const block of ['plain', 'residual'] as const) {
    it(`layers model and functional forward give the same policy and value (${block})`, () => {
      const c = arch(block);
      const params = initParams(c, seededUniform(3));
      // Non-trivial batch-norm statistics and biases, so every parameter matters.
      paramSpecs(c).forEach((s, i) => {
        if (s.kind === 'movingVariance') params[i].fill(1.7);
        if (s.kind === 'bias' || s.kind === 'movingMean' || s.kind === 'beta') params[i].forEach((_, k) => (params[i][k] = Math.sin(k + i) * 0.3));
      });
      const model = buildModel(c);
      setParams(model, c, params);
      const x = tf.randomUniform([3, 19, 19, c.planes], 0, 1, 'float32', 5) as tf.Tensor4D;
      const [p, v] = model.predict(x) as tf.Tensor[];
      const f = forward(c, params.map((a, i) => tf.tensor(a, paramSpecs(c)[i].shape)), x, false);
      const probs = tf.softmax(f.logits);
      expect(p.shape).toEqual([3, 361]);
      expect(v.shape).toEqual([3, 1]);
      expect(tf.max(tf.abs(tf.sub(p, probs))).dataSync()[0]).toBeLessThan(1e-5);
      expect(tf.max(tf.abs(tf.sub(tf.reshape(v, [-1]), f.value!))).dataSync()[0]).toBeLessThan(1e-5);
      // value = tanh(valueLogit)
      expect(tf.max(tf.abs(tf.sub(tf.tanh(f.valueLogit!), f.value!))).dataSync()[0]).toBeLessThan(1e-6);
      model.dispose();
    });
  }

  it('validates valueHead and keeps it through save and load', async () => {
    expect(() => validateArchConfig({ depth: 2, width: 4, block: 'plain', planes: 3, valueHead: { channels: 0, hidden: 4 } })).toThrow(/valueHead.channels/);
    expect(() => validateArchConfig({ depth: 2, width: 4, block: 'plain', planes: 3, valueHead: 'big' })).toThrow(/valueHead/);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tengen-vh-'));
    try {
      const c = arch('plain');
      const fs5 = { name: 'test5', version: 1, planes: 5 };
      await saveModel(path.join(dir, 'm'), c, initParams(c, seededUniform(1)), { featureSet: fs5, dataManifestHash: null, steps: 0, positionsSeen: 0, metrics: {}, wallClockSeconds: 0, backend: 'cpu' });
      const loaded = await loadModel(path.join(dir, 'm'));
      expect(loaded.meta.architecture.valueHead).toEqual({ channels: 4, hidden: 7 });
      expect(loaded.model.outputs.length).toBe(2);
      loaded.model.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the winner of an SGF result: B+/W+ with any reason, nothing else', () => {
    for (const re of ['B+0.5', 'B+R', 'B+Resign', 'b+t', ' B+F']) expect(winnerOfResult(re)).toBe(BLACK);
    for (const re of ['W+12.5', 'W+R', 'W+Time']) expect(winnerOfResult(re)).toBe(WHITE);
    for (const re of ['0', 'Draw', 'Void', '?', '', null, undefined]) expect(winnerOfResult(re)).toBe(0);
  });
});

describe('alphago49', () => {
  it('is alphago48 then a komi plane from the side to move', () => {
    const a48 = getFeatureSet('alphago48');
    const a49 = getFeatureSet('alphago49');
    expect(a49.planeNames.slice(0, 48)).toEqual(a48.planeNames);
    const b = new Board();
    b.play(72, BLACK);
    b.play(288, WHITE);
    b.play(300, BLACK); // white to move
    const o48 = new Float32Array(361 * 48);
    const o49 = new Float32Array(361 * 49);
    a48.encode(b, o48, 0);
    a49.encode(b, o49, 0, 6.5);
    for (let p = 0; p < 361; p++) {
      for (let k = 0; k < 48; k++) expect(o49[p * 49 + k]).toBe(o48[p * 48 + k]);
      expect(o49[p * 49 + 48]).toBeCloseTo(6.5 / 15, 6);
    }
    expect(komiPlaneValue(7.5, BLACK)).toBeCloseTo(-0.5, 9);
    a49.encode(b, o49, 0); // komi unknown: 7.5
    expect(o49[48]).toBeCloseTo(0.5, 6);
  });
});

describe('--init-from growth', () => {
  it('a 48-plane policy-only model grows into a 49-plane policy + value model with the same policy', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tengen-grow-'));
    try {
      const small: ArchConfig = { depth: 2, width: 6, block: 'plain', planes: 48 };
      const a48 = getFeatureSet('alphago48');
      const params = initParams(small, seededUniform(9));
      await saveModel(path.join(dir, 'p'), small, params, { featureSet: { name: a48.name, version: 1, planes: 48 }, dataManifestHash: null, steps: 5, positionsSeen: 5, metrics: {}, wallClockSeconds: 0, backend: 'cpu' });
      const big: ArchConfig = { ...small, planes: 49, valueHead: { channels: 4, hidden: 8 } };
      const grown = await loadInitParams(path.join(dir, 'p'), big, { name: 'alphago49', version: 1, planes: 49 }, seededUniform(2));
      expect(grown.grown).toEqual(['value head (random initialisation)', 'input planes 48 → 49 (new stem weights 0)']);
      const b = new Board();
      b.play(60, BLACK);
      b.play(100, WHITE);
      const x48 = new Float32Array(361 * 48);
      const x49 = new Float32Array(361 * 49);
      a48.encode(b, x48, 0);
      getFeatureSet('alphago49').encode(b, x49, 0, 7.5);
      const p48 = tf.softmax(forward(small, params.map((a, i) => tf.tensor(a, paramSpecs(small)[i].shape)), tf.tensor4d(x48, [1, 19, 19, 48]), false).logits);
      const p49 = tf.softmax(forward(big, grown.params.map((a, i) => tf.tensor(a, paramSpecs(big)[i].shape)), tf.tensor4d(x49, [1, 19, 19, 49]), false).logits);
      expect(tf.max(tf.abs(tf.sub(p48, p49))).dataSync()[0]).toBeLessThan(1e-6);
      // A different trunk is refused, naming the flags to pass.
      await expect(loadInitParams(path.join(dir, 'p'), { ...big, width: 8 }, { name: 'alphago49', version: 1, planes: 49 }, seededUniform(1))).rejects.toThrow(/--width 6/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
