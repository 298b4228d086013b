// `basic` planes on hand-worked positions: 0 own, 1 opponent, 2 empty, 3 ones, 4..7 last moves 1..4, 8 legal.
import { describe, expect, it } from 'vitest';
import { Board } from '../../src/go/board.js';
import { basic } from '../../src/features/basic.js';
import { B, W, onPlanes, playAll, pt, pointsOn, setup } from './helpers.js';

function encode(b: Board, offset = 0): Float32Array {
  const out = new Float32Array(offset + 361 * 9);
  basic.encode(b, out, offset);
  return out;
}
const sorted = (ps: number[]) => [...ps].sort((a, b) => a - b);

// B(3,3) W(0,0) B(1,0) W(15,3) B(9,9) W(15,15) B(3,15) W(10,3) B(0,1)x(0,0)
const OPENING: Array<[number, number]> = [[3, 3], [0, 0], [1, 0], [15, 3], [9, 9], [15, 15], [3, 15], [10, 3], [0, 1]];

describe('basic', () => {
  it('after a capture and a pass, Black to play', () => {
    const b = playAll(new Board(), [...OPENING, 'pass']);
    const out = encode(b);
    expect(sorted(pointsOn(out, 9, 0))).toEqual(sorted([pt(3, 3), pt(1, 0), pt(9, 9), pt(3, 15), pt(0, 1)]));
    expect(sorted(pointsOn(out, 9, 1))).toEqual(sorted([pt(15, 3), pt(15, 15), pt(10, 3)]));
    expect(pointsOn(out, 9, 2)).toHaveLength(361 - 8);
    expect(pointsOn(out, 9, 3)).toHaveLength(361);
    expect(pointsOn(out, 9, 4)).toEqual([]); // the last move was a pass
    expect(pointsOn(out, 9, 5)).toEqual([pt(0, 1)]);
    expect(pointsOn(out, 9, 6)).toEqual([pt(10, 3)]);
    expect(pointsOn(out, 9, 7)).toEqual([pt(3, 15)]);
    // Every empty point is legal for Black, including the captured point (0,0) between Black stones.
    expect(pointsOn(out, 9, 8)).toEqual(pointsOn(out, 9, 2));
    expect(onPlanes(out, 9, pt(0, 0))).toEqual([2, 3, 8]);
  });

  it('White to play right after the capture: (0,0) is suicide for White', () => {
    const b = playAll(new Board(), OPENING);
    const out = encode(b);
    expect(sorted(pointsOn(out, 9, 0))).toEqual(sorted([pt(15, 3), pt(15, 15), pt(10, 3)]));
    expect(pointsOn(out, 9, 4)).toEqual([pt(0, 1)]);
    expect(pointsOn(out, 9, 5)).toEqual([pt(10, 3)]);
    expect(pointsOn(out, 9, 6)).toEqual([pt(3, 15)]);
    expect(pointsOn(out, 9, 7)).toEqual([pt(15, 15)]);
    expect(onPlanes(out, 9, pt(0, 0))).toEqual([2, 3]);
    expect(pointsOn(out, 9, 8)).toHaveLength(361 - 8 - 1);
  });

  it('ko: White may not retake at once, but may after a threat and an answer', () => {
    // B (6,5),(5,6),(6,7); W (7,5),(6,6),(8,6),(7,7). Black (7,6) takes W (6,6), leaving itself one liberty.
    const b = setup([[6, 5], [5, 6], [6, 7]], [[7, 5], [6, 6], [8, 6], [7, 7]], B);
    b.play(pt(7, 6), B);
    expect(onPlanes(encode(b), 9, pt(6, 6))).toEqual([2, 3]);
    b.play(pt(15, 15), W);
    b.play(pt(15, 16), B);
    const out = encode(b);
    expect(onPlanes(out, 9, pt(6, 6))).toEqual([2, 3, 8]);
    expect(onPlanes(out, 9, pt(7, 6))).toEqual([1, 3, 6]); // Black's ko stone: third most recent move
  });

  it('writes only its own slice at an offset and rejects a short buffer', () => {
    const b = setup([[0, 0]], [], W);
    const out = encode(b, 5);
    expect(Array.from(out.subarray(0, 5))).toEqual([0, 0, 0, 0, 0]);
    expect(onPlanes(out, 9, pt(0, 0), 5)).toEqual([1, 3]);
    expect(() => basic.encode(b, new Float32Array(100))).toThrow(/needs 3249/);
    expect(() => basic.encode(b, new Float32Array(3249), -1)).toThrow(/offset -1/);
  });
});
