// Cheap position judgements without a value network, written by hand because they run inside the search:
//  - `InfluenceEstimator`: area by nearest stone (multi-source BFS, Manhattan distance; equidistant points are
//    neutral). The fallback value of a policy-only model: win probability = logistic(lead / scale).
//  - `stoneStatuses` / `finalScore`: dead stones and the score from the Monte-Carlo ownership of `go/ownership.ts`,
//    which `final_score`, `final_status_list` and terminal nodes of the tree use.
import { Board } from '../go/board.js';
import { BLACK, EMPTY, NPOINTS, WHITE } from '../go/constants.js';
import { NEIGHBOURS } from '../go/coords.js';
import { formatScore } from '../go/score.js';
import { MonteCarloOwnership } from '../go/ownership.js';

export { MonteCarloOwnership, type OwnershipEstimate } from '../go/ownership.js';

/** Lead (points, Black's view, komi included) → win probability of Black under the fallback model. */
export function leadToWinProb(lead: number, scale = 8): number {
  return 1 / (1 + Math.exp(-lead / scale));
}

/** Nearest-stone area estimate; scratch buffers make a call allocation-free. */
export class InfluenceEstimator {
  private readonly dist = new Int16Array(NPOINTS);
  private readonly owner = new Uint8Array(NPOINTS); // 1 black, 2 white, 3 contested
  private readonly queue = new Int16Array(NPOINTS);

  /** Black's area minus White's minus komi (stones and nearest-stone territory; all stones alive). */
  lead(board: Board, komi: number): number {
    const dist = this.dist;
    const owner = this.owner;
    const q = this.queue;
    let head = 0;
    let tail = 0;
    for (let p = 0; p < NPOINTS; p++) {
      const c = board.colorAt(p);
      if (c === EMPTY) {
        dist[p] = 32767;
        owner[p] = 0;
      } else {
        dist[p] = 0;
        owner[p] = c;
        q[tail++] = p;
      }
    }
    if (tail === 0) return -komi;
    while (head < tail) {
      const p = q[head++]!;
      const d = dist[p]! + 1;
      for (let k = 0; k < 4; k++) {
        const n = NEIGHBOURS[p * 4 + k]!;
        if (n < 0) continue;
        if (dist[n]! > d) {
          dist[n] = d;
          owner[n] = owner[p]!;
          q[tail++] = n;
        } else if (dist[n] === d && owner[n] !== owner[p]) owner[n] = 3;
      }
    }
    let lead = -komi;
    for (let p = 0; p < NPOINTS; p++) lead += owner[p] === BLACK ? 1 : owner[p] === WHITE ? -1 : 0;
    return lead;
  }

  /** Fallback value: win probability of the side to move. */
  value(board: Board, komi: number): number {
    const b = leadToWinProb(this.lead(board, komi));
    return board.toPlay === BLACK ? b : 1 - b;
  }
}

/** Chain status from ownership: dead = owned by the opponent in most playouts; seki = undecided. */
export type StoneStatus = 'alive' | 'dead' | 'seki';

/** Status of every stone's chain from an ownership map (chain average; dead below −0.4 from its own view, seki within ±0.4). */
export function stoneStatuses(board: Board, ownership: Float32Array): (StoneStatus | null)[] {
  const out: (StoneStatus | null)[] = new Array(NPOINTS).fill(null);
  const stones = new Int16Array(NPOINTS);
  for (let p = 0; p < NPOINTS; p++) {
    const c = board.colorAt(p);
    if (c === EMPTY || out[p] !== null) continue;
    const n = board.chainStones(p, stones);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += ownership[stones[i]!]!;
    const mine = (c === BLACK ? sum : -sum) / n;
    const status: StoneStatus = mine < -0.4 ? 'dead' : mine <= 0.4 ? 'seki' : 'alive';
    for (let i = 0; i < n; i++) out[stones[i]!] = status;
  }
  return out;
}

/**
 * Area score after removing the stones `stoneStatuses` calls dead: stones plus empty regions bordered by one
 * colour only (dead stones' points join their surrounding region). Returns Black's and White's area.
 */
export function scoreWithoutDead(board: Board, statuses: readonly (StoneStatus | null)[]): { black: number; white: number } {
  const b = board.clone();
  for (let p = 0; p < NPOINTS; p++) if (statuses[p] === 'dead') b.setStone(p, EMPTY);
  return b.areaScore();
}

/** `final_score` text ('B+3.5', 'W+0.5', '0') with dead stones removed by Monte-Carlo ownership. */
export function finalScore(board: Board, komi: number, random: () => number, playouts = 64): { text: string; statuses: (StoneStatus | null)[]; ownership: Float32Array } {
  const est = new MonteCarloOwnership(random).estimate(board, komi, playouts);
  const statuses = stoneStatuses(board, est.ownership);
  const { black, white } = scoreWithoutDead(board, statuses);
  return { text: formatScore(black, white, komi), statuses, ownership: est.ownership };
}
