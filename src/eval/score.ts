// Per-position scoring of a policy against the move played: top-1 / top-5 / top-10 over all 361 outputs (no legal
// masking), top-1 among legal points only, and the log-loss; accumulated without per-position allocation.
import { NPOINTS } from '../go/constants.js';
import { rankOf, wilson } from '../stats.js';
import { meanInterval, type Interval, type MeanInterval } from './stats.js';

/** An accuracy: hits out of n, its rate and 95% Wilson interval. */
export interface Proportion extends Interval {
  hits: number;
  n: number;
  rate: number;
}

export interface Scores {
  positions: number;
  /** Move played is the argmax of the raw 361-way softmax (illegal points included). */
  top1: Proportion;
  /** Move played is among the 5 most probable of the raw softmax. */
  top5: Proportion;
  /** Move played is among the 10 most probable of the raw softmax. */
  top10: Proportion;
  /** Move played is the most probable legal point (occupied, suicide, ko and superko points removed). */
  top1Legal: Proportion | null;
  /** −ln p(move played) under the raw softmax, mean ± 95% normal interval. */
  logLoss: MeanInterval;
}

/** Smallest probability used in the log-loss, so that an underflowed 0 gives a large finite loss, not Infinity. */
export const MIN_PROB = 1e-300;

/** Writes softmax(logits[offset .. offset+361)) into out (float64 for an exact log-loss); returns ln of the normaliser. */
export function softmaxInto(logits: ArrayLike<number>, offset: number, out: Float64Array): number {
  let max = -Infinity;
  for (let p = 0; p < NPOINTS; p++) if (logits[offset + p] > max) max = logits[offset + p];
  if (!Number.isFinite(max)) throw new Error(`softmaxInto: logits at row offset ${offset} are not finite (max ${max})`);
  let sum = 0;
  for (let p = 0; p < NPOINTS; p++) {
    const e = Math.exp(logits[offset + p] - max);
    out[p] = e;
    sum += e;
  }
  const inv = 1 / sum;
  for (let p = 0; p < NPOINTS; p++) out[p] *= inv;
  return max + Math.log(sum);
}

/** Accumulates the figures of many positions; add() allocates nothing. */
export class ScoreAccumulator {
  private n = 0;
  private top1 = 0;
  private top5 = 0;
  private top10 = 0;
  private top1Legal = 0;
  private legalScored = 0;
  private lossSum = 0;
  private lossSq = 0;

  /**
   * Scores one position: probs (361 normalised probabilities) against label (0..360); legal (361 bytes from
   * legalOffset, 1 = legal) or null to skip the masked figure. Returns the zero-based rank of the move played.
   */
  add(probs: Float64Array, label: number, legal: Uint8Array | null, legalOffset = 0): number {
    if (!Number.isInteger(label) || label < 0 || label >= NPOINTS) throw new Error(`ScoreAccumulator.add: label ${label} is not a point 0..360`);
    const rank = rankOf(probs, label);
    if (rank === 0) this.top1++;
    if (rank < 5) this.top5++;
    if (rank < 10) this.top10++;
    const loss = -Math.log(Math.max(probs[label], MIN_PROB));
    this.lossSum += loss;
    this.lossSq += loss * loss;
    if (legal) {
      this.legalScored++;
      if (legal[legalOffset + label]) {
        // Argmax over legal points with the same first-index tie rule as rankOf.
        let best = -1;
        let bestP = -Infinity;
        for (let q = 0; q < NPOINTS; q++) {
          if (legal[legalOffset + q] && probs[q] > bestP) {
            bestP = probs[q];
            best = q;
          }
        }
        if (best === label) this.top1Legal++;
      }
    }
    this.n++;
    return rank;
  }

  /** Positions scored so far. */
  get count(): number {
    return this.n;
  }

  /** The figures with their 95% intervals. */
  result(): Scores {
    const prop = (hits: number, n: number): Proportion => ({ hits, n, rate: n > 0 ? hits / n : NaN, ...wilson(hits, n) });
    return {
      positions: this.n,
      top1: prop(this.top1, this.n),
      top5: prop(this.top5, this.n),
      top10: prop(this.top10, this.n),
      top1Legal: this.legalScored > 0 ? prop(this.top1Legal, this.legalScored) : null,
      logLoss: meanInterval(this.lossSum, this.lossSq, this.n),
    };
  }
}
