import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Board } from '../../src/go/board.js';
import { PASS } from '../../src/go/constants.js';
import { getFeatureSet } from '../../src/features/registry.js';
import { transformPlanes, transformPoint } from '../../src/features/symmetry.js';
import { parseSgf, toGameRecord, type GameRecord } from '../../src/sgf/index.js';
import { buildDataset } from '../../src/data/build.js';
import { openDataset, type Dataset } from '../../src/data/dataset.js';
import { createTrainingSource, validationPositions, type Batch } from '../../src/data/loader.js';
import { writeFixtures, type FixtureSet } from './fixtures.js';

let fx: FixtureSet;
let ds: Dataset;
let out: string;

beforeAll(async () => {
  fx = writeFixtures();
  out = join(dirname(fx.dir), 'ds');
  // Handicap kept so setup-stone replay is covered; half of the games (by hash) in each split.
  await buildDataset([fx.dir], out, { minMoves: 40, allowHandicap: true, valPermille: 500 });
  ds = openDataset(out);
});
afterAll(() => rmSync(dirname(fx.dir), { recursive: true, force: true }));

/** The original record of dataset game g, re-read from its source file (independent of the dataset bytes). */
function sourceRecord(g: number): GameRecord {
  const meta = ds.games()[g];
  const file = join(dirname(fx.dir), meta.source);
  const parsed = parseSgf(readFileSync(file));
  return toGameRecord(parsed.games[parsed.gameIndexes.indexOf(meta.sourceIndex)]);
}

/** Board before move k of a record, replayed from scratch with the rules core. */
function boardBefore(rec: GameRecord, k: number): Board {
  const b = new Board();
  for (const p of rec.setup.black) b.setStone(p, 1);
  for (const p of rec.setup.white) b.setStone(p, 2);
  if (rec.moves.length > 0) b.toPlay = rec.moves[0].color;
  for (let i = 0; i < k; i++) b.play(rec.moves[i].point, rec.moves[i].color);
  return b;
}

/** Checks every sample of a batch against an independent replay of the source SGF (identity symmetry). */
function checkAgainstSource(batch: Batch, features: string): void {
  const fs = getFeatureSet(features);
  const want = new Float32Array(361 * fs.planes);
  for (let i = 0; i < batch.size; i++) {
    const e = batch.entries[i];
    const g = ds.gameOfEntry(e);
    const k = e - ds.gameStart(g) - ds.setupCount(g);
    const rec = sourceRecord(g);
    expect(batch.labels[i]).toBe(rec.moves[k].point);
    const board = boardBefore(rec, k);
    expect(board.toPlay).toBe(rec.moves[k].color);
    fs.encode(board, want, 0);
    const got = batch.inputs.subarray(i * want.length, (i + 1) * want.length);
    expect(Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(Buffer.from(want.buffer))).toBe(true);
  }
}

describe('loader', () => {
  it('the eval pass over all positions visits every non-pass move once, labels and planes equal to a replay', () => {
    const sample = validationPositions(ds, { count: Infinity, split: 'all', features: 'basic' });
    expect(sample.count).toBe(ds.manifest.counts.labelledPositions);
    let seen = 0;
    for (const batch of sample.evalBatches(37)) {
      checkAgainstSource(batch, 'basic');
      for (let i = 0; i < batch.size; i++) expect(batch.labels[i]).not.toBe(PASS);
      seen += batch.size;
    }
    expect(seen).toBe(fx.labelled + 44); // the three kept games plus the 44-move handicap game
  });

  it('training batches without augmentation equal a replay of the source games (alphago48)', () => {
    const src = createTrainingSource(ds, { features: 'alphago48', seed: 11, augment: false });
    const batch = src.next(24);
    expect(batch.inputs.length).toBe(24 * 361 * 48);
    for (let i = 0; i < batch.size; i++) expect(ds.isValidation(ds.gameOfEntry(batch.entries[i]))).toBe(false);
    checkAgainstSource(batch, 'alphago48');
  });

  it('positionsPerGame draws groups of samples from one game, still equal to a replay', () => {
    const src = createTrainingSource(ds, { features: 'basic', seed: 3, augment: false, positionsPerGame: 4 });
    const batch = src.next(16);
    for (let i = 0; i < 16; i += 4) {
      const g = ds.gameOfEntry(batch.entries[i]);
      for (let j = 1; j < 4; j++) expect(ds.gameOfEntry(batch.entries[i + j])).toBe(g);
    }
    checkAgainstSource(batch, 'basic');
    expect(() => createTrainingSource(ds, { features: 'basic', positionsPerGame: 0 })).toThrow(/positionsPerGame 0/);
  });

  it('an augmented sample is the symmetry-transformed unaugmented one', () => {
    const plain = createTrainingSource(ds, { features: 'alphago48', seed: 5, augment: false }).next(40);
    const aug = createTrainingSource(ds, { features: 'alphago48', seed: 5 }).next(40);
    expect(Array.from(aug.entries)).toEqual(Array.from(plain.entries));
    expect(new Set(aug.symmetries).size).toBeGreaterThan(1);
    const n = 361 * 48;
    const t = new Float32Array(n);
    for (let i = 0; i < 40; i++) {
      const s = aug.symmetries[i];
      expect(aug.labels[i]).toBe(transformPoint(plain.labels[i], s));
      transformPlanes(plain.inputs, t, 48, s, i * n, 0);
      expect(Array.from(aug.inputs.subarray(i * n, (i + 1) * n))).toEqual(Array.from(t));
    }
  });

  it('getState/setState resumes the exact stream; a state from another setup is refused', () => {
    const a = createTrainingSource(ds, { features: 'basic', seed: 99 });
    a.next(16);
    const state = JSON.parse(JSON.stringify(a.getState()));
    const second = a.next(16);
    const b = createTrainingSource(ds, { features: 'basic', seed: 1 });
    b.setState(state);
    const resumed = b.next(16);
    expect(Array.from(resumed.entries)).toEqual(Array.from(second.entries));
    expect(Array.from(resumed.symmetries)).toEqual(Array.from(second.symmetries));
    expect(Array.from(resumed.inputs)).toEqual(Array.from(second.inputs));
    const c = createTrainingSource(ds, { features: 'basic', seed: 2 });
    c.setCursor(JSON.parse(JSON.stringify(a.getCursor())));
    expect(Array.from(c.next(16).entries)).toEqual(Array.from(a.next(16).entries));
    expect(c.manifestHash).toBe(ds.manifest.contentHash);
    expect(c.positions).toBe(ds.manifest.counts.trainLabelled);
    const other = createTrainingSource(ds, { features: 'alphago48', seed: 1 });
    expect(() => other.setState(state)).toThrow(/features basic/);
  });

  it('the evaluation sample is identical across two opens, and depends on the seed', () => {
    const s1 = validationPositions(openDataset(out), { count: 30, seed: 7, split: 'all', features: 'basic' });
    const s2 = validationPositions(openDataset(out), { count: 30, seed: 7, split: 'all', features: 'basic' });
    const s3 = validationPositions(ds, { count: 30, seed: 8, split: 'all', features: 'basic' });
    expect(s1.count).toBe(30);
    expect(new Set(s1.entries).size).toBe(30);
    expect(Array.from(s2.entries)).toEqual(Array.from(s1.entries));
    expect(Array.from(s3.entries)).not.toEqual(Array.from(s1.entries));
    const b1 = [...s1.evalBatches(8)];
    const b2 = [...s2.evalBatches(8)];
    expect(b1.map((b) => b.size)).toEqual([8, 8, 8, 6]);
    for (let i = 0; i < b1.length; i++) {
      expect(Array.from(b2[i].labels)).toEqual(Array.from(b1[i].labels));
      expect(Array.from(b2[i].inputs)).toEqual(Array.from(b1[i].inputs));
    }
  });

  it('rejects bad arguments with clear messages', () => {
    const src = createTrainingSource(ds, { features: 'basic' });
    expect(() => src.next(0)).toThrow(/batch size 0/);
    expect(() => createTrainingSource(ds, { features: 'nope' })).toThrow(/unknown feature set "nope"/);
    expect(() => validationPositions(ds, { count: -1 })).toThrow(/count -1/);
  });
});
