import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDataset } from '../../src/data/build.js';
import { openDataset } from '../../src/data/dataset.js';
import { entryColor, entryIsSetup, entryPoint, packEntry } from '../../src/data/format.js';
import { fractionToPermille, isValidationHash, splitBucket } from '../../src/data/hash.js';
import { writeFixtures, type FixtureSet } from './fixtures.js';

const REPO = resolve(import.meta.dirname, '../..');
const DATA = resolve(REPO, '../shared/data');
const DEV = join(DATA, 'tom9d/dev');
const TRAIN = join(DATA, 'tom9d/train');
const haveDev = existsSync(join(DEV, 'tom-2010-07.sgf.gz'));
const haveTrain = existsSync(TRAIN);
const WILD = join(DATA, 'sgf-wild');
const haveWild = existsSync(join(WILD, 'manifest.tsv'));

let fx: FixtureSet;
let tmp: string;
let good: string;

beforeAll(async () => {
  fx = writeFixtures();
  tmp = mkdtempSync(join(tmpdir(), 'tengen-ds-'));
  good = join(tmp, 'good');
  await buildDataset([fx.dir], good, { minMoves: 40, allowHandicap: false, valPermille: 20 });
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  rmSync(join(fx.dir, '..'), { recursive: true, force: true });
});

/** A copy of the good dataset to damage. */
function copy(name: string): string {
  const dir = join(tmp, name);
  cpSync(good, dir, { recursive: true });
  return dir;
}

describe('format helpers', () => {
  it('packs and unpacks entries', () => {
    const e = packEntry(360, 2, true);
    expect([entryPoint(e), entryColor(e), entryIsSetup(e)]).toEqual([360, 2, true]);
    expect(entryPoint(packEntry(361, 1, false))).toBe(361);
    expect(() => packEntry(362, 1, false)).toThrow(/point 362/);
    expect(() => packEntry(3, 3, false)).toThrow(/colour 3/);
  });

  it('split bucket is the first 32 bits of the hash modulo 1000', () => {
    expect(splitBucket('000003e8ffffffff')).toBe(0); // 1000 % 1000
    expect(splitBucket('000003e7ffffffff')).toBe(999);
    expect(isValidationHash('0000001300000000', 20)).toBe(true); // bucket 19
    expect(isValidationHash('0000001400000000', 20)).toBe(false); // bucket 20
    expect(fractionToPermille(0.02)).toBe(20);
    expect(() => fractionToPermille(1.5)).toThrow(/1.5/);
  });
});

describe('openDataset refuses partial and corrupt datasets', () => {
  it('opens the good one', () => {
    expect(openDataset(good).gameCount).toBe(fx.kept);
  });
  it('no manifest: partial dataset', () => {
    const d = copy('nomanifest');
    rmSync(join(d, 'manifest.json'));
    expect(() => openDataset(d)).toThrow(/no manifest\.json.*partial/);
  });
  it('truncated moves.bin', () => {
    const d = copy('truncated');
    truncateSync(join(d, 'moves.bin'), 10);
    expect(() => openDataset(d)).toThrow(/moves\.bin has 10 bytes, the manifest says \d+/);
  });
  it('flipped byte in moves.bin (same size)', () => {
    const d = copy('flipped');
    const p = join(d, 'moves.bin');
    const b = readFileSync(p);
    b[7] ^= 1;
    writeFileSync(p, b);
    expect(() => openDataset(d)).toThrow(/moves\.bin sha256 .* does not match/);
  });
  it('newer format version', () => {
    const d = copy('v2');
    const p = join(d, 'manifest.json');
    writeFileSync(p, readFileSync(p, 'utf8').replace('"version": 1', '"version": 2'));
    expect(() => openDataset(d)).toThrow(/format version 2 is not supported/);
  });
  it('extra games.jsonl line is caught by the digest', () => {
    const d = copy('jsonl');
    appendFileSync(join(d, 'games.jsonl'), '{}\n');
    expect(() => openDataset(d)).toThrow(/games\.jsonl has \d+ bytes/);
  });
});

describe('real data (tom9d)', () => {
  it.skipIf(!haveDev)('one dev month: every game kept, counts equal stats.json', async () => {
    const stats = JSON.parse(readFileSync(join(DEV, 'stats.json'), 'utf8'));
    const out = join(tmp, 'dev07');
    const r = await buildDataset([join(DEV, 'tom-2010-07.sgf.gz')], out, { minMoves: 40, allowHandicap: false, valPermille: 1000 });
    expect(r.manifest.counts.games).toBe(stats.files['tom-2010-07.sgf.gz'].games);
    expect(r.manifest.dropped).toEqual({});
    expect(r.manifest.counts.valGames).toBe(r.manifest.counts.games);
  });

  it.skipIf(!haveWild)('sgf-wild: drop reasons agree with the check column of manifest.tsv', async () => {
    const rows = readFileSync(join(WILD, 'manifest.tsv'), 'utf8').trim().split('\n').slice(1);
    const want: Record<string, number> = {};
    for (const r of rows) {
      const check = r.split('\t')[7];
      if (check !== 'ok') want[check] = (want[check] ?? 0) + 1;
    }
    const r = await buildDataset([WILD], join(tmp, 'wild'), { minMoves: 40, allowHandicap: false, valPermille: 20 });
    const { duplicate = 0, 'illegal_move:superko': superko = 0, ...rest } = r.manifest.dropped;
    // The source tooling checked neither duplicates nor superko; everything else must match file for file.
    expect(rest).toEqual(want);
    expect(r.manifest.counts.games + duplicate + superko).toBe(rows.length - Object.values(want).reduce((a, b) => a + b, 0));
    expect(r.manifest.counts.gamesRead).toBe(rows.length);
  });

  it('the CLI builds an all-validation set and prints the summary', () => {
    const out = join(tmp, 'cli');
    const r = spawnSync(process.execPath, [join(REPO, 'bin/tengen.js'), 'data', 'build', fx.dir, '--out', out, '--split', 'all-val', '--no-progress'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`kept ${fx.kept} \\(train 0, val ${fx.kept}\\)`));
    expect(openDataset(out).manifest.counts.valGames).toBe(fx.kept);
    const bad = spawnSync(process.execPath, [join(REPO, 'bin/tengen.js'), 'data', 'build', fx.dir, '--out', out, '--val-fraction', '2'], { encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/expected a fraction in 0\.\.1, got "2"/);
  });

  it.skipIf(!haveTrain)('a build killed with SIGKILL leaves no complete-looking dataset; the next build cleans up', async () => {
    const out = join(tmp, 'killed');
    const child = spawn(process.execPath, [join(REPO, 'bin/tengen.js'), 'data', 'build', TRAIN, '--out', out, '--no-progress'], {
      stdio: 'ignore',
    });
    const partial = `${out}.partial-${child.pid}`;
    const deadline = Date.now() + 300_000;
    // Kill once the data files are being written.
    while (Date.now() < deadline && !(existsSync(join(partial, 'moves.bin')) && readFileSync(join(partial, 'moves.bin')).length > 0)) {
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(existsSync(partial)).toBe(true);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(partial, 'manifest.json'))).toBe(false);
    expect(() => openDataset(partial)).toThrow(/partial/);
    await buildDataset([fx.dir], out, { minMoves: 40, allowHandicap: false, valPermille: 0 });
    expect(readdirSync(tmp).filter((n) => n.startsWith('killed.partial-'))).toEqual([]);
    expect(openDataset(out).gameCount).toBe(fx.kept);
  });
});
