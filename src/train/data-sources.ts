// Opens the trainer's data: a dataset folder built by `tengen data build` (via src/data) or a built-in
// toy stream `synthetic:<rule>` (smoke tests, benchmarks, the kill-and-resume test).
import { openDataset } from '../data/dataset.js';
import { createTrainingSource, validationPositions } from '../data/loader.js';
import { createPrefetchingSource } from '../data/prefetch.js';
import type { FeatureSetId } from '../model/config.js';
import { parseRule, SyntheticSource, SyntheticValidation } from './synthetic.js';
import type { BatchSource, ValidationSource } from './types.js';

export interface OpenedData {
  train: BatchSource;
  val: ValidationSource | null;
  featureSet: FeatureSetId;
}

export interface OpenDataOptions {
  /** Folder, or `synthetic:stone|adjacent|noise`. */
  data: string;
  /** Feature set of a dataset (from the registry); for synthetic data only its plane count is used. */
  featureSet: FeatureSetId | null;
  seed: number;
  valPositions: number;
  /** Dataset folder to validate on instead of `data`'s validation split (e.g. tom9d/dev built with --split all-val). */
  valData?: string;
  /** Seed of the validation sample; fixed by default so that runs with different training seeds compare. */
  valSeed?: number;
  /** 1 (default): encode training batches ahead in a worker thread; 0: in the trainer's thread. Datasets only. */
  loaderWorkers?: number;
}

/** Opens training and validation sources (close() the train source when done); throws naming the folder or rule at fault. */
export function openTrainingData(o: OpenDataOptions): OpenedData {
  if (o.data.startsWith('synthetic:')) {
    const rule = parseRule(o.data.slice('synthetic:'.length));
    const planes = o.featureSet?.planes ?? 2;
    return {
      train: new SyntheticSource(rule, planes, o.seed),
      val: o.valPositions > 0 ? new SyntheticValidation(rule, planes, o.valPositions, o.seed + 1) : null,
      featureSet: { name: `synthetic:${rule}`, version: 1, planes },
    };
  }
  if (!o.featureSet) throw new Error('--features is required with a dataset folder');
  const loaderWorkers = o.loaderWorkers ?? 1;
  if (loaderWorkers !== 0 && loaderWorkers !== 1) throw new Error(`--loader-workers must be 0 or 1, got ${loaderWorkers}`);
  const ds = openDataset(o.data);
  let val: ValidationSource | null = null;
  if (o.valPositions > 0) {
    const valDs = o.valData ? openDataset(o.valData) : ds;
    const sample = validationPositions(valDs, {
      count: o.valPositions,
      seed: o.valSeed ?? 0,
      features: o.featureSet.name,
      split: o.valData ? 'all' : 'val',
    });
    if (sample.count > 0) val = { planes: sample.planes, batches: (n) => sample.evalBatches(n) };
  }
  // Both give the same batches. Opened after the validation data, so that a bad --val-data leaves no worker behind.
  const options = { features: o.featureSet.name, seed: o.seed };
  if (loaderWorkers === 1) return { train: createPrefetchingSource(ds, options), val, featureSet: o.featureSet };
  const src = createTrainingSource(ds, options);
  const train: BatchSource = {
    planes: src.planes,
    positions: src.populationSize,
    manifestHash: ds.manifest.contentHash,
    next: (n) => src.next(n),
    getCursor: () => src.getState(),
    setCursor: (c) => src.setState(c as ReturnType<typeof src.getState>),
  };
  return { train, val, featureSet: o.featureSet };
}
