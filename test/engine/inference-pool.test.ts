// Inference worker pool: the same outputs as the model on the main thread, passes on several workers at once,
// a worker per backend instance, named failures.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, positionFromMoves } from '../../src/engine/index.js';
import { InferencePool } from '../../src/engine/inference-pool.js';
import { selectBackend } from '../../src/model/backend.js';
import { loadModel } from '../../src/model/io.js';
import { makeTinyModel } from './model-fixture.js';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { saveRandomModel } from '../../src/model/random-model.js';
import { getFeatureSet } from '../../src/features/registry.js';
import { forward } from '../../src/model/forward.js';
import { paramSpecs } from '../../src/model/params.js';

let model: { dir: string; cleanup: () => void };
beforeAll(async () => {
  model = await makeTinyModel();
});
afterAll(() => model?.cleanup());

describe('InferencePool', () => {
  it('matches the main-thread model row for row, with 2 workers running at once', async () => {
    await selectBackend('cpu');
    const loaded = await loadModel(model.dir);
    const planes = loaded.meta.featureSet.planes;
    const rowLen = 361 * planes;
    const rows = 5;
    const input = Float32Array.from({ length: rows * rowLen }, (_, i) => ((i * 7919) % 13 === 0 ? 1 : 0));
    const want = tf.tidy(() => (loaded.model.predict(tf.tensor4d(input, [rows, 19, 19, planes])) as tf.Tensor).dataSync() as Float32Array);
    loaded.model.dispose();
    const pool = await InferencePool.start({ modelDir: model.dir, backend: 'cpu', workers: 2, rowLen, outLen: 362, maxRows: 4 });
    try {
      expect(pool.size).toBe(2);
      expect(pool.backend).toBe('cpu');
      // Four passes at once on two workers; the 5-row pass outgrows the 4-row buffers.
      const outs = await Promise.all([pool.forward(input, rows), pool.forward(input, 2), pool.forward(input, rows), pool.forward(input, 1)]);
      for (const [k, n] of [rows, 2, rows, 1].entries()) {
        const out = outs[k]!;
        expect(out.length).toBe(n * 362);
        for (let r = 0; r < n; r++) {
          for (let p = 0; p < 361; p++) expect(out[r * 362 + p]).toBeCloseTo(want[r * 361 + p]!, 5);
          expect(out[r * 362 + 361]).toBe(0); // policy-only model: no value
        }
      }
    } finally {
      await pool.close();
    }
    await expect(pool.forward(input, 1)).rejects.toThrow(/closed/);
  }, 60_000);

  // Linux only, and only where the test process can still go 3 lower (under `nice -n 19` it cannot).
  it.runIf(existsSync('/proc/thread-self') && os.getPriority() <= 16)('runs its workers at a lower scheduling priority than the main thread (nice)', async () => {
    const niceOf = (): number[] =>
      readdirSync('/proc/self/task').map((tid) => {
        // Fields after the ")" that closes the thread's name: state is field 3, nice field 19.
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19 - 3]);
      });
    const base = os.getPriority();
    const before = niceOf();
    const pool = await InferencePool.start({ modelDir: model.dir, backend: 'cpu', workers: 1, rowLen: 361 * 9, outLen: 362, maxRows: 1, nice: 3 });
    try {
      const after = niceOf();
      expect(before.filter((n) => n === base + 3)).toHaveLength(0);
      expect(after.filter((n) => n === base + 3).length).toBeGreaterThanOrEqual(1);
      expect(os.getPriority()).toBe(base); // the main thread keeps its priority
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('names the failure when a worker cannot load the model', async () => {
    await expect(InferencePool.start({ modelDir: '/nonexistent/model', backend: 'cpu', workers: 1, rowLen: 361, outLen: 362, maxRows: 1 })).rejects.toThrow(
      /inference worker 0: .*nonexistent/,
    );
  }, 60_000);

  it('an Engine with inference workers answers exactly as one on the main thread (policy, value, symmetries)', async () => {
    const local = await Engine.load({ modelDir: model.dir, backend: 'cpu' });
    const pooled = await Engine.load({ modelDir: model.dir, backend: 'cpu', inferenceWorkers: 2, maxBatch: 4 });
    try {
      expect(pooled.stats().workers).toBe(2);
      expect(local.stats().workers).toBe(0);
      const boards = [[], ['Q16', 'D4'], ['Q16', 'D4', 'Q3', 'C16', 'R5']].map((moves) => positionFromMoves({ moves }).board);
      for (const sym of [1, 8] as const) {
        const a = await Promise.all(boards.map((b) => local.evaluate(b, { symmetries: sym })));
        const b = await Promise.all(boards.map((x) => pooled.evaluate(x, { symmetries: sym })));
        for (let i = 0; i < boards.length; i++) {
          expect(b[i]!.value).toEqual(a[i]!.value);
          for (let p = 0; p < 361; p++) expect(b[i]!.policy[p]).toBeCloseTo(a[i]!.policy[p]!, 5);
        }
      }
    } finally {
      await local.close();
      await pooled.close();
    }
    await expect(pooled.policy(positionFromMoves({ moves: [] }).board)).rejects.toThrow(/shutting down/);
  }, 120_000);

  it('a model with an ownership head: the engine returns its ownership (symmetry-averaged), the same through workers', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tengen-own-engine-'));
    try {
      const { config, params } = await saveRandomModel(dir + '/m', 'alphago49', { arch: { valueHead: { channels: 4, hidden: 8 }, ownershipHead: true } });
      const local = await Engine.load({ modelDir: dir + '/m', backend: 'cpu' });
      const pooled = await Engine.load({ modelDir: dir + '/m', backend: 'cpu', inferenceWorkers: 1, maxBatch: 8 });
      try {
        expect(local.hasOwnership).toBe(true);
        const board = positionFromMoves({ moves: ['Q16', 'D4', 'Q3'] }).board;
        const fs = getFeatureSet('alphago49');
        const x = new Float32Array(361 * fs.planes);
        fs.encode(board, x, 0, 7.5);
        const want = tf.tidy(() => tf.tanh(forward(config, params.map((a, i) => tf.tensor(a, paramSpecs(config)[i].shape)), tf.tensor4d(x, [1, 19, 19, fs.planes]), false).ownershipLogit!).dataSync());
        const one = await local.evaluate(board, { komi: 7.5 });
        for (let p = 0; p < 361; p++) expect(one.ownership![p]).toBeCloseTo(want[p]!, 5);
        for (const sym of [1, 8] as const) {
          const a = await local.evaluate(board, { symmetries: sym, komi: 7.5 });
          const b = await pooled.evaluate(board, { symmetries: sym, komi: 7.5 });
          for (let p = 0; p < 361; p++) expect(b.ownership![p]).toBeCloseTo(a.ownership![p]!, 5);
        }
      } finally {
        await local.close();
        await pooled.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
