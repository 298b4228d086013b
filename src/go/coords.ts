// Point ↔ (x, y), GTP vertex and SGF coordinate conversions. p = y * 19 + x, x from the left, y from the top.
import { NPOINTS, PASS, SIZE } from './constants.js';

/** GTP column letters: A…T without I. */
export const GTP_COLUMNS = 'ABCDEFGHJKLMNOPQRST';
// Column index of an ASCII code (either case), -1 for anything else.
const COLUMN_OF = new Int8Array(128).fill(-1);
for (let i = 0; i < GTP_COLUMNS.length; i++) {
  COLUMN_OF[GTP_COLUMNS.charCodeAt(i)] = i;
  COLUMN_OF[GTP_COLUMNS.toLowerCase().charCodeAt(i)] = i;
}
const SGF_LETTERS = 'abcdefghijklmnopqrs';

/** Neighbour table: NEIGHBOURS[p * 4 + k] for k = 0..3 (up, left, right, down), -1 where off the board. */
export const NEIGHBOURS: Int16Array = (() => {
  const t = new Int16Array(NPOINTS * 4).fill(-1);
  for (let p = 0; p < NPOINTS; p++) {
    const x = p % SIZE;
    const y = (p - x) / SIZE;
    if (y > 0) t[p * 4] = p - SIZE;
    if (x > 0) t[p * 4 + 1] = p - 1;
    if (x < SIZE - 1) t[p * 4 + 2] = p + 1;
    if (y < SIZE - 1) t[p * 4 + 3] = p + SIZE;
  }
  return t;
})();

/** True when p is an integer point 0..360 (PASS excluded). */
export function isOnBoard(p: number): boolean {
  return Number.isInteger(p) && p >= 0 && p < NPOINTS;
}

/** True when p is an on-board point or PASS. */
export function isMove(p: number): boolean {
  return isOnBoard(p) || p === PASS;
}

function checkXY(x: number, y: number): void {
  if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || x >= SIZE || y < 0 || y >= SIZE) {
    throw new Error(`coordinate (${x}, ${y}) is off the 19×19 board`);
  }
}

function checkMove(p: number, fn: string): void {
  if (!isMove(p)) throw new Error(`${fn}: ${p} is not a point 0..360 or PASS (361)`);
}

/** Point of column x (0 = left) and row y (0 = top); throws when off the board. */
export function pointOf(x: number, y: number): number {
  checkXY(x, y);
  return y * SIZE + x;
}

/** Column (0 = left) of an on-board point. */
export function xOf(p: number): number {
  return p % SIZE;
}

/** Row (0 = top) of an on-board point. */
export function yOf(p: number): number {
  return (p - (p % SIZE)) / SIZE;
}

/** GTP vertex of p ('Q16'), 'pass' for PASS; throws for anything else. */
export function pointToGtp(p: number): string {
  checkMove(p, 'pointToGtp');
  if (p === PASS) return 'pass';
  return GTP_COLUMNS[xOf(p)] + String(SIZE - yOf(p));
}

/**
 * Point of a plain GTP vertex of 2 or 3 characters ("Q16", "d4"), else -1 (anything else: pass, spaces, bad input;
 * gtpToPoint then names the fault). No string or regex allocation: every request's move list goes through here.
 */
export function plainGtpToPoint(s: string): number {
  const n = s.length;
  if (n !== 2 && n !== 3) return -1;
  const c = s.charCodeAt(0);
  const x = c < 128 ? COLUMN_OF[c]! : -1;
  const d1 = s.charCodeAt(1) - 48;
  if (x < 0 || d1 < 1 || d1 > 9) return -1;
  if (n === 2) return (SIZE - d1) * SIZE + x;
  const d2 = s.charCodeAt(2) - 48;
  if (d2 < 0 || d2 > 9) return -1;
  const row = d1 * 10 + d2;
  return row <= SIZE ? (SIZE - row) * SIZE + x : -1;
}

/** Point of a GTP vertex ('Q16', any case, surrounding spaces allowed) or 'pass'; throws naming the bad value. */
export function gtpToPoint(s: string): number {
  if (typeof s === 'string') {
    const p = plainGtpToPoint(s);
    if (p >= 0) return p;
  }
  if (typeof s !== 'string') throw new Error(`bad GTP vertex ${String(s)}: not a string`);
  const v = s.trim().toUpperCase();
  if (v === 'PASS') return PASS;
  const m = /^([A-Z])(\d{1,2})$/.exec(v);
  if (!m) throw new Error(`bad GTP vertex "${s}": expected a letter A-T (no I) and a row 1-19, or "pass"`);
  const x = GTP_COLUMNS.indexOf(m[1]);
  if (x < 0) throw new Error(`bad GTP vertex "${s}": column ${m[1]} is not on a 19×19 board (A-T, no I)`);
  const row = Number(m[2]);
  if (row < 1 || row > SIZE || m[2][0] === '0') {
    throw new Error(`bad GTP vertex "${s}": row ${m[2]} is not 1-19`);
  }
  return (SIZE - row) * SIZE + x;
}

/** SGF coordinate of p ('pd'), '' for PASS; throws for anything else. */
export function pointToSgf(p: number): string {
  checkMove(p, 'pointToSgf');
  if (p === PASS) return '';
  return SGF_LETTERS[xOf(p)] + SGF_LETTERS[yOf(p)];
}

/** Point of an SGF coordinate ('pd'); '' and 'tt' → PASS; throws naming the bad value. */
export function sgfToPoint(s: string): number {
  if (typeof s !== 'string') throw new Error(`bad SGF point ${String(s)}: not a string`);
  if (s === '' || s === 'tt') return PASS;
  if (s.length !== 2) throw new Error(`bad SGF point "${s}": expected two letters a-s, '' or 'tt'`);
  const x = SGF_LETTERS.indexOf(s[0]);
  const y = SGF_LETTERS.indexOf(s[1]);
  if (x < 0 || y < 0) throw new Error(`bad SGF point "${s}": letters must be a-s on a 19×19 board`);
  return y * SIZE + x;
}
