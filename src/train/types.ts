// Interfaces between the trainer and its data: the data helper's dataset loader implements these.

/** One batch: NHWC inputs [size,19,19,planes], point labels 0..360 (y*19+x; passes never appear). */
export interface Batch {
  inputs: Float32Array;
  labels: Int32Array;
  /** Value targets (+1 side to move won, −1 lost, 0 no target); absent: the source has no game results. */
  values?: Float32Array;
  /** Ownership targets [size × 361] in [-1, 1] from the side to move's view; absent: the dataset has none. */
  ownership?: Float32Array;
  size: number;
}

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
