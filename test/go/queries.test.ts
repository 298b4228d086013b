// "If played" queries and eye detection on hand-made positions.
import { describe, expect, it } from 'vitest';
import { BLACK, WHITE } from '../../src/go/constants.js';
import { P, fromDiagram, snapshot } from './helpers.js';

describe('if-played queries', () => {
  it('count captures, liberties and self-atari without changing the board', () => {
    const b = fromDiagram(`
      . O X .
      O X . .
      X . . .
    `);
    const before = snapshot(b);
    // Black A19 captures B19 and A18; its liberties become those two points.
    expect(b.captureCountIfPlayed(P('A19'), BLACK)).toBe(2);
    expect(b.libertiesAfterPlay(P('A19'), BLACK)).toBe(2);
    expect(b.selfAtariSizeIfPlayed(P('A19'), BLACK)).toBe(0);
    // White A19 is suicide: everything is 0.
    expect(b.captureCountIfPlayed(P('A19'), WHITE)).toBe(0);
    expect(b.libertiesAfterPlay(P('A19'), WHITE)).toBe(0);
    // Black C18 joins B18 and C19: chain {B18, C18, C19} has B17, D18, C17, D19 = 4 liberties.
    expect(b.libertiesAfterPlay(P('C18'), BLACK)).toBe(4);
    expect(b.libertiesAfterPlay(P('C18'), BLACK, 2)).toBe(2);
    // White C18 touches B18 X, C19 X, D18, C17: 2 liberties, no capture.
    expect(b.libertiesAfterPlay(P('C18'), WHITE)).toBe(2);
    expect(snapshot(b)).toEqual(before);
  });

  it('find self-atari of a merged chain', () => {
    const b = fromDiagram(`
      . X O .
      X O . .
      . X O .
    `);
    // White C18 merges B18, C19 and C17: chain of 4 with liberties D19, D18, D17, C16.
    expect(b.libertiesAfterPlay(P('C18'), WHITE)).toBe(4);
    expect(b.selfAtariSizeIfPlayed(P('C18'), WHITE)).toBe(0);
    // Black C18 captures B18, whose only liberty it was.
    expect(b.captureCountIfPlayed(P('C18'), BLACK)).toBe(1);
    // After capturing B18, black C18 has liberties D18 and B18 = 2.
    expect(b.libertiesAfterPlay(P('C18'), BLACK)).toBe(2);
  });

  it('report self-atari size and preview all values at once', () => {
    const b = fromDiagram(`
      . . X O .
      . . X O .
      . . . O .
    `);
    // Black C17 joins C19-C18: chain of 3 with liberties B19 B18 B17 C16 = 4: not atari.
    expect(b.selfAtariSizeIfPlayed(P('C17'), BLACK)).toBe(0);
    // White B19 touches A19, B18 and C19 (black): 2 liberties.
    expect(b.libertiesAfterPlay(P('B19'), WHITE)).toBe(2);
    b.setStone(P('A19'), BLACK);
    // Now white B19 has only B18: self-atari of size 1.
    expect(b.selfAtariSizeIfPlayed(P('B19'), WHITE)).toBe(1);
    expect(b.preview(P('B19'), WHITE)).toBe(null);
    expect([b.previewCaptures, b.previewLiberties, b.previewChainSize]).toEqual([0, 1, 1]);
    expect(b.preview(P('C19'), WHITE)).toBe('occupied');
    expect([b.previewCaptures, b.previewLiberties, b.previewChainSize]).toEqual([0, 0, 0]);
  });
});

describe('isEyeOf', () => {
  it('recognises corner, edge and centre eyes with the diagonal rule', () => {
    const b = fromDiagram(`
      . X . X . . . . .
      X X . X . . . . .
      . . . . . . . . .
      . . . . X . . . .
      . . . X . X . . .
      . . . . X . . . .
    `);
    expect(b.isEyeOf(P('A19'), BLACK)).toBe(true); // corner, diagonal B18 own
    expect(b.isEyeOf(P('A19'), WHITE)).toBe(false);
    expect(b.isEyeOf(P('C19'), BLACK)).toBe(false); // C18 empty
    expect(b.isEyeOf(P('E15'), BLACK)).toBe(true); // centre, no enemy diagonal
    b.setStone(P('D16'), WHITE);
    expect(b.isEyeOf(P('E15'), BLACK)).toBe(true); // one enemy diagonal is tolerated in the centre
    b.setStone(P('F14'), WHITE);
    expect(b.isEyeOf(P('E15'), BLACK)).toBe(false); // two are not
    b.setStone(P('B18'), WHITE);
    expect(b.isEyeOf(P('A19'), BLACK)).toBe(false); // on the edge, none is tolerated
    expect(b.isEyeOf(P('B19'), BLACK)).toBe(false); // occupied
  });
});
