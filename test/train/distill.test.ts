// Distillation (`tengen train --distill-from`): the teacher's 8-symmetry policy computed on the device agrees with the
// host symmetry tables (features/symmetry.ts), the mixed policy loss is what it says, and a native run moves the
// student toward the teacher, records the teacher in tengen.json, and refuses what it cannot do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BOARD, POINTS, presetConfig } from '../../src/model/config.js';
import { forward } from '../../src/model/forward.js';
import { loadModel, loadModelMetadata, saveModel } from '../../src/model/io.js';
import { validateMetadata } from '../../src/model/metadata.js';
import { initParams, paramSpecs } from '../../src/model/params.js';
import { transformPlanes, transformPoint } from '../../src/features/symmetry.js';
import { Teacher, teacherPolicy } from '../../src/train/distill.js';
import { softmaxInto } from '../../src/eval/score.js';
import { trainingLoss } from '../../src/train/grad-engine.js';
import { train, type TrainOptions } from '../../src/train/trainer.js';
import { SyntheticSource, SyntheticValidation } from '../../src/train/synthetic.js';
import { seededUniform } from '../../src/random.js';
import { nativeLoads } from '../native-available.js';

const native = nativeLoads();
const PLANES = 3;
const ARCH = presetConfig('tiny', PLANES);

/** n random boards of PLANES planes (NHWC), seeded. */
function boards(n: number, seed: number): Float32Array {
  const u = seededUniform(seed);
  const x = new Float32Array(n * POINTS * PLANES);
  for (let i = 0; i < x.length; i++) x[i] = u() < 0.3 ? 1 : 0;
  return x;
}

/** Row-wise softmax of n rows of 361 logits, through the evaluator's softmaxInto. */
function softmaxRows(logits: Float32Array, n: number): Float32Array {
  const out = new Float32Array(logits.length);
  const row = new Float64Array(POINTS);
  for (let i = 0; i < n; i++) {
    softmaxInto(logits, i * POINTS, row);
    out.set(row, i * POINTS);
  }
  return out;
}

describe('teacherPolicy', () => {
  const params = initParams(ARCH, seededUniform(5));
  // A peaked policy head, so the 8 symmetries of a random net disagree clearly.
  const head = paramSpecs(ARCH).findIndex((s) => s.layer === 'policy' && s.kind === 'kernel');
  for (let i = 0; i < params[head]!.length; i++) params[head]![i]! *= 8;
  const tensors = paramSpecs(ARCH).map((s, i) => tf.tensor(params[i]!, s.shape, 'float32'));
  const n = 3;
  const x = boards(n, 11);
  const single = (planes: Float32Array): Float32Array => {
    const t = tf.tensor4d(planes, [planes.length / (POINTS * PLANES), BOARD, BOARD, PLANES]);
    const logits = forward(ARCH, tensors, t, false, true).logits;
    const out = softmaxRows(logits.dataSync() as Float32Array, t.shape[0]);
    tf.dispose([t, logits]);
    return out;
  };

  it('with 1 symmetry is the softmax of the single pass', () => {
    const t = tf.tensor4d(x, [n, BOARD, BOARD, PLANES]);
    const got = teacherPolicy(ARCH, tensors, t, 1).dataSync();
    const want = single(x);
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-6);
    t.dispose();
  });

  it('with 8 is the mean over the symmetries of the policy of each transformed board mapped back, as the host tables compute it', () => {
    const t = tf.tensor4d(x, [n, BOARD, BOARD, PLANES]);
    const got = teacherPolicy(ARCH, tensors, t, 8).dataSync();
    t.dispose();
    const want = new Float32Array(n * POINTS);
    const moved = new Float32Array(x.length);
    for (let s = 0; s < 8; s++) {
      for (let i = 0; i < n; i++) transformPlanes(x, moved, PLANES, s, i * POINTS * PLANES, i * POINTS * PLANES);
      const probs = single(moved);
      // The transformed board has on T(p) what the board has on p.
      for (let i = 0; i < n; i++) for (let p = 0; p < POINTS; p++) want[i * POINTS + p]! += probs[i * POINTS + transformPoint(p, s)]! / 8;
    }
    let diff = 0, spread = 0;
    const one = single(x);
    for (let i = 0; i < want.length; i++) {
      diff = Math.max(diff, Math.abs(got[i]! - want[i]!));
      spread = Math.max(spread, Math.abs(one[i]! - want[i]!));
    }
    expect(diff).toBeLessThan(1e-6);
    // The average is not the single pass (the check above could not pass by accident).
    expect(spread).toBeGreaterThan(1e-3);
    for (let i = 0; i < n; i++) expect(Array.from(got.slice(i * POINTS, (i + 1) * POINTS)).reduce((a, b) => a + Number(b), 0)).toBeCloseTo(1, 5);
  });

  afterAll(() => tf.dispose(tensors));
});

describe('an ensemble teacher (several --distill-from dirs)', () => {
  it("is the mean of its networks' policies, each on its own architecture; tengen.json records them all", () => {
    // Two networks of different shapes, so a network paired with the other's weights would throw or differ.
    const archB = { ...ARCH, depth: 4, width: 6 };
    const pa = initParams(ARCH, seededUniform(31));
    const pb = initParams(archB, seededUniform(32));
    for (const [arch, p] of [[ARCH, pa], [archB, pb]] as const) {
      const head = paramSpecs(arch).findIndex((s) => s.layer === 'policy' && s.kind === 'kernel');
      for (let i = 0; i < p[head]!.length; i++) p[head]![i]! *= 6;
    }
    const n = 2;
    const x = tf.tensor4d(boards(n, 13), [n, BOARD, BOARD, PLANES]);
    const alone = (arch: typeof ARCH, p: Float32Array[]): Float32Array => {
      const t = new Teacher({ teachers: [{ model: 'one', architecture: arch, params: p }], symmetries: 8, weight: 0.5 });
      const out = t.policy(x).dataSync() as Float32Array;
      t.dispose();
      return out;
    };
    const a = alone(ARCH, pa), b = alone(archB, pb);
    const both = new Teacher({ teachers: [{ model: 'A', architecture: ARCH, params: pa }, { model: 'B', architecture: archB, params: pb }], symmetries: 8, weight: 0.5 });
    const got = both.policy(x).dataSync();
    let diff = 0, spread = 0;
    for (let i = 0; i < got.length; i++) {
      diff = Math.max(diff, Math.abs(got[i]! - (a[i]! + b[i]!) / 2));
      spread = Math.max(spread, Math.abs(a[i]! - b[i]!));
    }
    expect(diff).toBeLessThan(1e-6);
    expect(spread).toBeGreaterThan(1e-3); // the two networks disagree, so the mean is neither
    expect(both.record()).toEqual({ model: 'A', ensemble: ['A', 'B'], symmetries: 8, weight: 0.5 });
    both.dispose();
    x.dispose();
    expect(() => new Teacher({ teachers: [{ model: 'A', architecture: ARCH, params: pa }, { model: 'B', architecture: ARCH, params: pb }], symmetries: 1, weight: 0.5 })).toThrow(
      /distillation teacher B: .* parameter arrays, its architecture has/,
    );
  });
});

describe('the policy loss with a soft target', () => {
  const n = 4;
  const u = seededUniform(3);
  const logitsData = Float32Array.from({ length: n * POINTS }, () => 3 * u());
  const labels = Int32Array.from([0, 17, 180, 360]);
  const soft = softmaxRows(Float32Array.from({ length: n * POINTS }, () => 4 * u()), n);
  const loss = (w: number, probs = soft): number =>
    tf.tidy(() => {
      const out = { logits: tf.tensor2d(logitsData, [n, POINTS]), valueLogit: null, ownershipLogit: null };
      const y = tf.tensor1d(labels, 'int32');
      return trainingLoss(out, y, { inputs: new Float32Array(0), labels, size: n }, { value: 0, ownership: 0 }, { probs: tf.tensor2d(probs, [n, POINTS]), weight: w }).dataSync()[0]!;
    });
  // log q = logit − ln Σ exp(logits): softmaxInto returns the log-normaliser.
  const logq = (i: number, p: number): number => logitsData[i * POINTS + p]! - softmaxInto(logitsData, i * POINTS, new Float64Array(POINTS));
  let hard = 0, softCe = 0;
  for (let i = 0; i < n; i++) {
    hard -= logq(i, labels[i]!) / n;
    for (let p = 0; p < POINTS; p++) softCe -= (soft[i * POINTS + p]! * logq(i, p)) / n;
  }

  it('is (1 − w)·CE(played move) + w·CE(teacher)', () => {
    expect(loss(0)).toBeCloseTo(hard, 4);
    expect(loss(1)).toBeCloseTo(softCe, 4);
    expect(loss(0.75)).toBeCloseTo(0.25 * hard + 0.75 * softCe, 4);
    expect(Math.abs(hard - softCe)).toBeGreaterThan(0.1);
  });

  it('equals the hard loss when the soft target is the played move', () => {
    const oneHot = new Float32Array(n * POINTS);
    labels.forEach((l, i) => (oneHot[i * POINTS + l] = 1));
    expect(loss(0.6, oneHot)).toBeCloseTo(hard, 4);
  });
});

describe('distilledFrom in tengen.json', () => {
  const base = { format: 'tengen-model', formatVersion: 1, architecture: ARCH, featureSet: { name: 'synthetic', version: 1, planes: PLANES }, dataManifestHash: null, steps: 1, positionsSeen: 1, metrics: {}, backend: 'cpu', date: '2026-12-03T00:00:00Z', wallClockSeconds: 1 };
  it('is read back, and a malformed one is refused naming the field', () => {
    expect(validateMetadata({ ...base, distilledFrom: { model: 'models/default', symmetries: 8, weight: 0.75 } }).distilledFrom).toEqual({ model: 'models/default', symmetries: 8, weight: 0.75 });
    expect(() => validateMetadata({ ...base, distilledFrom: { model: 'm', symmetries: 4, weight: 0.5 } }, 'x/tengen.json')).toThrow(/x\/tengen.json: field "distilledFrom"/);
    expect(() => validateMetadata({ ...base, distilledFrom: { model: 'm', symmetries: 8, weight: 1.5 } })).toThrow(/distilledFrom/);
    const ens = { model: 'a', ensemble: ['a', 'b'], symmetries: 8, weight: 0.5 };
    expect(validateMetadata({ ...base, distilledFrom: ens }).distilledFrom).toEqual(ens);
    expect(() => validateMetadata({ ...base, distilledFrom: { ...ens, ensemble: ['b', 'a'] } })).toThrow(/distilledFrom/); // model must be the first
    expect(() => validateMetadata({ ...base, distilledFrom: { ...ens, ensemble: ['a'] } })).toThrow(/distilledFrom/);
  });
});

describe('tengen train --distill-from', () => {
  const FS = { name: 'synthetic', version: 1, planes: 2 };
  const arch = presetConfig('tiny', 2);
  let tmp: string;
  let teacher: string;
  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'tengen-distill-'));
    teacher = path.join(tmp, 'teacher');
    const p = initParams(arch, seededUniform(21));
    const head = paramSpecs(arch).findIndex((s) => s.layer === 'policy' && s.kind === 'kernel');
    for (let i = 0; i < p[head]!.length; i++) p[head]![i]! *= 8;
    await saveModel(teacher, arch, p, { featureSet: FS, dataManifestHash: null, steps: 5, positionsSeen: 80, metrics: {}, backend: 'cpu', wallClockSeconds: 1 });
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const options = (out: string, backend: string, over: Partial<TrainOptions> = {}): TrainOptions => ({
    out,
    arch,
    featureSet: FS,
    batch: 16,
    lr: 0.01,
    optimizer: { kind: 'adam', momentum: 0.9, weightDecay: 0 },
    schedule: 'constant',
    warmup: 0,
    seed: 4,
    steps: 40,
    evalEvery: 40,
    resume: false,
    workers: 1,
    backend,
    progress: false,
    distill: { models: [teacher], symmetries: 8, weight: 1 },
    ...over,
  });

  /** Mean KL(teacher's 8-symmetry policy || model's policy) over a fixed synthetic batch. */
  async function klToTeacher(dir: string): Promise<number> {
    const t = await loadModel(teacher);
    const m = await loadModel(dir);
    t.model.dispose();
    m.model.dispose();
    const val = new SyntheticValidation('stone', 2, 64, 9);
    const b = [...val.batches(64)][0]!;
    return tf.tidy(() => {
      const x = tf.tensor4d(b.inputs.subarray(0, b.size * POINTS * 2), [b.size, BOARD, BOARD, 2]);
      const tp = teacherPolicy(arch, paramSpecs(arch).map((s, i) => tf.tensor(t.params[i]!, s.shape)), x, 8);
      const logq = tf.logSoftmax(forward(arch, paramSpecs(arch).map((s, i) => tf.tensor(m.params[i]!, s.shape)), x, false, true).logits);
      return tf.mean(tf.sum(tf.mul(tp, tf.sub(tf.log(tf.add(tp, 1e-12)), logq)), 1)).dataSync()[0]!;
    });
  }

  it.skipIf(!native)('moves the student toward the teacher and records the teacher in tengen.json (native backend)', async () => {
    const out = path.join(tmp, 'student');
    const start = path.join(tmp, 'start');
    await saveModel(start, arch, initParams(arch, seededUniform(4)), { featureSet: FS, dataManifestHash: null, steps: 0, positionsSeen: 0, metrics: {}, backend: 'cpu', wallClockSeconds: 0 });
    const before = await klToTeacher(start);
    await train(new SyntheticSource('stone', 2, 1), new SyntheticValidation('stone', 2, 32, 2), options(out, 'tensorflow', { initFrom: start }));
    const after = await klToTeacher(path.join(out, 'checkpoint'));
    expect(after).toBeLessThan(0.5 * before);
    const meta = await loadModelMetadata(path.join(out, 'checkpoint'));
    expect(meta.distilledFrom).toEqual({ model: teacher, symmetries: 8, weight: 1 });
    expect((await loadModelMetadata(path.join(out, 'best'))).distilledFrom).toEqual(meta.distilledFrom);
  });

  it.skipIf(!native)('trains from an ensemble teacher and records all its networks (native backend)', async () => {
    const second = path.join(tmp, 'teacher2');
    await saveModel(second, presetConfig('tiny', 2), initParams(presetConfig('tiny', 2), seededUniform(22)), { featureSet: FS, dataManifestHash: null, steps: 0, positionsSeen: 0, metrics: {}, backend: 'cpu', wallClockSeconds: 0 });
    const out = path.join(tmp, 'student-of-two');
    await train(new SyntheticSource('stone', 2, 1), null, options(out, 'tensorflow', { steps: 4, evalEvery: 4, distill: { models: [teacher, second], symmetries: 1, weight: 0.5 } }));
    expect((await loadModelMetadata(path.join(out, 'checkpoint'))).distilledFrom).toEqual({ model: teacher, ensemble: [teacher, second], symmetries: 1, weight: 0.5 });
  });

  it('refuses a backend that does not train on the device, a teacher over other planes, and bad numbers', async () => {
    const run = (over: Partial<TrainOptions>, backend = 'tensorflow'): Promise<unknown> =>
      train(new SyntheticSource('stone', 2, 1), null, options(path.join(tmp, 'refused'), backend, { steps: 1, ...over }));
    await expect(run({}, 'cpu')).rejects.toThrow(/--distill-from needs the native backend/);
    if (!native) return;
    const other = path.join(tmp, 'other-planes');
    await saveModel(other, presetConfig('tiny', 3), initParams(presetConfig('tiny', 3), seededUniform(1)), { featureSet: { name: 'synthetic', version: 1, planes: 3 }, dataManifestHash: null, steps: 0, positionsSeen: 0, metrics: {}, backend: 'cpu', wallClockSeconds: 0 });
    await expect(run({ distill: { models: [teacher, other], symmetries: 8, weight: 0.5 } })).rejects.toThrow(/--distill-from .*other-planes: feature set mismatch: the model was trained on synthetic@v1 \(3 planes\) but the encoder is synthetic@v1 \(2 planes\): planes 3 != 2/);
    await expect(run({ distill: { models: [teacher], symmetries: 4, weight: 0.5 } })).rejects.toThrow(/--distill-symmetries must be 1 or 8, got 4/);
    await expect(run({ distill: { models: [teacher], symmetries: 8, weight: 2 } })).rejects.toThrow(/--distill-weight must be in \[0, 1\], got 2/);
    await expect(run({ distill: { models: [], symmetries: 8, weight: 0.5 } })).rejects.toThrow(/--distill-from: no teacher model directory given/);
  });
});
