// Dynamic batching: requests that arrive close together share one forward pass. A request waits at most
// `maxWaitMs` for company, a pass holds at most `maxBatch` rows (one request never split), one pass runs
// at a time, and the queue is bounded so overload is refused early instead of growing latency without end.
import { EngineBusyError, EngineClosedError } from './errors.js';

/** Runs the network on `rows` inputs laid out back to back in `input`; returns rows × outLen values. */
export type ForwardFn = (input: Float32Array, rows: number) => Promise<Float32Array>;

export interface BatcherOptions {
  rowLen: number;
  outLen: number;
  maxBatch: number;
  maxWaitMs: number;
  maxQueue: number;
}

interface Job {
  input: Float32Array;
  rows: number;
  resolve: (out: Float32Array) => void;
  reject: (err: Error) => void;
}

/** Histogram bucket upper bounds (rows per forward pass) reported by stats(). */
export const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] as const;

export interface BatcherStats {
  requests: number;
  rows: number;
  batches: number;
  rejected: number;
  queueDepth: number;
  maxQueue: number;
  maxBatch: number;
  /** Count of passes whose row count was ≤ each bound of BATCH_BUCKETS (non-cumulative, last bucket catches the rest). */
  batchSizeHistogram: number[];
  forwardSeconds: number;
}

export class Batcher {
  private queue: Job[] = [];
  private head = 0;
  private pendingRows = 0;
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private staging: Float32Array;
  private readonly hist = new Array<number>(BATCH_BUCKETS.length).fill(0);
  private counts = { requests: 0, rows: 0, batches: 0, rejected: 0, forwardSeconds: 0 };

  constructor(
    private readonly opts: BatcherOptions,
    private readonly forward: ForwardFn,
  ) {
    for (const k of ['rowLen', 'outLen', 'maxBatch', 'maxQueue'] as const) {
      if (!Number.isInteger(opts[k]) || opts[k] <= 0) throw new Error(`Batcher: ${k} must be a positive integer, got ${opts[k]}`);
    }
    if (!(opts.maxWaitMs >= 0)) throw new Error(`Batcher: maxWaitMs must be ≥ 0, got ${opts.maxWaitMs}`);
    this.staging = new Float32Array(opts.maxBatch * opts.rowLen);
  }

  /** Requests waiting (not yet in a running pass). */
  get queueDepth(): number {
    return this.queue.length - this.head;
  }

  /** Queues `rows` inputs (rows × rowLen floats, copied at the pass); resolves with rows × outLen outputs. Rejects EngineBusyError when full. */
  submit(input: Float32Array, rows: number): Promise<Float32Array> {
    if (this.closed) return Promise.reject(new EngineClosedError());
    if (input.length < rows * this.opts.rowLen) {
      return Promise.reject(new Error(`Batcher.submit: input has ${input.length} floats, ${rows} rows need ${rows * this.opts.rowLen}`));
    }
    if (this.queueDepth >= this.opts.maxQueue) {
      this.counts.rejected++;
      return Promise.reject(new EngineBusyError(this.queueDepth));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ input, rows, resolve, reject });
      this.pendingRows += rows;
      this.counts.requests++;
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running || this.immediate) return;
    if (this.pendingRows >= this.opts.maxBatch || this.opts.maxWaitMs === 0) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.immediate = setImmediate(() => void this.run());
    } else if (!this.timer) {
      this.timer = setTimeout(() => void this.run(), this.opts.maxWaitMs);
    }
  }

  private async run(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.immediate = null;
    if (this.running || this.queueDepth === 0) return;
    this.running = true;
    const { rowLen, outLen, maxBatch } = this.opts;
    const jobs: Job[] = [];
    let rows = 0;
    while (this.head < this.queue.length) {
      const j = this.queue[this.head]!;
      if (jobs.length > 0 && rows + j.rows > maxBatch) break;
      jobs.push(j);
      rows += j.rows;
      this.head++;
    }
    this.pendingRows -= rows;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (this.staging.length < rows * rowLen) this.staging = new Float32Array(rows * rowLen);
    let off = 0;
    for (const j of jobs) {
      this.staging.set(j.input.subarray(0, j.rows * rowLen), off);
      off += j.rows * rowLen;
    }
    const t0 = performance.now();
    try {
      const out = await this.forward(this.staging.subarray(0, rows * rowLen), rows);
      if (out.length < rows * outLen) throw new Error(`forward returned ${out.length} values for ${rows} rows of ${outLen}`);
      this.record(rows, performance.now() - t0);
      let o = 0;
      for (const j of jobs) {
        j.resolve(out.slice(o, o + j.rows * outLen));
        o += j.rows * outLen;
      }
    } catch (err) {
      for (const j of jobs) j.reject(err as Error);
    } finally {
      this.running = false;
      if (this.queueDepth > 0) {
        // These requests already waited a whole pass: run them now, after pending I/O has had a turn.
        this.immediate = setImmediate(() => void this.run());
      } else {
        for (const w of this.idleWaiters.splice(0)) w();
      }
    }
  }

  private record(rows: number, ms: number): void {
    this.counts.batches++;
    this.counts.rows += rows;
    this.counts.forwardSeconds += ms / 1000;
    let b = 0;
    while (b < BATCH_BUCKETS.length - 1 && rows > BATCH_BUCKETS[b]!) b++;
    this.hist[b]!++;
  }

  /** Counters since construction plus the current queue depth. */
  stats(): BatcherStats {
    return {
      ...this.counts,
      queueDepth: this.queueDepth,
      maxQueue: this.opts.maxQueue,
      maxBatch: this.opts.maxBatch,
      batchSizeHistogram: this.hist.slice(),
    };
  }

  /** Refuses new work and resolves once every queued request has been answered. */
  async close(): Promise<void> {
    this.closed = true;
    if (!this.running && this.queueDepth === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }
}
