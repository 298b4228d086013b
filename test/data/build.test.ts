import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDataset } from '../../src/data/build.js';
import { openDataset } from '../../src/data/dataset.js';
import type { BuildOptions } from '../../src/data/format.js';
import { writeFixtures, type FixtureSet } from './fixtures.js';

const DEFAULTS: BuildOptions = { minMoves: 40, allowHandicap: false, valPermille: 0 };
let fx: FixtureSet;
let tmp: string;

beforeAll(() => {
  fx = writeFixtures();
  tmp = dirname(fx.dir);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('data build on hand-written SGF', () => {
  it('keeps the good games and counts every dropped game under its reason', async () => {
    const out = join(tmp, 'ds-default');
    const r = await buildDataset([fx.dir], out, DEFAULTS);
    const m = r.manifest;
    expect(m.dropped).toEqual(fx.dropped);
    expect(m.counts.games).toBe(fx.kept);
    expect(m.counts.files).toBe(11); // notes.txt is skipped
    expect(m.counts.gamesRead).toBe(fx.kept + 9);
    expect(m.counts.positions).toBe(fx.positions);
    expect(m.counts.labelledPositions).toBe(fx.labelled);
    const ds = openDataset(out);
    expect(ds.gameCount).toBe(3);
    const sources = ds.games().map((g) => g.source).sort();
    // The duplicate pair: the gz copy sorts first, so good1.sgf is the one dropped.
    expect(sources).toEqual(['fx/coll.sgf.gz', 'fx/coll.sgf.gz', 'fx/sub/good2.sgf']);
  });

  it('keeps the handicap game with allowHandicap, with its setup stones', async () => {
    const out = join(tmp, 'ds-handicap');
    const r = await buildDataset([fx.dir], out, { ...DEFAULTS, allowHandicap: true });
    expect(r.manifest.counts.games).toBe(fx.kept + 1);
    expect(r.manifest.dropped.handicap_or_setup).toBeUndefined();
    expect(r.manifest.counts.setupStones).toBe(2);
    const meta = openDataset(out).games().find((g) => g.source === 'fx/handicap.sgf');
    expect(meta).toMatchObject({ handicap: 2, setup: 2, moves: 44, komi: 0.5 });
  });

  it('min moves and the too_short reason follow the option', async () => {
    const r = await buildDataset([fx.dir], join(tmp, 'ds-min60'), { ...DEFAULTS, minMoves: 60 });
    // Too short now: good1 (50) and its copy, good3 (46), ko (49), occupied (41), suicide (44), nonalt (42),
    // short (20). small13 and handicap keep their earlier reasons; only good2 (60) stays.
    expect(r.manifest.counts.games).toBe(1);
    expect(r.manifest.dropped.too_short).toBe(8);
    expect(r.manifest.dropped.wrong_size).toBe(1);
    expect(r.manifest.dropped.handicap_or_setup).toBe(1);
  });

  it('split is a function of the game alone: stable across rebuilds, input order and input subsets', async () => {
    const files = ['coll.sgf.gz', 'sub/good2.sgf', 'good1.sgf'].map((f) => join(fx.dir, f));
    const opts = { ...DEFAULTS, valPermille: 500 };
    const a = await buildDataset(files, join(tmp, 'ds-split-a'), opts);
    const b = await buildDataset([...files].reverse(), join(tmp, 'ds-split-b'), opts);
    const c = await buildDataset([files[1]], join(tmp, 'ds-split-c'), opts);
    expect(b.manifest.contentHash).toBe(a.manifest.contentHash);
    const splitOf = (dir: string): Map<string, string> => new Map(openDataset(dir).games().map((g) => [g.hash, g.split]));
    const sa = splitOf(join(tmp, 'ds-split-a'));
    const sc = splitOf(join(tmp, 'ds-split-c'));
    expect(sa.size).toBe(3);
    for (const [h, s] of sc) expect(sa.get(h)).toBe(s);
    // All-val (evaluation set) and no-val extremes.
    const all = await buildDataset(files, join(tmp, 'ds-allval'), { ...DEFAULTS, valPermille: 1000 });
    expect(all.manifest.counts.valGames).toBe(3);
    expect(all.manifest.counts.trainLabelled).toBe(0);
  });

  it('refuses to overwrite an existing dataset unless asked', async () => {
    const out = join(tmp, 'ds-exists');
    await buildDataset([join(fx.dir, 'good1.sgf')], out, DEFAULTS);
    await expect(buildDataset([join(fx.dir, 'good1.sgf')], out, DEFAULTS)).rejects.toThrow(/already exists/);
    const r = await buildDataset([join(fx.dir, 'sub')], out, { ...DEFAULTS, overwrite: true });
    expect(r.manifest.counts.games).toBe(1);
    expect(openDataset(out).games()[0].source).toBe('sub/good2.sgf');
  });

  it('a build that fails mid-way leaves neither a dataset nor a partial folder', async () => {
    const out = join(tmp, 'ds-crash');
    await expect(
      buildDataset([fx.dir], out, {
        ...DEFAULTS,
        afterGame: (n) => {
          if (n === 4) throw new Error('injected failure');
        },
      }),
    ).rejects.toThrow(/injected failure/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp).filter((n) => n.startsWith('ds-crash'))).toEqual([]);
  });

  it('rejects bad inputs with messages that name them', async () => {
    await expect(buildDataset([join(tmp, 'nope')], join(tmp, 'x'), DEFAULTS)).rejects.toThrow(/"[^"]*nope" does not exist/);
    await expect(buildDataset([join(fx.dir, 'notes.txt')], join(tmp, 'x'), DEFAULTS)).rejects.toThrow(/neither a folder nor/);
    await expect(buildDataset([fx.dir], join(tmp, 'x'), { ...DEFAULTS, valPermille: 1001 })).rejects.toThrow(/permille/);
  });
});
