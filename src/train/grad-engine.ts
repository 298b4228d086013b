// Gradient computation for one batch on the current tfjs backend (in this thread). The worker pool
// runs one of these per worker_thread; with --workers 1 the trainer uses it directly.
import * as tf from '@tensorflow/tfjs';
import type { ArchConfig } from '../model/config.js';
import { BOARD, POINTS } from '../model/config.js';
import { forward, crossEntropy, ownershipLoss, softCrossEntropy, valueLoss } from '../model/forward.js';
import { paramSpecs, type ParamSpec } from '../model/params.js';
import type { Batch } from './types.js';

export interface StepResult {
  /** Gradient of the mean loss for each trainable param (canonical order of trainable params). */
  grads: Float32Array[];
  /** Per batch-norm layer: batch mean then batch variance. */
  bnStats: Float32Array[];
  /** Mean training loss over the batch: policy cross-entropy + valueWeight × value cross-entropy. */
  loss: number;
  /** Top-1 hits in the batch. */
  correct: number;
  size: number;
}

export interface EvalResult {
  /** Sum of policy cross-entropies. */
  lossSum: number;
  top1: number;
  top5: number;
  size: number;
  /** Value head only (else 0): positions with a value target, their squared-error sum and sign agreements. */
  valueCount: number;
  valueSqSum: number;
  valueCorrect: number;
  /** Ownership head with targets only (else 0): positions counted and the sum of their per-position ownership loss. */
  ownershipCount?: number;
  ownershipSum?: number;
}

/** Weights of the auxiliary losses beside the policy cross-entropy (weight 1). */
export interface LossWeights {
  /** Value cross-entropy (--value-weight). */
  value: number;
  /** Ownership cross-entropy, a mean over points (--ownership-weight). */
  ownership: number;
}

/** Weight of the value cross-entropy in the training loss unless --value-weight says otherwise. */
export const DEFAULT_VALUE_WEIGHT = 0.25;
/** Weight of the ownership loss unless --ownership-weight says otherwise: KataGo's 1.5 (per point, mean over points). */
export const DEFAULT_OWNERSHIP_WEIGHT = 1.5;
export const DEFAULT_LOSS_WEIGHTS: LossWeights = { value: DEFAULT_VALUE_WEIGHT, ownership: DEFAULT_OWNERSHIP_WEIGHT };

/** A soft policy target (distillation, distill.ts): probabilities [N, 361] and the share of the policy loss they take. */
export interface SoftTarget {
  probs: tf.Tensor2D;
  weight: number;
}

/**
 * The training loss: policy cross-entropy + valueWeight × value cross-entropy (valueLoss, on the pre-tanh logit).
 * Without value targets (e.g. synthetic data) the value head still enters with weight 0, so its gradients exist (as
 * zeros) and the parameter list stays uniform. With a soft target the policy term is (1 − w)·CE(played move) +
 * w·CE(soft), the cross-entropy against the soft distribution −Σ p·log q.
 */
export function trainingLoss(
  out: { logits: tf.Tensor2D; valueLogit: tf.Tensor1D | null; ownershipLogit: tf.Tensor2D | null },
  y: tf.Tensor1D,
  batch: Batch,
  weights: LossWeights,
  soft?: SoftTarget,
): tf.Scalar {
  const n = y.shape[0];
  let loss: tf.Scalar = crossEntropy(out.logits, y);
  if (soft && soft.weight > 0) {
    loss = tf.add(tf.mul(loss, 1 - soft.weight), tf.mul(softCrossEntropy(out.logits, soft.probs), soft.weight)) as tf.Scalar;
  }
  if (out.valueLogit) {
    const v = batch.values ? tf.mul(valueLoss(out.valueLogit, tf.tensor1d(batch.values.subarray(0, n))), weights.value) : tf.mul(tf.sum(out.valueLogit), 0);
    loss = tf.add(loss, v) as tf.Scalar;
  }
  if (out.ownershipLogit) {
    const t = batch.ownership ? tf.tensor2d(batch.ownership.subarray(0, n * POINTS), [n, POINTS]) : null;
    const o = t ? tf.mul(ownershipLoss(out.ownershipLogit, t), weights.ownership) : tf.mul(tf.sum(out.ownershipLogit), 0);
    loss = tf.add(loss, o) as tf.Scalar;
  }
  return loss;
}

/**
 * Evaluation sums of one batch on the current backend: policy CE sum, top-1/top-5 hits and, with a value head and
 * targets, the value figures. Shared by the WASM engines and the native resident trainer.
 */
export function evaluateBatch(config: ArchConfig, params: readonly tf.Tensor[], x: tf.Tensor4D, y: tf.Tensor1D, values: Float32Array | undefined, nativeConv: boolean, ownership?: Float32Array): EvalResult {
  const n = y.shape[0];
  const withOwnership = config.ownershipHead === true && ownership !== undefined;
  const r = tf.tidy(() => {
    const out = forward(config, params, x, false, nativeConv);
    const logits = out.logits;
    const lossSum = tf.mul(crossEntropy(logits, y), n);
    const top5 = tf.topk(logits, 5).indices; // [n,5] int32
    const hit5 = tf.sum(tf.cast(tf.equal(top5, tf.reshape(y, [-1, 1])), 'int32'));
    const hit1 = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'int32'));
    const list = [lossSum, hit1, hit5];
    if (withOwnership) list.push(tf.mul(ownershipLoss(out.ownershipLogit!, tf.tensor2d(ownership!.subarray(0, n * POINTS), [n, POINTS])), n));
    if (out.value && values) {
      const t = tf.tensor1d(values.subarray(0, n));
      const mask = tf.cast(tf.notEqual(t, 0), 'float32');
      list.push(tf.sum(mask), tf.sum(tf.mul(tf.square(tf.sub(out.value, t)), mask)), tf.sum(tf.mul(tf.cast(tf.greater(tf.mul(out.value, t), 0), 'float32'), mask)));
    }
    return list;
  });
  const v = r.map((t) => t.dataSync()[0]);
  tf.dispose(r);
  const own = withOwnership ? { ownershipCount: n, ownershipSum: v[3] } : {};
  const k = withOwnership ? 4 : 3;
  return { lossSum: v[0], top1: v[1], top5: v[2], size: n, valueCount: v[k] ?? 0, valueSqSum: v[k + 1] ?? 0, valueCorrect: v[k + 2] ?? 0, ...own };
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
    readonly weights: LossWeights = DEFAULT_LOSS_WEIGHTS,
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
        return trainingLoss(r, y, batch, this.weights);
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
    const { x, y } = this.inputs(batch);
    const ps = this.tensors(params);
    try {
      return evaluateBatch(this.config, ps, x, y, batch.values, false, batch.ownership);
    } finally {
      tf.dispose([x, y, ...ps]);
    }
  }

  async close(): Promise<void> {}
}
