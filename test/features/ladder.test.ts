// Ladder reader on hand-read positions. The basic shape (Black attacks, White defends):
//   y1: . B B        W (1,2) has liberties (2,2) and (1,3). Black (1,3) starts a ladder running diagonally
//   y2: B W .        towards the lower right: White extends (2,2),(2,3),(3,3),(3,4),… each time to 2 liberties,
//   y3: . . .        and Black always ataris from the side that keeps it at 1. Black (2,2) instead lets White
// extend to (1,3) with 3 liberties. At every step the "wrong" atari also gives White 3 liberties, so the only line
// that matters is the one above; a White stone on that diagonal joins the ladder and breaks it.
import { describe, expect, it } from 'vitest';
import { Board } from '../../src/go/board.js';
import { alphago48 } from '../../src/features/alphago48.js';
import { ladderCapture, ladderEscape, LadderReader, LADDER_NODE_BUDGET } from '../../src/features/ladder.js';
import { B, W, pt, setup } from './helpers.js';

type XY = Array<[number, number]>;
const SHAPE_B: XY = [[1, 1], [2, 1], [0, 2]];
const SHAPE_W: XY = [[1, 2]];

function plane(b: Board, k: number, x: number, y: number): number {
  const out = new Float32Array(361 * 48);
  alphago48.encode(b, out);
  return out[pt(x, y) * 48 + k];
}

describe('ladderCapture', () => {
  it('a ladder that runs across the board into the edge works; the wrong-side atari does not', () => {
    const b = setup(SHAPE_B, SHAPE_W, B);
    expect(ladderCapture(b, pt(1, 3), B)).toBe(true);
    expect(ladderCapture(b, pt(2, 2), B)).toBe(false);
    expect(plane(b, 44, 1, 3)).toBe(1);
    expect(plane(b, 44, 2, 2)).toBe(0);
  });

  it('a White breaker stone on the diagonal breaks it', () => {
    const b = setup(SHAPE_B, [...SHAPE_W, [12, 12]], B);
    expect(ladderCapture(b, pt(1, 3), B)).toBe(false);
    expect(plane(b, 44, 1, 3)).toBe(0);
  });

  it('a Black stone on the diagonal only helps the attacker', () => {
    const b = setup([...SHAPE_B, [12, 12]], SHAPE_W, B);
    expect(ladderCapture(b, pt(1, 3), B)).toBe(true);
  });

  it('fails when the ataring stone can itself be captured (counter-atari)', () => {
    // W (0,3) and (1,4) leave Black (1,3) a single liberty (2,3): White captures it there and gets out.
    const b = setup(SHAPE_B, [...SHAPE_W, [0, 3], [1, 4]], B);
    expect(ladderCapture(b, pt(1, 3), B)).toBe(false);
  });

  it('a first-line ladder runs into the corner and works in both directions', () => {
    // W (10,18) under B (10,17): liberties (9,18),(11,18). After either atari White crawls along the edge with
    // 2 liberties, Black follows on the second line, and the chain dies in the corner.
    const b = setup([[10, 17]], [[10, 18]], B);
    expect(ladderCapture(b, pt(11, 18), B)).toBe(true);
    expect(ladderCapture(b, pt(9, 18), B)).toBe(true);
  });

  it('is false for points that atari nothing with 2 liberties, and for illegal or occupied points', () => {
    const b = setup(SHAPE_B, SHAPE_W, B);
    expect(ladderCapture(b, pt(9, 9), B)).toBe(false);
    expect(ladderCapture(b, pt(1, 1), B)).toBe(false);
    expect(() => ladderCapture(b, 361, B)).toThrow(/point 361/);
    expect(() => ladderCapture(b, pt(1, 3), 3 as 1)).toThrow(/color 3/);
  });

  it('leaves the board untouched and stays within its node budget', () => {
    const b = setup(SHAPE_B, SHAPE_W, B);
    const before = b.toString();
    const key = b.hashKey();
    const r = new LadderReader();
    r.load(b);
    expect(r.captureWorks(pt(1, 3), B)).toBe(true);
    expect(r.lastAborted).toBe(false);
    // ~17 diagonal steps, two defender replies each at most: far below the budget.
    expect(r.lastNodes).toBeGreaterThan(20);
    expect(r.lastNodes).toBeLessThan(LADDER_NODE_BUDGET);
    ladderCapture(b, pt(1, 3), B);
    expect(b.toString()).toBe(before);
    expect(b.hashKey()).toBe(key);
    expect(b.toPlay).toBe(B);
  });
});

describe('ladderEscape', () => {
  const ATARI_B: XY = [...SHAPE_B, [1, 3]]; // Black has just played the ladder atari; White to move.

  it('extending out of a working ladder is no escape', () => {
    const b = setup(ATARI_B, SHAPE_W, W);
    expect(ladderEscape(b, pt(2, 2), W)).toBe(false);
    expect(plane(b, 45, 2, 2)).toBe(0);
  });

  it('the same extension escapes when a White breaker sits on the diagonal', () => {
    const b = setup(ATARI_B, [...SHAPE_W, [12, 12]], W);
    expect(ladderEscape(b, pt(2, 2), W)).toBe(true);
    expect(plane(b, 45, 2, 2)).toBe(1);
  });

  it('extending to 3 or more liberties escapes outright; extending into 1 liberty does not', () => {
    // W (10,10) in atari from B (9,10),(10,9),(11,10): extending to (10,11) gives (9,11),(11,11),(10,12).
    const b = setup([[9, 10], [10, 9], [11, 10]], [[10, 10]], W);
    expect(ladderEscape(b, pt(10, 11), W)).toBe(true);
    // W (0,0) in atari from B (1,0),(1,1): extending to (0,1) leaves the pair only (0,2).
    const c = setup([[1, 0], [1, 1]], [[0, 0]], W);
    expect(ladderEscape(c, pt(0, 1), W)).toBe(false);
    // With B (0,2) too, (0,1) is suicide: not legal, so no escape either.
    const d = setup([[1, 0], [1, 1], [0, 2]], [[0, 0]], W);
    expect(ladderEscape(d, pt(0, 1), W)).toBe(false);
  });
});
