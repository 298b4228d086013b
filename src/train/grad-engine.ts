// Gradient computation for one batch on the current tfjs backend (in this thread). The worker pool
// runs one of these per worker_thread; with --workers 1 the trainer uses it directly.
import * as tf from '@tensorflow/tfjs';
import type { ArchConfig } from '../model/config.js';
import { BOARD, POINTS } from '../model/config.js';
import { forward, crossEntropy } from '../model/forward.js';
import { paramSpecs, type ParamSpec } from '../model/params.js';
import type { Batch } from './types.js';

export interface StepResult {
  /** Gradient of the mean loss for each trainable param (canonical order of trainable params). */
  grads: Float32Array[];
  /** Per batch-norm layer: batch mean then batch variance. */
  bnStats: Float32Array[];
  /** Mean cross-entropy over the batch. */
  loss: number;
  /** Top-1 hits in the batch. */
  correct: number;
  size: number;
}

export interface EvalResult {
  lossSum: number;
  top1: number;
  top5: number;
  size: number;
}

export interface GradEngine {
  readonly backend: string;
  readonly workers: number;
  /** Gradients of the mean loss at `params` (canonical order) on a batch. */
  computeGradients(params: readonly Float32Array[], batch: Batch): Promise<StepResult>;
  /** Loss sum and top-1/top-5 hit counts of a batch, batch norm in inference mode. */
  evaluate(params: readonly Float32Array[], batch: Batch): Promise<EvalResult>;
  close(): Promise<void>;
}

function checkBatch(b: Batch, planes: number): void {
  if (!Number.isInteger(b.size) || b.size <= 0) throw new Error(`batch: size must be a positive integer, got ${b.size}`);
  if (b.inputs.length < b.size * POINTS * planes) {
    throw new Error(`batch: inputs hold ${b.inputs.length} floats, need ${b.size}×19×19×${planes} = ${b.size * POINTS * planes}`);
  }
  if (b.labels.length < b.size) throw new Error(`batch: ${b.labels.length} labels for ${b.size} positions`);
  for (let i = 0; i < b.size; i++) {
    const l = b.labels[i];
    if (!(l >= 0 && l < POINTS)) throw new Error(`batch: label ${i} is ${l}, expected a point 0..360 (passes cannot be labels)`);
  }
}

/** Computes gradients and evaluations with tfjs in the calling thread. */
export class LocalGradEngine implements GradEngine {
  readonly workers = 1;
  private readonly specs: ParamSpec[];
  private readonly trainIdx: number[];

  /** `backend` is informational (the caller selects the tfjs backend before use). */
  constructor(
    readonly config: ArchConfig,
    readonly backend: string,
  ) {
    this.specs = paramSpecs(config);
    this.trainIdx = this.specs.flatMap((s, i) => (s.trainable ? [i] : []));
  }

  private tensors(params: readonly Float32Array[]): tf.Tensor[] {
    if (params.length !== this.specs.length) throw new Error(`expected ${this.specs.length} parameter arrays, got ${params.length}`);
    return params.map((p, i) => tf.tensor(p, this.specs[i].shape, 'float32'));
  }

  private inputs(b: Batch): { x: tf.Tensor4D; y: tf.Tensor1D } {
    checkBatch(b, this.config.planes);
    const n = b.size;
    const x = tf.tensor4d(b.inputs.subarray(0, n * POINTS * this.config.planes), [n, BOARD, BOARD, this.config.planes]);
    const y = tf.tensor1d(b.labels.subarray(0, n), 'int32');
    return { x, y };
  }

  /** See GradEngine.computeGradients. */
  async computeGradients(params: readonly Float32Array[], batch: Batch): Promise<StepResult> {
    const c = this.config;
    let logits: tf.Tensor | null = null;
    let stats: tf.Tensor[] = [];
    const out = tf.tidy(() => {
      const all = this.tensors(params);
      const { x, y } = this.inputs(batch);
      const f = (...tr: tf.Tensor[]): tf.Scalar => {
        const ps = all.slice();
        this.trainIdx.forEach((k, j) => (ps[k] = tr[j]));
        const r = forward(c, ps, x, true);
        // keep() lets the side outputs survive the gradient tape's tidy.
        logits = tf.keep(r.logits);
        stats = r.batchStats.map((t) => tf.keep(t));
        return crossEntropy(r.logits, y);
      };
      const { value, grads } = tf.valueAndGrads(f)(this.trainIdx.map((k) => all[k]));
      const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits as unknown as tf.Tensor, 1), y), 'int32'));
      return { value, grads, correct };
    });
    try {
      return {
        grads: out.grads.map((g) => g.dataSync() as Float32Array),
        bnStats: stats.map((s) => s.dataSync() as Float32Array),
        loss: out.value.dataSync()[0],
        correct: out.correct.dataSync()[0],
        size: batch.size,
      };
    } finally {
      tf.dispose([out.value, out.correct, ...out.grads, ...stats]);
      if (logits) tf.dispose(logits);
    }
  }

  /** See GradEngine.evaluate. */
  async evaluate(params: readonly Float32Array[], batch: Batch): Promise<EvalResult> {
    const r = tf.tidy(() => {
      const { x, y } = this.inputs(batch);
      const logits = forward(this.config, this.tensors(params), x, false).logits;
      const lossSum = tf.mul(crossEntropy(logits, y), batch.size);
      const top5 = tf.topk(logits, 5).indices; // [n,5] int32
      const hit5 = tf.sum(tf.cast(tf.equal(top5, tf.reshape(y, [-1, 1])), 'int32'));
      const hit1 = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'int32'));
      return [lossSum, hit1, hit5];
    });
    const [l, h1, h5] = r.map((t) => t.dataSync()[0]);
    tf.dispose(r);
    return { lossSum: l, top1: h1, top5: h5, size: batch.size };
  }

  async close(): Promise<void> {}
}
