import { describe, expect, it } from 'vitest';
import { Board } from '../../src/go/board.js';
import { BLACK, NPOINTS, PASS, WHITE } from '../../src/go/constants.js';
import { gtpToPoint, pointOf } from '../../src/go/coords.js';
import { MoveChooser } from '../../src/gtp/move-choice.js';
import { seededUniform } from '../../src/random.js';
import { RegionMap } from '../../src/gtp/regions.js';

const uniform = (): Float32Array => new Float32Array(NPOINTS).fill(1 / NPOINTS);
const put = (b: Board, color: 1 | 2, ...vs: string[]): void => vs.forEach((v) => b.setStone(gtpToPoint(v), color));

/** Black wall on column `bx`, White wall on column `wx` (0-based), all 19 rows. */
function walls(bx: number, wx: number): Board {
  const b = new Board();
  for (let y = 0; y < 19; y++) {
    b.setStone(pointOf(bx, y), BLACK);
    b.setStone(pointOf(wx, y), WHITE);
  }
  return b;
}

describe('MoveChooser', () => {
  it('takes the argmax of the policy', () => {
    const b = new Board();
    const pol = uniform();
    pol[gtpToPoint('Q16')] = 0.5;
    expect(new MoveChooser().choose(b, pol).point).toBe(gtpToPoint('Q16'));
  });

  it('never fills its own eye even when the policy wants it', () => {
    const b = new Board();
    put(b, BLACK, 'B1', 'A2', 'B2');
    const pol = new Float32Array(NPOINTS);
    pol[gtpToPoint('A1')] = 0.9;
    pol[gtpToPoint('K10')] = 0.1;
    b.toPlay = BLACK;
    expect(new MoveChooser().choose(b, pol).point).toBe(gtpToPoint('K10'));
  });

  it('rejects self-atari of a chain of two or more stones, allows ordinary moves', () => {
    // Black A2-B2 has liberties A1, B1; White A3 B3 C2 C1 around it.
    const b = new Board();
    put(b, BLACK, 'A2', 'B2');
    put(b, WHITE, 'A3', 'B3', 'C2', 'C1');
    const ch = new MoveChooser();
    expect(ch.isSensible(b, gtpToPoint('A1'), BLACK)).toBe(false);
    expect(ch.isSensible(b, gtpToPoint('B1'), BLACK)).toBe(false);
    expect(ch.isSensible(b, gtpToPoint('K10'), BLACK)).toBe(true);
    // White B1 puts the black pair in atari and is sensible for White.
    expect(ch.isSensible(b, gtpToPoint('B1'), WHITE)).toBe(true);
  });

  it('passes when it has only its own eyes left', () => {
    const b = new Board();
    const eyes = new Set(['A1', 'T19', 'K10'].map(gtpToPoint));
    for (let p = 0; p < NPOINTS; p++) if (!eyes.has(p)) b.setStone(p, BLACK);
    b.toPlay = BLACK;
    expect(new MoveChooser().choose(b, uniform())).toEqual({ point: PASS, prior: 0, passReason: 'no-sensible-move' });
    // White's moves there are suicide: no legal move but pass.
    b.toPlay = WHITE;
    expect(new MoveChooser().choose(b, uniform()).point).toBe(PASS);
  });

  it('answers a pass with a pass when every empty point belongs to one side', () => {
    const b = walls(9, 10); // Black K column, White L column: no neutral point
    b.toPlay = BLACK;
    const ch = new MoveChooser();
    expect(ch.choose(b, uniform()).point).not.toBe(PASS); // White has not passed: keep playing
    b.play(PASS, WHITE);
    expect(ch.choose(b, uniform())).toEqual({ point: PASS, prior: 0, passReason: 'settled' });
  });

  it('after a pass, fills the neutral points first', () => {
    const b = walls(8, 10); // column K (x = 9) is dame
    b.play(PASS, WHITE);
    // Uniform policy: the first candidate in point order is K19 (x = 9, y = 0).
    expect(new MoveChooser().choose(b, uniform()).point).toBe(gtpToPoint('K19'));
    const pol = uniform();
    pol[gtpToPoint('A1')] = 0.5; // own territory: not a candidate after a pass
    pol[gtpToPoint('K5')] = 0.2;
    expect(new MoveChooser().choose(b, pol).point).toBe(gtpToPoint('K5'));
  });

  it('cleanup mode restricts to neutral points without a pass', () => {
    const b = walls(8, 10);
    b.toPlay = BLACK;
    const pol = uniform();
    pol[gtpToPoint('A1')] = 0.5;
    expect(new MoveChooser().choose(b, pol).point).toBe(gtpToPoint('A1'));
    expect(new MoveChooser().choose(b, pol, { cleanup: true }).point).toBe(gtpToPoint('K19'));
  });

  it('samples with temperature reproducibly and in proportion', () => {
    const b = new Board();
    const pol = new Float32Array(NPOINTS);
    pol[gtpToPoint('D4')] = 0.8;
    pol[gtpToPoint('Q16')] = 0.2;
    const draw = (seed: number, t: number, n: number): number[] => {
      const ch = new MoveChooser();
      const r = seededUniform(seed);
      return Array.from({ length: n }, () => ch.choose(b, pol, { temperature: t, random: r }).point);
    };
    expect(draw(42, 1, 50)).toEqual(draw(42, 1, 50));
    expect(draw(42, 1, 50)).not.toEqual(draw(43, 1, 50));
    const many = draw(7, 1, 4000);
    const d4 = many.filter((p) => p === gtpToPoint('D4')).length / many.length;
    expect(d4).toBeGreaterThan(0.76);
    expect(d4).toBeLessThan(0.84);
    // T = 0.5 squares the odds: 0.64 / (0.64 + 0.04) ≈ 0.94
    const sharp = draw(7, 0.5, 4000).filter((p) => p === gtpToPoint('D4')).length / 4000;
    expect(sharp).toBeGreaterThan(0.92);
    // Zero-probability points are candidates but never drawn.
    expect(many.every((p) => p === gtpToPoint('D4') || p === gtpToPoint('Q16'))).toBe(true);
  });
});

describe('RegionMap', () => {
  it('marks each empty point with the colours bordering its region', () => {
    const b = walls(8, 10);
    const r = new RegionMap();
    r.compute(b);
    expect(r.border[gtpToPoint('A1')]).toBe(BLACK);
    expect(r.border[gtpToPoint('T1')]).toBe(WHITE);
    expect(r.border[gtpToPoint('K7')]).toBe(BLACK | WHITE);
    expect(r.border[gtpToPoint('J7')]).toBe(0); // a stone
    expect(r.contestedCount()).toBe(19);
    r.compute(new Board());
    expect(r.border[0]).toBe(0);
  });
});
