// Monte-Carlo ownership: random playouts from a position to the end of the game (legal moves that do not fill the
// mover's own eye or throw a big chain into self-atari, simple ko), averaged into ownership in [-1, 1] (Black +1).
// Written by hand because it runs inside the search and over every game of a dataset (data/ownership.ts), so each
// playout reuses one scratch Board and allocates nothing. It finds dead stones in finished games, which a bare
// Tromp-Taylor count calls alive.
import { Board } from './board.js';
import { BLACK, EMPTY, NPOINTS, PASS, WHITE } from './constants.js';
import { NEIGHBOURS } from './coords.js';

/** Result of a Monte-Carlo ownership estimate. */
export interface OwnershipEstimate {
  /** 361 values in [-1, 1], +1 = Black owns the point in every playout. */
  ownership: Float32Array;
  /** Expected area lead of Black (komi included) over the playouts. */
  lead: number;
  playouts: number;
}

/** Random-playout ownership with a reusable scratch board. */
export class MonteCarloOwnership {
  private readonly scratch = new Board();
  private readonly order = new Int16Array(NPOINTS);

  /** `random` returns uniform [0, 1) (seeded by the caller for reproducible estimates). */
  constructor(private readonly random: () => number) {
    for (let p = 0; p < NPOINTS; p++) this.order[p] = p;
  }

  /** Averages `playouts` random games from `board` to the end; the board is left unchanged. */
  estimate(board: Board, komi: number, playouts = 64): OwnershipEstimate {
    const own = new Float32Array(NPOINTS);
    let leadSum = 0;
    for (let i = 0; i < playouts; i++) leadSum += this.playout(board, komi, own);
    for (let p = 0; p < NPOINTS; p++) own[p]! /= playouts;
    return { ownership: own, lead: leadSum / playouts, playouts };
  }

  // One playout: adds ±1 per point into `acc`, returns Black's area lead minus komi at the end.
  private playout(board: Board, komi: number, acc: Float32Array): number {
    const b = this.scratch;
    b.copyFrom(board);
    b.superko = false;
    const order = this.order;
    let passes = b.lastMove() === PASS ? 1 : 0;
    const maxMoves = 2 * NPOINTS;
    for (let m = 0; m < maxMoves && passes < 2; m++) {
      const color = b.toPlay;
      // Shuffle-free random scan: start at a random point, take the first acceptable one.
      const start = Math.floor(this.random() * NPOINTS);
      let moved = false;
      for (let k = 0; k < NPOINTS; k++) {
        let j = start + k;
        if (j >= NPOINTS) j -= NPOINTS;
        const p = order[j]!;
        if (b.colorAt(p) !== EMPTY || b.isEyeOf(p, color) || !b.isLegal(p, color)) continue;
        // Filling the last liberty of a big own chain only loses it: random play would make every group die.
        if (b.selfAtariSizeIfPlayed(p, color) >= 5 && b.captureCountIfPlayed(p, color) === 0) continue;
        b.play(p, color);
        moved = true;
        break;
      }
      if (moved) passes = 0;
      else {
        b.play(PASS, color);
        passes++;
      }
    }
    let lead = -komi;
    for (let p = 0; p < NPOINTS; p++) {
      let c: number = b.colorAt(p);
      if (c === EMPTY) {
        // After a playout an empty point is an eye: its neighbours are one colour (or it is neutral).
        let seen = 0;
        for (let k = 0; k < 4; k++) {
          const n = NEIGHBOURS[p * 4 + k]!;
          if (n >= 0) seen |= b.colorAt(n);
        }
        c = seen === BLACK || seen === WHITE ? seen : EMPTY;
      }
      if (c === BLACK) {
        acc[p]! += 1;
        lead += 1;
      } else if (c === WHITE) {
        acc[p]! -= 1;
        lead -= 1;
      }
    }
    return lead;
  }
}
