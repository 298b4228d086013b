// The remaining one-hot planes of alphago48 on hand-made positions (Black to play, setup stones only):
// liberties 4/6/7, liberties after 5/≥8, capture sizes 3..6, self-atari sizes 3..≥8.
// Expected vectors list every non-zero plane: 0 player, 1 opponent, 2 empty, 3 ones, 11 age ≥8 (setup stones),
// 12+L−1 liberties, 20+c capture, 28+s−1 self-atari, 36+L−1 liberties after, 46 sensible.
import { describe, expect, it } from 'vitest';
import type { Board } from '../../src/go/board.js';
import { alphago48 } from '../../src/features/alphago48.js';
import { B, onPlanes, pt, setup } from './helpers.js';

type XY = Array<[number, number]>;
const row = (y: number, x0: number, x1: number): XY => Array.from({ length: x1 - x0 + 1 }, (_, i) => [x0 + i, y]);

function encode(b: Board): Float32Array {
  const out = new Float32Array(361 * 48);
  alphago48.encode(b, out);
  return out;
}

describe('alphago48 one-hot families', () => {
  it('liberties 4, 6, 7, ≥8 on stones; liberties after 5 and ≥8 on empty points', () => {
    const black: XY = [[5, 5], [6, 5], [5, 12], [6, 12], [5, 13], ...row(16, 0, 3), [13, 0], [14, 0]];
    const out = encode(setup(black, [[9, 9]], B));
    expect(onPlanes(out, 48, pt(9, 9))).toEqual([1, 3, 11, 15]); // lone stone: 4
    expect(onPlanes(out, 48, pt(6, 5))).toEqual([0, 3, 11, 17]); // pair: 6
    // L of 3: (4,12),(5,11),(6,11),(7,12),(6,13),(4,13),(5,14) = 7
    expect(onPlanes(out, 48, pt(5, 13))).toEqual([0, 3, 11, 18]);
    expect(onPlanes(out, 48, pt(0, 16))).toEqual([0, 3, 11, 19]); // 4 on the edge: 9 → ≥8
    // (4,16) makes 5 on the edge: (0..4,15),(0..4,17),(5,16) = 11 → ≥8.
    expect(onPlanes(out, 48, pt(4, 16))).toEqual([2, 3, 20, 43, 46]);
    // (15,0) makes 3 on the top edge: (12,0),(16,0),(13,1),(14,1),(15,1) = 5.
    expect(onPlanes(out, 48, pt(15, 0))).toEqual([2, 3, 20, 40, 46]);
  });

  it('capture sizes 3, 4, 5, 6: White lines along an edge in atari, Black takes at the open end', () => {
    // n = 3: W (0..2,0) under B (0..2,1), taken at (3,0). n = 4: W (6..9,0), B (5,0) and (6..9,1), taken at (10,0).
    // n = 5: W (0..4,18) over B (0..4,17), taken at (5,18). n = 6: W (8..13,18), B (7,18) and (8..13,17), at (14,18).
    // After each capture the new stone has 3 liberties: its two edge neighbours and the one inwards.
    const black: XY = [...row(1, 0, 2), [5, 0], ...row(1, 6, 9), ...row(17, 0, 4), [7, 18], ...row(17, 8, 13)];
    const white: XY = [...row(0, 0, 2), ...row(0, 6, 9), ...row(18, 0, 4), ...row(18, 8, 13)];
    const out = encode(setup(black, white, B));
    expect(onPlanes(out, 48, pt(3, 0))).toEqual([2, 3, 23, 38, 46]);
    expect(onPlanes(out, 48, pt(10, 0))).toEqual([2, 3, 24, 38, 46]);
    expect(onPlanes(out, 48, pt(5, 18))).toEqual([2, 3, 25, 38, 46]);
    expect(onPlanes(out, 48, pt(14, 18))).toEqual([2, 3, 26, 38, 46]);
  });

  it('self-atari sizes 3, 4, 5, 6: Black lines in atari along an edge extend into a single liberty', () => {
    // B (0..1,0) under W (0..2,1): (2,0) → 3 stones, liberty (3,0).
    // B (10..12,0), W (9,0) and (10..13,1): (13,0) → 4 stones, liberty (14,0).
    // B (0..3,18), W (0..4,17): (4,18) → 5 stones, liberty (5,18).
    // B (10..14,18), W (9,18) and (10..15,17): (15,18) → 6 stones, liberty (16,18).
    const black: XY = [...row(0, 0, 1), ...row(0, 10, 12), ...row(18, 0, 3), ...row(18, 10, 14)];
    const white: XY = [...row(1, 0, 2), [9, 0], ...row(1, 10, 13), ...row(17, 0, 4), [9, 18], ...row(17, 10, 15)];
    const out = encode(setup(black, white, B));
    expect(onPlanes(out, 48, pt(2, 0))).toEqual([2, 3, 20, 30, 36, 46]);
    expect(onPlanes(out, 48, pt(13, 0))).toEqual([2, 3, 20, 31, 36, 46]);
    expect(onPlanes(out, 48, pt(4, 18))).toEqual([2, 3, 20, 32, 36, 46]);
    expect(onPlanes(out, 48, pt(15, 18))).toEqual([2, 3, 20, 33, 36, 46]);
  });

  it('self-atari sizes 7 and ≥8', () => {
    // B (0..5,0) under W (0..6,1): (6,0) → 7 stones. B (0..7,18) over W (0..8,17): (8,18) → 9 stones → ≥8.
    const out = encode(setup([...row(0, 0, 5), ...row(18, 0, 7)], [...row(1, 0, 6), ...row(17, 0, 8)], B));
    expect(onPlanes(out, 48, pt(6, 0))).toEqual([2, 3, 20, 34, 36, 46]);
    expect(onPlanes(out, 48, pt(8, 18))).toEqual([2, 3, 20, 35, 36, 46]);
  });
});
