// Empty regions of a position and which colours border them: the basis of Tengen's pass rule, since a
// policy network has no pass output and no notion of a finished game.
import type { Board } from '../go/board.js';
import { BLACK, EMPTY, NPOINTS, WHITE } from '../go/constants.js';
import { NEIGHBOURS } from '../go/coords.js';

/** Border bits of an empty point's region: BLACK (1), WHITE (2), both (3) or none (0, empty board). */
export type BorderMask = 0 | 1 | 2 | 3;

/**
 * Flood-fills the empty regions of `board`; reusable scratch buffers make each call allocation-free.
 * After `compute(board)`, `border[p]` holds the colours touching p's region (0 for stones).
 */
export class RegionMap {
  readonly border = new Uint8Array(NPOINTS);
  private readonly region = new Int16Array(NPOINTS);
  private readonly stack = new Int16Array(NPOINTS);
  private readonly members = new Int16Array(NPOINTS);

  /** Recomputes `border` for the position on `board`. */
  compute(board: Board): void {
    const region = this.region;
    const border = this.border;
    const stack = this.stack;
    const members = this.members;
    region.fill(-1);
    border.fill(0);
    let id = 0;
    for (let p0 = 0; p0 < NPOINTS; p0++) {
      if (region[p0] >= 0 || board.colorAt(p0) !== EMPTY) continue;
      let top = 0;
      let n = 0;
      let touch = 0;
      stack[top++] = p0;
      region[p0] = id;
      while (top > 0) {
        const p = stack[--top]!;
        members[n++] = p;
        for (let k = 0; k < 4; k++) {
          const q = NEIGHBOURS[p * 4 + k]!;
          if (q < 0) continue;
          const c = board.colorAt(q);
          if (c === EMPTY) {
            if (region[q] < 0) {
              region[q] = id;
              stack[top++] = q;
            }
          } else touch |= c;
        }
      }
      for (let i = 0; i < n; i++) border[members[i]!] = touch;
      id++;
    }
  }

  /** True when p is empty and its region touches both colours (neutral or contested, so a move there can matter). */
  isContested(p: number): boolean {
    return this.border[p] === (BLACK | WHITE);
  }

  /** True when every empty region touches exactly one colour (all territory closed; an empty board is not settled). */
  settled(board: Board): boolean {
    this.compute(board);
    for (let p = 0; p < NPOINTS; p++) {
      const b = this.border[p];
      if (board.colorAt(p) === EMPTY && b !== BLACK && b !== WHITE) return false;
    }
    return true;
  }

  /** Number of empty points whose region touches both colours. */
  contestedCount(): number {
    let n = 0;
    for (let p = 0; p < NPOINTS; p++) if (this.border[p] === (BLACK | WHITE)) n++;
    return n;
  }
}
