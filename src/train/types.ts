// Interfaces between the trainer and its data: the dataset loader (data/loader.ts) and the synthetic sources
// implement these.
import type { Batch as DataBatch } from '../data/loader.js';

/**
 * What the trainer reads of a batch: the loader's Batch (one home for the fields and their meaning) without its
 * provenance; value and ownership targets are optional (synthetic sources have no games).
 */
export type Batch = Pick<DataBatch, 'inputs' | 'labels' | 'size'> & Partial<Pick<DataBatch, 'values' | 'ownership'>>;

/** Endless (or epoch-cycling) training batches. */
export interface BatchSource {
  readonly planes: number;
  /** Returns the next batch of up to batchSize positions (the arrays may be reused by the next call). */
  next(batchSize: number): Batch;
  /** Like next, for sources that prepare batches elsewhere (worker thread): the trainer prefers it when present. */
  nextAsync?(batchSize: number): Promise<Batch>;
  /** Positions in one epoch, if known (enables --epochs and per-epoch evaluation). */
  readonly positions?: number;
  /** Hash of the dataset manifest, recorded in tengen.json. */
  readonly manifestHash?: string | null;
  /** JSON-serialisable read position (shuffle RNG state, file offsets) saved in checkpoints. */
  getCursor?(): unknown;
  /** Restores a cursor from getCursor(); throws if it does not fit this source. */
  setCursor?(cursor: unknown): void;
  /** Releases threads or files; the owner calls it when done. */
  close?(): Promise<void>;
}

/** A fixed list of validation positions, visited in the same order every time. */
export interface ValidationSource {
  readonly planes: number;
  batches(batchSize: number): Iterable<Batch>;
}
