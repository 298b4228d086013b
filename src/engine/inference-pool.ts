// Forward passes off the main thread: a pool of worker threads, each with its own tfjs backend instance (native
// TensorFlow through tfjs-node, or WebAssembly, or cpu) and its own copy of the model. The engine's batcher calls
// forward() at most once per worker at a time (Batcher `concurrency` = workers), so the event loop only copies
// inputs in and outputs out, and a 64-position pass no longer stalls /healthz or request parsing.
// Data moves through two SharedArrayBuffers per worker (inputs, outputs): no per-pass allocation or transfer; a
// buffer is only touched by the main thread while its worker is idle.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log.js';
import type { RuntimeName } from '../model/onnx-runtime.js';

/** Default nice increment of inference worker threads (and the backend threads they start): see `nice` below. */
export const INFERENCE_NICE = 5;

export interface InferencePoolOptions {
  modelDir: string;
  /** tfjs backend name or "auto" (undefined = TENGEN_BACKEND, else auto), loaded by each worker. */
  backend?: string;
  /** tfjs (default) or onnx: ONNX Runtime runs the graph exported from the weights the worker loaded. */
  runtime?: RuntimeName;
  /** ONNX Runtime intra-op threads per worker (default 1). */
  onnxThreads?: number;
  /** Worker threads (default: one per core). */
  workers?: number;
  /** Floats per input row (361 × planes) and per output row (361 policy + 1 value). */
  rowLen: number;
  outLen: number;
  /** Rows the buffers hold at first (they grow for a larger pass). */
  maxRows: number;
  /**
   * How much lower the workers' scheduling priority is than the main thread's (a nice increment, 0..19; default
   * INFERENCE_NICE), so request parsing and /healthz are not queued behind forward passes on a busy machine.
   */
  nice?: number;
  logger?: Logger;
}

/** What the boot file's module (inference-worker.ts) receives as workerData. */
export interface InferenceWorkerData {
  modelDir: string;
  backend: string | undefined;
  runtime: RuntimeName;
  onnxThreads: number;
  rowLen: number;
  outLen: number;
  input: SharedArrayBuffer;
  output: SharedArrayBuffer;
  warmRows: number;
  nice: number;
}

export type ToWorker = { type: 'run'; rows: number } | { type: 'buffers'; input: SharedArrayBuffer; output: SharedArrayBuffer } | { type: 'close' };
export type FromWorker = { type: 'ready'; backend: string } | { type: 'done'; rows: number } | { type: 'error'; message: string };

interface Slot {
  worker: Worker;
  input: Float32Array;
  output: Float32Array;
  busy: boolean;
  dead: boolean;
  backend: string;
  job: { rows: number; resolve: (out: Float32Array) => void; reject: (err: Error) => void } | null;
}

function shared(floats: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(floats * 4));
}

export class InferencePool {
  private readonly waiting: { input: Float32Array; rows: number; resolve: (out: Float32Array) => void; reject: (err: Error) => void }[] = [];
  private closed = false;

  private constructor(
    private readonly slots: Slot[],
    private readonly opts: InferencePoolOptions,
  ) {}

  /** Starts the workers and waits until every one has loaded the model and warmed up; throws naming the failure. */
  static async start(opts: InferencePoolOptions): Promise<InferencePool> {
    const n = opts.workers ?? os.availableParallelism();
    if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`InferencePool: workers must be an integer in 1..64, got ${n}`);
    const slots: Slot[] = [];
    const ready: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      const input = shared(opts.maxRows * opts.rowLen);
      const output = shared(opts.maxRows * opts.outLen);
      const data: InferenceWorkerData = {
        modelDir: opts.modelDir,
        backend: opts.backend,
        runtime: opts.runtime ?? 'tfjs',
        onnxThreads: opts.onnxThreads ?? 1,
        rowLen: opts.rowLen,
        outLen: opts.outLen,
        input: input.buffer as SharedArrayBuffer,
        output: output.buffer as SharedArrayBuffer,
        warmRows: Math.min(opts.maxRows, 8),
        nice: opts.nice ?? INFERENCE_NICE,
      };
      // A .mjs bootstrap loads the compiled worker in dist/, or registers tsx for the sources (tsx, vitest).
      const worker = new Worker(new URL('./inference-worker-boot.mjs', import.meta.url), { workerData: data });
      const slot: Slot = { worker, input, output, busy: false, dead: false, backend: '', job: null };
      slots.push(slot);
      ready.push(
        new Promise<void>((resolve, reject) => {
          const onMsg = (m: FromWorker): void => {
            if (m.type === 'ready') {
              slot.backend = m.backend;
              worker.off('message', onMsg);
              resolve();
            } else if (m.type === 'error') {
              worker.off('message', onMsg);
              reject(new Error(`inference worker ${i}: ${m.message}`));
            }
          };
          worker.on('message', onMsg);
          worker.once('error', (e) => reject(new Error(`inference worker ${i} failed to start: ${e.message}`)));
          worker.once('exit', (code) => reject(new Error(`inference worker ${i} exited during start (code ${code})`)));
        }),
      );
    }
    try {
      await Promise.all(ready);
    } catch (err) {
      await Promise.all(slots.map((s) => s.worker.terminate()));
      throw err;
    }
    const pool = new InferencePool(slots, opts);
    slots.forEach((s, i) => pool.watch(s, i));
    opts.logger?.info({ workers: n, runtime: opts.runtime ?? 'tfjs', backend: slots[0]!.backend }, 'inference workers ready');
    return pool;
  }

  /** Worker threads in the pool (alive or not). */
  get size(): number {
    return this.slots.length;
  }

  /** The tfjs backend the workers run, or "onnxruntime". */
  get backend(): string {
    return this.slots[0]!.backend;
  }

  private watch(slot: Slot, i: number): void {
    slot.worker.on('message', (m: FromWorker) => {
      const job = slot.job;
      if (!job) return;
      slot.job = null;
      slot.busy = false;
      if (m.type === 'done') job.resolve(slot.output.slice(0, job.rows * this.opts.outLen));
      else if (m.type === 'error') job.reject(new Error(`forward pass failed in inference worker ${i}: ${m.message}`));
      this.next();
    });
    const die = (why: string): void => {
      if (slot.dead) return;
      slot.dead = true;
      if (!this.closed) this.opts.logger?.error({ worker: i, reason: why }, 'inference worker died');
      slot.job?.reject(new Error(`inference worker ${i} ${why}`));
      slot.job = null;
      if (this.slots.every((s) => s.dead)) for (const w of this.waiting.splice(0)) w.reject(new Error('every inference worker has died'));
      else this.next();
    };
    slot.worker.on('error', (e) => die(`crashed: ${e.message}`));
    slot.worker.on('exit', (code) => die(`exited (code ${code})`));
  }

  /** Runs `rows` rows of `input` on an idle worker; resolves with rows × outLen floats (a copy the caller owns). */
  forward(input: Float32Array, rows: number): Promise<Float32Array> {
    if (this.closed) return Promise.reject(new Error('inference pool is closed'));
    if (this.slots.every((s) => s.dead)) return Promise.reject(new Error('every inference worker has died'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ input, rows, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    while (this.waiting.length > 0) {
      const slot = this.slots.find((s) => !s.busy && !s.dead);
      if (!slot) return;
      const w = this.waiting.shift()!;
      const { rowLen, outLen } = this.opts;
      if (slot.input.length < w.rows * rowLen) {
        slot.input = shared(w.rows * rowLen);
        slot.output = shared(w.rows * outLen);
        slot.worker.postMessage({ type: 'buffers', input: slot.input.buffer as SharedArrayBuffer, output: slot.output.buffer as SharedArrayBuffer } satisfies ToWorker);
      }
      slot.input.set(w.input.subarray(0, w.rows * rowLen));
      slot.busy = true;
      slot.job = { rows: w.rows, resolve: w.resolve, reject: w.reject };
      slot.worker.postMessage({ type: 'run', rows: w.rows } satisfies ToWorker);
    }
  }

  /** Lets running passes finish, then stops every worker (each frees its model and backend). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.reject(new Error('inference pool is closed'));
    while (this.slots.some((s) => s.busy && !s.dead)) await new Promise((r) => setTimeout(r, 5));
    await Promise.all(
      this.slots.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (s.dead) return resolve();
            const t = setTimeout(() => void s.worker.terminate().then(() => resolve()), 5000);
            s.worker.once('exit', () => {
              clearTimeout(t);
              resolve();
            });
            s.worker.postMessage({ type: 'close' } satisfies ToWorker);
          }),
      ),
    );
  }
}
