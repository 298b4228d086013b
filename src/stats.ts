// Shared statistics for reports (evaluation accuracies, match win rates, move reviews): one Wilson interval and one
// rank rule for the project.

/** Two-sided 95% normal quantile. */
export const Z95 = 1.959963984540054;

export interface Interval {
  lo: number;
  hi: number;
}

/**
 * Wilson score interval of `successes` out of `n` at normal quantile z (`successes` may be fractional, e.g. draws
 * counted as half wins); n = 0 gives the vacuous [0, 1]. Throws unless 0 ≤ successes ≤ n.
 */
export function wilson(successes: number, n: number, z = Z95): Interval {
  if (!(successes >= 0 && successes <= n) || !Number.isFinite(n)) {
    throw new Error(`wilson: need 0 <= successes <= n, got successes=${successes}, n=${n}`);
  }
  if (n === 0) return { lo: 0, hi: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // The ends are exactly 0 for no successes and 1 for all; elsewhere clamp only float noise.
  return { lo: successes === 0 ? 0 : Math.max(0, centre - half), hi: successes === n ? 1 : Math.min(1, centre + half) };
}

/**
 * Zero-based rank of `label` in `probs` (n = 361 values from `offset`): how many points are more probable, ties
 * going to the lower index (the first-index rule of argmax, topk and engine/top-moves.ts, so every report agrees).
 */
export function rankOf(probs: ArrayLike<number>, label: number, offset = 0, n = 361): number {
  const pl = probs[offset + label];
  let rank = 0;
  for (let q = 0; q < n; q++) {
    const v = probs[offset + q];
    if (v > pl || (v === pl && q < label)) rank++;
  }
  return rank;
}

/**
 * Exact two-sided sign test: the probability, under a fair coin, of a split of `n` trials at least as uneven as
 * `x` against `n - x` (twice the smaller tail, capped at 1; n = 0 gives 1). Used for paired match comparisons.
 * Throws unless x and n are integers with 0 ≤ x ≤ n.
 */
export function signTest(x: number, n: number): number {
  if (!Number.isInteger(x) || !Number.isInteger(n) || x < 0 || x > n) {
    throw new Error(`signTest: need integers 0 <= x <= n, got x=${x}, n=${n}`);
  }
  const k = Math.min(x, n - x);
  // Binomial(n, 1/2) tail by the recurrence C(n, i+1) = C(n, i)(n-i)/(i+1), in log space so large n cannot overflow.
  let logC = 0;
  let tail = 0;
  const log2n = n * Math.LN2;
  for (let i = 0; i <= k; i++) {
    tail += Math.exp(logC - log2n);
    logC += Math.log((n - i) / (i + 1));
  }
  return Math.min(1, 2 * tail);
}
