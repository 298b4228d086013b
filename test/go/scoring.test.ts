import { describe, expect, it } from 'vitest';
import { Board } from '../../src/go/board.js';
import { BLACK, WHITE } from '../../src/go/constants.js';
import { pointOf } from '../../src/go/coords.js';
import { formatScore } from '../../src/go/score.js';
import { fromDiagram } from './helpers.js';

function column(b: Board, x: number, c: 1 | 2): void {
  for (let y = 0; y < 19; y++) b.setStone(pointOf(x, y), c);
}

describe('Tromp-Taylor area scoring', () => {
  it('scores the empty board as no one’s area', () => {
    const b = new Board();
    expect(b.areaScore()).toEqual({ black: 0, white: 0 });
    expect(b.scoreString(7.5)).toBe('W+7.5');
  });

  it('gives the whole board to a lone stone', () => {
    const b = new Board();
    b.play(pointOf(3, 3), BLACK);
    expect(b.areaScore()).toEqual({ black: 361, white: 0 });
    expect(b.scoreString(7.5)).toBe('B+353.5');
  });

  it('splits the board along two walls', () => {
    const b = new Board();
    column(b, 9, BLACK); // black owns columns 0..9: 10 × 19 = 190
    column(b, 10, WHITE); // white owns columns 10..18: 9 × 19 = 171
    expect(b.areaScore()).toEqual({ black: 190, white: 171 });
    expect(b.scoreString(7.5)).toBe('B+11.5');
    expect(b.scoreString(19)).toBe('0');
    expect(b.scoreString(19.5)).toBe('W+0.5');
  });

  it('counts a region touching both colours as neutral', () => {
    const b = new Board();
    column(b, 9, BLACK); // 171 + 19
    column(b, 11, WHITE); // 7 × 19 + 19 = 152; column 10 is dame
    expect(b.areaScore()).toEqual({ black: 190, white: 152 });
    expect(b.scoreString(7.5)).toBe('B+30.5');
  });

  it('counts small enclosed regions', () => {
    const b = fromDiagram(`
      . . X O
      X X X O
      O O O O
    `);
    // Black: 4 stones + A19, B19 = 6. The outer region touches only white, so white has the other 355.
    const { black, white } = b.areaScore();
    expect(black).toBe(6);
    expect(white).toBe(355);
  });

  it('formats results', () => {
    expect(formatScore(180, 181, 0.5)).toBe('W+1.5');
    expect(formatScore(185, 176, 6.5)).toBe('B+2.5');
    expect(formatScore(184, 177, 7)).toBe('0');
    expect(() => formatScore(1, 1, NaN)).toThrow(/komi NaN/);
  });
});
