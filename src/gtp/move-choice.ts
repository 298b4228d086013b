// Turning a policy into one GTP move: which points are worth playing, argmax or temperature sampling,
// and the pass rule. The policy network has no pass output, so passing is decided here (see README,
// "GTP engine"):
//   - a move is *sensible* when it is legal, does not fill one of the mover's own eyes, and does not
//     put a chain of two or more stones into atari (single-stone throw-ins stay allowed);
//   - once the opponent has passed (and always in cleanup mode), only *useful* sensible moves remain:
//     points of an empty region bordered by both colours (dame, unsettled areas, regions holding dead
//     stones) and captures; a point whose new chain would have a single liberty is skipped there;
//   - the engine passes when no candidate is left. It never resigns.
// The search (GtpSession.searchMove) keeps to the same *useful* set after an opponent's pass (`markUseful`) and
// passes once none is left.
import type { Board } from '../go/board.js';
import { NPOINTS, PASS, type Player } from '../go/constants.js';
import { RegionMap } from './regions.js';

export type PassReason = 'no-sensible-move' | 'settled';

/** A chosen move: a point or PASS, with the policy probability and, for a pass, why. */
export interface MoveDecision {
  point: number;
  prior: number;
  passReason: PassReason | null;
  /** Set by a search whose best winrate fell below the resign threshold: resign instead of playing. */
  resign?: boolean;
  /** Search figures of the chosen move (absent for policy play). */
  winrate?: number;
  visits?: number;
}

export interface ChoiceOptions {
  /** 0 = argmax (default); > 0 samples from policy^(1/T) over the candidates. */
  temperature?: number;
  /** Uniform [0, 1) source for sampling (e.g. src/random.ts's seededUniform); required when temperature > 0. */
  random?: () => number;
  /** kgs-genmove_cleanup: restrict to useful moves even if the opponent has not passed. */
  cleanup?: boolean;
}

/** Chooses moves for one side; holds scratch buffers so a choice allocates nothing. */
export class MoveChooser {
  private readonly regions = new RegionMap();
  private readonly cand = new Int16Array(NPOINTS);
  private readonly weight = new Float64Array(NPOINTS);

  /** Whether `color` playing p is sensible (legal, no own-eye fill, no atari on a chain of ≥ 2 stones). */
  isSensible(board: Board, p: number, color: Player): boolean {
    if (!board.isLegal(p, color)) return false;
    if (board.isEyeOf(p, color)) return false;
    return board.selfAtariSizeIfPlayed(p, color) < 2;
  }

  /**
   * Flags (1) in `out` (362 entries, PASS = 361 left alone) the *useful* sensible moves of the side to move, the set
   * policy play keeps once the opponent has passed; returns how many. Zeroes the other points.
   */
  markUseful(board: Board, out: Uint8Array): number {
    const color = board.toPlay;
    this.regions.compute(board);
    let n = 0;
    for (let p = 0; p < NPOINTS; p++) {
      const ok = this.isSensible(board, p, color) && this.isUsefulSensible(board, p, color);
      out[p] = ok ? 1 : 0;
      if (ok) n++;
    }
    return n;
  }

  // For a sensible move after regions.compute(board): a capture, or a point of a contested region whose new chain
  // keeps at least two liberties.
  private isUsefulSensible(board: Board, p: number, color: Player): boolean {
    if (board.captureCountIfPlayed(p, color) > 0) return true;
    return this.regions.isContested(p) && board.libertiesAfterPlay(p, color, 2) >= 2;
  }

  /** Fills the candidate list for the side to move and returns its length. */
  private candidates(board: Board, policy: Float32Array, restrict: boolean): number {
    const color = board.toPlay;
    if (restrict) this.regions.compute(board);
    let n = 0;
    for (let p = 0; p < NPOINTS; p++) {
      if (!this.isSensible(board, p, color)) continue;
      if (restrict && !this.isUsefulSensible(board, p, color)) continue;
      this.cand[n] = p;
      this.weight[n] = policy[p]!;
      n++;
    }
    return n;
  }

  /** Picks the move for the side to move from a 361-entry policy (see the file header for the rules). */
  choose(board: Board, policy: Float32Array, opts: ChoiceOptions = {}): MoveDecision {
    if (policy.length < NPOINTS) throw new Error(`choose: policy has ${policy.length} entries, expected ${NPOINTS}`);
    const opponentPassed = board.lastMove() === PASS;
    const restrict = opts.cleanup === true || opponentPassed;
    const n = this.candidates(board, policy, restrict);
    if (n === 0) return { point: PASS, prior: 0, passReason: restrict ? 'settled' : 'no-sensible-move' };
    const t = opts.temperature ?? 0;
    let pick = 0;
    if (t > 0) {
      if (!opts.random) throw new Error('choose: temperature > 0 needs a random source');
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const w = this.weight[i]! > 0 ? Math.pow(this.weight[i]!, 1 / t) : 0;
        this.weight[i] = w;
        sum += w;
      }
      if (sum > 0) {
        let r = opts.random() * sum;
        pick = n - 1;
        for (let i = 0; i < n; i++) {
          r -= this.weight[i]!;
          if (r < 0) {
            pick = i;
            break;
          }
        }
      } else pick = Math.floor(opts.random() * n);
    } else {
      for (let i = 1; i < n; i++) if (this.weight[i]! > this.weight[pick]!) pick = i;
    }
    const point = this.cand[pick]!;
    return { point, prior: policy[point]!, passReason: null };
  }
}
