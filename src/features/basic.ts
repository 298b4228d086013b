// `basic`: 9 cheap planes for tiny models and tests, from the view of the player to move.
//
// | planes | family     | value on point p                                                         |
// |-------:|------------|--------------------------------------------------------------------------|
// | 0      | own        | 1 if p holds a stone of board.toPlay                                     |
// | 1      | opponent   | 1 if p holds a stone of the other colour                                 |
// | 2      | empty      | 1 if p is empty                                                          |
// | 3      | ones       | 1 everywhere (lets convolutions see the board edge through zero padding)|
// | 4..7   | last moves | plane 4+i is 1 on the point of the (i+1)-th most recent move (passes and |
// |        |            | moves before the start of the game leave the plane zero); the point is   |
// |        |            | marked even if that stone has since been captured                        |
// | 8      | legal      | 1 if board.toPlay may legally play p (ko and superko included)           |
import type { Board } from '../go/board.js';
import { EMPTY, NPOINTS, PASS } from '../go/constants.js';
import { checkOutput, planeNamesOf, type FeatureSet, type PlaneRange } from './types.js';

/** Plane ranges [start, end) of `basic`, in order. */
export const BASIC_RANGES: readonly PlaneRange[] = [
  { family: 'own', start: 0, end: 1 },
  { family: 'opponent', start: 1, end: 2 },
  { family: 'empty', start: 2, end: 3 },
  { family: 'ones', start: 3, end: 4 },
  { family: 'last_move', start: 4, end: 8 },
  { family: 'legal', start: 8, end: 9 },
];

const PLANES = 9;

function encodeBasic(board: Board, out: Float32Array, offset = 0): void {
  checkOutput('basic', PLANES, out, offset);
  out.fill(0, offset, offset + NPOINTS * PLANES);
  const me = board.toPlay;
  for (let p = 0, base = offset; p < NPOINTS; p++, base += PLANES) {
    const c = board.colorAt(p);
    if (c === EMPTY) {
      out[base + 2] = 1;
      if (board.isLegal(p, me)) out[base + 8] = 1;
    } else {
      out[base + (c === me ? 0 : 1)] = 1;
    }
    out[base + 3] = 1;
  }
  for (let i = 0; i < 4; i++) {
    const p = board.lastMoveAt(i);
    if (p < 0) break;
    if (p !== PASS) out[offset + p * PLANES + 4 + i] = 1;
  }
}

/** The `basic` feature set (version 1, 9 planes). */
export const basic: FeatureSet = {
  name: 'basic',
  version: 1,
  planes: PLANES,
  planeNames: planeNamesOf(BASIC_RANGES, { last_move: ['1', '2', '3', '4'] }),
  encode: encodeBasic,
};

