// An ensemble of networks as one LogitsFn (`tengen eval --model A B …`): each member runs on the same rows, and a row's
// policy is the mean of the members' softmaxes, its value the mean of their values. The mean is returned as the log of
// the averaged probabilities, whose softmax is that mean again, so evaluate.ts scores an ensemble exactly as one net
// (and its 8-symmetry average is the mean over members and symmetries, the way distillation's teacher averages).
import { NPOINTS } from '../go/constants.js';
import type { LogitsFn } from './evaluate.js';
import { softmaxInto } from './score.js';

/**
 * One LogitsFn over `members` (at least one; one is returned as it is): per row the log of the members' mean softmax;
 * values the members' mean when `withValues` (every member then must return values), else none.
 */
export function ensembleLogits(members: readonly LogitsFn[], withValues: boolean): LogitsFn {
  if (members.length === 0) throw new Error('ensemble: no member networks');
  if (members.length === 1) return members[0]!;
  const probs = new Float64Array(NPOINTS);
  return async (inputs, rows) => {
    const mean = new Float64Array(rows * NPOINTS);
    const values = withValues ? new Float32Array(rows) : null;
    for (let m = 0; m < members.length; m++) {
      const raw = await members[m]!(inputs, rows);
      const logits = raw instanceof Float32Array ? raw : raw.logits;
      if (logits.length < rows * NPOINTS) throw new Error(`ensemble member ${m + 1}: returned ${logits.length} values for ${rows} rows of ${NPOINTS}`);
      for (let r = 0; r < rows; r++) {
        softmaxInto(logits, r * NPOINTS, probs);
        const base = r * NPOINTS;
        for (let p = 0; p < NPOINTS; p++) mean[base + p] += probs[p]!;
      }
      if (values) {
        const v = raw instanceof Float32Array ? null : raw.values;
        if (!v) throw new Error(`ensemble member ${m + 1}: has no value head, so the ensemble has no value`);
        for (let r = 0; r < rows; r++) values[r] += v[r]! / members.length;
      }
    }
    // log of the mean, floored at ln 1e-300 (the cap a single net's log-loss has, see README): a probability that
    // underflowed in every member stays finite and far below the rest.
    const out = new Float32Array(rows * NPOINTS);
    for (let i = 0; i < out.length; i++) out[i] = Math.log(Math.max(mean[i]! / members.length, 1e-300));
    return values ? { logits: out, values } : out;
  };
}
