// Test helpers: hand-made positions from coordinate lists, plane inspection, real-game move lists.
import { gunzipSync } from 'node:zlib';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Board } from '../../src/go/board.js';
import { BLACK, PASS, WHITE, type Player } from '../../src/go/constants.js';

export const B = BLACK;
export const W = WHITE;

/** Point of column x, row y (both from the top-left). */
export function pt(x: number, y: number): number {
  return y * 19 + x;
}

/** A board with setup stones and the given side to move. */
export function setup(black: Array<[number, number]>, white: Array<[number, number]>, toPlay: Player): Board {
  const b = new Board();
  for (const [x, y] of black) b.setStone(pt(x, y), BLACK);
  for (const [x, y] of white) b.setStone(pt(x, y), WHITE);
  b.toPlay = toPlay;
  return b;
}

/** Plays [x, y] moves (or 'pass') alternately from the side to move. */
export function playAll(b: Board, moves: Array<[number, number] | 'pass'>): Board {
  for (const m of moves) b.play(m === 'pass' ? PASS : pt(m[0], m[1]), b.toPlay);
  return b;
}

/** Indices of the non-zero planes on point p (NHWC, `planes` per point). */
export function onPlanes(out: Float32Array, planes: number, p: number, offset = 0): number[] {
  const r: number[] = [];
  for (let k = 0; k < planes; k++) if (out[offset + p * planes + k] !== 0) r.push(k);
  return r;
}

/** Points where plane k is non-zero. */
export function pointsOn(out: Float32Array, planes: number, k: number): number[] {
  const r: number[] = [];
  for (let p = 0; p < 361; p++) if (out[p * planes + k] !== 0) r.push(p);
  return r;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** ../shared/data/tom9d/dev resolved from the repo root. */
export const devDir = path.resolve(repoRoot, '../shared/data/tom9d/dev');
export const haveDevData = existsSync(devDir);

/** Move lists (points, PASS for passes; Black first, alternating) of the first `maxGames` games of a dev file. */
export function devGames(maxGames: number, fileIndex = 0): number[][] {
  const files = readdirSync(devDir).filter((f) => f.endsWith('.sgf.gz')).sort();
  const text = gunzipSync(readFileSync(path.join(devDir, files[fileIndex]))).toString('utf8');
  const games: number[][] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(';B[') && !line.startsWith(';W[')) continue;
    const moves: number[] = [];
    for (const m of line.matchAll(/;[BW]\[([a-s]{2})?\]/g)) {
      moves.push(m[1] ? (m[1].charCodeAt(1) - 97) * 19 + (m[1].charCodeAt(0) - 97) : PASS);
    }
    games.push(moves);
    if (games.length >= maxGames) break;
  }
  return games;
}
