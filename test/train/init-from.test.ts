// tengen train --init-from: a run starts from a saved model's weights (fine-tuning) and refuses a model whose
// architecture or feature set differs from the requested one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { presetConfig } from '../../src/model/config.js';
import { loadModel, loadModelMetadata, saveModel } from '../../src/model/io.js';
import { initParams } from '../../src/model/params.js';
import { train, type TrainOptions } from '../../src/train/trainer.js';
import { loadInitParams } from '../../src/train/init-from.js';
import { SyntheticSource, SyntheticValidation } from '../../src/train/synthetic.js';
import { seededUniform } from '../../src/random.js';

const FS = { name: 'synthetic', version: 1, planes: 2 };
const ARCH = presetConfig('tiny', 2);
let tmp: string;
let source: string;
let sourceParams: Float32Array[];

function options(out: string, over: Partial<TrainOptions> = {}): TrainOptions {
  return {
    out,
    arch: ARCH,
    featureSet: FS,
    batch: 16,
    lr: 1e-12,
    optimizer: { kind: 'sgd', momentum: 0, weightDecay: 0 },
    schedule: 'constant',
    warmup: 0,
    seed: 1,
    steps: 1,
    evalEvery: 1,
    resume: false,
    workers: 1,
    backend: 'cpu',
    progress: false,
    ...over,
  };
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tengen-initfrom-'));
  source = path.join(tmp, 'source');
  sourceParams = initParams(ARCH, seededUniform(99));
  await saveModel(source, ARCH, sourceParams, { featureSet: FS, dataManifestHash: null, steps: 123, positionsSeen: 4567, metrics: {}, backend: 'cpu', wallClockSeconds: 1 });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function maxDiff(a: Float32Array[], b: Float32Array[]): number {
  let d = 0;
  a.forEach((x, i) => x.forEach((v, j) => (d = Math.max(d, Math.abs(v - b[i][j])))));
  return d;
}

describe('--init-from', () => {
  it('starts from the saved weights: one step at lr 1e-12 leaves them unchanged, a fresh run does not have them', async () => {
    const tuned = path.join(tmp, 'tuned');
    await train(new SyntheticSource('stone', 2, 1), new SyntheticValidation('stone', 2, 32, 2), options(tuned, { initFrom: source }));
    const after = await loadModel(path.join(tuned, 'best'));
    after.model.dispose();
    expect(maxDiff(after.params, sourceParams)).toBeLessThan(1e-6);
    const fresh = path.join(tmp, 'fresh');
    await train(new SyntheticSource('stone', 2, 1), new SyntheticValidation('stone', 2, 32, 2), options(fresh));
    const other = await loadModel(path.join(fresh, 'best'));
    other.model.dispose();
    expect(maxDiff(other.params, sourceParams)).toBeGreaterThan(1e-2);
  });

  it('records the starting model in every tengen.json of the run (totals over a chain of restarts), and a resume keeps it', async () => {
    const first = path.join(tmp, 'chain-1');
    await train(new SyntheticSource('stone', 2, 1), new SyntheticValidation('stone', 2, 32, 2), options(first, { initFrom: source, steps: 2 }));
    const ck1 = await loadModelMetadata(path.join(first, 'checkpoint'));
    expect(ck1.positionsSeen).toBe(32);
    expect(ck1.initFrom).toEqual({ model: source, steps: 123, positionsSeen: 4567, wallClockSeconds: 1, dataManifestHash: null });
    expect((await loadModelMetadata(path.join(first, 'best'))).initFrom).toEqual(ck1.initFrom);
    // A restart from that run's checkpoint counts everything behind it: its 2 steps and 32 positions plus the source's.
    const second = path.join(tmp, 'chain-2');
    const ckDir = path.join(first, 'checkpoint');
    await train(new SyntheticSource('stone', 2, 1), null, options(second, { initFrom: ckDir, steps: 1 }));
    const m2 = await loadModelMetadata(path.join(second, 'checkpoint'));
    expect(m2.initFrom).toMatchObject({ model: ckDir, steps: 125, positionsSeen: 4599 });
    // Resumed (without --init-from on the command line), the run still says where it started.
    await train(new SyntheticSource('stone', 2, 1), null, options(second, { resume: true, steps: 2 }));
    const m3 = await loadModelMetadata(path.join(second, 'checkpoint'));
    expect(m3.steps).toBe(2);
    expect(m3.initFrom).toEqual(m2.initFrom);
  });

  it('a checkpoint from before initFrom was recorded takes it from the --init-from of its resume', async () => {
    const out = path.join(tmp, 'backfill');
    await train(new SyntheticSource('stone', 2, 1), null, options(out, { steps: 1 }));
    expect((await loadModelMetadata(path.join(out, 'checkpoint'))).initFrom).toBeUndefined();
    await train(new SyntheticSource('stone', 2, 1), null, options(out, { resume: true, steps: 2, initFrom: source }));
    const m = await loadModelMetadata(path.join(out, 'checkpoint'));
    expect(m.steps).toBe(2);
    expect(m.initFrom).toMatchObject({ model: source, steps: 123, positionsSeen: 4567 });
  });

  it('refuses another architecture or feature set, naming both sides', async () => {
    await expect(loadInitParams(source, { ...ARCH, width: 16 }, FS, seededUniform(1))).rejects.toThrow(/architecture 2×8 plain \(2 planes\) ≠ requested 2×16 plain/);
    await expect(loadInitParams(source, ARCH, { name: 'other', version: 1, planes: 2 }, seededUniform(1))).rejects.toThrow(/feature set synthetic@v1 \(2 planes\) ≠ requested other@v1/);
    await expect(train(new SyntheticSource('stone', 2, 1), null, options(path.join(tmp, 'x'), { initFrom: source, arch: { ...ARCH, depth: 4 } }))).rejects.toThrow(/--init-from .*source: architecture/);
    await expect(loadInitParams(path.join(tmp, 'absent'), ARCH, FS, seededUniform(1))).rejects.toThrow(/model directory does not exist/);
  });
});
