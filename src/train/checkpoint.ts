// Training checkpoints: a loadable model directory (model.json, weights.bin, tengen.json) plus what a
// resumed run needs — raw params, optimiser slots, step, RNG state and data cursor — written atomically.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { validateArchConfig, type ArchConfig, type FeatureSetId } from '../model/config.js';
import { modelFiles, type MetadataInput } from '../model/io.js';
import { validateInitFrom, type InitFromRecord } from '../model/metadata.js';
import { writeDirAtomic, resolveDir } from '../model/atomic-dir.js';
import { paramSpecs, sizeOf } from '../model/params.js';
import type { OptimizerState } from './optimizer.js';
import type { AverageState } from './average.js';

export const CHECKPOINT_FORMAT = 'tengen-checkpoint';
export const CHECKPOINT_VERSION = 1;

export interface BestRecord {
  step: number;
  loss: number;
  top1: number;
}

export interface TrainState {
  step: number;
  positionsSeen: number;
  /** The trainer's generator state (src/random.ts, sfc32; before it existed, xoshiro128** — loads all the same). */
  rng: number[];
  dataCursor: unknown;
  best: BestRecord | null;
  evalsWithoutImprovement: number;
  elapsedSeconds: number;
  /** The saved model the run started from (`--init-from`), carried into every tengen.json it writes. */
  initFrom?: InitFromRecord;
  /**
   * A schedule over time (cosine or step decay, no step count): its length and the seconds of it trained so far, so
   * that `--resume` continues it rather than starting a new one. Absent in checkpoints of step schedules and of runs
   * written before it existed.
   */
  timeSchedule?: TimeSchedule;
}

export interface TimeSchedule {
  budgetSeconds: number;
  doneSeconds: number;
}

export interface Checkpoint {
  architecture: ArchConfig;
  featureSet: FeatureSetId;
  params: Float32Array[];
  optimizer: OptimizerState;
  state: TrainState;
  /** The run's weight average (`--average-horizon`) once it has a sample; its arrays are kept in average.bin. */
  average?: { state: AverageState; params: readonly Float32Array[] } | null;
}

function pack(arrays: readonly Float32Array[]): Uint8Array {
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const out = new Float32Array(total);
  let off = 0;
  for (const a of arrays) {
    out.set(a, off);
    off += a.length;
  }
  return new Uint8Array(out.buffer);
}

function unpack(buf: Buffer, lengths: readonly number[], file: string): Float32Array[] {
  const total = lengths.reduce((a, b) => a + b, 0);
  if (buf.byteLength !== total * 4) throw new Error(`${file}: ${buf.byteLength} bytes, expected ${total * 4} (truncated or from another architecture)`);
  const all = new Float32Array(total);
  new Uint8Array(all.buffer).set(buf);
  const out: Float32Array[] = [];
  let off = 0;
  for (const n of lengths) {
    out.push(all.slice(off, off + n));
    off += n;
  }
  return out;
}

/** Writes a checkpoint directory atomically (it is also a loadable model directory). */
export async function saveCheckpoint(dir: string, ck: Checkpoint, meta: MetadataInput): Promise<void> {
  const files = await modelFiles(ck.architecture, ck.params, meta);
  files.set('params.bin', pack(ck.params));
  files.set('optimizer.bin', pack(ck.optimizer.slots));
  if (ck.average) files.set('average.bin', pack(ck.average.params));
  files.set(
    'state.json',
    JSON.stringify(
      {
        format: CHECKPOINT_FORMAT,
        version: CHECKPOINT_VERSION,
        architecture: ck.architecture,
        featureSet: ck.featureSet,
        optimizer: { kind: ck.optimizer.kind, t: ck.optimizer.t, slotLengths: ck.optimizer.slots.map((s) => s.length) },
        ...ck.state,
        ...(ck.average ? { average: ck.average.state } : {}),
      },
      null,
      2,
    ),
  );
  await writeDirAtomic(dir, files);
}

/** Reads a checkpoint, or returns null if there is none; throws naming the file and field if it is corrupt. */
export async function loadCheckpoint(dir: string): Promise<Checkpoint | null> {
  const real = resolveDir(dir);
  if (!real) return null;
  const stateFile = path.join(real, 'state.json');
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(await fs.readFile(stateFile, 'utf8'));
  } catch (err) {
    throw new Error(`${stateFile}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file is missing' : `corrupt (${(err as Error).message})`}`);
  }
  if (raw.format !== CHECKPOINT_FORMAT || raw.version !== CHECKPOINT_VERSION) {
    throw new Error(`${stateFile}: not a version ${CHECKPOINT_VERSION} ${CHECKPOINT_FORMAT} (format ${JSON.stringify(raw.format)}, version ${JSON.stringify(raw.version)})`);
  }
  const architecture = validateArchConfig(raw.architecture, `${stateFile}: architecture`);
  for (const f of ['step', 'positionsSeen', 'evalsWithoutImprovement']) {
    if (!Number.isInteger(raw[f]) || (raw[f] as number) < 0) throw new Error(`${stateFile}: field "${f}" must be a non-negative integer, got ${JSON.stringify(raw[f])}`);
  }
  const opt = raw.optimizer as { kind: 'adam' | 'sgd'; t: number; slotLengths: number[] } | undefined;
  if (!opt || (opt.kind !== 'adam' && opt.kind !== 'sgd') || !Number.isInteger(opt.t) || !Array.isArray(opt.slotLengths)) {
    throw new Error(`${stateFile}: field "optimizer" must be {kind, t, slotLengths}`);
  }
  const lengths = paramSpecs(architecture).map((s) => sizeOf(s.shape));
  const params = unpack(await fs.readFile(path.join(real, 'params.bin')), lengths, path.join(real, 'params.bin'));
  const slots = unpack(await fs.readFile(path.join(real, 'optimizer.bin')), opt.slotLengths, path.join(real, 'optimizer.bin'));
  let average: Checkpoint['average'] = null;
  if (raw.average !== undefined) {
    const a = raw.average as AverageState;
    if (!a || !Number.isInteger(a.horizon) || !Number.isInteger(a.samples) || a.samples < 1) {
      throw new Error(`${stateFile}: field "average" must be {horizon, samples >= 1}, got ${JSON.stringify(raw.average)}`);
    }
    const file = path.join(real, 'average.bin');
    average = { state: { horizon: a.horizon, samples: a.samples }, params: unpack(await fs.readFile(file), lengths, file) };
  }
  return {
    average,
    architecture,
    featureSet: raw.featureSet as FeatureSetId,
    params,
    optimizer: { kind: opt.kind, t: opt.t, slots },
    state: {
      step: raw.step as number,
      positionsSeen: raw.positionsSeen as number,
      rng: raw.rng as number[],
      dataCursor: raw.dataCursor ?? null,
      best: (raw.best as BestRecord | null) ?? null,
      evalsWithoutImprovement: raw.evalsWithoutImprovement as number,
      elapsedSeconds: Number(raw.elapsedSeconds) || 0,
      ...(raw.initFrom !== undefined ? { initFrom: validateInitFrom(raw.initFrom, stateFile) } : {}),
      ...(raw.timeSchedule !== undefined ? { timeSchedule: validateTimeSchedule(raw.timeSchedule, stateFile) } : {}),
    },
  };
}

function validateTimeSchedule(raw: unknown, file: string): TimeSchedule {
  const t = raw as Partial<TimeSchedule> | null;
  const ok = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  if (!t || typeof t !== 'object' || !ok(t.budgetSeconds) || t.budgetSeconds === 0 || !ok(t.doneSeconds)) {
    throw new Error(`${file}: field "timeSchedule" must be {budgetSeconds > 0, doneSeconds >= 0}, got ${JSON.stringify(raw)}`);
  }
  return { budgetSeconds: t.budgetSeconds, doneSeconds: t.doneSeconds };
}
