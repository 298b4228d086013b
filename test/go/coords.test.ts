import { describe, expect, it } from 'vitest';
import { PASS, SIZE, assertBoardSize, opponent, BLACK, WHITE } from '../../src/go/constants.js';
import {
  NEIGHBOURS, gtpToPoint, pointOf, pointToGtp, pointToSgf, sgfToPoint, xOf, yOf,
} from '../../src/go/coords.js';

describe('coords', () => {
  it('maps known vertices by hand', () => {
    // Q is the 16th letter but I is skipped, so column 15; row 16 from the bottom is y = 3.
    expect(gtpToPoint('Q16')).toBe(3 * 19 + 15);
    expect(gtpToPoint('A1')).toBe(18 * 19);
    expect(gtpToPoint('T19')).toBe(18);
    expect(gtpToPoint('J10')).toBe(9 * 19 + 8);
    expect(sgfToPoint('pd')).toBe(3 * 19 + 15);
    expect(sgfToPoint('as')).toBe(18 * 19);
    expect(pointToGtp(pointOf(8, 9))).toBe('J10');
    expect(pointToSgf(pointOf(15, 3))).toBe('pd');
  });

  it('round-trips every point through GTP and SGF', () => {
    for (let p = 0; p < 361; p++) {
      expect(gtpToPoint(pointToGtp(p))).toBe(p);
      expect(gtpToPoint(pointToGtp(p).toLowerCase())).toBe(p);
      expect(sgfToPoint(pointToSgf(p))).toBe(p);
      expect(pointOf(xOf(p), yOf(p))).toBe(p);
    }
  });

  it('the fast path of gtpToPoint agrees with the spelled-out rule on every 2- and 3-character string over a wide alphabet', () => {
    // The rule as documented: trim, upper-case, a column A-T without I, a row 1-19 without a leading zero, or "pass".
    const COLS = 'ABCDEFGHJKLMNOPQRST';
    const rule = (s: string): number | null => {
      const v = s.trim().toUpperCase();
      const m = /^([A-Z])(\d{1,2})$/.exec(v);
      if (!m || COLS.indexOf(m[1]!) < 0 || m[2]![0] === '0' || Number(m[2]) > 19) return null;
      return (19 - Number(m[2])) * 19 + COLS.indexOf(m[1]!);
    };
    const alphabet = ['A', 'a', 'I', 'i', 'T', 't', 'U', 'z', 'Z', 'Q', '0', '1', '2', '9', ' ', '-', '/', ':', '@', '`', 'ı', 'Ñ', 'Ｑ', '\u0151', '\0'];
    let checked = 0;
    const wrong: string[] = [];
    const check = (s: string) => {
      const want = rule(s);
      let got: number | string;
      try {
        got = gtpToPoint(s);
      } catch (err) {
        got = /bad GTP vertex/.test((err as Error).message) ? 'error' : (err as Error).message;
      }
      if (got !== (want ?? 'error')) wrong.push(`${JSON.stringify(s)}: ${got} instead of ${want ?? 'error'}`);
      checked++;
    };
    for (const a of alphabet) for (const b of alphabet) {
      check(a + b);
      for (const c of alphabet) check(a + b + c);
    }
    expect(wrong).toEqual([]);
    expect(checked).toBe(25 * 25 + 25 ** 3);
  });

  it('handles pass in both notations', () => {
    expect(gtpToPoint('pass')).toBe(PASS);
    expect(gtpToPoint('PASS')).toBe(PASS);
    expect(pointToGtp(PASS)).toBe('pass');
    expect(sgfToPoint('')).toBe(PASS);
    expect(sgfToPoint('tt')).toBe(PASS);
    expect(pointToSgf(PASS)).toBe('');
  });

  it('rejects bad GTP vertices, naming them', () => {
    for (const v of ['I5', 'U1', 'A0', 'A20', 'Z9', '', 'A', '11', 'AA1', 'A01', 'resign', 'A1x']) {
      expect(() => gtpToPoint(v)).toThrow(v === '' ? /bad GTP vertex ""/ : new RegExp(`"${v}"`));
    }
  });

  it('rejects bad SGF points and bad numeric points', () => {
    for (const v of ['a', 'zz', 'ta', 'AB', 'abc', 'st']) expect(() => sgfToPoint(v)).toThrow(/bad SGF point/);
    for (const p of [-1, 362, 3.5, NaN]) {
      expect(() => pointToGtp(p)).toThrow(/not a point/);
      expect(() => pointToSgf(p)).toThrow(/not a point/);
    }
    expect(() => pointOf(19, 0)).toThrow(/off the 19×19 board/);
  });

  it('has a neighbour table with walls at the edges', () => {
    const corner = [...NEIGHBOURS.subarray(0, 4)];
    expect(corner).toEqual([-1, -1, 1, 19]);
    const centre = pointOf(9, 9);
    expect([...NEIGHBOURS.subarray(centre * 4, centre * 4 + 4)]).toEqual([centre - 19, centre - 1, centre + 1, centre + 19]);
  });

  it('constants agree with the conventions', () => {
    expect(SIZE).toBe(19);
    expect(opponent(BLACK)).toBe(WHITE);
    expect(opponent(WHITE)).toBe(BLACK);
    expect(() => assertBoardSize(13)).toThrow('board size 13 is not supported; Tengen plays 19×19');
  });
});
