// Confidence intervals for the evaluation figures: the project's one Wilson interval (src/stats.ts) for accuracies
// (honest near 0 and 1 and for small n, where the normal approximation leaves [0, 1]), and here a normal
// approximation for the mean log-loss.

import { Z95, type Interval } from '../stats.js';

export { Z95, type Interval };

export interface MeanInterval extends Interval {
  mean: number;
  /** Sample standard deviation (n − 1 denominator; 0 when n < 2). */
  sd: number;
}

/** Mean of n values given their sum and sum of squares, with a normal-approximation interval mean ± z·sd/√n. */
export function meanInterval(sum: number, sumSq: number, n: number, z = Z95): MeanInterval {
  if (!Number.isInteger(n) || n < 0) throw new Error(`meanInterval: n must be a non-negative integer, got ${n}`);
  if (n === 0) return { mean: NaN, sd: NaN, lo: NaN, hi: NaN };
  const mean = sum / n;
  // max(0, ·): sumSq − n·mean² can dip below 0 by rounding when every value is equal.
  const sd = n > 1 ? Math.sqrt(Math.max(0, (sumSq - n * mean * mean) / (n - 1))) : 0;
  const half = (z * sd) / Math.sqrt(n);
  return { mean, sd, lo: mean - half, hi: mean + half };
}
