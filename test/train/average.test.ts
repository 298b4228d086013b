// The weight average (`tengen train --average-horizon`): its arithmetic, and in the trainer, on the host-parameter
// (WASM) path and the native resident path, an exponential moving average of exactly the weights at every 10th step,
// kept across --resume, scored at each validation and taken for best/ only when it scores better.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { presetConfig } from '../../src/model/config.js';
import { loadModel } from '../../src/model/io.js';
import { train, type TrainOptions } from '../../src/train/trainer.js';
import { SyntheticSource, SyntheticValidation } from '../../src/train/synthetic.js';
import { AVERAGE_EVERY, WeightAverage } from '../../src/train/average.js';
import { loadCheckpoint } from '../../src/train/checkpoint.js';
import { nativeLoads } from '../native-available.js';

const native = nativeLoads();

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tengen-average-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('WeightAverage', () => {
  it('starts at the first sample, then moves by (1 − exp(−10/horizon)) toward each new one', () => {
    const a = new WeightAverage(40);
    const d = Math.exp(-AVERAGE_EVERY / 40);
    expect(a.decay).toBeCloseTo(d, 15);
    expect(a.params()).toBeNull();
    a.update([Float32Array.of(1, 2), Float32Array.of(3)]);
    expect(a.params()!.map((x) => Array.from(x))).toEqual([[1, 2], [3]]);
    a.update([Float32Array.of(3, 2), Float32Array.of(-1)]);
    expect(a.params()![0]![0]).toBeCloseTo(d * 1 + (1 - d) * 3, 6);
    expect(a.params()![0]![1]).toBeCloseTo(2, 6);
    expect(a.params()![1]![0]).toBeCloseTo(d * 3 - (1 - d), 6);
    expect(a.state()).toEqual({ horizon: 40, samples: 2 });
    // The average owns its arrays: changing the sampled weights afterwards does not change it.
    const p = [Float32Array.of(0, 0), Float32Array.of(0)];
    const b = new WeightAverage(40);
    b.update(p);
    p[0]![0] = 9;
    expect(b.params()![0]![0]).toBe(0);
  });

  it('refuses a horizon shorter than its sampling interval, and weights of another shape', () => {
    expect(() => new WeightAverage(5)).toThrow(/--average-horizon must be an integer number of steps >= 10, got 5/);
    expect(() => new WeightAverage(12.5)).toThrow(/--average-horizon/);
    const a = new WeightAverage(10);
    a.update([Float32Array.of(1)]);
    expect(() => a.update([Float32Array.of(1), Float32Array.of(2)])).toThrow(/2 parameter arrays, the average has 1/);
  });
});

function options(out: string, backend: string, over: Partial<TrainOptions> = {}): TrainOptions {
  return {
    out,
    arch: presetConfig('tiny', 2),
    featureSet: { name: 'synthetic', version: 1, planes: 2 },
    batch: 16,
    lr: 0.01,
    optimizer: { kind: 'adam', momentum: 0.9, weightDecay: 0 },
    schedule: 'constant',
    warmup: 0,
    seed: 3,
    steps: 30,
    evalEvery: 10,
    resume: false,
    workers: 1,
    backend,
    progress: false,
    averageHorizon: 25,
    ...over,
  };
}

for (const backend of ['wasm', 'tensorflow'] as const) {
  describe.skipIf(backend === 'tensorflow' && !native)(`the trainer's weight average (${backend})`, () => {
    it('is the moving average of the weights at steps 10, 20, 30, survives --resume, and is scored at each validation', async () => {
      const out = path.join(tmp, backend);
      const val = (): SyntheticValidation => new SyntheticValidation('stone', 2, 64, 2);
      // Three invocations of 10 steps each (resume is bit-identical): the checkpoints hold the weights the average sampled.
      const snapshots: Float32Array[][] = [];
      for (const steps of [10, 20, 30]) {
        const r = await train(new SyntheticSource('stone', 2, 1), val(), options(out, backend, { steps, resume: steps > 10 }));
        expect(r.steps).toBe(steps);
        snapshots.push((await loadCheckpoint(path.join(out, 'checkpoint')))!.params);
      }
      const ck = (await loadCheckpoint(path.join(out, 'checkpoint')))!;
      expect(ck.average!.state).toEqual({ horizon: 25, samples: 3 });
      const d = Math.exp(-AVERAGE_EVERY / 25);
      let compared = 0;
      ck.average!.params.forEach((avg, k) => {
        for (let i = 0; i < avg.length; i++) {
          const want = d * (d * snapshots[0]![k]![i]! + (1 - d) * snapshots[1]![k]![i]!) + (1 - d) * snapshots[2]![k]![i]!;
          expect(Math.abs(avg[i]! - want)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want)));
          compared++;
        }
      });
      expect(compared).toBeGreaterThan(1000);
      // The average is not the last weights (they moved between samples).
      expect(Array.from(ck.average!.params[0]!)).not.toEqual(Array.from(ck.params[0]!));
      const lines = readFileSync(path.join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(lines.map((l) => l.step)).toEqual([10, 20, 30]);
      for (const l of lines) {
        for (const k of ['valTop1', 'valLoss', 'avgTop1', 'avgTop5', 'avgLoss']) expect(typeof l[k], k).toBe('number');
      }
      // At step 10 the average is the step-10 weights themselves: the same figures.
      expect(lines[0].avgTop1).toBe(lines[0].valTop1);
      expect(lines[0].avgLoss).toBeCloseTo(lines[0].valLoss, 5);
      // best/ is the better scoring of the two at its step, and says whether it is the average.
      const best = await loadModel(path.join(out, 'best'));
      const at = lines.find((l) => l.step === best.meta.steps)!;
      if (best.meta.weightAverage) {
        expect(best.meta.metrics.top1).toBe(at.avgTop1);
        expect(best.meta.weightAverage.horizon).toBe(25);
      } else expect(best.meta.metrics.top1).toBe(at.valTop1);
      best.model.dispose();
    });
  });
}

describe('a run without --average-horizon', () => {
  it('keeps no average, and resuming without the flag drops a checkpoint\'s average', async () => {
    const out = path.join(tmp, 'none');
    await train(new SyntheticSource('stone', 2, 1), null, options(out, 'wasm', { steps: 10, averageHorizon: undefined }));
    expect((await loadCheckpoint(path.join(out, 'checkpoint')))!.average).toBeNull();
    await train(new SyntheticSource('stone', 2, 1), null, options(out, 'wasm', { steps: 20, resume: true }));
    expect((await loadCheckpoint(path.join(out, 'checkpoint')))!.average!.state.samples).toBe(1);
    await train(new SyntheticSource('stone', 2, 1), null, options(out, 'wasm', { steps: 30, resume: true, averageHorizon: undefined }));
    expect((await loadCheckpoint(path.join(out, 'checkpoint')))!.average).toBeNull();
  });
});
