// Test helpers: build positions from small diagrams and recompute board facts by brute force.
import { Board } from '../../src/go/board.js';
import { BLACK, EMPTY, NPOINTS, WHITE } from '../../src/go/constants.js';
import type { Color, Player } from '../../src/go/constants.js';
import { NEIGHBOURS, gtpToPoint } from '../../src/go/coords.js';
import { E2I, NCELLS } from '../../src/go/layout.js';
import { ZOBRIST_HI, ZOBRIST_LO } from '../../src/go/zobrist.js';

/**
 * Board from a diagram of the top-left corner: one line per row from the top (y = 0), one
 * space-separated cell per column from the left; X black, O white, . empty.
 */
export function fromDiagram(diagram: string): Board {
  const b = new Board();
  const rows = diagram.split('\n').map((r) => r.trim()).filter((r) => r.length > 0);
  rows.forEach((row, y) => {
    row.split(/\s+/).forEach((ch, x) => {
      if (ch === 'X') b.setStone(y * 19 + x, BLACK);
      else if (ch === 'O') b.setStone(y * 19 + x, WHITE);
      else if (ch !== '.') throw new Error(`bad diagram cell ${ch}`);
    });
  });
  return b;
}

/** Plays a list like 'B Q16, W D4, B pass'. */
export function playAll(b: Board, moves: string): void {
  for (const m of moves.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [c, v] = m.split(/\s+/);
    b.play(gtpToPoint(v), c === 'B' ? BLACK : WHITE);
  }
}

/** Point of a GTP vertex (short alias for tests). */
export const P = gtpToPoint;

/** Flood-fills the chain at p: its stones and its liberty count. */
export function floodChain(b: Board, p: number): { stones: number[]; libs: number } {
  const c = b.colorAt(p);
  const seen = new Set<number>([p]);
  const libs = new Set<number>();
  const todo = [p];
  while (todo.length) {
    const q = todo.pop()!;
    for (let k = 0; k < 4; k++) {
      const n = NEIGHBOURS[q * 4 + k];
      if (n < 0) continue;
      const cn = b.colorAt(n);
      if (cn === EMPTY) libs.add(n);
      else if (cn === c && !seen.has(n)) {
        seen.add(n);
        todo.push(n);
      }
    }
  }
  return { stones: [...seen].sort((a, z) => a - z), libs: libs.size };
}

/** Zobrist hash recomputed from the stones alone. */
export function scratchHash(b: Board): [number, number] {
  let lo = 0, hi = 0;
  for (let p = 0; p < NPOINTS; p++) {
    const c = b.colorAt(p);
    if (c === EMPTY) continue;
    lo ^= ZOBRIST_LO[c * NCELLS + E2I[p]];
    hi ^= ZOBRIST_HI[c * NCELLS + E2I[p]];
  }
  return [lo, hi];
}

/** Everything observable about a position, for exact before/after comparisons. */
export function snapshot(b: Board): Record<string, unknown> {
  const colors: Color[] = [], libs: number[] = [], sizes: number[] = [], placed: number[] = [];
  for (let p = 0; p < NPOINTS; p++) {
    colors.push(b.colorAt(p));
    libs.push(b.liberties(p));
    sizes.push(b.chainSize(p));
    placed.push(b.placedAt(p));
  }
  return {
    colors, libs, sizes, placed,
    hashLo: b.hashLo, hashHi: b.hashHi, toPlay: b.toPlay, moveNumber: b.moveNumber, koPoint: b.koPoint,
    black: b.stoneCount(BLACK), white: b.stoneCount(WHITE),
    capB: b.capturesBy(BLACK), capW: b.capturesBy(WHITE),
    last: b.lastMoves(3),
  };
}

/** Legal points (no pass) for `color`. */
export function legalPoints(b: Board, color: Player): number[] {
  const out: number[] = [];
  for (let p = 0; p < NPOINTS; p++) if (b.isLegal(p, color)) out.push(p);
  return out;
}
