// Ownership targets (data/ownership.ts) and their path through the loader: files written and checked against the
// dataset, seeded, the side to move's view, transformed with the planes, refused when stale.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transformPoint } from '../../src/features/symmetry.js';
import { BLACK } from '../../src/go/constants.js';
import { buildDataset } from '../../src/data/build.js';
import { openDataset, type Dataset } from '../../src/data/dataset.js';
import { entryColor } from '../../src/data/format.js';
import { createTrainingSource, validationPositions } from '../../src/data/loader.js';
import { buildOwnership, readOwnership, OWNERSHIP_FILE, OWNERSHIP_META } from '../../src/data/ownership.js';
import { writeFixtures, type FixtureSet } from './fixtures.js';

let fx: FixtureSet;
let ds: Dataset;
let out: string;

beforeAll(async () => {
  fx = writeFixtures();
  out = join(dirname(fx.dir), 'ds-own');
  await buildDataset([fx.dir], out, { minMoves: 40, allowHandicap: false, valPermille: 500 });
  ds = openDataset(out);
});
afterAll(() => rmSync(dirname(fx.dir), { recursive: true, force: true }));

describe('ownership targets', () => {
  it('a dataset without them gives no targets, and batches carry none', () => {
    expect(readOwnership(ds)).toBeNull();
    expect(createTrainingSource(ds, { features: 'basic', seed: 1 }).next(4).ownership).toBeUndefined();
  });

  it('are written per game, seeded, and see the fixture games\' rows of stones as their owners\'', () => {
    const meta = buildOwnership(ds, { playouts: 16, seed: 3 });
    expect(meta).toMatchObject({ games: ds.gameCount, playouts: 16, seed: 3, contentHash: ds.manifest.contentHash });
    const own = readOwnership(ds)!;
    expect(own.length).toBe(ds.gameCount * 361);
    const first = Buffer.from(readFileSync(join(out, OWNERSHIP_FILE)));
    buildOwnership(ds, { playouts: 16, seed: 3 });
    expect(Buffer.from(readFileSync(join(out, OWNERSHIP_FILE))).equals(first)).toBe(true);
    // Every fixture game fills row 3 from the left with Black and row 15 with White (fixtures.ts padMoves): a solid
    // 19-stone row with its own edge area behind it lives in random playouts.
    for (let g = 0; g < ds.gameCount; g++) {
      let black = 0;
      let white = 0;
      for (let x = 0; x < 19; x++) {
        black += own[g * 361 + 3 * 19 + x];
        white += own[g * 361 + 15 * 19 + x];
      }
      expect(black / 19 / 127).toBeGreaterThan(0.5);
      expect(white / 19 / 127).toBeLessThan(-0.5);
    }
  });

  it('reach batches from the side to move\'s view, transformed like the planes', () => {
    buildOwnership(ds, { playouts: 8, seed: 1 });
    const own = readOwnership(ds)!;
    const plain = createTrainingSource(ds, { features: 'basic', seed: 5, augment: false }).next(32);
    const aug = createTrainingSource(ds, { features: 'basic', seed: 5 }).next(32);
    expect(new Set(aug.symmetries).size).toBeGreaterThan(1);
    for (let i = 0; i < 32; i++) {
      const g = ds.gameOfEntry(plain.entries[i]);
      const sign = entryColor(ds.entries[plain.entries[i]]) === BLACK ? 1 : -1;
      for (let p = 0; p < 361; p++) {
        expect(plain.ownership![i * 361 + p]).toBeCloseTo((sign * own[g * 361 + p]) / 127, 6);
        expect(aug.ownership![i * 361 + transformPoint(p, aug.symmetries[i])]).toBe(plain.ownership![i * 361 + p]);
      }
    }
    const evalBatch = [...validationPositions(ds, { count: 10, split: 'all', features: 'basic' }).evalBatches(10)][0];
    expect(evalBatch.ownership!.length).toBe(10 * 361);
  });

  it('from another dataset or of the wrong size are refused, naming the file', () => {
    buildOwnership(ds, { playouts: 2 });
    const metaPath = join(out, OWNERSHIP_META);
    const good = readFileSync(metaPath, 'utf8');
    writeFileSync(metaPath, good.replace(ds.manifest.contentHash, 'f'.repeat(64)));
    expect(() => readOwnership(ds)).toThrow(/ownership\.json.*rerun tengen data ownership/);
    writeFileSync(metaPath, good);
    writeFileSync(join(out, OWNERSHIP_FILE), Buffer.alloc(10));
    expect(() => readOwnership(ds)).toThrow(/ownership\.bin: 10 bytes/);
    expect(() => buildOwnership(ds, { playouts: 0 })).toThrow(/playouts 0/);
  });
});
