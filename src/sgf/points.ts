import { PASS, SIZE } from '../go/constants.js';
import { sgfToPoint } from '../go/coords.js';
import { GameRecordError } from './record-error.js';

function stonePoint(v: string, prop: string, where: string): number {
  let p: number;
  try {
    p = sgfToPoint(v);
  } catch (e) {
    throw new GameRecordError(`${prop}[${v}] ${where}: ${(e as Error).message}`, 'bad-point', prop);
  }
  if (p === PASS) throw new GameRecordError(`${prop}[${v}] ${where}: 'tt' is not a point for stones`, 'bad-point', prop);
  return p;
}

/**
 * Expands an SGF point list (`AB[aa][pd]`, compressed rectangles `AB[aa:cc]`) into points
 * p = y*19+x, rectangles row by row; empty values are skipped. Throws GameRecordError naming the
 * property and value for anything that is not a point or rectangle on the 19×19 board.
 */
export function expandPointList(values: readonly string[], prop: string, where: string): number[] {
  const out: number[] = [];
  for (const v of values) {
    if (v === '') continue;
    const colon = v.indexOf(':');
    if (colon < 0) {
      out.push(stonePoint(v, prop, where));
      continue;
    }
    const a = stonePoint(v.slice(0, colon), prop, where);
    const b = stonePoint(v.slice(colon + 1), prop, where);
    const x0 = Math.min(a % SIZE, b % SIZE);
    const x1 = Math.max(a % SIZE, b % SIZE);
    const y0 = Math.min(Math.floor(a / SIZE), Math.floor(b / SIZE));
    const y1 = Math.max(Math.floor(a / SIZE), Math.floor(b / SIZE));
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) out.push(y * SIZE + x);
  }
  return out;
}
