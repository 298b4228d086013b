// What the GTP layer needs from a move predictor: a legal-masked distribution over the 361 points.
// The real Engine (src/engine) fits this interface; the fake below makes protocol tests and the
// `--fake-policy` mode independent of any model.
import type { Board } from '../go/board.js';
import { NPOINTS } from '../go/constants.js';
import { evaluatorFrom, type Evaluator } from '../search/evaluator.js';
import type { PolicyOptions } from '../engine/engine.js';
import { Random } from '../random.js';

/** Options a policy request may carry: the engine's (symmetry averaging, komi, lane). */
export type { PolicyOptions } from '../engine/engine.js';

/** A source of move probabilities for the side to move. */
export interface PolicySource {
  /** Shown by the GTP `name` command's log line and in SGF files. */
  readonly name: string;
  /** Float32Array(361), zero on illegal points, summing to 1 unless no point is legal. */
  policy(board: Board, opts?: PolicyOptions): Promise<Float32Array>;
  /** Policy + value for the search; absent = no search (policy play only). */
  readonly evaluator?: Evaluator;
  /** Frees resources; optional. */
  close?(): Promise<void> | void;
}

// A fixed preference for points on the 3rd/4th line, then the centre, so fake games look like Go.
const PREFERENCE: Float32Array = (() => {
  const w = new Float32Array(NPOINTS);
  for (let p = 0; p < NPOINTS; p++) {
    const x = p % 19;
    const y = (p - x) / 19;
    const edge = Math.min(x, y, 18 - x, 18 - y); // 0 on the first line
    const line = edge === 2 || edge === 3 ? 4 : edge === 0 ? 0.2 : edge === 1 ? 1 : 2;
    w[p] = line;
  }
  return w;
})();

/**
 * A deterministic policy without a model: a line preference mixed with a hash of the position, masked
 * to legal points and normalised. Same position → same output, different positions → different argmax.
 */
export class FakePolicy implements PolicySource {
  readonly name = 'fake-policy';
  calls = 0;
  /** No value head: the search falls back to its nearest-stone estimate. */
  readonly evaluator: Evaluator = evaluatorFrom(this);
  private readonly rng = new Random();

  /** Legal-masked, normalised pseudo-probabilities for the side to move. */
  async policy(board: Board): Promise<Float32Array> {
    this.calls++;
    const out = new Float32Array(NPOINTS);
    // Noise that depends on the position: the one generator (src/random.ts), seeded with a 32-bit mix of the
    // position's Zobrist hash and the side to move. The mix is a hash (position → seed), not a second generator;
    // the stream of per-point draws is the generator's job. One draw per point, legal or not, so the noise of a
    // point does not depend on which others are legal.
    this.rng.seed(board.hashLo ^ Math.imul(board.hashHi, 0x9e3779b1) ^ Math.imul(board.toPlay, 0x85ebca6b));
    let sum = 0;
    for (let p = 0; p < NPOINTS; p++) {
      const u = this.rng.nextUint32();
      if (!board.isLegal(p)) continue;
      const v = PREFERENCE[p]! * (0.25 + u / 0x100000000);
      out[p] = v;
      sum += v;
    }
    if (sum > 0) for (let p = 0; p < NPOINTS; p++) out[p] /= sum;
    return out;
  }
}
