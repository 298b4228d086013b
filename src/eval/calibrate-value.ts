// `tengen model calibrate-value` without the CLI: samples positions as `tengen eval` does (runEval), fits the value
// head's temperature on those whose game names a winner (calibrate.ts), and writes the model with value_fc2's kernel
// and bias times k, so every consumer (tfjs, ONNX, search, HTTP) reads the calibrated value with no format change.
import { existsSync, promises as fs, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Split } from '../data/dataset.js';
import type { BuildProgressEvent } from '../data/progress.js';
import { resolveDir, writeDirAtomic } from '../model/atomic-dir.js';
import { describeArch } from '../model/config.js';
import { loadModel, loadModelMetadata, modelFiles, weightsDigest, MODEL_JSON, TENGEN_JSON, WEIGHTS_BIN } from '../model/io.js';
import type { ValueCalibrationRecord } from '../model/metadata.js';
import { scaleValueOutput } from '../model/params.js';
import { fitValueScale, type ValueScaleFit } from './calibrate.js';
import { runEval } from './run.js';

export interface CalibrateValueOptions {
  modelDir: string;
  /** As `tengen eval --data`: one dataset folder, or SGF inputs built into a temporary all-val dataset. */
  data: string | readonly string[];
  /** Folder to write; may be `modelDir` itself or another model folder (replaced atomically, its other files kept). */
  out: string;
  /** Positions sampled (those whose game names no winner are then left out of the fit). */
  positions: number;
  seed: number;
  split: Split;
  batch?: number;
  /** tfjs backend name or "auto" (default: TENGEN_BACKEND, else auto), as `tengen eval --backend`. */
  backend?: string;
  onBuildProgress?: (e: BuildProgressEvent) => void;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface CalibrateValueReport {
  /** The model read, and the folder written. */
  model: string;
  out: string;
  inPlace: boolean;
  fit: ValueScaleFit;
  /** What the output's tengen.json records (`scale` cumulative: the input's own scale times the fit's). */
  record: ValueCalibrationRecord;
  /** The input's recorded scale, or null for a model never calibrated. */
  previousScale: number | null;
  sample: { split: Split; seed: number; count: number; population: number };
  data: { inputs: string[]; contentHash: string };
  /** Evaluations of the input left out of the output (they measured the old value head). */
  droppedEvaluations: number;
  /** The other files of the model folder replaced (in place, or an existing --out model folder), carried over unchanged. */
  keptFiles: string[];
  backend: string;
}

const MODEL_FILES = new Set([MODEL_JSON, WEIGHTS_BIN, TENGEN_JSON]);

/** The same folder on disk (both exist and resolve to one real path, or neither exists and the paths match). */
function sameDir(a: string, b: string): boolean {
  const real = (p: string): string => (existsSync(p) ? realpathSync(p) : path.resolve(p));
  return real(a) === real(b);
}

/** The other files of a model folder calibrated in place; throws on what an atomic rewrite could not carry over. */
function otherFiles(dir: string): string[] {
  const names: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (MODEL_FILES.has(e.name)) continue;
    if (!e.isFile() || e.name.startsWith('.')) {
      throw new Error(`--out ${dir}: in place, the folder is rewritten atomically with its files, but "${e.name}" is ${e.isFile() ? 'a dot file' : 'not a plain file'}; write to another --out`);
    }
    names.push(e.name);
  }
  return names.sort();
}

/** Fits the value head's temperature of `modelDir` on a seeded sample and writes the scaled model to `out`; throws naming the model, data or flag at fault. */
export async function calibrateValue(o: CalibrateValueOptions): Promise<CalibrateValueReport> {
  const meta = await loadModelMetadata(o.modelDir);
  if (!meta.architecture.valueHead) {
    throw new Error(`${path.resolve(o.modelDir)}: no value head (${describeArch(meta.architecture)}); calibrate-value scales a value head's output`);
  }
  const inPlace = sameDir(o.out, o.modelDir);
  if (!inPlace && existsSync(o.out) && (!statSync(o.out).isDirectory() || (readdirSync(o.out).length > 0 && !existsSync(path.join(o.out, TENGEN_JSON))))) {
    throw new Error(`--out ${o.out}: exists and is not a model folder (no ${TENGEN_JSON}); refusing to replace it`);
  }
  // A model folder replaced (in place, or another one such as models/default) keeps its other files, e.g. plots:
  // the atomic rewrite would drop them. Checked before the sampling too, so a folder that cannot be rewritten fails at once.
  const replaced = inPlace ? (resolveDir(o.out) ?? o.out) : existsSync(o.out) && existsSync(path.join(o.out, TENGEN_JSON)) ? o.out : null;
  if (replaced !== null) otherFiles(replaced);
  const values: number[] = [];
  const won: number[] = [];
  const report = await runEval({
    modelDir: o.modelDir,
    data: o.data,
    positions: o.positions,
    seed: o.seed,
    symmetries: 1,
    batch: o.batch ?? 256,
    backend: o.backend,
    split: o.split,
    legal: false,
    onValue: (v, w) => {
      values.push(v);
      won.push(w ? 1 : 0);
    },
    onBuildProgress: o.onBuildProgress,
    onProgress: o.onProgress,
    signal: o.signal,
  });
  const fit = fitValueScale(values, won);
  // k > 0 keeps every value's sign, so the share of winners named cannot move: a change means a broken fit.
  if (fit.accuracyAfter !== fit.accuracyBefore) throw new Error(`value calibration: accuracy moved from ${fit.accuracyBefore} to ${fit.accuracyAfter} under scale ${fit.scale}`);
  const loaded = await loadModel(o.modelDir);
  loaded.model.dispose();
  const digest = await weightsDigest(loaded.dir);
  if (digest !== report.model.weightsSha256) {
    throw new Error(`${path.join(loaded.dir, WEIGHTS_BIN)}: changed during the calibration (sha256 ${digest}…, sampled ${report.model.weightsSha256}…); nothing written`);
  }
  const { format: _f, formatVersion: _v, architecture, date: _d, evaluations, valueCalibration: previous, ...rest } = loaded.meta;
  const record: ValueCalibrationRecord = {
    scale: (previous?.scale ?? 1) * fit.scale,
    data: report.data.contentHash,
    split: report.sample.split,
    seed: report.sample.seed,
    positions: fit.positions,
    logLossBefore: fit.logLossBefore,
    logLossAfter: fit.logLossAfter,
    date: new Date().toISOString(),
  };
  const files = await modelFiles(architecture, scaleValueOutput(architecture, loaded.params, fit.scale), { ...rest, valueCalibration: record });
  const keptDir = inPlace ? loaded.dir : replaced;
  const keptFiles = keptDir !== null ? otherFiles(keptDir) : [];
  for (const name of keptFiles) files.set(name, await fs.readFile(path.join(keptDir!, name)));
  await writeDirAtomic(o.out, files);
  return {
    model: loaded.dir,
    out: path.resolve(o.out),
    inPlace,
    fit,
    record,
    previousScale: previous?.scale ?? null,
    sample: report.sample,
    data: { inputs: report.data.inputs, contentHash: report.data.contentHash },
    droppedEvaluations: evaluations?.length ?? 0,
    keptFiles,
    backend: report.backend,
  };
}
