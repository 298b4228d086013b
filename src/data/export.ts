// `tengen data export`: the labelled positions of a dataset, encoded by Tengen's own feature set, written as shards
// of fixed-length binary records that TensorFlow reads natively (tf.data.FixedLengthRecordDataset), plus a manifest
// with the record layout. The Python trainer (python/tengen_tf) decodes records but never computes a feature.
//
// Record (little-endian, `recordBytes` long, fields in this order; the manifest's `record.fields` is authoritative):
//   entry   u32   dataset entry of the move (provenance: Replayer.seek(entry) gives the position)
//   komi    f32   white's komi from the game record, NaN when it has none (the encoder then assumed its default)
//   floats  f32×F one value per "constant" float plane (the same on all 361 points, e.g. alphago49's komi plane)
//   label   u16   the move played, 0..360 = y*19+x from the top-left (passes are never exported)
//   value   i8    +1 the side to move won, −1 it lost, 0 no target
//   mask    u8    1 when `value` is a target (the record names a winner), else 0
//   bits    u8×⌈361·B/8⌉ the B binary planes, bit i = point·B + k (k-th binary plane), LSB first in each byte
//   padding to a multiple of 4 bytes
// Positions are exported at the identity symmetry; the trainer applies the 8 symmetries (features/symmetry.ts).
//
// Games are visited in a seeded random order and cut into shards of about `shardSize` records (whole games, so one
// replay per game); records of a game are consecutive. Shards are written one at a time into OUT.partial/ (each as
// `.tmp` then renamed), export-state.json lists the finished ones, so an interrupted export resumes at the first
// unfinished shard; manifest.json is written last and OUT.partial is renamed to OUT.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, mkdirSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PASS } from '../go/constants.js';
import { getFeatureSet } from '../features/registry.js';
import type { FeatureSet } from '../features/types.js';
import { openDataset, type Dataset, type Split } from './dataset.js';
import { entryColor, entryPoint } from './format.js';
import { Random } from '../random.js';
import { Replayer } from './replay.js';

export const EXPORT_FORMAT = 'tengen-export';
export const EXPORT_VERSION = 1;
export const EXPORT_MANIFEST = 'manifest.json';
export const EXPORT_STATE = 'export-state.json';
export const DEFAULT_SHARD_SIZE = 65536;
const NPOINTS = 361;
const CHUNK_RECORDS = 256; // records buffered before a write

/**
 * Float planes of a feature set (name@version) that hold one value on every point, stored once per record. Every
 * other plane must be binary; the export checks each value and names the plane if one is not 0 or 1.
 */
const CONSTANT_FLOAT_PLANES: Readonly<Record<string, readonly number[]>> = {
  'alphago49@1': [48],
};

export interface RecordField {
  name: 'entry' | 'komi' | 'floats' | 'label' | 'value' | 'mask' | 'bits';
  offset: number;
  dtype: 'uint32' | 'float32' | 'uint16' | 'int8' | 'uint8';
  count: number;
}

/** How a record is laid out: what the Python side needs to decode it (also in the manifest). */
export interface RecordLayout {
  recordBytes: number;
  planes: number;
  /** Plane indices stored as bits, in bit order. */
  binaryPlanes: number[];
  /** Plane indices stored as one float32 each (constant over the board), in field order. */
  constantFloatPlanes: number[];
  bitOrder: 'little';
  fields: RecordField[];
}

/** The record layout for a feature set. */
export function recordLayout(fs: FeatureSet): RecordLayout {
  const floats = [...(CONSTANT_FLOAT_PLANES[`${fs.name}@${fs.version}`] ?? [])];
  const binary: number[] = [];
  for (let k = 0; k < fs.planes; k++) if (!floats.includes(k)) binary.push(k);
  const fields: RecordField[] = [];
  let off = 0;
  const add = (name: RecordField['name'], dtype: RecordField['dtype'], count: number, size: number): void => {
    fields.push({ name, offset: off, dtype, count });
    off += size * count;
  };
  add('entry', 'uint32', 1, 4);
  add('komi', 'float32', 1, 4);
  add('floats', 'float32', floats.length, 4);
  add('label', 'uint16', 1, 2);
  add('value', 'int8', 1, 1);
  add('mask', 'uint8', 1, 1);
  add('bits', 'uint8', Math.ceil((NPOINTS * binary.length) / 8), 1);
  return { recordBytes: Math.ceil(off / 4) * 4, planes: fs.planes, binaryPlanes: binary, constantFloatPlanes: floats, bitOrder: 'little', fields };
}

function fieldOffset(layout: RecordLayout, name: RecordField['name']): number {
  const f = layout.fields.find((x) => x.name === name);
  if (!f) throw new Error(`record layout has no field "${name}"`);
  return f.offset;
}

/** One decoded record. */
export interface ExportRecord {
  entry: number;
  komi: number;
  label: number;
  value: number;
  mask: number;
  /** NHWC planes [19, 19, planes] as the feature set encodes them. */
  planes: Float32Array;
}

/**
 * Packs the encoded planes (NHWC, 361×planes from 0) of one position into `out` at `at`; throws naming the plane and
 * point if a binary plane holds anything but 0/1 or a constant plane varies over the board.
 */
export function packRecord(
  layout: RecordLayout,
  planes: Float32Array,
  f: { entry: number; komi: number; label: number; value: number; mask: number },
  out: Uint8Array,
  at: number,
  where: string,
): void {
  const view = new DataView(out.buffer, out.byteOffset + at, layout.recordBytes);
  out.fill(0, at, at + layout.recordBytes);
  const P = layout.planes;
  view.setUint32(fieldOffset(layout, 'entry'), f.entry, true);
  view.setFloat32(fieldOffset(layout, 'komi'), f.komi, true);
  const fo = fieldOffset(layout, 'floats');
  layout.constantFloatPlanes.forEach((k, i) => {
    const v = planes[k];
    for (let p = 1; p < NPOINTS; p++) {
      if (planes[p * P + k] !== v) throw new Error(`${where}: plane ${k} is declared constant but differs at point ${p} (${planes[p * P + k]} vs ${v})`);
    }
    view.setFloat32(fo + 4 * i, v, true);
  });
  view.setUint16(fieldOffset(layout, 'label'), f.label, true);
  view.setInt8(fieldOffset(layout, 'value'), f.value);
  view.setUint8(fieldOffset(layout, 'mask'), f.mask);
  const bo = at + fieldOffset(layout, 'bits');
  const bin = layout.binaryPlanes;
  const B = bin.length;
  for (let p = 0, i = 0; p < NPOINTS; p++) {
    const base = p * P;
    for (let j = 0; j < B; j++, i++) {
      const v = planes[base + bin[j]];
      if (v === 1) out[bo + (i >>> 3)] |= 1 << (i & 7);
      else if (v !== 0) throw new Error(`${where}: plane ${bin[j]} at point ${p} is ${v}, not 0/1 (declare it in CONSTANT_FLOAT_PLANES of src/data/export.ts)`);
    }
  }
}

/** Decodes record `index` of a shard buffer (inverse of packRecord). */
export function decodeRecord(layout: RecordLayout, buf: Uint8Array, index: number): ExportRecord {
  const at = index * layout.recordBytes;
  if (at + layout.recordBytes > buf.length) throw new Error(`decodeRecord: record ${index} is beyond the ${buf.length}-byte buffer`);
  const view = new DataView(buf.buffer, buf.byteOffset + at, layout.recordBytes);
  const P = layout.planes;
  const planes = new Float32Array(NPOINTS * P);
  const fo = fieldOffset(layout, 'floats');
  layout.constantFloatPlanes.forEach((k, i) => {
    const v = view.getFloat32(fo + 4 * i, true);
    for (let p = 0; p < NPOINTS; p++) planes[p * P + k] = v;
  });
  const bo = at + fieldOffset(layout, 'bits');
  const bin = layout.binaryPlanes;
  for (let p = 0, i = 0; p < NPOINTS; p++) {
    for (let j = 0; j < bin.length; j++, i++) if (buf[bo + (i >>> 3)] & (1 << (i & 7))) planes[p * P + bin[j]] = 1;
  }
  return {
    entry: view.getUint32(fieldOffset(layout, 'entry'), true),
    komi: view.getFloat32(fieldOffset(layout, 'komi'), true),
    label: view.getUint16(fieldOffset(layout, 'label'), true),
    value: view.getInt8(fieldOffset(layout, 'value')),
    mask: view.getUint8(fieldOffset(layout, 'mask')),
    planes,
  };
}

export interface ExportOptions {
  /** Feature set name (default alphago49). */
  features?: string;
  /** Which games (default 'train'). */
  split?: Split;
  /** Target records per shard (whole games, so a shard may exceed it by one game's moves). */
  shardSize?: number;
  /** Export at most this many positions (the first ones in the seeded game order). */
  maxPositions?: number;
  /** Seed of the game order (default 1). */
  seed?: number;
  /** Replace an existing export (or a partial one made with other options). */
  force?: boolean;
  onProgress?: (e: ExportProgressEvent) => void;
  signal?: AbortSignal;
}

export interface ExportProgressEvent {
  records: number;
  total: number;
  shard: number;
  shards: number;
  resumed: number;
}

export interface ShardInfo {
  file: string;
  records: number;
  games: number;
  bytes: number;
  sha256: string;
}

export interface ExportManifest {
  format: typeof EXPORT_FORMAT;
  version: number;
  featureSet: { name: string; version: number; planes: number };
  dataset: { dir: string; contentHash: string; split: Split };
  options: { seed: number; shardSize: number; maxPositions: number | null };
  counts: { records: number; games: number; shards: number; valueTargets: number };
  record: RecordLayout;
  shards: ShardInfo[];
  /** sha256 over the layout and every shard digest: identifies the exported data. */
  exportHash: string;
  createdBy: string;
  date: string;
}

interface ExportState {
  key: string;
  done: ShardInfo[];
}

interface ShardPlan {
  games: Uint32Array;
  records: number;
}

/** The games of the split in seeded random order, cut into shards of about shardSize labelled positions. */
function planShards(ds: Dataset, split: Split, seed: number, shardSize: number, maxPositions: number): { shards: ShardPlan[]; total: number } {
  const games: number[] = [];
  for (let g = 0; g < ds.gameCount; g++) {
    const val = ds.isValidation(g);
    if (split === 'all' || (split === 'val') === val) games.push(g);
  }
  const rng = new Random(seed);
  for (let i = games.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const t = games[i];
    games[i] = games[j];
    games[j] = t;
  }
  const shards: ShardPlan[] = [];
  let cur: number[] = [];
  let n = 0;
  let total = 0;
  for (const g of games) {
    if (total >= maxPositions) break;
    const labelled = labelledOf(ds, g).length;
    if (labelled === 0) continue;
    cur.push(g);
    n += labelled;
    total += labelled;
    if (n >= shardSize) {
      shards.push({ games: Uint32Array.from(cur), records: n });
      cur = [];
      n = 0;
    }
  }
  if (cur.length > 0) shards.push({ games: Uint32Array.from(cur), records: n });
  if (total > maxPositions) {
    // The last game was cut: trim the last shard's count (its last game contributes only its first positions).
    shards[shards.length - 1].records -= total - maxPositions;
    total = maxPositions;
  }
  return { shards, total };
}

/** Entries of game g's non-pass moves, ascending. */
function labelledOf(ds: Dataset, g: number): number[] {
  const first = ds.gameStart(g) + ds.setupCount(g);
  const end = first + ds.moveCount(g);
  const out: number[] = [];
  for (let e = first; e < end; e++) if (entryPoint(ds.entries[e]) !== PASS) out.push(e);
  return out;
}

function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  const fd = openSync(tmp, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/** Reads and checks an export's manifest; throws naming the folder and the problem. */
export function readExportManifest(dir: string): ExportManifest {
  const file = join(resolve(dir), EXPORT_MANIFEST);
  if (!existsSync(file)) {
    throw new Error(`export ${resolve(dir)}: ${EXPORT_MANIFEST} is missing (not an export, or an interrupted one: rerun tengen data export to resume)`);
  }
  let m: ExportManifest;
  try {
    m = JSON.parse(readFileSync(file, 'utf8')) as ExportManifest;
  } catch (err) {
    throw new Error(`${file}: corrupt JSON (${(err as Error).message})`);
  }
  if (m.format !== EXPORT_FORMAT) throw new Error(`${file}: field "format" must be "${EXPORT_FORMAT}", got ${JSON.stringify(m.format)}`);
  if (m.version !== EXPORT_VERSION) throw new Error(`${file}: export version ${m.version} is not supported (this build reads ${EXPORT_VERSION})`);
  for (const s of m.shards) {
    const p = join(resolve(dir), s.file);
    const size = existsSync(p) ? statSync(p).size : -1;
    if (size !== s.bytes) throw new Error(`export ${resolve(dir)}: shard ${s.file} has ${size < 0 ? 'gone missing' : `${size} bytes`}, the manifest says ${s.bytes}`);
  }
  return m;
}

export interface ExportResult {
  dir: string;
  manifest: ExportManifest;
  /** Shards found finished from an earlier, interrupted run. */
  resumedShards: number;
  /** True when the export already existed with the same options (nothing written). */
  upToDate: boolean;
}

/** Exports a dataset's labelled positions as record shards (see the header comment); resumable and atomic. */
export async function exportDataset(datasetDir: string, outDir: string, options: ExportOptions = {}): Promise<ExportResult> {
  const fs = getFeatureSet(options.features ?? 'alphago49');
  const split = options.split ?? 'train';
  const seed = options.seed ?? 1;
  const shardSize = options.shardSize ?? DEFAULT_SHARD_SIZE;
  const maxPositions = options.maxPositions ?? Infinity;
  if (!Number.isInteger(shardSize) || shardSize < 1) throw new Error(`export: shard size ${shardSize} is not a positive integer`);
  if (maxPositions !== Infinity && (!Number.isInteger(maxPositions) || maxPositions < 1)) throw new Error(`export: max positions ${maxPositions} is not a positive integer`);
  const ds = openDataset(datasetDir);
  const layout = recordLayout(fs);
  const out = resolve(outDir);
  const partial = `${out}.partial`;
  const key = JSON.stringify({
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    contentHash: ds.manifest.contentHash,
    features: [fs.name, fs.version, fs.planes],
    split,
    seed,
    shardSize,
    maxPositions: maxPositions === Infinity ? null : maxPositions,
    recordBytes: layout.recordBytes,
  });

  if (existsSync(out)) {
    try {
      const m = readExportManifest(out);
      const same = JSON.stringify(m.record) === JSON.stringify(layout) && keyOfManifest(m) === key;
      if (same && !options.force) return { dir: out, manifest: m, resumedShards: 0, upToDate: true };
    } catch {
      /* not a valid export: fall through */
    }
    if (!options.force) throw new Error(`export: ${out} exists and is not an export of this dataset with these options; use --force to replace it`);
  }

  let state: ExportState = { key, done: [] };
  if (existsSync(partial)) {
    const sf = join(partial, EXPORT_STATE);
    let old: ExportState | null = null;
    try {
      old = JSON.parse(readFileSync(sf, 'utf8')) as ExportState;
    } catch {
      old = null;
    }
    if (old && old.key === key) {
      state = old;
    } else if (options.force || !old) {
      rmSync(partial, { recursive: true, force: true });
    } else {
      throw new Error(`export: ${partial} holds an interrupted export of other data or options; use --force to discard it`);
    }
  }
  mkdirSync(partial, { recursive: true });

  const plan = planShards(ds, split, seed, shardSize, maxPositions);
  if (plan.total === 0) throw new Error(`dataset ${ds.dir}: no labelled positions in the "${split}" split (built with --split all-val? use --split val or all)`);
  // Trust a finished shard only if its file is still there with the recorded size (its digest is checked below, cheaply, per shard).
  let resumed = 0;
  for (let i = 0; i < state.done.length; i++) {
    const s = state.done[i];
    const p = join(partial, s.file);
    if (i >= plan.shards.length || s.records !== plan.shards[i].records || !existsSync(p) || statSync(p).size !== s.bytes || sha256File(p) !== s.sha256) {
      state.done = state.done.slice(0, i);
      break;
    }
    resumed++;
  }

  const { winner, komi } = ds.outcomes();
  const replayer = new Replayer(ds);
  const scratch = new Float32Array(NPOINTS * fs.planes);
  const buf = new Uint8Array(CHUNK_RECORDS * layout.recordBytes);
  let recordsDone = state.done.reduce((a, s) => a + s.records, 0);
  const report = (shard: number): void => options.onProgress?.({ records: recordsDone, total: plan.total, shard, shards: plan.shards.length, resumed });
  let lastReport = 0;
  report(state.done.length);

  for (let si = state.done.length; si < plan.shards.length; si++) {
    const shard = plan.shards[si];
    const name = `shard-${String(si).padStart(5, '0')}.bin`;
    const tmp = join(partial, `${name}.tmp`);
    const fd = openSync(tmp, 'w');
    const hash = createHash('sha256');
    let inBuf = 0;
    let written = 0;
    const flush = (): void => {
      if (inBuf === 0) return;
      const bytes = buf.subarray(0, inBuf * layout.recordBytes);
      writeSync(fd, bytes);
      hash.update(bytes);
      inBuf = 0;
    };
    try {
      for (const g of shard.games) {
        const k = komi[g];
        const w = winner[g];
        for (const e of labelledOf(ds, g)) {
          if (written === shard.records) break;
          const v = replayer.seek(e);
          fs.encode(replayer.board, scratch, 0, Number.isNaN(k) ? undefined : k);
          packRecord(
            layout,
            scratch,
            { entry: e, komi: k, label: entryPoint(v), value: w === 0 ? 0 : w === entryColor(v) ? 1 : -1, mask: w === 0 ? 0 : 1 },
            buf,
            inBuf * layout.recordBytes,
            `dataset ${ds.dir} entry ${e}`,
          );
          inBuf++;
          written++;
          recordsDone++;
          if (inBuf === CHUNK_RECORDS) {
            flush();
            if (options.signal?.aborted) throw options.signal.reason ?? new Error('export aborted');
            const now = Date.now();
            if (now - lastReport > 200) {
              lastReport = now;
              report(si);
              await new Promise((r) => setImmediate(r)); // let signals and the progress bar run
            }
          }
        }
      }
      flush();
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (written !== shard.records) throw new Error(`export: shard ${name} got ${written} records, planned ${shard.records} (bug)`);
    renameSync(tmp, join(partial, name));
    state.done.push({ file: name, records: written, games: shard.games.length, bytes: written * layout.recordBytes, sha256: hash.digest('hex') });
    writeJsonAtomic(join(partial, EXPORT_STATE), state);
    report(si + 1);
  }

  const valueTargets = countValueTargets(ds, plan, winner);
  const exportHash = createHash('sha256').update(JSON.stringify(layout)).update(state.done.map((s) => s.sha256).join('\n')).digest('hex');
  const k = JSON.parse(key) as { seed: number; shardSize: number; maxPositions: number | null };
  const manifest: ExportManifest = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    featureSet: { name: fs.name, version: fs.version, planes: fs.planes },
    dataset: { dir: ds.dir, contentHash: ds.manifest.contentHash, split },
    options: { seed: k.seed, shardSize: k.shardSize, maxPositions: k.maxPositions },
    counts: { records: plan.total, games: plan.shards.reduce((a, s) => a + s.games.length, 0), shards: plan.shards.length, valueTargets },
    record: layout,
    shards: state.done,
    exportHash,
    createdBy: 'tengen data export',
    date: new Date().toISOString(),
  };
  writeJsonAtomic(join(partial, EXPORT_MANIFEST), manifest);
  rmSync(join(partial, EXPORT_STATE), { force: true });
  if (existsSync(out)) rmSync(out, { recursive: true, force: true });
  renameSync(partial, out);
  return { dir: out, manifest, resumedShards: resumed, upToDate: false };
}

/** Exported positions whose game names a winner (a cut last game counts only its exported positions). */
function countValueTargets(ds: Dataset, plan: { shards: ShardPlan[] }, winner: Uint8Array): number {
  let n = 0;
  for (const s of plan.shards) {
    let left = s.records;
    for (const g of s.games) {
      const m = Math.min(left, labelledOf(ds, g).length);
      if (winner[g] !== 0) n += m;
      left -= m;
    }
  }
  return n;
}

function keyOfManifest(m: ExportManifest): string {
  return JSON.stringify({
    format: m.format,
    version: m.version,
    contentHash: m.dataset.contentHash,
    features: [m.featureSet.name, m.featureSet.version, m.featureSet.planes],
    split: m.dataset.split,
    seed: m.options.seed,
    shardSize: m.options.shardSize,
    maxPositions: m.options.maxPositions,
    recordBytes: m.record.recordBytes,
  });
}

/** One-paragraph summary of an export for the command line. */
export function formatExportSummary(r: ExportResult): string {
  const m = r.manifest;
  const bytes = m.shards.reduce((a, s) => a + s.bytes, 0);
  const head = r.upToDate ? `export ${r.dir} is up to date` : `exported ${m.counts.records} positions of ${m.counts.games} games to ${r.dir}`;
  return (
    `${head}${r.resumedShards > 0 ? ` (resumed: ${r.resumedShards} shards were already done)` : ''}\n` +
    `features ${m.featureSet.name}@v${m.featureSet.version} (${m.featureSet.planes} planes: ${m.record.binaryPlanes.length} as bits, ` +
    `${m.record.constantFloatPlanes.length} as constant floats); ${m.record.recordBytes} bytes/record; ${m.counts.shards} shards, ` +
    `${(bytes / 1048576).toFixed(1)} MiB; value targets ${m.counts.valueTargets}; dataset ${m.dataset.contentHash.slice(0, 16)} (${m.dataset.split}); ` +
    `export ${m.exportHash.slice(0, 16)}\n`
  );
}
