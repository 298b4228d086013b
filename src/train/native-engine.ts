// Training on native TensorFlow (tfjs-node): the parameters, the AdamW/SGD slots and the batch-norm moving statistics
// live in tf.Variables for the whole run, gradients come from TensorFlow's own kernels (tf.conv2d's registered
// Conv2DBackpropInput/Filter, fused by TensorFlow's eager runtime), and both cores are used through TensorFlow's
// intra-op thread pool. Only the batch goes in and four scalars come out per step; the host copies of parameters and
// optimiser state (Float32Array, the layout of optimizer.ts, so checkpoints are interchangeable with the WASM path) are
// read back only for validation, checkpoints and saving.
import * as tf from '@tensorflow/tfjs';
import { BOARD, POINTS, type ArchConfig } from '../model/config.js';
import { BN_MOMENTUM } from '../model/build.js';
import { forward } from '../model/forward.js';
import { paramSpecs, type ParamSpec } from '../model/params.js';
import { DEFAULT_LOSS_WEIGHTS, evaluateBatch, trainingLoss, type EvalResult, type LossWeights } from './grad-engine.js';
import type { Teacher } from './distill.js';
import type { OptimizerConfig, OptimizerState } from './optimizer.js';
import type { Batch } from './types.js';

export interface ResidentStep {
  /** Mean training loss (policy CE + weighted value and ownership cross-entropies). */
  loss: number;
  correct: number;
  size: number;
}

/** A trainer whose state stays on the backend between steps (see the file comment). */
export class ResidentTrainer {
  private readonly specs: ParamSpec[];
  private readonly trainIdx: number[];
  private readonly updated: Set<number>;
  /** The variables gradients are taken for (the updated ones), fixed for the run. */
  private readonly varList: tf.Variable[];
  private readonly vars: tf.Variable[];
  private readonly slots: tf.Variable[];
  private t = 0;

  /** Uploads params (canonical order) and, if given, the optimiser state (layout of optimizer.ts). */
  constructor(
    readonly config: ArchConfig,
    readonly optimizer: OptimizerConfig,
    params: readonly Float32Array[],
    state: OptimizerState | null,
    readonly weights: LossWeights = DEFAULT_LOSS_WEIGHTS,
    /** Which trainable parameters are updated (default all); the others keep their weights (e.g. a frozen trunk). */
    updates: (s: ParamSpec) => boolean = () => true,
    /** Distillation: the teacher whose (symmetry-averaged) policy is a soft target in every step (distill.ts). */
    private readonly teacher: Teacher | null = null,
  ) {
    this.specs = paramSpecs(config);
    if (params.length !== this.specs.length) throw new Error(`ResidentTrainer: ${params.length} parameter arrays, architecture has ${this.specs.length}`);
    this.trainIdx = this.specs.flatMap((s, i) => (s.trainable ? [i] : []));
    this.updated = new Set(this.trainIdx.filter((i) => updates(this.specs[i])));
    if (this.updated.size === 0) throw new Error('ResidentTrainer: no parameter left to train');
    this.vars = this.specs.map((s, i) => tf.variable(tf.tensor(params[i], s.shape, 'float32'), s.trainable));
    this.varList = this.trainIdx.filter((i) => this.updated.has(i)).map((i) => this.vars[i]);
    const perParam = optimizer.kind === 'adam' ? 2 : 1;
    this.slots = [];
    for (let k = 0; k < perParam; k++) {
      for (const i of this.trainIdx) this.slots.push(tf.variable(tf.zeros(this.specs[i].shape), false));
    }
    if (state) {
      if (state.kind !== optimizer.kind) throw new Error(`checkpoint optimizer is ${state.kind}, this run uses ${optimizer.kind}`);
      if (state.slots.length !== this.slots.length) throw new Error(`checkpoint has ${state.slots.length} optimizer slots, expected ${this.slots.length}`);
      state.slots.forEach((a, i) => this.slots[i].assign(tf.tensor(a, this.slots[i].shape, 'float32')));
      this.t = state.t;
    }
  }

  /** One optimiser step at learning rate lr on a batch; returns the batch's loss and top-1 hits. */
  step(batch: Batch, lr: number): ResidentStep {
    const c = this.config;
    const n = batch.size;
    this.t++;
    const out = tf.tidy(() => {
      const x = tf.tensor4d(batch.inputs.subarray(0, n * POINTS * c.planes), [n, BOARD, BOARD, c.planes]);
      const y = tf.tensor1d(batch.labels.subarray(0, n), 'int32');
      let logits: tf.Tensor2D | null = null;
      let stats: tf.Tensor1D[] = [];
      const soft = this.teacher ? { probs: this.teacher.policy(x), weight: this.teacher.cfg.weight } : undefined;
      const { value, grads } = tf.variableGrads(() => {
        const r = forward(c, this.vars, x, true, true);
        // keep(): the side outputs must survive variableGrads' own tidy; disposed below.
        logits = tf.keep(r.logits);
        stats = r.batchStats.map((t) => tf.keep(t));
        return trainingLoss(r, y, batch, this.weights, soft);
      }, this.varList);
      this.applyUpdate(grads, lr);
      // Moving batch-norm statistics follow Keras: moving = m·moving + (1−m)·batch.
      let l = 0;
      this.specs.forEach((s, i) => {
        if (s.kind !== 'movingMean') return;
        const mm = this.vars[i], mv = this.vars[i + 1];
        mm.assign(tf.add(tf.mul(mm, BN_MOMENTUM), tf.mul(stats[2 * l], 1 - BN_MOMENTUM)));
        mv.assign(tf.add(tf.mul(mv, BN_MOMENTUM), tf.mul(stats[2 * l + 1], 1 - BN_MOMENTUM)));
        l++;
      });
      const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits as unknown as tf.Tensor2D, 1), y), 'int32'));
      const result = tf.stack([value, tf.cast(correct, 'float32')]);
      tf.dispose([logits as unknown as tf.Tensor, ...stats]);
      return result;
    });
    const [loss, correct] = out.dataSync();
    out.dispose();
    return { loss, correct, size: n };
  }

  // AdamW (decoupled weight decay on conv/dense kernels) or SGD with momentum, as optimizer.ts does on the host.
  private applyUpdate(grads: tf.NamedTensorMap, lr: number): void {
    const { weightDecay: wd, momentum: mu } = this.optimizer;
    const n = this.trainIdx.length;
    this.trainIdx.forEach((pi, j) => {
      if (!this.updated.has(pi)) return;
      const w = this.vars[pi];
      const g = grads[w.name];
      if (!g) throw new Error(`ResidentTrainer: no gradient for parameter ${pi} (${this.specs[pi].layer}/${this.specs[pi].kind})`);
      const d = this.specs[pi].decay ? wd : 0;
      if (this.optimizer.kind === 'sgd') {
        const vel = this.slots[j];
        const nv = tf.add(tf.mul(vel, mu), d > 0 ? tf.add(g, tf.mul(w, d)) : g);
        vel.assign(nv);
        w.assign(tf.sub(w, tf.mul(nv, lr)));
        return;
      }
      const b1 = this.optimizer.beta1 ?? 0.9;
      const b2 = this.optimizer.beta2 ?? 0.999;
      const eps = this.optimizer.epsilon ?? 1e-8;
      const c1 = 1 - Math.pow(b1, this.t);
      const c2 = 1 - Math.pow(b2, this.t);
      const m = this.slots[j], v = this.slots[n + j];
      const nm = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
      const nv = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
      m.assign(nm);
      v.assign(nv);
      let upd = tf.div(tf.div(nm, c1), tf.add(tf.sqrt(tf.div(nv, c2)), eps));
      if (d > 0) upd = tf.add(upd, tf.mul(w, d));
      w.assign(tf.sub(w, tf.mul(upd, lr)));
    });
  }

  /** Evaluation sums of a batch with the current (resident) weights, batch norm in inference mode. */
  evaluate(batch: Batch): EvalResult {
    return evaluateOn(this.config, this.vars, batch);
  }

  /** Host copies of every parameter, canonical order. */
  readParams(): Float32Array[] {
    return this.vars.map((v) => v.dataSync() as Float32Array).map((a) => new Float32Array(a));
  }

  /** Host copy of the optimiser state in optimizer.ts's layout. */
  readOptimizerState(): OptimizerState {
    return { kind: this.optimizer.kind, t: this.t, slots: this.slots.map((s) => new Float32Array(s.dataSync() as Float32Array)) };
  }

  /** Frees the variables. */
  dispose(): void {
    tf.dispose([...this.vars, ...this.slots]);
  }
}

/** Evaluation sums of a batch with weights already on the backend, batch norm in inference mode. */
function evaluateOn(config: ArchConfig, params: readonly tf.Tensor[], batch: Batch): EvalResult {
  const n = batch.size;
  const x = tf.tensor4d(batch.inputs.subarray(0, n * POINTS * config.planes), [n, BOARD, BOARD, config.planes]);
  const y = tf.tensor1d(batch.labels.subarray(0, n), 'int32');
  try {
    return evaluateBatch(config, params, x, y, batch.values, true, batch.ownership);
  } finally {
    tf.dispose([x, y]);
  }
}

/**
 * Evaluation of fixed host weights (e.g. the run's weight average) on the native backend beside a ResidentTrainer:
 * uploaded once for a whole validation pass; `dispose` frees them.
 */
export function uploadedEvaluator(config: ArchConfig, params: readonly Float32Array[]): { evaluate(batch: Batch): EvalResult; dispose(): void } {
  const specs = paramSpecs(config);
  if (params.length !== specs.length) throw new Error(`uploadedEvaluator: ${params.length} parameter arrays, architecture has ${specs.length}`);
  const tensors = specs.map((s, i) => tf.tensor(params[i], s.shape, 'float32'));
  return {
    evaluate: (batch: Batch): EvalResult => evaluateOn(config, tensors, batch),
    dispose: () => tf.dispose(tensors),
  };
}
