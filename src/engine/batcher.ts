// Dynamic batching: requests that arrive close together share one forward pass. A request waits at most
// `maxWaitMs` for company, a pass holds at most `maxBatch` rows (one request never split), at most `concurrency`
// passes run at a time (one per inference worker; waiting rows are split evenly over the free ones), and the
// queue is bounded so overload is refused early instead of growing latency without end.
// Fairness: every request belongs to a lane (a client: an HTTP connection, a WebSocket, the GTP engine); passes
// are filled round-robin over the lanes with waiting work, one request per lane per turn, so one client with a
// thousand queued positions delays another client's single position by at most one pass per worker.
import { EngineBusyError, EngineClosedError } from './errors.js';

/** Runs the network on `rows` inputs laid out back to back in `input`; returns rows × outLen values. */
export type ForwardFn = (input: Float32Array, rows: number) => Promise<Float32Array>;

export interface BatcherOptions {
  rowLen: number;
  outLen: number;
  maxBatch: number;
  maxWaitMs: number;
  maxQueue: number;
  /** Passes run at the same time (default 1); `forward` is then called concurrently up to this many times. */
  concurrency?: number;
}

interface Job {
  input: Float32Array;
  rows: number;
  resolve: (out: Float32Array) => void;
  reject: (err: Error) => void;
}

/** A client's FIFO of waiting jobs. */
interface Lane {
  key: object;
  jobs: Job[];
  head: number;
  /** True while the lane is in the round-robin ring (has waiting jobs). */
  ringed: boolean;
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
  /** Passes running now. */
  running: number;
  /** Lanes (clients) with requests waiting now. */
  lanes: number;
  /** Count of passes whose row count was ≤ each bound of BATCH_BUCKETS (non-cumulative, last bucket catches the rest). */
  batchSizeHistogram: number[];
  forwardSeconds: number;
}

const DEFAULT_LANE = {};

export class Batcher {
  private readonly lanes = new Map<object, Lane>();
  // Lanes with waiting jobs in round-robin order (ring[ringHead] is next).
  private ring: Lane[] = [];
  private ringHead = 0;
  private waiting = 0;
  private pendingRows = 0;
  private running = 0;
  private readonly concurrency: number;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private freeStaging: Float32Array[] = [];
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
    this.concurrency = opts.concurrency ?? 1;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) throw new Error(`Batcher: concurrency must be a positive integer, got ${opts.concurrency}`);
  }

  /** Requests waiting (not yet in a running pass). */
  get queueDepth(): number {
    return this.waiting;
  }

  /**
   * Queues `rows` inputs (rows × rowLen floats, copied at the pass) in `lane` (any object naming the client; default:
   * one shared lane); resolves with rows × outLen outputs. Rejects EngineBusyError when the queue is full.
   */
  submit(input: Float32Array, rows: number, lane: object = DEFAULT_LANE): Promise<Float32Array> {
    if (this.closed) return Promise.reject(new EngineClosedError());
    if (input.length < rows * this.opts.rowLen) {
      return Promise.reject(new Error(`Batcher.submit: input has ${input.length} floats, ${rows} rows need ${rows * this.opts.rowLen}`));
    }
    if (this.waiting >= this.opts.maxQueue) {
      this.counts.rejected++;
      return Promise.reject(new EngineBusyError(this.waiting));
    }
    return new Promise((resolve, reject) => {
      let l = this.lanes.get(lane);
      if (!l) {
        l = { key: lane, jobs: [], head: 0, ringed: false };
        this.lanes.set(lane, l);
      }
      l.jobs.push({ input, rows, resolve, reject });
      if (!l.ringed) {
        l.ringed = true;
        this.ring.push(l);
      }
      this.waiting++;
      this.pendingRows += rows;
      this.counts.requests++;
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running >= this.concurrency || this.immediate || this.waiting === 0) return;
    if (this.pendingRows >= this.opts.maxBatch || this.opts.maxWaitMs === 0) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.immediate = setImmediate(() => this.launch());
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.launch(), this.opts.maxWaitMs);
    }
  }

  // Starts passes while there is work and a free slot.
  private launch(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.immediate = null;
    while (this.running < this.concurrency && this.waiting > 0) void this.run();
  }

  // Takes the next job round-robin over the lanes, if it fits in `room` rows (or `force` for a pass's first job).
  private take(room: number, force: boolean): Job | null {
    if (this.ringHead >= this.ring.length) return null;
    const l = this.ring[this.ringHead]!;
    const j = l.jobs[l.head]!;
    if (!force && j.rows > room) return null;
    l.head++;
    this.ringHead++;
    if (l.head < l.jobs.length) {
      this.ring.push(l);
    } else {
      l.ringed = false;
      this.lanes.delete(l.key);
    }
    if (l.head > 64 && l.head * 2 > l.jobs.length) {
      l.jobs = l.jobs.slice(l.head);
      l.head = 0;
    }
    if (this.ringHead > 1024 && this.ringHead * 2 > this.ring.length) {
      this.ring = this.ring.slice(this.ringHead);
      this.ringHead = 0;
    }
    return j;
  }

  private async run(): Promise<void> {
    if (this.waiting === 0) return;
    this.running++;
    const { rowLen, outLen, maxBatch } = this.opts;
    const jobs: Job[] = [];
    let rows = 0;
    // The waiting rows are shared out over the free passes (this one included) rather than packed into the first:
    // a forward pass costs about the same per row at 16 rows as at 64 (bench/onnx.bench.ts), so 64 rows waiting
    // with two idle workers run as 2 × 32 side by side, not as 64 on one worker while the other idles.
    const free = this.concurrency - this.running + 1;
    const target = Math.min(maxBatch, Math.ceil(this.pendingRows / free));
    for (;;) {
      const j = this.take(target - rows, jobs.length === 0);
      if (!j) break;
      jobs.push(j);
      rows += j.rows;
    }
    this.waiting -= jobs.length;
    this.pendingRows -= rows;
    let staging = this.freeStaging.pop();
    if (!staging || staging.length < rows * rowLen) staging = new Float32Array(Math.max(rows, maxBatch) * rowLen);
    let off = 0;
    for (const j of jobs) {
      staging.set(j.input.subarray(0, j.rows * rowLen), off);
      off += j.rows * rowLen;
    }
    const t0 = performance.now();
    try {
      const out = await this.forward(staging.subarray(0, rows * rowLen), rows);
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
      this.running--;
      if (staging.byteLength > 0) this.freeStaging.push(staging);
      if (this.waiting > 0) {
        // These requests already waited a whole pass: run them now, after pending I/O has had a turn.
        if (!this.immediate) {
          if (this.timer) clearTimeout(this.timer);
          this.timer = null;
          this.immediate = setImmediate(() => this.launch());
        }
      } else if (this.running === 0) {
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
      queueDepth: this.waiting,
      maxQueue: this.opts.maxQueue,
      maxBatch: this.opts.maxBatch,
      running: this.running,
      lanes: this.lanes.size,
      batchSizeHistogram: this.hist.slice(),
    };
  }

  /** Refuses new work and resolves once every queued request has been answered. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.running === 0 && this.waiting === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }
}
