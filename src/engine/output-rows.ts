// The forward pass's output layout, shared by the in-thread engine and the inference workers: each row is the
// policy's 361 probabilities followed by the value head's outLen − 361 outputs (0 for a policy-only model).
import { NPOINTS } from '../go/constants.js';

/** Writes `rows` output rows of `outLen` floats into `out` from the policy [rows × 361] and value [rows × (outLen − 361)] outputs. */
export function packOutputRows(policy: Float32Array, value: Float32Array | null, rows: number, out: Float32Array, outLen: number): void {
  if (outLen === NPOINTS) {
    out.set(policy.subarray(0, rows * NPOINTS));
    return;
  }
  const extra = outLen - NPOINTS;
  for (let r = 0; r < rows; r++) {
    out.set(policy.subarray(r * NPOINTS, (r + 1) * NPOINTS), r * outLen);
    for (let k = 0; k < extra; k++) out[r * outLen + NPOINTS + k] = value ? value[r * extra + k]! : 0;
  }
}
