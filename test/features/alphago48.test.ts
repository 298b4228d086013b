// Hand-worked positions for every alphago48 plane family. Plane indices (see src/features/alphago48.ts):
// 0 player, 1 opponent, 2 empty, 3 ones, 4..11 turns since 1..7,≥8, 12..19 liberties 1..7,≥8,
// 20..27 capture 0..6,≥7, 28..35 self-atari 1..7,≥8, 36..43 liberties after 1..7,≥8, 44 ladder capture,
// 45 ladder escape, 46 sensibleness, 47 zeros.
import { describe, expect, it } from 'vitest';
import { Board } from '../../src/go/board.js';
import { alphago48 } from '../../src/features/alphago48.js';
import { B, W, onPlanes, playAll, pt, pointsOn, setup } from './helpers.js';

function encode(b: Board): Float32Array {
  const out = new Float32Array(361 * 48);
  alphago48.encode(b, out);
  return out;
}

// Position "tactics", Black to play (every stone is a setup stone):
//  - W (0,0) in atari next to B (1,0): B at (0,1) captures 1.
//  - W (5,0),(6,0) surrounded by B (4,0),(7,0),(5,1): B at (6,1) captures 2 and joins (5,1).
//  - W (5..11,18) under B (5..11,17) and B (4,18): B at (12,18) captures 7.
//  - W (1,18),(1,17): B at (0,18) is a 1-stone self-atari, B at (0,17) has 2 liberties.
//  - B (18,1) in atari under W (17,1),(18,2): B at (18,0) is a 2-stone self-atari.
//  - B eye at (0,9) made by the chain (0,8),(1,8),(1,9),(1,10),(0,10).
function tactics(toPlay: 1 | 2): Board {
  const black: Array<[number, number]> = [[1, 0], [4, 0], [7, 0], [5, 1], [18, 1], [4, 18],
    [0, 8], [1, 8], [1, 9], [1, 10], [0, 10]];
  const white: Array<[number, number]> = [[0, 0], [5, 0], [6, 0], [1, 18], [1, 17], [17, 1], [18, 2]];
  for (let x = 5; x <= 11; x++) {
    black.push([x, 17]);
    white.push([x, 18]);
  }
  return setup(black, white, toPlay);
}

describe('alphago48 on hand-made positions', () => {
  it('empty board, Black to play: stone/ones/capture/libs-after/sensible only, by edge distance', () => {
    const out = encode(new Board());
    // Corner: a lone stone has 2 liberties, edge 3, centre 4.
    expect(onPlanes(out, 48, pt(0, 0))).toEqual([2, 3, 20, 37, 46]);
    expect(onPlanes(out, 48, pt(9, 0))).toEqual([2, 3, 20, 38, 46]);
    expect(onPlanes(out, 48, pt(9, 9))).toEqual([2, 3, 20, 39, 46]);
    expect(pointsOn(out, 48, 47)).toEqual([]);
  });

  it('capture size, self-atari size, liberties after, sensibleness on empty points (Black to play)', () => {
    const out = encode(tactics(B));
    // (0,1) captures W(0,0); the new stone then has (0,0),(1,1),(0,2): 3 liberties.
    expect(onPlanes(out, 48, pt(0, 1))).toEqual([2, 3, 21, 38, 46]);
    // (6,1) captures 2; chain (5,1),(6,1) gets (4,1),(5,0),(5,2),(7,1),(6,0),(6,2): 6 liberties.
    expect(onPlanes(out, 48, pt(6, 1))).toEqual([2, 3, 22, 41, 46]);
    // (12,18) captures 7 (≥7 plane); then (11,18),(13,18),(12,17): 3 liberties.
    expect(onPlanes(out, 48, pt(12, 18))).toEqual([2, 3, 27, 38, 46]);
    // (0,18): only liberty (0,17) → self-atari of 1 stone, 1 liberty after.
    expect(onPlanes(out, 48, pt(0, 18))).toEqual([2, 3, 20, 28, 36, 46]);
    // (0,17): liberties (0,16),(0,18).
    expect(onPlanes(out, 48, pt(0, 17))).toEqual([2, 3, 20, 37, 46]);
    // (18,0) joins (18,1): 2 stones with the single liberty (17,0); no ladder escape (still in atari).
    expect(onPlanes(out, 48, pt(18, 0))).toEqual([2, 3, 20, 29, 36, 46]);
    // (0,9) fills Black's own eye: legal, 6-stone chain keeps 7 liberties, not sensible.
    expect(onPlanes(out, 48, pt(0, 9))).toEqual([2, 3, 20, 42]);
  });

  it('stone colour, liberties and setup-stone age on stones (Black to play)', () => {
    const out = encode(tactics(B));
    expect(onPlanes(out, 48, pt(0, 0))).toEqual([1, 3, 11, 12]); // W, 1 liberty
    expect(onPlanes(out, 48, pt(18, 2))).toEqual([1, 3, 11, 13]); // W, 2 liberties
    expect(onPlanes(out, 48, pt(17, 1))).toEqual([1, 3, 11, 14]); // W, 3 liberties
    expect(onPlanes(out, 48, pt(1, 17))).toEqual([1, 3, 11, 16]); // W pair, 5 liberties
    expect(onPlanes(out, 48, pt(4, 18))).toEqual([0, 3, 11, 13]); // B, 2 liberties
    expect(onPlanes(out, 48, pt(5, 1))).toEqual([0, 3, 11, 14]); // B, liberties (4,1),(6,1),(5,2)
    expect(onPlanes(out, 48, pt(1, 9))).toEqual([0, 3, 11, 19]); // B eye chain, 8 liberties (≥8)
  });

  it('White to play: colours swap, the eye point is illegal for White, the edge escape fails', () => {
    const out = encode(tactics(W));
    expect(onPlanes(out, 48, pt(0, 0))).toEqual([0, 3, 11, 12]);
    expect(onPlanes(out, 48, pt(0, 8))).toEqual([1, 3, 11, 19]); // B chain with 8 liberties (≥8)
    expect(onPlanes(out, 48, pt(0, 9))).toEqual([2, 3]); // suicide for White
    // (12,18) extends W's 7 stones to 2 liberties, but Black ladders them along the first line into the corner.
    expect(onPlanes(out, 48, pt(12, 18))).toEqual([2, 3, 20, 37, 46]);
  });

  it('turns since: ages after a played sequence with a pass and a capture', () => {
    const b = playAll(new Board(), [
      [3, 3], [0, 0], [1, 0], [15, 3], [9, 9], [15, 15], [3, 15], [10, 3],
      [0, 1], // Black captures W(0,0) on move index 8
      'pass',
      [10, 10], [12, 12], [5, 5], [16, 16],
    ]);
    expect(b.moveNumber).toBe(14);
    const out = encode(b); // Black to play
    const age = (x: number, y: number) => onPlanes(out, 48, pt(x, y)).filter((k) => k >= 4 && k <= 11);
    expect(age(16, 16)).toEqual([4]); // played at index 13: 14 − 13 = 1
    expect(age(5, 5)).toEqual([5]); // 2
    expect(age(12, 12)).toEqual([6]); // 3
    expect(age(10, 10)).toEqual([7]); // 4 (the pass at index 9 also counts as a turn)
    expect(age(0, 1)).toEqual([9]); // 6
    expect(age(10, 3)).toEqual([10]); // 7
    expect(age(3, 15)).toEqual([11]); // 8
    expect(age(3, 3)).toEqual([11]); // 14 → ≥8
    expect(age(0, 0)).toEqual([]); // captured: empty point has no age
    // No stone is 5 turns old (that turn was a pass).
    expect(pointsOn(out, 48, 8)).toEqual([]);
    // One more move: (10,10) is now 5 turns old, (10,3) 8 → ≥8.
    b.play(pt(17, 17), B);
    const next = encode(b);
    expect(pointsOn(next, 48, 8)).toEqual([pt(10, 10)]);
    expect(pointsOn(next, 48, 4)).toEqual([pt(17, 17)]);
    expect(onPlanes(next, 48, pt(10, 3))).toContain(11);
  });
});
