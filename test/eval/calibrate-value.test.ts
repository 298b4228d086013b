// `tengen model calibrate-value` on a tiny random model (value and ownership heads) and the 20-game dataset: the
// written model's value is tanh(k·atanh(v)) of the input's, policy and ownership are untouched, tengen.json records
// the calibration (scale cumulative in place, other files kept) and drops evaluations; the CLI refuses a
// policy-only model and a missing --data.
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calibrateValue } from '../../src/eval/calibrate-value.js';
import { selectBackend } from '../../src/model/backend.js';
import { loadModel, type LoadedModel } from '../../src/model/io.js';
import { seededUniform } from '../../src/random.js';
import { buildSampleDataset, REPO, saveTinyModel, tempDir } from './fixtures.js';

const tmp = tempDir('tengen-calibrate-');
let modelDir: string;
let dsDir: string;
const ARCH = { valueHead: { channels: 4, hidden: 8 }, ownershipHead: true };
const EVALUATION = {
  data: 'x', inputs: ['x'], split: 'val', seed: 0, positions: 10, symmetries: 1,
  top1: { rate: 0.5, lo: 0.2, hi: 0.8 }, top5: { rate: 0.5, lo: 0.2, hi: 0.8 }, top10: { rate: 0.5, lo: 0.2, hi: 0.8 },
  logLoss: 3, date: '2026-01-01T00:00:00Z',
};

beforeAll(async () => {
  await selectBackend('cpu');
  modelDir = path.join(tmp.dir, 'tiny');
  // Seed 12: this random head's values lean (weakly) toward the winners of the sample; most seeds' lean away, and
  // then there is no positive scale to fit.
  await saveTinyModel(modelDir, { features: 'basic', seed: 12, arch: ARCH });
  const file = path.join(modelDir, 'tengen.json');
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), evaluations: [EVALUATION] }));
  dsDir = await buildSampleDataset(tmp.dir);
});
afterAll(() => tmp.cleanup());

/** The outputs [policy, value, ownership] of a loaded model on `rows` seeded random 0/1 boards. */
function outputs(m: LoadedModel, rows = 6): Float32Array[] {
  const planes = m.meta.architecture.planes;
  const u = seededUniform(3);
  const x = Float32Array.from({ length: rows * 361 * planes }, () => (u() < 0.3 ? 1 : 0));
  return tf.tidy(() => (m.model.predict(tf.tensor4d(x, [rows, 19, 19, planes])) as tf.Tensor[]).map((t) => t.dataSync() as Float32Array));
}

const options = (out: string) => ({ modelDir, data: dsDir, out, positions: 600, seed: 1, split: 'val' as const, backend: 'cpu' });

describe('calibrateValue', () => {
  it('writes value = tanh(k·atanh v) with policy and ownership unchanged, records valueCalibration and drops evaluations', async () => {
    const out = path.join(tmp.dir, 'calibrated');
    const r = await calibrateValue(options(out));
    expect(r.fit.scale).toBeGreaterThan(0);
    expect(r.fit.scale).not.toBeCloseTo(1, 2);
    expect(r.fit.positions).toBeGreaterThan(300);
    expect(r.fit.positions).toBeLessThanOrEqual(r.sample.count);
    expect(r.fit.logLossAfter).toBeLessThan(r.fit.logLossBefore);
    expect(r.fit.accuracyAfter).toBe(r.fit.accuracyBefore);
    expect(r.droppedEvaluations).toBe(1);
    expect(r.inPlace).toBe(false);

    const before = await loadModel(modelDir);
    const after = await loadModel(out);
    try {
      const [p0, v0, o0] = outputs(before);
      const [p1, v1, o1] = outputs(after);
      expect(Buffer.from(p1!.buffer).equals(Buffer.from(p0!.buffer))).toBe(true);
      expect(Buffer.from(o1!.buffer).equals(Buffer.from(o0!.buffer))).toBe(true);
      for (let i = 0; i < v0!.length; i++) expect(Math.abs(v1![i]! - Math.tanh(r.fit.scale * Math.atanh(v0![i]!)))).toBeLessThan(1e-5);
      expect(after.meta.valueCalibration).toEqual(r.record);
      expect(r.record).toMatchObject({ scale: r.fit.scale, split: 'val', seed: 1, positions: r.fit.positions, logLossBefore: r.fit.logLossBefore, logLossAfter: r.fit.logLossAfter });
      expect(r.record.data).toBe(JSON.parse(readFileSync(path.join(dsDir, 'manifest.json'), 'utf8')).contentHash);
      expect(after.meta).not.toHaveProperty('evaluations');
      expect(after.meta.steps).toBe(before.meta.steps);
    } finally {
      before.model.dispose();
      after.model.dispose();
    }
  });

  it('in place: the scale is cumulative (a second fit on the same sample is ≈ 1) and the folder\'s other files are kept', async () => {
    const dir = path.join(tmp.dir, 'calibrated');
    const first = (await loadModel(dir)).meta.valueCalibration!;
    writeFileSync(path.join(dir, 'calibration.png'), 'not really a png');
    const r = await calibrateValue({ ...options(dir), modelDir: dir });
    expect(r.inPlace).toBe(true);
    expect(r.previousScale).toBe(first.scale);
    expect(Math.abs(r.fit.scale - 1)).toBeLessThan(1e-3);
    expect(r.record.scale).toBeCloseTo(first.scale * r.fit.scale, 12);
    expect(r.keptFiles).toEqual(['calibration.png']);
    expect(readFileSync(path.join(dir, 'calibration.png'), 'utf8')).toBe('not really a png');
    const again = await loadModel(dir);
    again.model.dispose();
    expect(again.meta.valueCalibration!.scale).toBe(r.record.scale);
    expect(existsSync(`${dir}.old`)).toBe(false);
  });

  it('an --out that holds another model is replaced, its other files (plots) kept', async () => {
    const out = path.join(tmp.dir, 'replaced');
    await saveTinyModel(out, { features: 'basic', seed: 7 });
    writeFileSync(path.join(out, 'learning-curve.png'), 'the old curve');
    const r = await calibrateValue(options(out));
    expect(r.inPlace).toBe(false);
    expect(r.keptFiles).toEqual(['learning-curve.png']);
    expect(readFileSync(path.join(out, 'learning-curve.png'), 'utf8')).toBe('the old curve');
    const m = await loadModel(out);
    m.model.dispose();
    expect(m.meta.valueCalibration).toEqual(r.record);
    expect(m.meta.architecture.valueHead).toBeTruthy();
  });

  it('refuses a policy-only model before sampling, and an --out that is not a model folder', async () => {
    const policy = path.join(tmp.dir, 'policy-only');
    await saveTinyModel(policy, { features: 'basic', seed: 7 });
    await expect(calibrateValue({ ...options(path.join(tmp.dir, 'x')), modelDir: policy })).rejects.toThrow(/policy-only: no value head .*calibrate-value scales a value head's output/);
    const notModel = path.join(tmp.dir, 'not-a-model');
    await saveTinyModel(notModel, { features: 'basic', seed: 7 });
    writeFileSync(path.join(notModel, 'tengen.json.bak'), '');
    await expect(calibrateValue(options(dsDir))).rejects.toThrow(/--out .*ds: exists and is not a model folder/);
  });
});

describe('tengen model calibrate-value (CLI)', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'model', 'calibrate-value', ...args], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });

  it('refuses a model without a value head and a missing --data, exiting 1 with a clear message', () => {
    const policy = path.join(tmp.dir, 'policy-only');
    const noValue = run(policy, '--data', dsDir, '--out', path.join(tmp.dir, 'y'), '--backend', 'cpu');
    expect(noValue.status).toBe(1);
    expect(noValue.stderr).toContain(`tengen: ${policy}: no value head`);
    expect(existsSync(path.join(tmp.dir, 'y'))).toBe(false);
    const noData = run(modelDir, '--out', path.join(tmp.dir, 'y'));
    expect(noData.status).toBe(1);
    expect(noData.stderr).toContain("required option '--data <paths...>' not specified");
  });
});
