// `tengen eval` without the CLI: resolves the data (one dataset folder, or any number of SGF inputs built together
// into a temporary all-validation dataset that is deleted afterwards), loads and checks the model, draws the fixed seeded sample
// and scores it. The report carries everything needed to reproduce the figures.
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildDataset, DEFAULT_MIN_MOVES } from '../data/build.js';
import { openDataset, type Dataset, type Split } from '../data/dataset.js';
import { MANIFEST_FILE } from '../data/format.js';
import { validationPositions } from '../data/loader.js';
import type { BuildProgressEvent } from '../data/progress.js';
import { assertFeatureSetCompatible, getFeatureSet } from '../features/registry.js';
import type { FeatureSet } from '../features/types.js';
import { selectBackend } from '../model/backend.js';
import { LOGITS_LAYER, VALUE_OUTPUT_LAYER } from '../model/build.js';
import { describeArch, type FeatureSetId } from '../model/config.js';
import { loadModel, weightsDigest, type LoadedModel } from '../model/io.js';
import type { EvaluationRecord } from '../model/metadata.js';
import { ensembleLogits } from './ensemble.js';
import { evaluateSample, type EvaluateResult, type LogitsFn } from './evaluate.js';

export const ACCURACY_NOTE =
  'top-1/top-5/top-10 and log-loss use all 361 outputs of the raw softmax (no legal masking); top-1 (legal) masks occupied, suicide, ko and superko points';

export interface EvalRunOptions {
  /** A model directory, or several: an ensemble whose softmaxes (and values) are averaged (eval/ensemble.ts). */
  modelDir: string | readonly string[];
  /** One dataset folder (has manifest.json), or one or more SGF inputs (.sgf / .sgf.gz files or folders). */
  data: string | readonly string[];
  /** Sample size (`--sample`, alias `--positions`); the whole split if at least its size. */
  positions: number;
  seed: number;
  symmetries: 1 | 8;
  batch: number;
  /** tfjs backend name or "auto" (default: TENGEN_BACKEND, else auto). */
  backend?: string;
  /** Split of a dataset folder to sample (default 'val'; a dataset built with --split all-val is all 'val'). */
  split?: Split;
  /** Score top-1 among legal points too (default true). */
  legal?: boolean;
  /** Each sampled position with a value target: the value and whether the side to move won (see EvaluateOptions). */
  onValue?: (value: number, won: boolean) => void;
  onBuildProgress?: (e: BuildProgressEvent) => void;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/**
 * The report (`--json` prints it as is). Accuracies are Proportions {hits, n, rate, lo, hi}: rate = hits / n and
 * [lo, hi] its 95% Wilson interval. `positions`, `top1`, `top5`, `top10`, `phases` are at the top level.
 */
export interface EvalReport extends EvaluateResult {
  /** The model evaluated; for an ensemble its first member (all of them in `ensemble`). */
  model: EvalModelInfo;
  /** Only for an ensemble (several --model dirs): every member, in the order given. */
  ensemble?: EvalModelInfo[];
  data: {
    /** The --data paths as given. */
    inputs: string[];
    /** True when the input was SGF, built into a temporary all-val dataset (deleted afterwards). */
    builtFromSgf: boolean;
    contentHash: string;
    games: number;
  };
  sample: { split: Split; seed: number; count: number; population: number };
  symmetries: 1 | 8;
  batch: number;
  backend: string;
  note: string;
}

/** What a report says of one model: name, weights, architecture and what trained it. */
export interface EvalModelInfo {
  id: string;
  dir: string;
  /** First 16 hex digits of the sha256 of weights.bin: tells two models with the same name apart. */
  weightsSha256: string;
  architecture: string;
  featureSet: FeatureSetId;
  steps: number;
  positionsSeen: number;
  /** For a warm restart (`tengen train --init-from`): the model it started from and the positions behind it. */
  initFrom?: { model: string; positionsSeen: number };
  trainedOnData: string | null;
}

/**
 * Opens the --data inputs: exactly one dataset folder, or one or more SGF inputs (.sgf / .sgf.gz files, folders of
 * them) built together into a temp all-val dataset; cleanup() removes what was built. Mixing a dataset folder with
 * anything else, or giving two dataset folders, throws: their samples would not be one reproducible population.
 */
export async function openEvalData(
  inputs: string | readonly string[],
  onBuildProgress?: (e: BuildProgressEvent) => void,
  signal?: AbortSignal,
): Promise<{ dataset: Dataset; built: boolean; cleanup: () => void }> {
  const list = typeof inputs === 'string' ? [inputs] : [...inputs];
  if (list.length === 0) throw new Error('--data: no input given (a dataset folder, or .sgf / .sgf.gz files or folders)');
  const datasets: string[] = [];
  for (const input of list) {
    if (!existsSync(input)) throw new Error(`--data ${input}: no such file or folder`);
    if (statSync(input).isDirectory() && existsSync(path.join(input, MANIFEST_FILE))) datasets.push(input);
  }
  if (datasets.length > 0) {
    if (list.length > 1) {
      throw new Error(
        `--data: give one dataset folder alone, or any number of SGF files/folders; got dataset folder${datasets.length > 1 ? 's' : ''} ` +
          `${datasets.join(', ')} among ${list.length} inputs (build them into one dataset with \`tengen data build\`, or pass their SGF sources)`,
      );
    }
    return { dataset: openDataset(datasets[0]), built: false, cleanup: () => {} };
  }
  const named = list.join(' ');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'tengen-eval-'));
  const cleanup = (): void => rmSync(tmp, { recursive: true, force: true });
  try {
    const out = path.join(tmp, 'dataset');
    // The same filters as `tengen data build --split all-val`, so the contentHash matches a dataset built by hand.
    const r = await buildDataset(list, out, { minMoves: DEFAULT_MIN_MOVES, allowHandicap: false, valPermille: 1000, onProgress: onBuildProgress, signal });
    if (r.manifest.counts.labelledPositions === 0) {
      throw new Error(`--data ${named}: no usable games (${r.manifest.counts.gamesRead} read, none kept; ${JSON.stringify(r.manifest.dropped)})`);
    }
    return { dataset: openDataset(out), built: true, cleanup };
  } catch (err) {
    cleanup();
    throw err;
  }
}

/** A LogitsFn over a loaded layers model: its `flatten` output (pre-softmax), so the loss is exact in float64. */
export function logitsOf(model: tf.LayersModel): { fn: LogitsFn; dispose: () => void } {
  const outputs = [model.getLayer(LOGITS_LAYER).output as tf.SymbolicTensor];
  if (model.outputs.length > 1) outputs.push(model.getLayer(VALUE_OUTPUT_LAYER).output as tf.SymbolicTensor);
  const sub = tf.model({ inputs: model.inputs, outputs });
  const shape = model.inputs[0]!.shape;
  const fn: LogitsFn = async (inputs, rows) => {
    const outs = tf.tidy(() => {
      const y = sub.predict(tf.tensor4d(inputs, [rows, shape[1]!, shape[2]!, shape[3]!]));
      return Array.isArray(y) ? y : [y];
    });
    try {
      const logits = (await outs[0]!.data()) as Float32Array;
      return outs.length > 1 ? { logits, values: (await outs[1]!.data()) as Float32Array } : logits;
    } finally {
      tf.dispose(outs);
    }
  };
  // The sub-model shares the layers (and weights) of `model`: disposing the original disposes both.
  return { fn, dispose: () => model.dispose() };
}

function modelFeatureSet(recorded: FeatureSetId, dir: string): FeatureSet {
  try {
    const fs = getFeatureSet(recorded.name);
    assertFeatureSetCompatible(recorded, fs);
    return fs;
  } catch (err) {
    throw new Error(`${dir}: cannot evaluate on Go data: ${(err as Error).message}`);
  }
}

/** Evaluates a saved model (or an ensemble of them) on a fixed seeded sample of `data`; throws naming the model dir, data path or flag at fault. */
export async function runEval(o: EvalRunOptions): Promise<EvalReport> {
  if (!Number.isInteger(o.positions) || o.positions < 1) throw new Error(`--sample (--positions): expected a positive integer, got ${o.positions}`);
  if (!Number.isInteger(o.seed) || o.seed < 0) throw new Error(`--seed: expected a non-negative integer, got ${o.seed}`);
  if (o.symmetries !== 1 && o.symmetries !== 8) throw new Error(`--symmetries: expected 1 or 8, got ${String(o.symmetries)}`);
  if (!Number.isInteger(o.batch) || o.batch < 1 || o.batch > 4096) throw new Error(`--batch: expected an integer in 1..4096, got ${o.batch}`);
  const dirs = typeof o.modelDir === 'string' ? [o.modelDir] : [...o.modelDir];
  if (dirs.length === 0) throw new Error('--model: no model directory given');
  const backend = await selectBackend(o.backend);
  const members: { loaded: LoadedModel; runner: ReturnType<typeof logitsOf> }[] = [];
  try {
    for (const dir of dirs) {
      const loaded = await loadModel(dir);
      members.push({ loaded, runner: logitsOf(loaded.model) });
    }
    const first = members[0]!.loaded;
    const features = modelFeatureSet(first.meta.featureSet, first.dir);
    for (const { loaded } of members.slice(1)) {
      try {
        assertFeatureSetCompatible(loaded.meta.featureSet, features);
      } catch (err) {
        throw new Error(`--model ${loaded.dir}: cannot join an ensemble with ${first.dir}: ${(err as Error).message}`);
      }
    }
    // An ensemble's value is the members' mean, so it has one only when every member has a value head.
    const withValue = members.every(({ loaded }) => loaded.meta.architecture.valueHead !== undefined);
    const infos = await Promise.all(members.map(({ loaded }) => modelInfo(loaded)));
    const logits = ensembleLogits(members.map((m) => m.runner.fn), withValue);
    const inputs = typeof o.data === 'string' ? [o.data] : [...o.data];
    const data = await openEvalData(inputs, o.onBuildProgress, o.signal);
    try {
      const split = o.split ?? 'val';
      const population = data.dataset.labelledPositions(split).length;
      if (population === 0) throw new Error(`--data ${inputs.join(' ')}: no labelled positions in the "${split}" split`);
      const sample = validationPositions(data.dataset, { count: o.positions, seed: o.seed, split, features });
      const figures = await evaluateSample(sample, logits, {
        symmetries: o.symmetries,
        batch: o.batch,
        legal: o.legal ?? true,
        value: withValue,
        onValue: o.onValue,
        onProgress: o.onProgress,
        signal: o.signal,
      });
      // Figures first, so `--json` opens with positions, top1, top5, top10 and phases.
      return {
        ...figures,
        model: infos[0]!,
        ...(infos.length > 1 ? { ensemble: infos } : {}),
        data: { inputs, builtFromSgf: data.built, contentHash: data.dataset.manifest.contentHash, games: data.dataset.gameCount },
        sample: { split, seed: o.seed, count: sample.count, population },
        symmetries: o.symmetries,
        batch: o.batch,
        backend: backend.name,
        note: ACCURACY_NOTE,
      };
    } finally {
      data.cleanup();
    }
  } finally {
    for (const m of members) m.runner.dispose();
  }
}

/** A model's name in reports: its folder's, with the run's for a run's `best/` or `checkpoint/` (else every run's would read "best"). */
export function modelId(dir: string): string {
  const base = path.basename(dir).replace(/\.old$/, '');
  return base === 'best' || base === 'checkpoint' ? `${path.basename(path.dirname(dir))}/${base}` : base;
}

/** A loaded model as a report names it. */
async function modelInfo(loaded: LoadedModel): Promise<EvalModelInfo> {
  const m = loaded.meta;
  return {
    id: modelId(loaded.dir),
    dir: loaded.dir,
    weightsSha256: await weightsDigest(loaded.dir),
    architecture: describeArch(m.architecture),
    featureSet: m.featureSet,
    steps: m.steps,
    positionsSeen: m.positionsSeen,
    ...(m.initFrom ? { initFrom: { model: m.initFrom.model, positionsSeen: m.initFrom.positionsSeen } } : {}),
    trainedOnData: m.dataManifestHash,
  };
}

/** The part of a report that `tengen eval --record` stores in tengen.json. */
export function evaluationRecord(r: EvalReport): EvaluationRecord {
  const rate = (p: { rate: number; lo: number; hi: number }) => ({ rate: p.rate, lo: p.lo, hi: p.hi });
  return {
    data: r.data.contentHash,
    inputs: r.data.inputs,
    split: r.sample.split,
    seed: r.sample.seed,
    positions: r.sample.count,
    symmetries: r.symmetries,
    top1: rate(r.top1),
    top5: rate(r.top5),
    top10: rate(r.top10),
    logLoss: r.logLoss.mean,
    date: new Date().toISOString(),
  };
}
