// tengen eval over an ensemble (several --model dirs): the figures equal a brute-force evaluation of the members'
// averaged softmaxes (and values); an ensemble of one model twice scores as the model; members must read the same
// planes; --record refuses an ensemble.
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset } from '../../src/data/dataset.js';
import { validationPositions } from '../../src/data/loader.js';
import { Replayer } from '../../src/data/replay.js';
import { ensembleLogits } from '../../src/eval/ensemble.js';
import { formatReport } from '../../src/eval/format.js';
import { modelId, runEval } from '../../src/eval/run.js';
import { selectBackend } from '../../src/model/backend.js';
import { loadModel } from '../../src/model/io.js';
import { saveRandomModel } from '../../src/model/random-model.js';
import { buildSampleDataset, REPO, saveTinyModel, tempDir } from './fixtures.js';

const tmp = tempDir();
let a: string, b: string, va: string, vb: string, pa: string, dsDir: string;
beforeAll(async () => {
  await selectBackend('cpu');
  a = path.join(tmp.dir, 'a');
  b = path.join(tmp.dir, 'b');
  await saveTinyModel(a, { features: 'basic', seed: 11 });
  await saveTinyModel(b, { features: 'basic', seed: 12, headScale: 3 });
  va = path.join(tmp.dir, 'va');
  vb = path.join(tmp.dir, 'vb');
  const arch = { depth: 2, width: 8, block: 'plain' as const, valueHead: { channels: 2, hidden: 4 } };
  await saveRandomModel(va, 'alphago49', { arch, seed: 3, headScale: 8 });
  await saveRandomModel(vb, 'alphago49', { arch, seed: 4, headScale: 5 });
  pa = path.join(tmp.dir, 'pa');
  await saveRandomModel(pa, 'alphago49', { arch: { depth: 2, width: 8, block: 'plain' }, seed: 5 });
  dsDir = await buildSampleDataset(tmp.dir);
});
afterAll(() => tmp.cleanup());

/** Brute force over `dirs`: per position the mean of the models' own softmax (and value) outputs, one predict() each. */
async function bruteForce(dirs: string[], features: string, count: number, seed: number): Promise<{ top1: number; top5: number; loss: number; value: number[] }> {
  const ds = openDataset(dsDir);
  const sample = validationPositions(ds, { count, seed, split: 'val', features });
  const models = await Promise.all(dirs.map((d) => loadModel(d)));
  const planes = models[0]!.meta.architecture.planes;
  let top1 = 0, top5 = 0, loss = 0;
  const value: number[] = [];
  for (const batch of sample.evalBatches(1)) {
    const mean = new Float64Array(361);
    let v = 0;
    for (const m of models) {
      const out = tf.tidy(() => {
        const y = m.model.predict(tf.tensor4d(batch.inputs, [1, 19, 19, planes]));
        return (Array.isArray(y) ? y : [y]).map((t) => t.dataSync());
      });
      for (let p = 0; p < 361; p++) mean[p] += out[0]![p]! / models.length;
      if (out.length > 1) v += out[1]![0]! / models.length;
    }
    const label = batch.labels[0]!;
    const order = Array.from(mean.keys()).sort((x, y) => mean[y]! - mean[x]! || x - y);
    if (order[0] === label) top1++;
    if (order.slice(0, 5).includes(label)) top5++;
    loss -= Math.log(mean[label]!);
    value.push(v);
  }
  for (const m of models) m.model.dispose();
  return { top1, top5, loss: loss / sample.count, value };
}

describe('ensembleLogits', () => {
  it("softmax of its output is the members' mean softmax; values are the mean; a member without values is named", async () => {
    const rows = 3;
    const f = (k: number) => async (_x: Float32Array, n: number) => {
      const logits = new Float32Array(n * 361).map((_, i) => Math.sin(i * (k + 1) * 0.01) * 4);
      return { logits, values: new Float32Array(n).map((_, r) => (k ? 0.5 : -0.1) * (r + 1) * 0.3) };
    };
    const out = await ensembleLogits([f(0), f(1)], true)(new Float32Array(1), rows);
    if (out instanceof Float32Array || !out.values) throw new Error('expected logits and values');
    for (let r = 0; r < rows; r++) {
      let z = 0;
      for (let p = 0; p < 361; p++) z += Math.exp(out.logits[r * 361 + p]!);
      expect(z).toBeCloseTo(1, 5); // already normalised: the log of a distribution
      for (const p of [0, 17, 200]) {
        const soft = (k: number) => {
          const row = Array.from({ length: 361 }, (_, q) => Math.exp(Math.sin((r * 361 + q) * (k + 1) * 0.01) * 4));
          return row[p]! / row.reduce((s, x) => s + x, 0);
        };
        expect(Math.exp(out.logits[r * 361 + p]!)).toBeCloseTo((soft(0) + soft(1)) / 2, 6);
      }
      expect(out.values[r]).toBeCloseTo(((-0.1 + 0.5) * (r + 1) * 0.3) / 2, 6);
    }
    const policyOnly = async (_x: Float32Array, n: number) => new Float32Array(n * 361);
    await expect(ensembleLogits([f(0), policyOnly], true)(new Float32Array(1), 1)).rejects.toThrow(/member 2: has no value head/);
    expect(() => ensembleLogits([], false)).toThrow(/no member/);
  });
});

describe('tengen eval --model A B', () => {
  it('the figures equal a brute force of the two models averaged, and the report names both', async () => {
    const r = await runEval({ modelDir: [a, b], data: dsDir, positions: 200, seed: 4, symmetries: 1, batch: 33, backend: 'cpu' });
    const bf = await bruteForce([a, b], 'basic', 200, 4);
    expect(r.top1.hits).toBe(bf.top1);
    expect(r.top5.hits).toBe(bf.top5);
    expect(r.logLoss.mean).toBeCloseTo(bf.loss, 4);
    expect(r.ensemble?.map((m) => m.dir)).toEqual([a, b]);
    expect(r.model.dir).toBe(a);
    expect(r.value).toBeNull();
    // The members alone score differently from their mean (the ensemble really averaged two nets).
    const alone = await runEval({ modelDir: a, data: dsDir, positions: 200, seed: 4, symmetries: 1, batch: 33, backend: 'cpu' });
    expect(alone.ensemble).toBeUndefined();
    expect(Math.abs(alone.logLoss.mean - r.logLoss.mean)).toBeGreaterThan(1e-3);
    const text = formatReport(r);
    expect(text).toMatch(/^ensemble of 2 models \(softmaxes averaged\):\n {2}a \(.*\n {2}b \(/);
  });

  it('one model twice scores as the model alone', async () => {
    const one = await runEval({ modelDir: a, data: dsDir, positions: 60, seed: 2, symmetries: 8, batch: 64, backend: 'cpu' });
    const twice = await runEval({ modelDir: [a, a], data: dsDir, positions: 60, seed: 2, symmetries: 8, batch: 64, backend: 'cpu' });
    expect(twice.top1.hits).toBe(one.top1.hits);
    expect(twice.top5.hits).toBe(one.top5.hits);
    expect(twice.top10.hits).toBe(one.top10.hits);
    expect(twice.logLoss.mean).toBeCloseTo(one.logLoss.mean, 5);
  });

  it("value-head members: the ensemble's value is their mean; with a policy-only member there is none", async () => {
    const r = await runEval({ modelDir: [va, vb], data: dsDir, positions: 120, seed: 1, symmetries: 1, batch: 40, backend: 'cpu' });
    const bf = await bruteForce([va, vb], 'alphago49', 120, 1);
    expect(r.top1.hits).toBe(bf.top1);
    expect(r.logLoss.mean).toBeCloseTo(bf.loss, 4);
    // The value figures from the mean value, written out: P(mover wins) = (v + 1) / 2 against each game's winner.
    const ds = openDataset(dsDir);
    const sample = validationPositions(ds, { count: 120, seed: 1, split: 'val', features: 'alphago49' });
    const { winner } = ds.outcomes();
    const replayer = new Replayer(ds);
    let hits = 0, loss = 0, n = 0;
    sample.entries.forEach((e, i) => {
      const g = ds.gameOfEntry(e);
      if (winner[g] === 0) return;
      replayer.seek(e);
      const won = winner[g] === replayer.board.toPlay;
      const p = (bf.value[i]! + 1) / 2;
      n++;
      if (p > 0.5 === won) hits++;
      loss -= Math.log(won ? p : 1 - p);
    });
    expect(n).toBeGreaterThan(100);
    expect(r.value?.positions).toBe(n);
    expect(r.value!.overall.accuracy.rate).toBeCloseTo(hits / n, 9);
    expect(r.value!.overall.logLoss).toBeCloseTo(loss / n, 4);
    expect(formatReport(r)).toMatch(/softmaxes and values averaged/);
    const single = await runEval({ modelDir: va, data: dsDir, positions: 120, seed: 1, symmetries: 1, batch: 40, backend: 'cpu' });
    expect(r.value!.overall.logLoss).not.toBeCloseTo(single.value!.overall.logLoss, 6);
    const mixed = await runEval({ modelDir: [va, pa], data: dsDir, positions: 40, seed: 1, symmetries: 1, batch: 40, backend: 'cpu' });
    expect(mixed.value).toBeNull();
    expect(formatReport(mixed)).toMatch(/\(softmaxes averaged\)/);
  });

  it('members must read the same planes', async () => {
    await expect(runEval({ modelDir: [a, va], data: dsDir, positions: 10, seed: 0, symmetries: 1, batch: 8, backend: 'cpu' })).rejects.toThrow(
      /--model .*va: cannot join an ensemble with .*a: /,
    );
    await expect(runEval({ modelDir: [], data: dsDir, positions: 10, seed: 0, symmetries: 1, batch: 8, backend: 'cpu' })).rejects.toThrow(/--model: no model directory/);
  });

  it('the command line: --model takes several dirs, --json names the ensemble, --record refuses it', () => {
    const bin = path.join(REPO, 'bin/tengen.js');
    const ok = spawnSync(process.execPath, [bin, 'eval', '--model', a, b, '--data', dsDir, '--sample', '30', '--batch', '16', '--backend', 'cpu', '--json'], { encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).ensemble.map((m: { id: string }) => m.id)).toEqual(['a', 'b']);
    const rec = spawnSync(process.execPath, [bin, 'eval', '--model', a, b, '--data', dsDir, '--record'], { encoding: 'utf8' });
    expect(rec.status).toBe(1);
    expect(rec.stderr).toMatch(/--record: an ensemble of 2 models has no one tengen\.json/);
  });

  it("names a run's best/ and checkpoint/ with the run's folder", () => {
    expect(modelId('models/runs/own-6x64-r3/checkpoint')).toBe('own-6x64-r3/checkpoint');
    expect(modelId('/x/r2/best')).toBe('r2/best');
    expect(modelId('models/default')).toBe('default');
    expect(modelId('models/default.old')).toBe('default');
  });
});
