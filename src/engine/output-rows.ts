// The forward pass's output layout, shared by the in-thread engine and the inference workers: each row is the
// policy's 361 probabilities, the value head's output (0 for a policy-only model) and, for a model with an ownership
// head, its 361 outputs (tanh, side to move's view).
/** Floats per output row for a model with or without an ownership head. */
export function outputRowLength(ownership: boolean): number {
  return ownership ? 2 * NPOINTS + 1 : NPOINTS + 1;
}

import { NPOINTS } from '../go/constants.js';

/**
 * Writes `rows` output rows of `outLen` floats (outputRowLength) into `out` from the model's outputs: policy
 * [rows × 361], value [rows] or null, ownership [rows × 361] or null.
 */
export function packOutputRows(policy: Float32Array, value: Float32Array | null, rows: number, out: Float32Array, outLen: number, ownership: Float32Array | null = null): void {
  for (let r = 0; r < rows; r++) {
    const o = r * outLen;
    out.set(policy.subarray(r * NPOINTS, (r + 1) * NPOINTS), o);
    out[o + NPOINTS] = value ? value[r]! : 0;
    if (outLen > NPOINTS + 1) {
      if (ownership) out.set(ownership.subarray(r * NPOINTS, (r + 1) * NPOINTS), o + NPOINTS + 1);
      else out.fill(0, o + NPOINTS + 1, o + outLen);
    }
  }
}
