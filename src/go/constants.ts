// Board-wide constants shared by every layer: board size, point count, PASS and colour codes.

/** Edge length of the only supported board. */
export const SIZE = 19;
/** Number of on-board points (19 × 19). */
export const NPOINTS = 361;
/** The pass move, one past the last point so policy vectors can have 362 entries. */
export const PASS = 361;

export const EMPTY = 0;
export const BLACK = 1;
export const WHITE = 2;

/** Contents of a point. */
export type Color = 0 | 1 | 2;
/** A side that moves. */
export type Player = 1 | 2;

/** The other player: BLACK ↔ WHITE. */
export function opponent(c: Player): Player {
  return (3 - c) as Player;
}

/** True when `c` is BLACK or WHITE (guards untyped input at API boundaries). */
export function isPlayer(c: unknown): c is Player {
  return c === BLACK || c === WHITE;
}

/** 'B' / 'W' for messages and GTP/SGF output. */
export function colorLetter(c: Player): 'B' | 'W' {
  return c === BLACK ? 'B' : 'W';
}

/** Throws a clear error unless `size` is 19 — the single check every entry point uses. */
export function assertBoardSize(size: number, where = 'board'): void {
  if (size !== SIZE) {
    throw new Error(`${where}: board size ${size} is not supported; Tengen plays 19×19`);
  }
}
