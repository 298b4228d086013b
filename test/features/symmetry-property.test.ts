// Property: for every symmetry s and every feature set, encode(transform(P)) == transformPlanes(encode(P)), where
// transform(P) is rebuilt by replaying the transformed moves on a fresh board (so move ages, ko and history follow).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Board } from '../../src/go/board.js';
import { PASS } from '../../src/go/constants.js';
import { getFeatureSet } from '../../src/features/registry.js';
import { transformPlanes, transformPoint } from '../../src/features/symmetry.js';
import { devGames, haveDevData } from './helpers.js';

const SETS = [getFeatureSet('basic'), getFeatureSet('alphago48')];

/** Plays the moves that are legal in order (illegal ones are skipped); returns the moves actually played. */
function replay(candidates: number[]): number[] {
  const b = new Board();
  const played: number[] = [];
  for (const m of candidates) {
    if (m !== PASS && !b.isLegal(m, b.toPlay)) continue;
    b.play(m, b.toPlay);
    played.push(m);
  }
  return played;
}

function boardOf(moves: number[], s: number): Board {
  const b = new Board();
  for (const m of moves) b.play(transformPoint(m, s), b.toPlay);
  return b;
}

function checkAllSymmetries(moves: number[]): void {
  const original = boardOf(moves, 0);
  for (const set of SETS) {
    const n = 361 * set.planes;
    const base = new Float32Array(n);
    set.encode(original, base);
    const expected = new Float32Array(n);
    const actual = new Float32Array(n);
    for (let s = 1; s < 8; s++) {
      transformPlanes(base, expected, set.planes, s);
      set.encode(boardOf(moves, s), actual);
      if (!buffersEqual(actual, expected)) {
        const k = firstDiff(actual, expected);
        throw new Error(
          `${set.name}, symmetry ${s}, ${moves.length} moves: first difference at point ${Math.floor(k / set.planes)} ` +
            `plane ${set.planeNames[k % set.planes]}: encoded ${actual[k]}, transformed ${expected[k]}`,
        );
      }
    }
  }
}

const buffersEqual = (a: Float32Array, b: Float32Array) => firstDiff(a, b) < 0;
function firstDiff(a: Float32Array, b: Float32Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('encode commutes with the 8 symmetries', () => {
  it('random legal move sequences (dense, so captures, ko and ataris occur)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 361 }), { minLength: 0, maxLength: 260 }), (cands) => {
        checkAllSymmetries(replay(cands));
      }),
      { numRuns: 60 },
    );
  });

  it('random sequences confined to one corner (many ladders and self-ataris)', () => {
    const corner = fc.tuple(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 8 })).map(([x, y]) => y * 19 + x);
    fc.assert(
      fc.property(fc.array(corner, { maxLength: 70 }), (cands) => {
        checkAllSymmetries(replay(cands));
      }),
      { numRuns: 60 },
    );
  });

  (haveDevData ? it : it.skip)('real positions from tom9d/dev', () => {
    const games = devGames(40, 1);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: games.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), (g, f) => {
        const moves = games[g];
        checkAllSymmetries(moves.slice(0, Math.floor(f * moves.length)));
      }),
      { numRuns: 30 },
    );
  });
});
