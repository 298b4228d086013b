// Batch sources over a dataset: the seeded, augmented, resumable training stream and the fixed evaluation sample.
//
// A sample is one labelled position: the board before a non-pass move, encoded from the view of the side to move,
// labelled with that move's point (0..360). Positions whose move is a pass are skipped (never drawn): the policy
// head has 361 outputs and cannot express a pass.
import { getFeatureSet } from '../features/registry.js';
import { symmetryTable, transformPlanes, SYMMETRY_COUNT } from '../features/symmetry.js';
import type { FeatureSet } from '../features/types.js';
import type { Dataset, Split } from './dataset.js';
import { Random, type RandomState } from '../random.js';
import { Replayer } from './replay.js';
import { entryColor, entryPoint } from './format.js';
import { BLACK } from '../go/constants.js';
import { readOwnership } from './ownership.js';

const NPOINTS = 361;

/** A stream of batches over a dataset (the trainer's BatchSource, train/types.ts, asks for this much and more). */
export interface BatchSource {
  readonly planes: number;
  next(batchSize: number): Batch;
}

/** A batch with provenance: the dataset entry of each sample's move and the symmetry applied to it. */
export interface Batch {
  inputs: Float32Array;
  labels: Int32Array;
  /** Value target per sample: +1 if the side to move won the game, −1 if it lost, 0 if the record names no winner. */
  values: Float32Array;
  /**
   * Ownership targets [size × 361] in [-1, 1] from the side to move's view (+1: the side to move owns the point at
   * the end), transformed like the planes; absent when the dataset has no ownership.bin (data/ownership.ts).
   */
  ownership?: Float32Array;
  size: number;
  entries: Uint32Array;
  symmetries: Uint8Array;
}

export interface TrainingSourceOptions {
  /** Feature set name (e.g. 'alphago48', 'basic') or the set itself. */
  features: string | FeatureSet;
  seed?: number;
  /** Apply a random one of the 8 symmetries to each sample (default true). */
  augment?: boolean;
  /** Population to sample (default 'train'). */
  split?: Split;
  /**
   * Samples drawn from each game picked (default 1: i.i.d. uniform positions). k > 1 draws one uniform position
   * and k−1 more uniform positions of the same game, so one replay serves k samples (replay, not encoding, is the
   * main cost: ~110 moves per sample at k = 1); the price is k correlated samples per batch.
   */
  positionsPerGame?: number;
}

/** Everything needed to continue a training stream exactly where it stopped (JSON-serialisable). */
export interface TrainingSourceState {
  version: 1;
  contentHash: string;
  features: string;
  split: Split;
  augment: boolean;
  positionsPerGame: number;
  prng: RandomState;
  samples: number;
}

function resolveFeatures(f: string | FeatureSet): FeatureSet {
  return typeof f === 'string' ? getFeatureSet(f) : f;
}

function checkBatchSize(n: number, where: string): void {
  if (!Number.isInteger(n) || n < 1 || n > 1 << 16) throw new Error(`${where}: batch size ${n} is not an integer in 1..65536`);
}

/**
 * Encodes the positions before entries[order[i]] into batch slots order[i]; `order` sorts the slots by entry so
 * positions of the same game replay forward once. symmetries[slot] is applied to planes and label.
 */
function fillBatch(
  replayer: Replayer,
  fs: FeatureSet,
  scratch: Float32Array,
  batch: Batch,
  order: Uint32Array,
  n: number,
  ownership: Int8Array | null,
): void {
  const planes = fs.planes;
  const stride = NPOINTS * planes;
  const ds = replayer.dataset;
  const { winner, komi } = ds.outcomes();
  for (let i = 0; i < n; i++) {
    const slot = order[i];
    const e = batch.entries[slot];
    const v = replayer.seek(e);
    const g = ds.gameOfEntry(e);
    const k = Number.isNaN(komi[g]) ? undefined : komi[g];
    const s = batch.symmetries[slot];
    if (s === 0) {
      fs.encode(replayer.board, batch.inputs, slot * stride, k);
    } else {
      fs.encode(replayer.board, scratch, 0, k);
      transformPlanes(scratch, batch.inputs, planes, s, 0, slot * stride);
    }
    batch.labels[slot] = symmetryTable(s)[entryPoint(v)];
    const w = winner[g];
    batch.values[slot] = w === 0 ? 0 : w === entryColor(v) ? 1 : -1;
    if (ownership && batch.ownership) {
      // Stored from Black's view ×127; the target is the side to move's, at the transformed points.
      const scale = entryColor(v) === BLACK ? 1 / 127 : -1 / 127;
      const t = symmetryTable(s);
      const src = g * NPOINTS;
      const dst = slot * NPOINTS;
      for (let p = 0; p < NPOINTS; p++) batch.ownership[dst + t[p]] = ownership[src + p] * scale;
    }
  }
}

function sortSlotsByEntry(entries: Uint32Array, n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => entries[a] - entries[b] || a - b);
  return order;
}

function newBatch(n: number, planes: number, withOwnership: boolean): Batch {
  return {
    inputs: new Float32Array(n * NPOINTS * planes),
    labels: new Int32Array(n),
    values: new Float32Array(n),
    ...(withOwnership ? { ownership: new Float32Array(n * NPOINTS) } : {}),
    size: n,
    entries: new Uint32Array(n),
    symmetries: new Uint8Array(n),
  };
}

/** Uniform i.i.d. sampling of labelled positions with replacement, seeded and resumable. */
export class TrainingBatchSource implements BatchSource {
  readonly features: FeatureSet;
  readonly planes: number;
  readonly split: Split;
  readonly augment: boolean;
  readonly positionsPerGame: number;
  private readonly population: Uint32Array;
  private readonly rng: Random;
  private readonly replayer: Replayer;
  private readonly scratch: Float32Array;
  private readonly ownership: Int8Array | null;
  private samples = 0;

  constructor(
    readonly dataset: Dataset,
    options: TrainingSourceOptions,
  ) {
    this.features = resolveFeatures(options.features);
    this.planes = this.features.planes;
    this.split = options.split ?? 'train';
    this.augment = options.augment ?? true;
    this.positionsPerGame = options.positionsPerGame ?? 1;
    if (!Number.isInteger(this.positionsPerGame) || this.positionsPerGame < 1) {
      throw new Error(`createTrainingSource: positionsPerGame ${options.positionsPerGame} is not a positive integer`);
    }
    this.population = dataset.labelledPositions(this.split);
    if (this.population.length === 0) {
      throw new Error(`dataset ${dataset.dir}: no labelled positions in the "${this.split}" split (built with --split all-val?)`);
    }
    this.rng = new Random(options.seed ?? 1);
    this.replayer = new Replayer(dataset);
    this.scratch = new Float32Array(NPOINTS * this.planes);
    this.ownership = readOwnership(dataset);
  }


  /** Number of labelled positions sampled from. */
  get populationSize(): number {
    return this.population.length;
  }

  // The optional members of src/train/types.ts BatchSource, so the trainer can use this source as is.
  /** Labelled positions of the split (one "epoch"). */
  get positions(): number {
    return this.population.length;
  }
  /** The dataset's contentHash, recorded by the trainer in tengen.json. */
  get manifestHash(): string {
    return this.dataset.manifest.contentHash;
  }
  /** Alias of getState for the trainer's checkpoint cursor. */
  getCursor(): TrainingSourceState {
    return this.getState();
  }
  /** Alias of setState for the trainer's checkpoint cursor. */
  setCursor(cursor: unknown): void {
    this.setState(cursor as TrainingSourceState);
  }

  /** Next batch of batchSize fresh samples (new arrays each call, so the caller may keep them). */
  next(batchSize: number): Batch {
    checkBatchSize(batchSize, 'TrainingBatchSource.next');
    const batch = newBatch(batchSize, this.planes, this.ownership !== null);
    const pop = this.population;
    const k = this.positionsPerGame;
    let lo = 0;
    let hi = pop.length;
    for (let i = 0; i < batchSize; i++) {
      if (i % k === 0) {
        const j = this.rng.nextInt(pop.length);
        batch.entries[i] = pop[j];
        if (k > 1) [lo, hi] = this.gameRange(j);
      } else {
        batch.entries[i] = pop[lo + this.rng.nextInt(hi - lo)];
      }
      // Drawn even without augmentation so the positions drawn do not depend on the augment switch.
      const s = this.rng.nextInt(SYMMETRY_COUNT);
      batch.symmetries[i] = this.augment ? s : 0;
    }
    fillBatch(this.replayer, this.features, this.scratch, batch, sortSlotsByEntry(batch.entries, batchSize), batchSize, this.ownership);
    this.samples += batchSize;
    return batch;
  }

  /** [lo, hi): the population indices of the game owning population index j. */
  private gameRange(j: number): [number, number] {
    const ds = this.dataset;
    const pop = this.population;
    const g = ds.gameOfEntry(pop[j]);
    const first = ds.gameStart(g) + ds.setupCount(g);
    const end = first + ds.moveCount(g);
    let lo = j;
    while (lo > 0 && pop[lo - 1] >= first) lo--;
    let hi = j + 1;
    while (hi < pop.length && pop[hi] < end) hi++;
    return [lo, hi];
  }

  /** Moves replayed so far (replay work, for benchmarks). */
  get movesReplayed(): number {
    return this.replayer.movesReplayed;
  }

  /** Serialisable state: restoring it with setState continues with exactly the same batches. */
  getState(): TrainingSourceState {
    return {
      version: 1,
      contentHash: this.dataset.manifest.contentHash,
      features: this.features.name,
      split: this.split,
      augment: this.augment,
      positionsPerGame: this.positionsPerGame,
      prng: this.rng.getState(),
      samples: this.samples,
    };
  }

  /** Restores a state from getState; throws if it was taken on another dataset, feature set, split or augmentation. */
  setState(state: TrainingSourceState): void {
    if (state === null || typeof state !== 'object' || state.version !== 1) {
      throw new Error('TrainingBatchSource.setState: not a version-1 loader state');
    }
    const mismatch: string[] = [];
    if (state.contentHash !== this.dataset.manifest.contentHash) mismatch.push(`dataset ${String(state.contentHash).slice(0, 16)} ≠ ${this.dataset.manifest.contentHash.slice(0, 16)}`);
    if (state.features !== this.features.name) mismatch.push(`features ${state.features} ≠ ${this.features.name}`);
    if (state.split !== this.split) mismatch.push(`split ${state.split} ≠ ${this.split}`);
    if (state.augment !== this.augment) mismatch.push(`augment ${state.augment} ≠ ${this.augment}`);
    if (state.positionsPerGame !== this.positionsPerGame) mismatch.push(`positionsPerGame ${state.positionsPerGame} ≠ ${this.positionsPerGame}`);
    if (mismatch.length > 0) throw new Error(`TrainingBatchSource.setState: state does not match this source: ${mismatch.join('; ')}`);
    this.rng.setState(state.prng);
    this.samples = state.samples;
  }
}

/** The seeded, augmented, resumable training stream over a dataset split. */
export function createTrainingSource(dataset: Dataset, options: TrainingSourceOptions): TrainingBatchSource {
  return new TrainingBatchSource(dataset, options);
}

export interface ValidationOptions {
  /** Positions to sample; the whole split if count ≥ its size (or Infinity). */
  count: number;
  seed?: number;
  /** Population (default 'val'; use 'all' for a dataset built as an evaluation set, which is all 'val' anyway). */
  split?: Split;
  /** Feature set for evalBatches (default 'alphago48'). */
  features?: string | FeatureSet;
}

/** A fixed sample of labelled positions (ascending entry order) visited without augmentation. */
export class EvalSample {
  readonly features: FeatureSet;
  readonly planes: number;
  private ownership: Int8Array | null | undefined;

  constructor(
    readonly dataset: Dataset,
    /** Entries of the sampled moves, ascending. */
    readonly entries: Uint32Array,
    features: string | FeatureSet,
  ) {
    this.features = resolveFeatures(features);
    this.planes = this.features.planes;
  }

  get count(): number {
    return this.entries.length;
  }

  /** Alias of evalBatches (the trainer's ValidationSource interface). */
  batches(batchSize: number): Iterable<Batch> {
    return this.evalBatches(batchSize);
  }

  /** Visits the sample in its fixed order, identity symmetry; the last batch may be smaller. */
  *evalBatches(batchSize: number): Generator<Batch, void, undefined> {
    checkBatchSize(batchSize, 'EvalSample.evalBatches');
    const replayer = new Replayer(this.dataset);
    const scratch = new Float32Array(0);
    if (this.ownership === undefined) this.ownership = readOwnership(this.dataset);
    for (let start = 0; start < this.entries.length; start += batchSize) {
      const n = Math.min(batchSize, this.entries.length - start);
      const batch = newBatch(n, this.planes, this.ownership !== null);
      batch.entries.set(this.entries.subarray(start, start + n));
      const order = new Uint32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      fillBatch(replayer, this.features, scratch, batch, order, n, this.ownership);
      yield batch;
    }
  }
}

/**
 * Picks a fixed, seeded sample of labelled positions of a split without replacement (Floyd's algorithm): the same
 * dataset, count and seed always give the same positions, in ascending entry order.
 */
export function validationPositions(dataset: Dataset, options: ValidationOptions): EvalSample {
  const { count } = options;
  if (typeof count !== 'number' || Number.isNaN(count) || count < 0 || (!Number.isInteger(count) && count !== Infinity)) {
    throw new Error(`validationPositions: count ${count} is not a non-negative integer`);
  }
  const split = options.split ?? 'val';
  const pop = dataset.labelledPositions(split);
  const features = options.features ?? 'alphago48';
  if (count >= pop.length) return new EvalSample(dataset, pop.slice(), features);
  const rng = new Random(options.seed ?? 1);
  const chosen = new Set<number>();
  const n = pop.length;
  for (let j = n - count; j < n; j++) {
    const t = rng.nextInt(j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  const idx = Uint32Array.from(chosen).sort();
  const entries = new Uint32Array(count);
  for (let i = 0; i < count; i++) entries[i] = pop[idx[i]];
  return new EvalSample(dataset, entries, features);
}
