// Native TensorFlow (tfjs-node) and WebAssembly give the same network: the same probabilities and values for the same
// weights and inputs (max abs difference ≤ 1e-4), the same gradients (TensorFlow's own conv gradients vs the forward-
// convolution gradients the WASM trainer uses) within a stated tolerance, and a model saved from a native training
// step serves on WASM. Skipped, with the reason, where the native backend is not installed (npm ci says why).
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { selectBackend } from '../../src/model/backend.js';
import { buildModel, setParams } from '../../src/model/build.js';
import type { ArchConfig } from '../../src/model/config.js';
import { forward } from '../../src/model/forward.js';
import { initParams, paramSpecs } from '../../src/model/params.js';
import { loadModel, saveModel } from '../../src/model/io.js';
import { seededUniform } from '../../src/random.js';
import { trainingLoss } from '../../src/train/grad-engine.js';
import { ResidentTrainer } from '../../src/train/native-engine.js';
import { nativeLoads } from '../native-available.js';

const native = nativeLoads();

const residual: ArchConfig = { depth: 4, width: 16, block: 'residual', planes: 7, valueHead: { channels: 8, hidden: 16 } };
// Plain nets take the fused conv + bias + relu path on native TensorFlow.
const plain: ArchConfig = { depth: 3, width: 16, block: 'plain', planes: 7, valueHead: { channels: 8, hidden: 16 } };
let c: ArchConfig = residual;
const N = 6;
const inputs = Float32Array.from({ length: N * 361 * c.planes }, (_, i) => ((i * 2654435761) % 997) / 997 > 0.6 ? 1 : 0);
const labels = Int32Array.from({ length: N }, (_, i) => (i * 97) % 361);
const values = Float32Array.from({ length: N }, (_, i) => (i % 3 === 0 ? 0 : i % 2 ? 1 : -1));

function params(): Float32Array[] {
  const p = initParams(c, seededUniform(11));
  paramSpecs(c).forEach((s, i) => {
    if (s.kind === 'movingVariance') p[i].fill(1.3);
    if (s.kind === 'movingMean') p[i].fill(0.05);
  });
  return p;
}

async function predictOn(backend: string, ps: Float32Array[]): Promise<{ policy: Float32Array; value: Float32Array }> {
  await selectBackend(backend);
  const m = buildModel(c);
  setParams(m, c, ps);
  const [p, v] = m.predict(tf.tensor4d(inputs, [N, 19, 19, c.planes])) as tf.Tensor[];
  const out = { policy: p.dataSync() as Float32Array, value: v.dataSync() as Float32Array };
  m.dispose();
  return out;
}

async function gradsOn(backend: string, nativeConv: boolean, ps: Float32Array[]): Promise<Float32Array[]> {
  await selectBackend(backend);
  const specs = paramSpecs(c);
  const all = ps.map((a, i) => tf.tensor(a, specs[i].shape));
  const idx = specs.flatMap((s, i) => (s.trainable ? [i] : []));
  const x = tf.tensor4d(inputs, [N, 19, 19, c.planes]);
  const y = tf.tensor1d(labels, 'int32');
  const f = (...tr: tf.Tensor[]): tf.Scalar => {
    const cur = all.slice();
    idx.forEach((k, j) => (cur[k] = tr[j]));
    const r = forward(c, cur, x, true, nativeConv);
    return trainingLoss(r, y, { inputs, labels, values, size: N }, { value: 0.25, ownership: 1.5 });
  };
  const { grads } = tf.valueAndGrads(f)(idx.map((k) => all[k]));
  return grads.map((g) => g.dataSync() as Float32Array);
}

const maxAbs = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe.skipIf(!native)('native TensorFlow vs WebAssembly', () => {
  it('same probabilities and values for the same weights and inputs (max abs difference ≤ 1e-4)', async () => {
    c = residual;
    const ps = params();
    const a = await predictOn('tensorflow', ps);
    const b = await predictOn('wasm', ps);
    expect(maxAbs(a.policy, b.policy)).toBeLessThanOrEqual(1e-4);
    expect(maxAbs(a.value, b.value)).toBeLessThanOrEqual(1e-4);
  });

  it.each([
    ['residual', residual],
    ['plain', plain],
  ] as const)("TensorFlow's conv gradients equal the WASM trainer's forward-conv gradients (within 1e-3 of each tensor's scale): %s", async (_name, arch) => {
    c = arch;
    const ps = params();
    const nat = await gradsOn('tensorflow', true, ps);
    const wasm = await gradsOn('wasm', false, ps);
    expect(nat.length).toBe(wasm.length);
    // Relative to each tensor's largest gradient, floored at 1e-3: the policy bias's true gradient is 0 (softmax and
    // one-hot both sum to 1), so only float noise is left to compare there.
    const specs = paramSpecs(c).filter((s) => s.trainable);
    nat.forEach((g, i) => {
      const scale = Math.max(1e-3, ...Array.from(g, Math.abs));
      expect({ param: `${specs[i].layer}/${specs[i].kind}`, rel: maxAbs(g, wasm[i]) / scale < 1e-3 ? 'ok' : maxAbs(g, wasm[i]) / scale }).toEqual({ param: `${specs[i].layer}/${specs[i].kind}`, rel: 'ok' });
    });
  });

  it('a model from a native training step loads and serves on WASM with the same outputs', async () => {
    c = plain;
    await selectBackend('tensorflow');
    const rt = new ResidentTrainer(c, { kind: 'adam', momentum: 0.9, weightDecay: 1e-4 }, params(), null, { value: 0.25, ownership: 1.5 });
    const before = rt.readParams();
    const step = rt.step({ inputs, labels, values, size: N }, 1e-3);
    expect(Number.isFinite(step.loss)).toBe(true);
    const trained = rt.readParams();
    expect(trained.some((p, i) => maxAbs(p, before[i]) > 0)).toBe(true);
    rt.dispose();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tengen-native-'));
    try {
      const meta = { featureSet: { name: 't7', version: 1, planes: 7 }, dataManifestHash: null, steps: 1, positionsSeen: N, metrics: {}, wallClockSeconds: 0, backend: 'tensorflow' };
      await saveModel(path.join(dir, 'm'), c, trained, meta);
      const nat = await predictOn('tensorflow', trained);
      await selectBackend('wasm');
      const loaded = await loadModel(path.join(dir, 'm'));
      const [p, v] = loaded.model.predict(tf.tensor4d(inputs, [N, 19, 19, c.planes])) as tf.Tensor[];
      expect(maxAbs(p.dataSync() as Float32Array, nat.policy)).toBeLessThanOrEqual(1e-4);
      expect(maxAbs(v.dataSync() as Float32Array, nat.value)).toBeLessThanOrEqual(1e-4);
      loaded.model.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
