// tengen.json: what makes a saved model self-describing (architecture, feature set, provenance, metrics).
import { validateArchConfig, type ArchConfig, type FeatureSetId } from './config.js';

export const TENGEN_FORMAT = 'tengen-model';
export const TENGEN_FORMAT_VERSION = 1;
/** The metadata file of a model directory (beside model.json and weights.bin). */
export const TENGEN_JSON = 'tengen.json';

export interface ModelMetadata {
  format: typeof TENGEN_FORMAT;
  formatVersion: number;
  architecture: ArchConfig;
  featureSet: FeatureSetId;
  /** Hash of the training data manifest (null for synthetic data or an untrained model). */
  dataManifestHash: string | null;
  steps: number;
  positionsSeen: number;
  /** Latest validation metrics, e.g. { top1, top5, loss }. */
  metrics: Record<string, number>;
  backend: string;
  /** ISO-8601 time the model was written. */
  date: string;
  /** Training wall-clock time in seconds. */
  wallClockSeconds: number;
  /** Figures recorded by `tengen eval --record` (optional; one entry per data/sample/symmetries). */
  evaluations?: EvaluationRecord[];
  /**
   * Present when the weights are the run's exponential moving average (`tengen train --average-horizon`), not its
   * last optimiser step: the time constant in steps and how many samples it holds.
   */
  weightAverage?: { horizon: number; samples: number };
  /**
   * Present when the run started from a saved model (`tengen train --init-from`): `steps`, `positionsSeen` and
   * `wallClockSeconds` above count this run only; these count everything behind the starting weights.
   */
  initFrom?: InitFromRecord;
  /**
   * Present when the run distilled a teacher (`tengen train --distill-from`): the teacher's dir, how many symmetries
   * its policy was averaged over, and the share of the policy loss its soft target took.
   */
  distilledFrom?: DistilledFromRecord;
  /**
   * Present when the value head was temperature-scaled after training (`tengen model calibrate-value`): value_fc2's
   * kernel and bias carry the factor, so every consumer reads the calibrated value.
   */
  valueCalibration?: ValueCalibrationRecord;
}

/**
 * A temperature scaling of the value head. `scale` is cumulative, relative to the trained weights (calibrating a
 * calibrated model multiplies it); the other fields describe the latest fit, whose log-losses are relative to the
 * weights it started from.
 */
export interface ValueCalibrationRecord {
  /** k > 0: the value is tanh(k·z) for the trained net's pre-tanh z. */
  scale: number;
  /** contentHash of the dataset fitted on. */
  data: string;
  split: string;
  seed: number;
  /** Positions fitted (sampled positions whose game names a winner). */
  positions: number;
  /** Mean log-loss (nats) of P(side to move wins) on those positions before and after the latest fit. */
  logLossBefore: number;
  logLossAfter: number;
  date: string;
}

/** The teacher of a distilled run (`tengen train --distill-from`), as tengen.json records it. */
export interface DistilledFromRecord {
  /** The teacher's model dir as given on the command line (an ensemble's first network). */
  model: string;
  /** An ensemble teacher (several --distill-from dirs): all its networks' dirs, `model` first; absent for one network. */
  ensemble?: string[];
  /** 1 or 8: board symmetries its policy was averaged over. */
  symmetries: number;
  /** Share of the policy loss its soft target took, in [0, 1]. */
  weight: number;
}

/** The saved model a run started from; its counts are totals (its own run plus whatever that one started from). */
export interface InitFromRecord {
  /** The --init-from path as given. */
  model: string;
  steps: number;
  positionsSeen: number;
  wallClockSeconds: number;
  dataManifestHash: string | null;
}

/** The InitFromRecord of a run started from model `dir` with metadata `m` (totals carried over a chain of restarts). */
export function initFromRecord(dir: string, m: Pick<ModelMetadata, 'steps' | 'positionsSeen' | 'wallClockSeconds' | 'dataManifestHash' | 'initFrom'>): InitFromRecord {
  return {
    model: dir,
    steps: m.steps + (m.initFrom?.steps ?? 0),
    positionsSeen: m.positionsSeen + (m.initFrom?.positionsSeen ?? 0),
    wallClockSeconds: Math.round((m.wallClockSeconds + (m.initFrom?.wallClockSeconds ?? 0)) * 10) / 10,
    dataManifestHash: m.dataManifestHash,
  };
}

/** Validates an `initFrom` record (tengen.json or a checkpoint's state.json); throws naming `where`. */
export function validateInitFrom(raw: unknown, where: string): InitFromRecord {
  const r = raw as Record<string, unknown> | null;
  const ok =
    typeof r === 'object' &&
    r !== null &&
    typeof r.model === 'string' &&
    Number.isInteger(r.steps) &&
    (r.steps as number) >= 0 &&
    Number.isInteger(r.positionsSeen) &&
    (r.positionsSeen as number) >= 0 &&
    typeof r.wallClockSeconds === 'number' &&
    r.wallClockSeconds >= 0 &&
    (r.dataManifestHash === null || typeof r.dataManifestHash === 'string');
  if (!ok) {
    throw new Error(`${where}: field "initFrom" must be {model, steps, positionsSeen, wallClockSeconds, dataManifestHash}, got ${JSON.stringify(raw)}`);
  }
  const v = r as Record<string, unknown>;
  return { model: v.model as string, steps: v.steps as number, positionsSeen: v.positionsSeen as number, wallClockSeconds: v.wallClockSeconds as number, dataManifestHash: v.dataManifestHash as string | null };
}

/** A rate with its 95% interval. */
export interface RecordedRate {
  rate: number;
  lo: number;
  hi: number;
}

/** One `tengen eval --record` result: enough to reproduce it (data hash, split, seed, size, symmetries). */
export interface EvaluationRecord {
  /** contentHash of the evaluated dataset. */
  data: string;
  /** The --data paths as given (for the reader; the hash is what identifies the data). */
  inputs: string[];
  split: string;
  seed: number;
  positions: number;
  symmetries: number;
  top1: RecordedRate;
  top5: RecordedRate;
  top10: RecordedRate;
  logLoss: number;
  date: string;
}

/** Same data, split, seed, sample size and symmetries: a new record replaces the old one. */
export function sameEvaluation(a: EvaluationRecord, b: EvaluationRecord): boolean {
  return a.data === b.data && a.split === b.split && a.seed === b.seed && a.positions === b.positions && a.symmetries === b.symmetries;
}

function validateEvaluations(raw: unknown, file: string): EvaluationRecord[] {
  if (!Array.isArray(raw)) throw new Error(`${file}: field "evaluations" must be an array, got ${JSON.stringify(raw)}`);
  return raw.map((e: unknown, i) => {
    const where = `${file}: evaluations[${i}]`;
    if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new Error(`${where} must be an object`);
    const r = e as Record<string, unknown>;
    const str = (f: string): string => {
      if (typeof r[f] !== 'string') throw new Error(`${where}.${f} must be a string, got ${JSON.stringify(r[f])}`);
      return r[f] as string;
    };
    const int = (f: string): number => {
      if (!Number.isInteger(r[f]) || (r[f] as number) < 0) throw new Error(`${where}.${f} must be a non-negative integer, got ${JSON.stringify(r[f])}`);
      return r[f] as number;
    };
    const rate = (f: string): RecordedRate => {
      const v = r[f] as Record<string, unknown> | undefined;
      const ok = (x: unknown): x is number => typeof x === 'number' && x >= 0 && x <= 1;
      if (typeof v !== 'object' || v === null || !ok(v.rate) || !ok(v.lo) || !ok(v.hi)) {
        throw new Error(`${where}.${f} must be {rate, lo, hi} in 0..1, got ${JSON.stringify(v)}`);
      }
      return { rate: v.rate, lo: v.lo, hi: v.hi };
    };
    if (!Array.isArray(r.inputs) || !r.inputs.every((x) => typeof x === 'string')) throw new Error(`${where}.inputs must be an array of strings`);
    if (typeof r.logLoss !== 'number' || !Number.isFinite(r.logLoss)) throw new Error(`${where}.logLoss must be a number, got ${JSON.stringify(r.logLoss)}`);
    return {
      data: str('data'),
      inputs: [...(r.inputs as string[])],
      split: str('split'),
      seed: int('seed'),
      positions: int('positions'),
      symmetries: int('symmetries'),
      top1: rate('top1'),
      top5: rate('top5'),
      top10: rate('top10'),
      logLoss: r.logLoss,
      date: str('date'),
    };
  });
}

function validateWeightAverage(raw: unknown, file: string): { horizon: number; samples: number } {
  const a = raw as Record<string, unknown> | null;
  if (typeof a !== 'object' || a === null || !Number.isInteger(a.horizon) || !Number.isInteger(a.samples) || (a.horizon as number) < 1 || (a.samples as number) < 1) {
    throw new Error(`${file}: field "weightAverage" must be {horizon, samples} (positive integers), got ${JSON.stringify(raw)}`);
  }
  return { horizon: a.horizon as number, samples: a.samples as number };
}

function validateDistilledFrom(raw: unknown, file: string): DistilledFromRecord {
  const d = raw as Record<string, unknown> | null;
  const ensembleOk = (e: unknown): e is string[] => Array.isArray(e) && e.length >= 2 && e.every((m) => typeof m === 'string') && e[0] === (d as Record<string, unknown>).model;
  if (
    typeof d !== 'object' || d === null || typeof d.model !== 'string' || (d.ensemble !== undefined && !ensembleOk(d.ensemble)) ||
    (d.symmetries !== 1 && d.symmetries !== 8) || typeof d.weight !== 'number' || !(d.weight >= 0 && d.weight <= 1)
  ) {
    throw new Error(`${file}: field "distilledFrom" must be {model: string, ensemble?: [model, string, ...], symmetries: 1 | 8, weight in [0, 1]}, got ${JSON.stringify(raw)}`);
  }
  return { model: d.model, ...(d.ensemble !== undefined ? { ensemble: [...(d.ensemble as string[])] } : {}), symmetries: d.symmetries, weight: d.weight };
}

function validateValueCalibration(raw: unknown, file: string): ValueCalibrationRecord {
  const where = `${file}: field "valueCalibration"`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${where} must be an object, got ${JSON.stringify(raw)}`);
  const r = raw as Record<string, unknown>;
  const bad = (f: string, want: string): never => {
    throw new Error(`${where}: "${f}" ${r[f] === undefined ? 'is missing' : `must be ${want}, got ${JSON.stringify(r[f])}`}`);
  };
  if (typeof r.scale !== 'number' || !(r.scale > 0) || !Number.isFinite(r.scale)) bad('scale', 'a positive number');
  for (const f of ['data', 'split']) if (typeof r[f] !== 'string') bad(f, 'a string');
  if (!Number.isInteger(r.seed) || (r.seed as number) < 0) bad('seed', 'a non-negative integer');
  if (!Number.isInteger(r.positions) || (r.positions as number) < 1) bad('positions', 'a positive integer');
  for (const f of ['logLossBefore', 'logLossAfter']) if (typeof r[f] !== 'number' || !((r[f] as number) >= 0) || !Number.isFinite(r[f])) bad(f, 'a non-negative number');
  if (typeof r.date !== 'string' || Number.isNaN(Date.parse(r.date))) bad('date', 'an ISO-8601 date string');
  return {
    scale: r.scale as number,
    data: r.data as string,
    split: r.split as string,
    seed: r.seed as number,
    positions: r.positions as number,
    logLossBefore: r.logLossBefore as number,
    logLossAfter: r.logLossAfter as number,
    date: r.date as string,
  };
}

/** Validates parsed tengen.json contents; throws an Error naming `file` and the first bad field. */
export function validateMetadata(raw: unknown, file = 'tengen.json'): ModelMetadata {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${file}: expected a JSON object`);
  const r = raw as Record<string, unknown>;
  const bad = (field: string, want: string): never => {
    throw new Error(`${file}: field "${field}" ${r[field] === undefined ? 'is missing' : `must be ${want}, got ${JSON.stringify(r[field])}`}`);
  };
  if (r.format !== TENGEN_FORMAT) bad('format', JSON.stringify(TENGEN_FORMAT));
  if (r.formatVersion !== TENGEN_FORMAT_VERSION) {
    if (typeof r.formatVersion === 'number') throw new Error(`${file}: formatVersion ${r.formatVersion} is not supported (this build reads ${TENGEN_FORMAT_VERSION})`);
    bad('formatVersion', String(TENGEN_FORMAT_VERSION));
  }
  if (r.architecture === undefined) bad('architecture', 'an object');
  const architecture = validateArchConfig(r.architecture, `${file}: architecture`);
  const fsRaw = r.featureSet as Record<string, unknown> | undefined;
  if (typeof fsRaw !== 'object' || fsRaw === null) bad('featureSet', 'an object {name, version, planes}');
  const fset = fsRaw as Record<string, unknown>;
  if (typeof fset.name !== 'string' || fset.name === '') throw new Error(`${file}: field "featureSet.name" must be a non-empty string, got ${JSON.stringify(fset.name)}`);
  if (!Number.isInteger(fset.version)) throw new Error(`${file}: field "featureSet.version" must be an integer, got ${JSON.stringify(fset.version)}`);
  if (!Number.isInteger(fset.planes) || (fset.planes as number) <= 0) throw new Error(`${file}: field "featureSet.planes" must be a positive integer, got ${JSON.stringify(fset.planes)}`);
  if (fset.planes !== architecture.planes) {
    throw new Error(`${file}: featureSet.planes (${fset.planes}) does not match architecture.planes (${architecture.planes})`);
  }
  if (r.dataManifestHash !== null && typeof r.dataManifestHash !== 'string') bad('dataManifestHash', 'a string or null');
  for (const f of ['steps', 'positionsSeen']) if (!Number.isInteger(r[f]) || (r[f] as number) < 0) bad(f, 'a non-negative integer');
  if (typeof r.wallClockSeconds !== 'number' || !(r.wallClockSeconds >= 0)) bad('wallClockSeconds', 'a non-negative number');
  if (typeof r.backend !== 'string') bad('backend', 'a string');
  if (typeof r.date !== 'string' || Number.isNaN(Date.parse(r.date))) bad('date', 'an ISO-8601 date string');
  if (typeof r.metrics !== 'object' || r.metrics === null || Array.isArray(r.metrics)) bad('metrics', 'an object of numbers');
  for (const [k, v] of Object.entries(r.metrics as object)) {
    if (typeof v !== 'number') throw new Error(`${file}: field "metrics.${k}" must be a number, got ${JSON.stringify(v)}`);
  }
  if (r.valueCalibration !== undefined && !architecture.valueHead) throw new Error(`${file}: field "valueCalibration" on a model without a value head (architecture.valueHead is missing)`);
  return {
    format: TENGEN_FORMAT,
    formatVersion: TENGEN_FORMAT_VERSION,
    architecture,
    featureSet: { name: fset.name as string, version: fset.version as number, planes: fset.planes as number },
    dataManifestHash: r.dataManifestHash as string | null,
    steps: r.steps as number,
    positionsSeen: r.positionsSeen as number,
    metrics: { ...(r.metrics as Record<string, number>) },
    backend: r.backend as string,
    date: r.date as string,
    wallClockSeconds: r.wallClockSeconds as number,
    ...(r.evaluations !== undefined ? { evaluations: validateEvaluations(r.evaluations, file) } : {}),
    ...(r.weightAverage !== undefined ? { weightAverage: validateWeightAverage(r.weightAverage, file) } : {}),
    ...(r.initFrom !== undefined ? { initFrom: validateInitFrom(r.initFrom, file) } : {}),
    ...(r.distilledFrom !== undefined ? { distilledFrom: validateDistilledFrom(r.distilledFrom, file) } : {}),
    ...(r.valueCalibration !== undefined ? { valueCalibration: validateValueCalibration(r.valueCalibration, file) } : {}),
  };
}
