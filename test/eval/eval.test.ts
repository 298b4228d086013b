// tengen eval on a tiny random model and a 20-game dataset: the figures (overall and per game phase) equal a
// brute-force evaluation of the same positions (one position at a time through the model's own softmax output); the
// sample is fixed by the seed; 8-symmetry averaging; SGF input, several --data paths; clear errors for bad models,
// data and flags.
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync, readdirSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset } from '../../src/data/dataset.js';
import { EvalSample, validationPositions } from '../../src/data/loader.js';
import { Replayer } from '../../src/data/replay.js';
import { legalMask } from '../../src/engine/engine.js';
import { getFeatureSet } from '../../src/features/registry.js';
import { inversePoint, transformPlanes } from '../../src/features/symmetry.js';
import { selectBackend } from '../../src/model/backend.js';
import { loadModel } from '../../src/model/io.js';
import { evaluateSample, type LogitsFn } from '../../src/eval/evaluate.js';
import { runEval } from '../../src/eval/run.js';
import { PHASES, phaseOfMove } from '../../src/eval/phases.js';
import { wilson } from '../../src/stats.js';
import { formatReport } from '../../src/eval/format.js';
import { buildSampleDataset, saveTinyModel, SGF_SAMPLE, tempDir } from './fixtures.js';

const tmp = tempDir();
let modelDir: string;
let dsDir: string;
beforeAll(async () => {
  await selectBackend('cpu');
  modelDir = path.join(tmp.dir, 'tiny');
  await saveTinyModel(modelDir, { features: 'basic', seed: 11 });
  dsDir = await buildSampleDataset(tmp.dir);
});
afterAll(() => tmp.cleanup());

/** Index of the largest value, first one on ties (argmax). */
function argmax(v: ArrayLike<number>, mask?: Uint8Array): number {
  let best = -1;
  for (let i = 0; i < v.length; i++) if ((!mask || mask[i]) && (best < 0 || v[i] > v[best])) best = i;
  return best;
}

/**
 * Move number of every move entry, counted independently of the evaluator: walk each game's entries, skip those
 * with the setup flag (bit 11), number the rest 1, 2, 3… (passes included).
 */
function moveNumbers(ds: ReturnType<typeof openDataset>): Map<number, number> {
  const out = new Map<number, number>();
  for (let g = 0; g < ds.gameCount; g++) {
    const end = g + 1 < ds.gameCount ? ds.gameStart(g + 1) : ds.entries.length;
    let k = 0;
    for (let e = ds.gameStart(g); e < end; e++) if ((ds.entries[e] & 0x800) === 0) out.set(e, ++k);
  }
  return out;
}

describe('game phases', () => {
  it('the position before move k is in the phase of k: 1–50, 51–150, 151+', () => {
    expect(PHASES.map((p) => p.name)).toEqual(['1-50', '51-150', '151+']);
    expect([1, 50, 51, 150, 151, 400].map(phaseOfMove)).toEqual([0, 0, 1, 1, 2, 2]);
    expect(() => phaseOfMove(0)).toThrow(/move number 0/);
  });
});

describe('figures equal a brute-force evaluation', () => {
  it('top-1, top-5, top-10, legal top-1, log-loss and the phase split of 300 positions, batch 37', async () => {
    const report = await runEval({ modelDir, data: dsDir, positions: 300, seed: 3, symmetries: 1, batch: 37, backend: 'cpu' });
    // Brute force: the loader's own encoding, one position per predict() through the model's softmax output.
    const ds = openDataset(dsDir);
    const sample = validationPositions(ds, { count: 300, seed: 3, split: 'val', features: 'basic' });
    const { model } = await loadModel(modelDir);
    const replayer = new Replayer(ds);
    const legal = new Uint8Array(361);
    const numbers = moveNumbers(ds);
    let top1 = 0, top5 = 0, top10 = 0, top1Legal = 0, loss = 0, n = 0;
    // Per phase [positions, top-1, top-5, top-10], phase boundaries written out here rather than taken from PHASES.
    const byPhase = [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]];
    for (const b of sample.evalBatches(1)) {
      const probs = tf.tidy(() => (model.predict(tf.tensor4d(b.inputs, [1, 19, 19, 9])) as tf.Tensor).dataSync());
      const label = b.labels[0];
      const order = Array.from(probs.keys()).sort((x, y) => probs[y] - probs[x] || x - y);
      if (order[0] === label) top1++;
      if (order.slice(0, 5).includes(label)) top5++;
      if (order.slice(0, 10).includes(label)) top10++;
      const k = numbers.get(b.entries[0])!;
      const ph = byPhase[k <= 50 ? 0 : k <= 150 ? 1 : 2];
      ph[0]++;
      if (order[0] === label) ph[1]++;
      if (order.slice(0, 5).includes(label)) ph[2]++;
      if (order.slice(0, 10).includes(label)) ph[3]++;
      loss += -Math.log(probs[label]);
      replayer.seek(b.entries[0]);
      legalMask(replayer.board, legal);
      if (argmax(probs, legal) === label) top1Legal++;
      n++;
    }
    model.dispose();
    const f = report;
    expect(n).toBe(300);
    expect(f.positions).toBe(300);
    expect(f.top1.hits).toBe(top1);
    expect(f.top5.hits).toBe(top5);
    expect(f.top10.hits).toBe(top10);
    expect(f.top10.rate).toBe(top10 / 300);
    expect(top10).toBeGreaterThan(top5);
    expect(f.phases.map((p) => [p.positions, p.top1.hits, p.top5.hits, p.top10.hits])).toEqual(byPhase);
    // The 20 real games reach move 151, so every phase is represented.
    for (const ph of byPhase) expect(ph[0]).toBeGreaterThan(0);
    expect(byPhase[0][0] + byPhase[1][0] + byPhase[2][0]).toBe(300);
    for (let i = 0; i < 3; i++) {
      const p = f.phases[i];
      expect(p.top5.n).toBe(byPhase[i][0]);
      expect({ lo: p.top10.lo, hi: p.top10.hi }).toEqual(wilson(byPhase[i][3], byPhase[i][0]));
    }
    expect(f.top1Legal?.hits).toBe(top1Legal);
    expect(f.logLoss.mean).toBeCloseTo(loss / n, 3);
    // The random model is weak but not degenerate: some hits, and legal masking can only help top-1.
    expect(top5).toBeGreaterThan(top1);
    expect(top1Legal).toBeGreaterThanOrEqual(top1);
    expect(f.top1.lo).toBeLessThanOrEqual(f.top1.rate);
    expect(f.top1.hi).toBeGreaterThanOrEqual(f.top1.rate);
    expect(report.sample).toEqual({ split: 'val', seed: 3, count: 300, population: ds.labelledPositions('val').length });
    expect(report.data.contentHash).toBe(ds.manifest.contentHash);
    expect(report.model.featureSet.name).toBe('basic');
    const text = formatReport(report);
    expect(text).toContain(`| top-1 | ${((100 * top1) / 300).toFixed(2)}% |`);
    expect(text).toContain(`| top-10 | ${((100 * top10) / 300).toFixed(2)}% |`);
    expect(text).toContain(`| 151+ | ${byPhase[2][0]} | ${((100 * byPhase[2][1]) / byPhase[2][0]).toFixed(2)}% (`);
    expect(text).toMatch(/no legal masking/);
  });
});

describe('the sample', () => {
  it('same seed → same positions and figures; another seed → another sample', async () => {
    const a = await runEval({ modelDir, data: dsDir, positions: 120, seed: 5, symmetries: 1, batch: 64, backend: 'cpu' });
    const b = await runEval({ modelDir, data: dsDir, positions: 120, seed: 5, symmetries: 1, batch: 16, backend: 'cpu' });
    expect(b.top1).toEqual(a.top1);
    expect(b.top5).toEqual(a.top5);
    expect(b.top10).toEqual(a.top10);
    expect(b.phases).toEqual(a.phases);
    expect(b.logLoss.mean).toBeCloseTo(a.logLoss.mean, 9);
    const ds = openDataset(dsDir);
    const s5 = validationPositions(ds, { count: 120, seed: 5, split: 'val' }).entries;
    const s6 = validationPositions(ds, { count: 120, seed: 6, split: 'val' }).entries;
    expect(Array.from(s5)).not.toEqual(Array.from(s6));
  });

  it('SGF input is built into a temporary all-val dataset (same content hash and figures), then removed', async () => {
    const before = readdirSync(os.tmpdir()).filter((n) => n.startsWith('tengen-eval-')).length;
    const fromSgf = await runEval({ modelDir, data: SGF_SAMPLE, positions: 100, seed: 2, symmetries: 1, batch: 50, backend: 'cpu' });
    const fromDs = await runEval({ modelDir, data: dsDir, positions: 100, seed: 2, symmetries: 1, batch: 50, backend: 'cpu' });
    expect(fromSgf.data.builtFromSgf).toBe(true);
    expect(fromSgf.data.contentHash).toBe(fromDs.data.contentHash);
    expect(fromSgf.top1).toEqual(fromDs.top1);
    expect(fromSgf.top5).toEqual(fromDs.top5);
    expect(readdirSync(os.tmpdir()).filter((n) => n.startsWith('tengen-eval-')).length).toBe(before);
  });

  it('several SGF paths (a file and a folder) are built together: the same figures as one file holding their games', async () => {
    // 2 lines per game: games 1–5 in a.sgf, games 6–10 in more/b.sgf, and all ten in ab.sgf.
    const lines = readFileSync(SGF_SAMPLE, 'utf8').split('\n');
    const dir = path.join(tmp.dir, 'multi');
    mkdirSync(path.join(dir, 'more'), { recursive: true });
    writeFileSync(path.join(dir, 'a.sgf'), lines.slice(0, 10).join('\n') + '\n');
    writeFileSync(path.join(dir, 'more', 'b.sgf'), lines.slice(10, 20).join('\n') + '\n');
    writeFileSync(path.join(dir, 'ab.sgf'), lines.slice(0, 20).join('\n') + '\n');
    // A sample larger than the split takes every position, so game order cannot matter.
    const opts = { modelDir, positions: 1_000_000, seed: 0, symmetries: 1 as const, batch: 256, backend: 'cpu', legal: false };
    const two = await runEval({ ...opts, data: [path.join(dir, 'a.sgf'), path.join(dir, 'more')] });
    const one = await runEval({ ...opts, data: path.join(dir, 'ab.sgf') });
    expect(two.data.inputs).toEqual([path.join(dir, 'a.sgf'), path.join(dir, 'more')]);
    expect(two.data.games).toBe(one.data.games);
    expect(two.data.games).toBeGreaterThanOrEqual(9);
    expect(two.positions).toBe(one.positions);
    expect(two.top1).toEqual(one.top1);
    expect(two.top10).toEqual(one.top10);
    expect(two.phases).toEqual(one.phases);
  });
});

describe('8-symmetry averaging', () => {
  const fs = getFeatureSet('basic');
  const planes = fs.planes;
  // Pointwise logits (each point's planes only): equivariant under every symmetry by construction.
  const w = Array.from({ length: planes }, (_, k) => Math.sin(3 * k + 1) * 2);
  const pointwise = async (inputs: Float32Array, rows: number): Promise<Float32Array> => {
    const out = new Float32Array(rows * 361);
    for (let r = 0; r < rows; r++) for (let p = 0; p < 361; p++) {
      let z = 0;
      for (let k = 0; k < planes; k++) z += w[k] * inputs[(r * 361 + p) * planes + k];
      out[r * 361 + p] = z;
    }
    return out;
  };
  // Adding a per-point bias breaks the equivariance (the board's orientation matters).
  const bias = Array.from({ length: 361 }, (_, p) => Math.cos(p * 0.37) * 1.5);
  const biased = async (inputs: Float32Array, rows: number): Promise<Float32Array> => {
    const out = await pointwise(inputs, rows);
    for (let i = 0; i < out.length; i++) out[i] += bias[i % 361];
    return out;
  };
  /** Moves 10..60 of each game: past the opening, where symmetric boards make exact ties. */
  function middleGameSample(): EvalSample {
    const ds = openDataset(dsDir);
    const entries: number[] = [];
    for (let g = 0; g < ds.gameCount; g++) {
      const first = ds.gameStart(g) + ds.setupCount(g);
      for (let k = 10; k < Math.min(60, ds.moveCount(g)); k += 7) if ((ds.entries[first + k] & 0x1ff) !== 361) entries.push(first + k);
    }
    return new EvalSample(ds, Uint32Array.from(entries), fs);
  }

  it('an equivariant model gets the same figures with 1 and 8 symmetries', async () => {
    const sample = middleGameSample();
    const one = await evaluateSample(sample, pointwise, { symmetries: 1, batch: 32 });
    const eight = await evaluateSample(sample, pointwise, { symmetries: 8, batch: 32 });
    expect(one.positions).toBe(sample.count);
    expect(eight.top1.hits).toBe(one.top1.hits);
    expect(eight.top5.hits).toBe(one.top5.hits);
    expect(eight.top1Legal?.hits).toBe(one.top1Legal?.hits);
    expect(eight.logLoss.mean).toBeCloseTo(one.logLoss.mean, 6);
  });

  it('a non-equivariant model: 8 symmetries equal a hand-written average of the 8 transformed predictions', async () => {
    const sample = middleGameSample();
    const eight = await evaluateSample(sample, biased, { symmetries: 8, batch: 13, legal: false });
    const one = await evaluateSample(sample, biased, { symmetries: 1, batch: 13, legal: false });
    // Brute force, written from the other side: point r of the board transformed by s is original point s⁻¹(r).
    let top1 = 0, loss = 0;
    const enc = new Float32Array(361 * planes);
    const tr = new Float32Array(361 * planes);
    for (const b of sample.evalBatches(1)) {
      enc.set(b.inputs);
      const avg = new Float64Array(361);
      for (let s = 0; s < 8; s++) {
        transformPlanes(enc, tr, planes, s);
        const z = await biased(tr, 1);
        let sum = 0;
        for (let r = 0; r < 361; r++) sum += Math.exp(z[r]);
        for (let r = 0; r < 361; r++) avg[inversePoint(r, s)] += Math.exp(z[r]) / sum / 8;
      }
      if (argmax(avg) === b.labels[0]) top1++;
      loss -= Math.log(avg[b.labels[0]]);
    }
    expect(eight.top1.hits).toBe(top1);
    expect(eight.logLoss.mean).toBeCloseTo(loss / sample.count, 6);
    expect(eight.top1Legal).toBeNull();
    // The averaging really happened: the biased model's single-orientation loss differs.
    expect(Math.abs(one.logLoss.mean - eight.logLoss.mean)).toBeGreaterThan(1e-3);
  });
});

describe('errors', () => {
  const base = { positions: 10, seed: 0, symmetries: 1 as const, batch: 8, backend: 'cpu' };
  it('a missing or corrupt model directory', async () => {
    await expect(runEval({ ...base, modelDir: path.join(tmp.dir, 'absent'), data: dsDir })).rejects.toThrow(/model directory does not exist/);
    const bad = path.join(tmp.dir, 'bad-model');
    mkdirSync(bad);
    writeFileSync(path.join(bad, 'tengen.json'), '{ not json');
    await expect(runEval({ ...base, modelDir: bad, data: dsDir })).rejects.toThrow(/tengen\.json: corrupt JSON/);
  });
  it('a model trained on something other than Go positions', async () => {
    const syn = path.join(tmp.dir, 'synthetic-model');
    await saveTinyModel(syn, { recordedFeatures: { name: 'synthetic:stone', version: 1, planes: 9 } });
    await expect(runEval({ ...base, modelDir: syn, data: dsDir })).rejects.toThrow(/synthetic-model: cannot evaluate on Go data: unknown feature set "synthetic:stone"/);
  });
  it('missing data, SGF without usable games, a dataset without the split, bad flags', async () => {
    await expect(runEval({ ...base, modelDir, data: path.join(tmp.dir, 'nowhere') })).rejects.toThrow(/--data .*nowhere: no such file or folder/);
    const junk = path.join(tmp.dir, 'junk');
    mkdirSync(junk);
    writeFileSync(path.join(junk, 'short.sgf'), '(;GM[1]SZ[19];B[pd];W[dp])');
    await expect(runEval({ ...base, modelDir, data: junk })).rejects.toThrow(/junk: no usable games/);
    await expect(runEval({ ...base, modelDir, data: dsDir, split: 'train' })).rejects.toThrow(/no labelled positions in the "train" split/);
    await expect(runEval({ ...base, modelDir, data: dsDir, positions: 0 })).rejects.toThrow(/--positions/);
    await expect(runEval({ ...base, modelDir, data: dsDir, symmetries: 4 as unknown as 1 })).rejects.toThrow(/--symmetries/);
    expect(existsSync(junk)).toBe(true);
    await expect(runEval({ ...base, modelDir, data: [dsDir, SGF_SAMPLE] })).rejects.toThrow(/--data: give one dataset folder alone, or any number of SGF files\/folders; got dataset folder .*ds among 2 inputs/);
    await expect(runEval({ ...base, modelDir, data: [dsDir, dsDir] })).rejects.toThrow(/got dataset folders .*ds, .*ds among 2 inputs/);
    await expect(runEval({ ...base, modelDir, data: [] })).rejects.toThrow(/--data: no input given/);
  });
  it('a corrupt dataset folder names the file', async () => {
    const copy = path.join(tmp.dir, 'ds-corrupt');
    mkdirSync(copy);
    for (const f of readdirSync(dsDir)) writeFileSync(path.join(copy, f), readFileSync(path.join(dsDir, f)));
    writeFileSync(path.join(copy, 'index.bin'), readFileSync(path.join(dsDir, 'index.bin')).subarray(4));
    await expect(runEval({ ...base, modelDir, data: copy })).rejects.toThrow(/index\.bin has .* bytes/);
  });
});

describe('the command line', () => {
  const bin = path.resolve('bin/tengen.js');
  it('tengen eval --json prints the report; a bad model exits 1 naming the directory', async () => {
    const { spawnSync } = await import('node:child_process');
    const ok = spawnSync(process.execPath, [bin, 'eval', '--model', modelDir, '--data', dsDir, '--sample', '40', '--batch', '16', '--backend', 'cpu', '--json'], { encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    const report = JSON.parse(ok.stdout);
    expect(report.positions).toBe(40);
    for (const k of ['top1', 'top5', 'top10']) expect(Object.keys(report[k]).sort()).toEqual(['hi', 'hits', 'lo', 'n', 'rate']);
    expect(report.top10.hits).toBeGreaterThanOrEqual(report.top5.hits);
    expect(report.phases.map((p: { name: string }) => p.name)).toEqual(['1-50', '51-150', '151+']);
    expect(report.phases.reduce((s: number, p: { positions: number }) => s + p.positions, 0)).toBe(40);
    // --positions is an alias of --sample: the same sample and figures.
    const alias = spawnSync(process.execPath, [bin, 'eval', '--model', modelDir, '--data', dsDir, '--positions', '40', '--batch', '16', '--backend', 'cpu', '--json'], { encoding: 'utf8' });
    expect(alias.status, alias.stderr).toBe(0);
    const ar = JSON.parse(alias.stdout);
    expect([ar.top1, ar.top10, ar.phases]).toEqual([report.top1, report.top10, report.phases]);
    // No --model: TENGEN_MODEL (flag > env > default models/default).
    const viaEnv = spawnSync(process.execPath, [bin, 'eval', '--data', dsDir, '--sample', '40', '--batch', '16', '--backend', 'cpu', '--json'], { encoding: 'utf8', env: { ...process.env, TENGEN_MODEL: modelDir } });
    expect(viaEnv.status, viaEnv.stderr).toBe(0);
    expect(JSON.parse(viaEnv.stdout).top1).toEqual(report.top1);
    const clash = spawnSync(process.execPath, [bin, 'eval', '--model', modelDir, '--data', dsDir, '--sample', '40', '--positions', '50'], { encoding: 'utf8' });
    expect(clash.status).toBe(1);
    expect(clash.stderr).toMatch(/--sample 40 and --positions 50 disagree/);
    expect(report.sample).toMatchObject({ seed: 0, count: 40, split: 'val' });
    expect(report.note).toMatch(/no legal masking/);
    const bad = spawnSync(process.execPath, [bin, 'eval', '--model', path.join(tmp.dir, 'absent'), '--data', dsDir, '--backend', 'cpu'], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/absent: model directory does not exist/);
    const flag = spawnSync(process.execPath, [bin, 'eval', '--model', modelDir, '--data', dsDir, '--symmetries', '4'], { encoding: 'utf8' });
    expect(flag.status).toBe(1);
    expect(flag.stderr).toMatch(/--symmetries: expected 1 or 8/);
  });

  it('--record stores the figures in tengen.json: replaced for the same sample, added for another, refused if the weights changed', async () => {
    const { spawnSync } = await import('node:child_process');
    const { cpSync } = await import('node:fs');
    const dir = path.join(tmp.dir, 'recorded');
    cpSync(modelDir, dir, { recursive: true });
    const run = (...extra: string[]) => spawnSync(process.execPath, [bin, 'eval', '--model', dir, '--data', dsDir, '--batch', '16', '--backend', 'cpu', '--json', '--record', ...extra], { encoding: 'utf8' });
    const a = run('--sample', '30');
    expect(a.status, a.stderr).toBe(0);
    expect(a.stderr).toMatch(/recorded in .*tengen\.json \(1 evaluation\)/);
    const report = JSON.parse(a.stdout);
    let meta = JSON.parse(readFileSync(path.join(dir, 'tengen.json'), 'utf8'));
    expect(meta.evaluations).toHaveLength(1);
    expect(meta.evaluations[0]).toMatchObject({ data: report.data.contentHash, split: 'val', seed: 0, positions: 30, symmetries: 1, logLoss: report.logLoss.mean });
    expect(meta.evaluations[0].top1).toEqual({ rate: report.top1.rate, lo: report.top1.lo, hi: report.top1.hi });
    expect(run('--sample', '30').stderr).toMatch(/\(1 evaluation\)/); // same sample: replaced
    expect(run('--sample', '20').stderr).toMatch(/\(2 evaluations\)/); // another sample: added
    meta = JSON.parse(readFileSync(path.join(dir, 'tengen.json'), 'utf8'));
    expect(meta.evaluations.map((e: { positions: number }) => e.positions)).toEqual([30, 20]);
    expect((await loadModel(dir)).meta.evaluations).toHaveLength(2); // still a valid model
    // A corrupt record is refused on load, naming the field.
    writeFileSync(path.join(dir, 'tengen.json'), JSON.stringify({ ...meta, evaluations: [{ ...meta.evaluations[0], top5: { rate: 2, lo: 0, hi: 1 } }] }));
    await expect(loadModel(dir)).rejects.toThrow(/evaluations\[0\]\.top5 must be \{rate, lo, hi\}/);
    writeFileSync(path.join(dir, 'tengen.json'), JSON.stringify(meta));
    // The weights changing between load and record: nothing is written.
    const { recordEvaluation } = await import('../../src/model/record-evaluation.js');
    await expect(recordEvaluation(dir, meta.evaluations[0], '0000000000000000')).rejects.toThrow(/weights\.bin: changed during the evaluation/);
    expect(JSON.parse(readFileSync(path.join(dir, 'tengen.json'), 'utf8')).evaluations).toHaveLength(2);
  });
});
