// Optimisers over flat Float32Array parameters (main thread, no tfjs): the state is plain typed arrays,
// so it checkpoints trivially and is identical whatever backend or worker count computed the gradients.
import type { ParamSpec } from '../model/params.js';

export type OptimizerKind = 'adam' | 'sgd';

export interface OptimizerConfig {
  kind: OptimizerKind;
  /** SGD momentum (ignored by Adam). */
  momentum: number;
  /** L2 on conv kernels: added to the gradient for SGD, decoupled (AdamW) for Adam. */
  weightDecay: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export interface OptimizerState {
  kind: OptimizerKind;
  t: number;
  /** Slot arrays (SGD: velocity per trainable param; Adam: m then v per trainable param). */
  slots: Float32Array[];
}

export class Optimizer {
  private t = 0;
  private readonly slots: Float32Array[];
  private readonly trainable: number[];

  /** Creates zeroed optimiser state for the trainable entries of `specs`. */
  constructor(
    readonly config: OptimizerConfig,
    private readonly specs: readonly ParamSpec[],
  ) {
    if (config.kind !== 'adam' && config.kind !== 'sgd') throw new Error(`--optimizer: expected adam or sgd, got ${JSON.stringify(config.kind)}`);
    if (!(config.weightDecay >= 0)) throw new Error(`--weight-decay must be >= 0, got ${config.weightDecay}`);
    if (!(config.momentum >= 0 && config.momentum < 1)) throw new Error(`--momentum must be in [0, 1), got ${config.momentum}`);
    this.trainable = specs.flatMap((s, i) => (s.trainable ? [i] : []));
    const perParam = config.kind === 'adam' ? 2 : 1;
    this.slots = [];
    for (let k = 0; k < perParam; k++) {
      for (const i of this.trainable) this.slots.push(new Float32Array(specs[i].shape.reduce((a, b) => a * b, 1)));
    }
  }

  /** Applies one update in place; `grads[j]` is the gradient of the j-th trainable param. */
  step(params: Float32Array[], grads: readonly Float32Array[], lr: number): void {
    if (grads.length !== this.trainable.length) throw new Error(`optimizer: expected ${this.trainable.length} gradients, got ${grads.length}`);
    this.t++;
    const { weightDecay: wd, momentum: mu } = this.config;
    const n = this.trainable.length;
    if (this.config.kind === 'sgd') {
      for (let j = 0; j < n; j++) {
        const w = params[this.trainable[j]];
        const g = grads[j];
        const v = this.slots[j];
        const d = this.specs[this.trainable[j]].decay ? wd : 0;
        for (let i = 0; i < w.length; i++) {
          const vi = mu * v[i] + g[i] + d * w[i];
          v[i] = vi;
          w[i] -= lr * vi;
        }
      }
      return;
    }
    const b1 = this.config.beta1 ?? 0.9;
    const b2 = this.config.beta2 ?? 0.999;
    const eps = this.config.epsilon ?? 1e-8;
    const c1 = 1 - Math.pow(b1, this.t);
    const c2 = 1 - Math.pow(b2, this.t);
    for (let j = 0; j < n; j++) {
      const w = params[this.trainable[j]];
      const g = grads[j];
      const m = this.slots[j];
      const v = this.slots[n + j];
      const d = this.specs[this.trainable[j]].decay ? wd : 0;
      for (let i = 0; i < w.length; i++) {
        const gi = g[i];
        const mi = b1 * m[i] + (1 - b1) * gi;
        const vi = b2 * v[i] + (1 - b2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        w[i] -= lr * ((mi / c1) / (Math.sqrt(vi / c2) + eps) + d * w[i]);
      }
    }
  }

  /** Copy-free view of the state for checkpointing. */
  getState(): OptimizerState {
    return { kind: this.config.kind, t: this.t, slots: this.slots };
  }

  /** Restores state from a checkpoint; throws if kind or slot sizes differ. */
  setState(s: OptimizerState): void {
    if (s.kind !== this.config.kind) throw new Error(`checkpoint optimizer is ${s.kind}, this run uses ${this.config.kind}`);
    if (s.slots.length !== this.slots.length) throw new Error(`checkpoint has ${s.slots.length} optimizer slots, expected ${this.slots.length}`);
    s.slots.forEach((a, i) => {
      if (a.length !== this.slots[i].length) throw new Error(`checkpoint optimizer slot ${i} has ${a.length} values, expected ${this.slots[i].length}`);
      this.slots[i].set(a);
    });
    this.t = s.t;
  }
}
