// The training stream encoded off the trainer's thread: a worker_threads worker runs a TrainingBatchSource and keeps
// up to `depth` batches ready, so batch i+1 is replayed and encoded while the gradient step of batch i runs.
//
// Same seed → the same batches, bit for bit, as the in-thread source. The cursor is the loader state after the last
// batch *handed out* (each batch arrives with it), not after the last one prefetched, so a checkpoint resumes
// exactly. Memory: at most `depth` batches queued (plus at most `depth` stale ones after a setCursor).
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { Dataset } from './dataset.js';
import { TrainingBatchSource, type Batch, type BatchSource, type TrainingSourceOptions, type TrainingSourceState } from './loader.js';
import { CONSUMED, CTL_SLOTS, WAKE_MAIN, WAKE_WORKER, type PrefetchInit, type PrefetchReply, type PrefetchRequest } from './prefetch-protocol.js';

export interface PrefetchOptions extends TrainingSourceOptions {
  /** Batches encoded ahead of the trainer (default 3). */
  depth?: number;
}

// ES2024's Atomics.waitAsync (Node ≥ 16); the project's lib is ES2022.
type WaitAsync = (a: Int32Array, i: number, v: number, timeoutMs: number) => { async: boolean; value: Promise<string> | string };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** Prefetching training source over a dataset folder; call close() when done (the worker never holds the process open). */
export class PrefetchingSource implements BatchSource {
  readonly planes: number;
  /** Validates cursors and produces the initial one; never encodes. */
  private readonly local: TrainingBatchSource;
  private readonly worker: Worker;
  private readonly ctl = new Int32Array(new SharedArrayBuffer(CTL_SLOTS * 4));
  private readonly requests: MessageChannel['port1'];
  private readonly replies: MessageChannel['port1'];
  private readonly depth: number;
  private cursor: TrainingSourceState;
  private gen = 0;
  private runningBatch = 0; // batch size the worker produces for `gen`; 0: not started since the last cursor change
  private consumed = 0;
  /** Arrived batches of the current generation, not yet handed out (at most depth). */
  private readonly ready: Extract<PrefetchReply, { type: 'batch' }>[] = [];
  private failure: Error | null = null;
  private closed = false;
  private readonly exited: Promise<void>;

  constructor(
    readonly dataset: Dataset,
    options: PrefetchOptions,
  ) {
    this.depth = options.depth ?? 3;
    if (!Number.isInteger(this.depth) || this.depth < 1 || this.depth > 64) throw new Error(`PrefetchingSource: depth ${options.depth} is not an integer in 1..64`);
    this.local = new TrainingBatchSource(dataset, options);
    this.planes = this.local.planes;
    this.cursor = this.local.getState();
    const toWorker = new MessageChannel();
    const fromWorker = new MessageChannel();
    this.requests = toWorker.port1;
    this.replies = fromWorker.port1;
    const init: PrefetchInit = {
      dir: dataset.dir,
      contentHash: dataset.manifest.contentHash,
      features: this.local.features.name,
      split: this.local.split,
      augment: this.local.augment,
      positionsPerGame: this.local.positionsPerGame,
      depth: this.depth,
      ctl: this.ctl.buffer as SharedArrayBuffer,
      requests: toWorker.port2,
      replies: fromWorker.port2,
    };
    // A .mjs bootstrap loads the compiled worker in dist/, or registers tsx for the sources (tsx, vitest).
    this.worker = new Worker(new URL('./prefetch-worker-boot.mjs', import.meta.url), { workerData: init, transferList: [toWorker.port2, fromWorker.port2] });
    // Only a pending nextAsync holds the process open: a trainer that forgets close() still exits.
    this.worker.unref();
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.on('error', (e) => this.fail(new Error(`training data loader worker crashed: ${e.message}`)));
    this.worker.on('exit', (code) => {
      if (!this.closed) this.fail(new Error(`training data loader worker exited unexpectedly (code ${code})`));
    });
  }

  /** Labelled positions of the split (one "epoch"). */
  get positions(): number {
    return this.local.populationSize;
  }
  /** The dataset's contentHash, recorded by the trainer in tengen.json. */
  get manifestHash(): string {
    return this.dataset.manifest.contentHash;
  }

  /** Loader state after the last batch handed out (what a checkpoint must store). */
  getCursor(): TrainingSourceState {
    return this.cursor;
  }

  /** Continues from a getCursor() state; throws (like TrainingBatchSource.setState) if it does not fit. */
  setCursor(cursor: unknown): void {
    this.local.setState(cursor as TrainingSourceState);
    this.cursor = this.local.getState();
    this.runningBatch = 0; // restart lazily, at the next request
    this.ready.length = 0;
  }

  /** Next batch, waiting on this thread if none is ready (prefer nextAsync in an async loop). */
  next(batchSize: number): Batch {
    this.request(batchSize);
    for (;;) {
      const seen = Atomics.load(this.ctl, WAKE_MAIN);
      const b = this.take();
      if (b) return b;
      Atomics.wait(this.ctl, WAKE_MAIN, seen, 1000);
    }
  }

  /** Next batch; resolves at once when one is queued, otherwise when the worker delivers it. */
  async nextAsync(batchSize: number): Promise<Batch> {
    this.request(batchSize);
    for (;;) {
      const seen = Atomics.load(this.ctl, WAKE_MAIN);
      const b = this.take();
      if (b) return b;
      this.worker.ref(); // a waitAsync alone does not keep Node's event loop alive
      try {
        const w = waitAsync(this.ctl, WAKE_MAIN, seen, 1000);
        if (w.async) await w.value;
      } finally {
        this.worker.unref();
      }
    }
  }

  /** Stops the worker and waits for it to exit; later next calls throw. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.send({ type: 'close' });
    const timer = setTimeout(() => void this.worker.terminate(), 2000);
    await this.exited;
    clearTimeout(timer);
  }

  private send(m: PrefetchRequest): void {
    this.requests.postMessage(m);
    Atomics.add(this.ctl, WAKE_WORKER, 1);
    Atomics.notify(this.ctl, WAKE_WORKER);
  }

  private fail(e: Error): void {
    this.failure ??= e;
    Atomics.add(this.ctl, WAKE_MAIN, 1);
    Atomics.notify(this.ctl, WAKE_MAIN);
  }

  /** (Re)starts production from the cursor when it is not running with this batch size. */
  private request(batchSize: number): void {
    if (this.closed) throw new Error('PrefetchingSource: next() after close()');
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1 << 16) throw new Error(`PrefetchingSource.next: batch size ${batchSize} is not an integer in 1..65536`);
    if (this.runningBatch === batchSize) return;
    this.gen++;
    this.consumed = 0;
    Atomics.store(this.ctl, CONSUMED, 0);
    this.runningBatch = batchSize;
    this.ready.length = 0;
    this.send({ type: 'start', gen: this.gen, batchSize, state: this.cursor });
  }

  /** Batches encoded ahead and waiting to be handed out (never more than depth; for tests and benchmarks). */
  get buffered(): number {
    this.drain();
    return this.ready.length;
  }

  /** Moves arrived replies into `ready`, dropping those of earlier generations; records the worker's error. */
  private drain(): void {
    for (let m = receiveMessageOnPort(this.replies); m !== undefined; m = receiveMessageOnPort(this.replies)) {
      const r = m.message as PrefetchReply;
      if (r.type === 'error' && (r.gen === this.gen || r.gen === -1)) {
        this.fail(new Error(`training data loader worker (dataset ${this.dataset.dir}): ${r.message}`));
      } else if (r.type === 'batch' && r.gen === this.gen) {
        this.ready.push(r);
      }
    }
  }

  /** The next batch of the current generation if one has arrived; throws the worker's error after the last one. */
  private take(): Batch | null {
    this.drain();
    const r = this.ready.shift();
    if (r) {
      this.cursor = r.state;
      this.consumed++;
      Atomics.store(this.ctl, CONSUMED, this.consumed);
      Atomics.add(this.ctl, WAKE_WORKER, 1);
      Atomics.notify(this.ctl, WAKE_WORKER);
      return r.batch;
    }
    if (this.failure) throw this.failure;
    return null;
  }
}

/** The training stream of createTrainingSource, encoded ahead in a worker thread (see PrefetchingSource). */
export function createPrefetchingSource(dataset: Dataset, options: PrefetchOptions): PrefetchingSource {
  return new PrefetchingSource(dataset, options);
}
