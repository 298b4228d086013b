// The trainer on a real small dataset (built from sgf-data/) with the prefetching loader: the same weights as with
// the in-thread loader, resume after a checkpoint is exact, and `tengen train` exits when done (no worker left).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDataset } from '../../src/data/build.js';
import { openDataset, type Dataset } from '../../src/data/dataset.js';
import { createTrainingSource } from '../../src/data/loader.js';
import { createPrefetchingSource } from '../../src/data/prefetch.js';
import { presetConfig } from '../../src/model/config.js';
import { loadCheckpoint } from '../../src/train/checkpoint.js';
import { train, type TrainOptions } from '../../src/train/trainer.js';
import type { BatchSource } from '../../src/train/types.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const bin = path.join(repo, 'bin', 'tengen.js');
let tmp: string;
let dsDir: string;
let ds: Dataset;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tengen-prefetch-train-'));
  dsDir = path.join(tmp, 'ds');
  await buildDataset([path.join(repo, 'sgf-data', 'tom9d-2010-07-first20.sgf.gz')], dsDir, { minMoves: 40, allowHandicap: false, valPermille: 100 });
  ds = openDataset(dsDir);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const fsId = { name: 'basic', version: 1, planes: 9 };
function options(out: string, steps: number, resume = false): TrainOptions {
  return {
    out,
    arch: presetConfig('tiny', 9),
    featureSet: fsId,
    batch: 16,
    lr: 0.003,
    optimizer: { kind: 'adam', momentum: 0.9, weightDecay: 0 },
    schedule: 'constant',
    warmup: 0,
    seed: 3,
    steps,
    evalEvery: 0,
    checkpointEvery: 4,
    resume,
    workers: 1,
    backend: 'wasm',
    progress: false,
  };
}

async function run(source: BatchSource, out: string, steps: number, resume = false): Promise<Float32Array[]> {
  try {
    await train(source, null, options(out, steps, resume));
  } finally {
    await source.close?.();
  }
  return (await loadCheckpoint(path.join(out, 'checkpoint')))!.params;
}

describe('training with the prefetching loader', () => {
  it('ends with the weights of the in-thread loader, and resuming from a checkpoint changes nothing', async () => {
    const inThread = await run(createTrainingSource(ds, { features: 'basic', seed: 3 }), path.join(tmp, 'in-thread'), 10);
    const straight = await run(createPrefetchingSource(ds, { features: 'basic', seed: 3 }), path.join(tmp, 'straight'), 10);
    const split = path.join(tmp, 'split');
    const first = await run(createPrefetchingSource(ds, { features: 'basic', seed: 3 }), split, 4);
    const ck = await loadCheckpoint(path.join(split, 'checkpoint'));
    // The checkpointed cursor is the state after the 4 batches trained on, whatever the worker had prefetched.
    expect((ck!.state.dataCursor as { samples: number }).samples).toBe(4 * 16);
    const resumed = await run(createPrefetchingSource(ds, { features: 'basic', seed: 3 }), split, 10, true);
    expect(Array.from(resumed[0])).not.toEqual(Array.from(first[0]));
    straight.forEach((p, i) => {
      expect(Array.from(p), `param ${i} vs in-thread`).toEqual(Array.from(inThread[i]));
      expect(Array.from(resumed[i]), `param ${i} resumed`).toEqual(Array.from(p));
    });
  });

  it('`tengen train` on a dataset exits when done; --loader-workers rejects other values', () => {
    const args = ['train', '--data', dsDir, '--features', 'basic', '--preset', 'tiny', '--batch', '8', '--steps', '3', '--val-positions', '16', '--backend', 'wasm', '--no-progress'];
    const env = { ...process.env, LOG_LEVEL: 'warn' };
    const started = performance.now();
    const r = spawnSync(process.execPath, [bin, ...args, '--out', path.join(tmp, 'cli')], { cwd: repo, encoding: 'utf8', env, timeout: 540_000 });
    const wallSeconds = (performance.now() - started) / 1000;
    expect(r.error, 'tengen train did not exit within 540 s').toBeUndefined();
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(res.steps).toBe(3);
    // Time spent waiting for batches, in seconds: a part of the process's life (a unit slip, e.g. ms, fails here).
    expect(res.dataWaitSeconds).toBeGreaterThanOrEqual(0);
    expect(res.dataWaitSeconds).toBeLessThan(wallSeconds);
    const bad = spawnSync(process.execPath, [bin, ...args, '--out', path.join(tmp, 'bad'), '--loader-workers', '2'], { cwd: repo, encoding: 'utf8', env, timeout: 540_000 });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--loader-workers: expected an integer in 0\.\.1, got "2"/);
  });
});
