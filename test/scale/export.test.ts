// `tengen data export`: records decode to exactly what Tengen's encoder produces; sharding, resume after an
// interruption (same bytes as an uninterrupted export), atomic output, and clear errors on bad input.
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDataset } from '../../src/data/dataset.js';
import { decodeRecord, exportDataset, readExportManifest, recordLayout, EXPORT_STATE } from '../../src/data/export.js';
import { Replayer } from '../../src/data/replay.js';
import { entryColor, entryPoint } from '../../src/data/format.js';
import { getFeatureSet } from '../../src/features/registry.js';
import { buildSampleDataset, runTengen } from './helpers.js';

let ds: string;
let root: string;

beforeAll(async () => {
  ds = await buildSampleDataset();
  root = path.dirname(ds);
});

describe('tengen data export', () => {
  it('lays out alphago49 records: 48 bit planes, the komi plane as one float, 2184 bytes', () => {
    const l = recordLayout(getFeatureSet('alphago49'));
    expect(l.binaryPlanes).toEqual([...Array(48).keys()]);
    expect(l.constantFloatPlanes).toEqual([48]);
    expect(l.recordBytes).toBe(2184);
    expect(l.recordBytes % 4).toBe(0);
    expect(recordLayout(getFeatureSet('alphago48')).constantFloatPlanes).toEqual([]);
  });

  it('writes every labelled position once, and each record decodes to the encoder output bit for bit', async () => {
    const out = path.join(root, 'exp-all');
    const r = await exportDataset(ds, out, { features: 'alphago49', split: 'all', shardSize: 1000 });
    const m = readExportManifest(out);
    const dataset = openDataset(ds);
    expect(r.upToDate).toBe(false);
    expect(m.counts.records).toBe(dataset.manifest.counts.labelledPositions);
    expect(m.shards.length).toBeGreaterThan(2);
    // Whole games: every shard but the last reaches the target size, none exceeds it by a game or more.
    for (const s of m.shards.slice(0, -1)) expect(s.records).toBeGreaterThanOrEqual(1000);
    for (const s of m.shards) expect(s.records).toBeLessThan(1000 + 400);
    expect(m.shards.reduce((a, s) => a + s.records, 0)).toBe(m.counts.records);
    expect(m.dataset.contentHash).toBe(dataset.manifest.contentHash);
    expect(readdirSync(out).sort()).toEqual(['manifest.json', ...m.shards.map((s) => s.file)].sort());
    const fs = getFeatureSet('alphago49');
    const { winner, komi } = dataset.outcomes();
    const replayer = new Replayer(dataset);
    const want = new Float32Array(361 * fs.planes);
    const seen = new Set<number>();
    let checked = 0;
    for (const s of m.shards) {
      const buf = readFileSync(path.join(out, s.file));
      expect(buf.length).toBe(s.records * m.record.recordBytes);
      for (let i = 0; i < s.records; i++) {
        const rec = decodeRecord(m.record, buf, i);
        expect(seen.has(rec.entry)).toBe(false);
        seen.add(rec.entry);
        // Every 7th record is re-encoded from scratch (a fresh seek), the rest only checked for labels/targets.
        const v = replayer.seek(rec.entry);
        const g = dataset.gameOfEntry(rec.entry);
        expect(rec.label).toBe(entryPoint(v));
        expect(rec.value).toBe(winner[g] === 0 ? 0 : winner[g] === entryColor(v) ? 1 : -1);
        expect(rec.mask).toBe(winner[g] === 0 ? 0 : 1);
        if (Number.isNaN(komi[g])) expect(Number.isNaN(rec.komi)).toBe(true);
        else expect(rec.komi).toBe(komi[g]);
        if (i % 7 === 0) {
          fs.encode(replayer.board, want, 0, Number.isNaN(komi[g]) ? undefined : komi[g]);
          expect(Buffer.from(rec.planes.buffer).equals(Buffer.from(want.buffer))).toBe(true);
          checked++;
        }
      }
    }
    expect(seen.size).toBe(m.counts.records);
    expect(checked).toBeGreaterThan(100);
  });

  it('is up to date on a second run, and refuses other options without --force', async () => {
    const out = path.join(root, 'exp-all');
    const again = await exportDataset(ds, out, { features: 'alphago49', split: 'all', shardSize: 1000 });
    expect(again.upToDate).toBe(true);
    await expect(exportDataset(ds, out, { features: 'alphago49', split: 'all', shardSize: 500 })).rejects.toThrow(/exists and is not an export of this dataset with these options; use --force/);
  });

  it('resumes an interrupted export and produces the same bytes as an uninterrupted one', async () => {
    const full = path.join(root, 'exp-full');
    const a = await exportDataset(ds, full, { features: 'alphago48', split: 'all', shardSize: 600, maxPositions: 3000, seed: 5 });
    const cut = path.join(root, 'exp-cut');
    const stop = new AbortController();
    await expect(
      exportDataset(ds, cut, {
        features: 'alphago48',
        split: 'all',
        shardSize: 600,
        maxPositions: 3000,
        seed: 5,
        signal: stop.signal,
        onProgress: (e) => {
          if (e.shard >= 2) stop.abort(new Error('simulated Ctrl-C'));
        },
      }),
    ).rejects.toThrow(/simulated Ctrl-C/);
    expect(existsSync(cut)).toBe(false); // never a half-written export under the final name
    expect(existsSync(`${cut}.partial`)).toBe(true);
    expect(JSON.parse(readFileSync(path.join(`${cut}.partial`, EXPORT_STATE), 'utf8')).done.length).toBeGreaterThanOrEqual(2);
    const b = await exportDataset(ds, cut, { features: 'alphago48', split: 'all', shardSize: 600, maxPositions: 3000, seed: 5 });
    expect(b.resumedShards).toBeGreaterThanOrEqual(2);
    expect(b.manifest.counts.records).toBe(3000);
    expect(b.manifest.exportHash).toBe(a.manifest.exportHash);
    expect(b.manifest.shards).toEqual(a.manifest.shards);
    expect(existsSync(`${cut}.partial`)).toBe(false);
  });

  it('re-does a finished shard whose file was damaged before resuming', async () => {
    const out = path.join(root, 'exp-damaged');
    const stop = new AbortController();
    const opts = { features: 'alphago48', split: 'all' as const, shardSize: 700, maxPositions: 2500 };
    await expect(exportDataset(ds, out, { ...opts, signal: stop.signal, onProgress: (e) => e.shard >= 2 && stop.abort(new Error('stop')) })).rejects.toThrow();
    const shard0 = path.join(`${out}.partial`, 'shard-00000.bin');
    const bytes = readFileSync(shard0);
    bytes[100] ^= 0xff;
    writeFileSync(shard0, bytes);
    const r = await exportDataset(ds, out, opts);
    expect(r.resumedShards).toBe(0);
    const ref = await exportDataset(ds, path.join(root, 'exp-damaged-ref'), opts);
    expect(r.manifest.exportHash).toBe(ref.manifest.exportHash);
  });

  it('runs as `tengen data export` and prints a summary', () => {
    const out = path.join(root, 'exp-cli');
    const text = runTengen(['data', 'export', ds, '--out', out, '--split', 'all', '--max-positions', '700', '--shard-size', '300', '--features', 'alphago48', '--no-progress']);
    expect(text).toMatch(/^exported 700 positions of \d+ games to .*exp-cli\nfeatures alphago48@v1 \(48 planes: 48 as bits, 0 as constant floats\); 2180 bytes\/record; 2 shards/);
    expect(runTengen(['data', 'export', ds, '--out', out, '--split', 'all', '--max-positions', '700', '--shard-size', '300', '--features', 'alphago48', '--no-progress'])).toMatch(/is up to date/);
    expect(() => runTengen(['data', 'export', ds, '--out', out, '--split', 'sideways'])).toThrow(/--split: expected train, val or all/);
  });

  it('names the problem for bad input', async () => {
    await expect(exportDataset(path.join(root, 'nope'), path.join(root, 'x1'))).rejects.toThrow(/nope/);
    await expect(exportDataset(ds, path.join(root, 'x2'), { split: 'train' })).rejects.toThrow(/no labelled positions in the "train" split/);
    await expect(exportDataset(ds, path.join(root, 'x3'), { features: 'nosuch' })).rejects.toThrow(/unknown feature set "nosuch"/);
    await expect(exportDataset(ds, path.join(root, 'x4'), { shardSize: 0 })).rejects.toThrow(/shard size 0/);
    const m = path.join(root, 'exp-all');
    const shard = readExportManifest(m).shards[0].file;
    rmSync(path.join(m, shard));
    expect(() => readExportManifest(m)).toThrow(new RegExp(`shard ${shard} has gone missing`));
  });
});
