// Ranking of a policy's most probable points, kept free of tfjs so GTP (which may run on a fake policy) can
// share it without loading TensorFlow.js.
import { NPOINTS, PASS } from '../go/constants.js';

/** One ranked point of a policy. */
export interface Suggestion {
  point: number;
  prob: number;
}

/** The k most probable points of a masked policy (prob > 0), best first; pass (prob 1) when no point is legal. */
export function topMoves(policy: Float32Array, k: number): Suggestion[] {
  const out: Suggestion[] = [];
  if (k <= 0) return out;
  // Insertion into a short sorted list: k is small (≤ 361) and this beats sorting 361 entries for k ≈ 10.
  for (let p = 0; p < NPOINTS; p++) {
    const v = policy[p]!;
    if (!(v > 0)) continue;
    if (out.length === k && v <= out[k - 1]!.prob) continue;
    let i = out.length < k ? out.length : k - 1;
    if (out.length < k) out.push({ point: p, prob: v });
    while (i > 0 && out[i - 1]!.prob < v) {
      out[i] = out[i - 1]!;
      i--;
    }
    out[i] = { point: p, prob: v };
  }
  if (out.length === 0) out.push({ point: PASS, prob: 1 });
  return out;
}
