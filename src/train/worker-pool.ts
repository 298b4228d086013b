// Data-parallel gradients over N worker_threads, each with its own tfjs/WASM instance (the WASM backend
// is single-threaded under Node). The batch is split into contiguous slices; per-slice mean gradients
// are combined weighted by slice size, which equals the gradient of the whole batch's mean loss.
import { Worker } from 'node:worker_threads';
import type { ArchConfig } from '../model/config.js';
import { POINTS } from '../model/config.js';
import { paramSpecs, sizeOf } from '../model/params.js';
import type { EvalResult, GradEngine, LossWeights, StepResult } from './grad-engine.js';
import type { Batch } from './types.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './grad-worker.js';

type Pending = { resolve: (r: WorkerReply) => void; reject: (e: Error) => void };

export class WorkerPoolEngine implements GradEngine {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly paramViews: Float32Array[];
  private inputsSab = new SharedArrayBuffer(4);
  private labelsSab = new SharedArrayBuffer(4);
  private valuesSab = new SharedArrayBuffer(4);
  private hasValues = false;
  private readonly trainSizes: number[];
  private readonly statSizes: number[];
  private closed = false;
  /** Per worker, milliseconds spent computing in the last step (wall minus the slowest is pool overhead). */
  lastComputeMs: number[] = [];

  private constructor(
    readonly config: ArchConfig,
    readonly backend: string,
    private readonly pool: Worker[],
    paramsSab: SharedArrayBuffer,
  ) {
    const specs = paramSpecs(config);
    let off = 0;
    this.paramViews = specs.map((s) => {
      const v = new Float32Array(paramsSab, off * 4, sizeOf(s.shape));
      off += v.length;
      return v;
    });
    this.trainSizes = specs.filter((s) => s.trainable).map((s) => sizeOf(s.shape));
    // Each batch-norm layer reports mean and variance, sized like its gamma.
    this.statSizes = specs.filter((s) => s.kind === 'gamma').flatMap((s) => [s.shape[0], s.shape[0]]);
    for (const w of pool) {
      w.on('message', (m: WorkerReply) => this.onReply(m));
      w.on('error', (e) => this.failAll(new Error(`gradient worker crashed: ${e.message}`)));
      w.on('exit', (code) => {
        if (!this.closed) this.failAll(new Error(`gradient worker exited with code ${code}`));
      });
    }
  }

  get workers(): number {
    return this.pool.length;
  }

  /** Starts `n` workers on the requested backend (flag/env/auto, see selectBackend) and waits until all are ready. */
  static async create(config: ArchConfig, n: number, backend?: string, weights?: LossWeights): Promise<WorkerPoolEngine> {
    if (!Number.isInteger(n) || n < 1) throw new Error(`--workers must be a positive integer, got ${n}`);
    const total = paramSpecs(config).reduce((a, s) => a + sizeOf(s.shape), 0);
    const paramsSab = new SharedArrayBuffer(total * 4);
    // A .mjs bootstrap loads the compiled worker in dist/, or registers tsx for the sources (tsx, vitest).
    const url = new URL('./grad-worker-boot.mjs', import.meta.url);
    const workers: Worker[] = [];
    const ready: Promise<string>[] = [];
    for (let i = 0; i < n; i++) {
      const w = new Worker(url, {
        workerData: { config, backend, paramsSab, weights } satisfies WorkerInit,
      });
      workers.push(w);
      ready.push(
        new Promise((resolve, reject) => {
          w.once('message', (m: WorkerReply) => (m.type === 'ready' ? resolve(m.backend) : reject(new Error(`gradient worker ${i} failed to start: ${'message' in m ? m.message : m.type}`))));
          w.once('error', (e) => reject(new Error(`gradient worker ${i} failed to start: ${e.message}`)));
        }),
      );
    }
    let backends: string[];
    try {
      backends = await Promise.all(ready);
    } catch (err) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw err;
    }
    return new WorkerPoolEngine(config, backends[0], workers, paramsSab);
  }

  private onReply(m: WorkerReply): void {
    if (m.type === 'ready') return;
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.type === 'error') p.reject(new Error(`gradient worker: ${m.message}`));
    else p.resolve(m);
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  private request(w: Worker, msg: Omit<WorkerRequest, 'id'>): Promise<WorkerReply> {
    if (this.closed) return Promise.reject(new Error('worker pool is closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ ...msg, id });
    });
  }

  /** Copies params and the batch into shared memory and returns the slices [start, size) per worker. */
  private stage(params: readonly Float32Array[], batch: Batch): [number, number][] {
    params.forEach((p, i) => {
      if (p.length !== this.paramViews[i].length) throw new Error(`parameter ${i}: ${p.length} values, expected ${this.paramViews[i].length}`);
      this.paramViews[i].set(p);
    });
    const per = POINTS * this.config.planes;
    const n = batch.size;
    if (batch.inputs.length < n * per) throw new Error(`batch: inputs hold ${batch.inputs.length} floats, need ${n * per}`);
    if (this.inputsSab.byteLength < n * per * 4) this.inputsSab = new SharedArrayBuffer(n * per * 4);
    if (this.labelsSab.byteLength < n * 4) this.labelsSab = new SharedArrayBuffer(n * 4);
    new Float32Array(this.inputsSab, 0, n * per).set(batch.inputs.subarray(0, n * per));
    new Int32Array(this.labelsSab, 0, n).set(batch.labels.subarray(0, n));
    this.hasValues = batch.values !== undefined;
    if (batch.values) {
      if (this.valuesSab.byteLength < n * 4) this.valuesSab = new SharedArrayBuffer(n * 4);
      new Float32Array(this.valuesSab, 0, n).set(batch.values.subarray(0, n));
    }
    const k = Math.min(this.pool.length, n);
    const slices: [number, number][] = [];
    let start = 0;
    for (let i = 0; i < k; i++) {
      const size = Math.floor(n / k) + (i < n % k ? 1 : 0);
      slices.push([start, size]);
      start += size;
    }
    return slices;
  }

  /** See GradEngine.computeGradients. */
  async computeGradients(params: readonly Float32Array[], batch: Batch): Promise<StepResult> {
    const slices = this.stage(params, batch);
    const replies = await Promise.all(
      slices.map(([start, size], i) => this.request(this.pool[i], { type: 'step', inputsSab: this.inputsSab, labelsSab: this.labelsSab, valuesSab: this.hasValues ? this.valuesSab : null, start, size })),
    );
    this.lastComputeMs = replies.map((r) => (r.type === 'step' ? r.computeMs : NaN));
    const grads = this.trainSizes.map((n) => new Float32Array(n));
    const stats = this.statSizes.map((n) => new Float32Array(n));
    let loss = 0;
    let correct = 0;
    const total = batch.size;
    const means: Float32Array[][] = [];
    for (const r of replies) {
      if (r.type !== 'step') throw new Error(`gradient worker answered ${r.type} to a step`);
      const w = r.size / total;
      loss += r.loss * w;
      correct += r.correct;
      let off = 0;
      for (const g of grads) {
        for (let i = 0; i < g.length; i++) g[i] += w * r.packed[off + i];
        off += g.length;
      }
      const mine: Float32Array[] = [];
      for (const s of this.statSizes) {
        mine.push(r.packed.subarray(off, off + s));
        off += s;
      }
      means.push(mine);
    }
    // Batch-norm statistics of the whole batch from the slices': mean of means, and
    // var = Σ w_i (var_i + (mean_i − mean)²).
    for (let l = 0; l < stats.length; l += 2) {
      const mean = stats[l];
      const variance = stats[l + 1];
      replies.forEach((r, k) => {
        const w = (r as { size: number }).size / total;
        for (let i = 0; i < mean.length; i++) mean[i] += w * means[k][l][i];
      });
      replies.forEach((r, k) => {
        const w = (r as { size: number }).size / total;
        for (let i = 0; i < mean.length; i++) {
          const d = means[k][l][i] - mean[i];
          variance[i] += w * (means[k][l + 1][i] + d * d);
        }
      });
    }
    return { grads, bnStats: stats, loss, correct, size: total };
  }

  /** See GradEngine.evaluate. */
  async evaluate(params: readonly Float32Array[], batch: Batch): Promise<EvalResult> {
    const slices = this.stage(params, batch);
    const replies = await Promise.all(
      slices.map(([start, size], i) => this.request(this.pool[i], { type: 'eval', inputsSab: this.inputsSab, labelsSab: this.labelsSab, valuesSab: this.hasValues ? this.valuesSab : null, start, size })),
    );
    const out: EvalResult = { lossSum: 0, top1: 0, top5: 0, size: 0, valueCount: 0, valueSqSum: 0, valueCorrect: 0 };
    for (const r of replies) {
      if (r.type !== 'eval') throw new Error(`gradient worker answered ${r.type} to an eval`);
      out.lossSum += r.lossSum;
      out.top1 += r.top1;
      out.top5 += r.top5;
      out.size += r.size;
      out.valueCount += r.valueCount;
      out.valueSqSum += r.valueSqSum;
      out.valueCorrect += r.valueCorrect;
    }
    return out;
  }

  /** Terminates the workers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.pool.map((w) => w.terminate()));
  }
}
