// End to end: a tiny net learns toy rules through the full trainer (wasm, forward-conv gradients).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, readFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { presetConfig } from '../../src/model/config.js';
import { loadModel } from '../../src/model/io.js';
import { train, type TrainOptions } from '../../src/train/trainer.js';
import { SyntheticSource, SyntheticValidation } from '../../src/train/synthetic.js';
import { learningRate } from '../../src/train/schedule.js';
import { Optimizer } from '../../src/train/optimizer.js';
import type { ParamSpec } from '../../src/model/params.js';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tengen-learn-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function options(out: string, over: Partial<TrainOptions> = {}): TrainOptions {
  return {
    out,
    arch: presetConfig('tiny', 2),
    featureSet: { name: 'synthetic', version: 1, planes: 2 },
    batch: 32,
    lr: 0.01,
    optimizer: { kind: 'adam', momentum: 0.9, weightDecay: 0 },
    schedule: 'constant',
    warmup: 0,
    seed: 1,
    steps: 150,
    evalEvery: 50,
    resume: false,
    workers: 1,
    backend: 'wasm',
    progress: false,
    ...over,
  };
}

describe('tiny net learns toy rules', () => {
  it('"the label is the point of the single stone": ≥ 90% top-1 on held-out positions', async () => {
    const out = path.join(tmp, 'stone');
    const r = await train(new SyntheticSource('stone', 2, 1), new SyntheticValidation('stone', 2, 256, 2), options(out));
    expect(r.steps).toBe(150);
    expect(r.positionsSeen).toBe(150 * 32);
    expect(r.lastVal!.top1).toBeGreaterThanOrEqual(0.9);
    // Chance is 1/361: validation loss must have fallen far below ln(361) ≈ 5.89.
    expect(r.lastVal!.loss).toBeLessThan(1.5);
    const lines = readFileSync(path.join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.step)).toEqual([50, 100, 150]);
    expect(lines[2].valLoss).toBeLessThan(lines[0].valLoss);
    const best = await loadModel(path.join(out, 'best'));
    expect(best.meta.metrics.top1).toBe(r.best!.top1);
    expect(best.meta.featureSet.name).toBe('synthetic');
    best.model.dispose();
    expect(existsSync(path.join(out, 'checkpoint', 'state.json'))).toBe(true);
  });

  it('"play the point right of the stone" with 2 workers and SGD+momentum, cosine schedule', async () => {
    const out = path.join(tmp, 'adjacent');
    const r = await train(
      new SyntheticSource('adjacent', 2, 3),
      new SyntheticValidation('adjacent', 2, 256, 4),
      options(out, { workers: 2, optimizer: { kind: 'sgd', momentum: 0.9, weightDecay: 1e-4 }, lr: 0.01, schedule: 'cosine', warmup: 10, steps: 200, evalEvery: 100 }),
    );
    expect(r.workers).toBe(2);
    expect(r.lastVal!.top1).toBeGreaterThanOrEqual(0.8);
  });

  it('stops early when validation stops improving, and on the time budget', async () => {
    // lr so small that the fixed validation top-1 cannot change between evaluations.
    const r = await train(new SyntheticSource('stone', 2, 1), new SyntheticValidation('stone', 2, 64, 2), options(path.join(tmp, 'patience'), { lr: 1e-9, steps: 100, evalEvery: 5, patience: 2 }));
    expect(r.stopReason).toBe('early-stop');
    expect(r.steps).toBe(15);
    const t = await train(new SyntheticSource('stone', 2, 1), null, options(path.join(tmp, 'budget'), { steps: undefined, timeBudgetSeconds: 1 }));
    expect(t.stopReason).toBe('time-budget');
    expect(t.steps).toBeGreaterThan(0);
    expect((await loadModel(path.join(tmp, 'budget', 'checkpoint'))).meta.steps).toBe(t.steps);
    // The budget is per invocation: resuming a run whose total time already exceeds it still trains.
    const again = await train(new SyntheticSource('stone', 2, 1), null, options(path.join(tmp, 'budget'), { steps: undefined, timeBudgetSeconds: 1, resume: true }));
    expect(again.stopReason).toBe('time-budget');
    expect(again.steps).toBeGreaterThan(t.steps);
  });

  it('continues a time schedule on --resume instead of starting a new one, and refuses to resume one that is over', async () => {
    const out = path.join(tmp, 'time-schedule');
    const metrics = (): { step: number; lr: number }[] => readFileSync(path.join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const state = (): { timeSchedule?: { budgetSeconds: number; doneSeconds: number } } => JSON.parse(readFileSync(path.join(out, 'checkpoint', 'state.json'), 'utf8'));
    // An 8-second cosine (room for a busy machine), interrupted (as by SIGINT) once the data source has served 20 batches.
    const stop = new AbortController();
    const interrupting = new SyntheticSource('stone', 2, 1);
    const next = interrupting.next.bind(interrupting);
    let served = 0;
    interrupting.next = (n) => {
      if (++served === 20) stop.abort();
      return next(n);
    };
    const cosine = { steps: undefined, schedule: 'cosine' as const, lr: 0.01, evalEvery: 10 };
    const val = (): SyntheticValidation => new SyntheticValidation('stone', 2, 16, 2);
    const first = await train(interrupting, val(), options(out, { ...cosine, timeBudgetSeconds: 8, signal: stop.signal }));
    expect(first.stopReason).toBe('aborted');
    expect(first.steps).toBe(20);
    const kept = state().timeSchedule!;
    expect(kept.budgetSeconds).toBe(8);
    expect(kept.doneSeconds).toBeGreaterThan(0);
    expect(kept.doneSeconds).toBeLessThan(8);
    const lrBefore = metrics().at(-1)!.lr;
    // Resumed without --time-budget: the rate goes on falling from where it was, and the run ends with the schedule.
    const second = await train(new SyntheticSource('stone', 2, 1), val(), options(out, { ...cosine, resume: true }));
    expect(second.stopReason).toBe('time-budget');
    expect(second.steps).toBeGreaterThan(first.steps);
    const after = metrics().filter((l) => l.step > first.steps);
    expect(after.length).toBeGreaterThan(0);
    expect(after[0].lr).toBeLessThanOrEqual(lrBefore); // a new schedule would start again at the full 0.01
    expect(after.at(-1)!.lr).toBeLessThan(0.01 * 0.2);
    expect(state().timeSchedule).toEqual({ budgetSeconds: 8, doneSeconds: 8 });
    await expect(train(new SyntheticSource('stone', 2, 1), val(), options(out, { ...cosine, resume: true, timeBudgetSeconds: 5 }))).rejects.toThrow(
      /time schedule \(8s\) is complete at step \d+; give --steps/,
    );
    // A step schedule takes over when asked, and the checkpoint forgets the time schedule.
    const third = await train(new SyntheticSource('stone', 2, 1), val(), options(out, { ...cosine, resume: true, steps: second.steps + 5 }));
    expect(third.steps).toBe(second.steps + 5);
    expect(state().timeSchedule).toBeUndefined();
    // With neither a step count nor a recorded time schedule, a resume has nothing to end it.
    await expect(train(new SyntheticSource('stone', 2, 1), val(), options(out, { ...cosine, resume: true }))).rejects.toThrow(/give --steps, --epochs or --time-budget/);
  });

  it('validates the weights a time budget ends with, between evaluations, so they can become best/', async () => {
    const out = path.join(tmp, 'budget-val');
    const r = await train(new SyntheticSource('stone', 2, 1), new SyntheticValidation('stone', 2, 64, 2), options(out, { steps: undefined, schedule: 'cosine', timeBudgetSeconds: 1, evalEvery: 1_000_000 }));
    expect(r.stopReason).toBe('time-budget');
    expect(r.lastVal).not.toBeNull();
    const lines = readFileSync(path.join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.step)).toEqual([r.steps]);
    // The cosine over the budget has run (close) to its end.
    expect(lines[0].lr).toBeLessThan(0.01 * 0.2);
    const best = await loadModel(path.join(out, 'best'));
    expect(best.meta.steps).toBe(r.steps);
    best.model.dispose();
  });
});

describe('schedules and optimisers by hand', () => {
  it('warm-up, cosine, step', () => {
    const c = { kind: 'cosine' as const, baseLr: 1, warmup: 4, totalSteps: 14 };
    expect(learningRate(c, 0)).toBe(0.25);
    expect(learningRate(c, 3)).toBe(1);
    expect(learningRate(c, 4)).toBe(1);
    expect(learningRate(c, 9)).toBeCloseTo(0.5, 10); // halfway through the 10 cosine steps
    expect(learningRate(c, 14)).toBeCloseTo(0, 10);
    const s = { kind: 'step' as const, baseLr: 1, warmup: 0, totalSteps: 100 };
    expect([learningRate(s, 49), learningRate(s, 50), learningRate(s, 75)]).toEqual([1, 0.1, 0.1 * 0.1]);
  });
  it('SGD with momentum and L2 on kernels only', () => {
    const specs: ParamSpec[] = [
      { layer: 'c', kind: 'kernel', index: 0, shape: [1], trainable: true, decay: true },
      { layer: 'c', kind: 'bias', index: 1, shape: [1], trainable: true, decay: false },
    ];
    const o = new Optimizer({ kind: 'sgd', momentum: 0.5, weightDecay: 0.1 }, specs);
    const p = [new Float32Array([2]), new Float32Array([2])];
    o.step(p, [new Float32Array([1]), new Float32Array([1])], 0.1);
    // kernel: v = 1 + 0.1·2 = 1.2, w = 2 − 0.12 = 1.88; bias: v = 1, w = 1.9
    expect(p[0][0]).toBeCloseTo(1.88, 6);
    expect(p[1][0]).toBeCloseTo(1.9, 6);
    o.step(p, [new Float32Array([1]), new Float32Array([1])], 0.1);
    // kernel: v = 0.5·1.2 + 1 + 0.188 = 1.788, w = 1.88 − 0.1788 = 1.7012
    expect(p[0][0]).toBeCloseTo(1.7012, 5);
  });
  it('Adam: first step moves each weight by lr·sign(g)', () => {
    const specs: ParamSpec[] = [{ layer: 'c', kind: 'bias', index: 1, shape: [2], trainable: true, decay: false }];
    const o = new Optimizer({ kind: 'adam', momentum: 0, weightDecay: 0 }, specs);
    const p = [new Float32Array([0, 0])];
    o.step(p, [new Float32Array([3, -0.5])], 0.01);
    expect(p[0][0]).toBeCloseTo(-0.01, 6);
    expect(p[0][1]).toBeCloseTo(0.01, 6);
  });
});
