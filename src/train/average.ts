// An exponential moving average of the weights (`tengen train --average-horizon N`), the cheap cousin of KataGo's
// stochastic weight averaging: every AVERAGE_EVERY steps the average moves toward the current weights, with a time
// constant of N steps, so it smooths out the optimiser's noise at a learning rate that is not yet annealed. Batch-norm
// moving statistics are averaged with the weights they belong to. Host Float32Arrays, the layout of optimizer.ts and
// checkpoints, so it serves the native and the WASM trainers alike.

/** Steps between two samples of the weights (the average costs one host copy of the weights per sample). */
export const AVERAGE_EVERY = 10;

export interface AverageState {
  /** Time constant in steps. */
  horizon: number;
  /** Weight samples taken so far (0: the average is not started). */
  samples: number;
}

/** The average of a run; `update` at every AVERAGE_EVERY-th step, `params` to evaluate or save it. */
export class WeightAverage {
  /** Multiplier of the old average per sample: exp(−AVERAGE_EVERY / horizon). */
  readonly decay: number;
  private avg: Float32Array[] | null;
  samples: number;

  /** A new average (`params` = null) or one restored from a checkpoint (its arrays and sample count). */
  constructor(
    readonly horizon: number,
    params: readonly Float32Array[] | null = null,
    samples = 0,
  ) {
    if (!(Number.isInteger(horizon) && horizon >= AVERAGE_EVERY)) throw new Error(`--average-horizon must be an integer number of steps >= ${AVERAGE_EVERY}, got ${horizon}`);
    this.decay = Math.exp(-AVERAGE_EVERY / horizon);
    this.avg = params ? params.map((a) => new Float32Array(a)) : null;
    this.samples = this.avg ? samples : 0;
  }

  /** Whether step `step` (1-based count of steps done) takes a sample. */
  static samplesAt(step: number): boolean {
    return step % AVERAGE_EVERY === 0;
  }

  /** Moves the average toward `params` (the first sample starts it at `params`). */
  update(params: readonly Float32Array[]): void {
    if (!this.avg) {
      this.avg = params.map((a) => new Float32Array(a));
    } else {
      if (params.length !== this.avg.length) throw new Error(`WeightAverage: ${params.length} parameter arrays, the average has ${this.avg.length}`);
      const d = this.decay;
      const e = 1 - d;
      for (let k = 0; k < params.length; k++) {
        const a = this.avg[k]!, p = params[k]!;
        for (let i = 0; i < a.length; i++) a[i] = d * a[i]! + e * p[i]!;
      }
    }
    this.samples++;
  }

  /** The averaged weights (canonical order), or null before the first sample. Not copies: do not modify. */
  params(): readonly Float32Array[] | null {
    return this.avg;
  }

  /** What a checkpoint's state.json keeps (the arrays go to average.bin). */
  state(): AverageState {
    return { horizon: this.horizon, samples: this.samples };
  }
}
