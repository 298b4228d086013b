// Hand-made positions for every rule; expected values worked out by hand in the comments.
import { describe, expect, it } from 'vitest';
import { Board, IllegalMoveError } from '../../src/go/board.js';
import { BLACK, EMPTY, PASS, WHITE } from '../../src/go/constants.js';
import { pointOf } from '../../src/go/coords.js';
import { P, floodChain, fromDiagram, playAll, snapshot } from './helpers.js';

function reasonOf(fn: () => void): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof IllegalMoveError) return e.reason;
    throw e;
  }
  return undefined;
}

describe('board basics', () => {
  it('rejects sizes other than 19', () => {
    expect(() => new Board(13)).toThrow('board size 13 is not supported; Tengen plays 19×19');
    expect(() => new Board(9)).toThrow(/board size 9/);
    expect(new Board(19).toPlay).toBe(BLACK);
  });

  it('alternates colours, counts moves and passes', () => {
    const b = new Board();
    b.play(P('Q16'));
    expect(b.colorAt(P('Q16'))).toBe(BLACK);
    expect(b.toPlay).toBe(WHITE);
    b.play(PASS);
    expect(b.toPlay).toBe(BLACK);
    expect(b.moveNumber).toBe(2);
    expect(b.lastMoves(5)).toEqual([PASS, P('Q16')]);
    expect(b.placedAt(P('Q16'))).toBe(1);
    expect(b.placedAt(P('D4'))).toBe(-1);
    // Explicit colour out of turn: the next side is the mover's opponent.
    b.play(P('D4'), WHITE);
    expect(b.toPlay).toBe(BLACK);
  });

  it('rejects occupied and off-board moves with reasons and a readable message', () => {
    const b = new Board();
    playAll(b, 'B D4');
    const err = (() => { try { b.play(P('D4')); } catch (e) { return e as IllegalMoveError; } })();
    expect(err).toBeInstanceOf(IllegalMoveError);
    expect(err!.reason).toBe('occupied');
    expect(err!.moveNumber).toBe(2);
    expect(err!.color).toBe(WHITE);
    expect(err!.message).toMatch(/illegal move 2 \(W D4\): the point is occupied/);
    expect(reasonOf(() => b.play(400))).toBe('offboard');
    expect(reasonOf(() => b.play(-1))).toBe('offboard');
    expect(b.legality(362)).toBe('offboard');
    expect(() => b.colorAt(361)).toThrow(/not an on-board point/);
    expect(() => b.play(P('A1'), 3 as never)).toThrow(/colour 3 is not BLACK/);
    expect(b.isLegal(PASS)).toBe(true);
  });
});

describe('captures', () => {
  it('captures one stone in the centre', () => {
    const b = new Board();
    // White K10 surrounded on three sides; black K9 takes its last liberty.
    playAll(b, 'B J10, W K10, B L10, W A1, B K11, W B1, B K9');
    expect(b.colorAt(P('K10'))).toBe(EMPTY);
    expect(b.capturesBy(BLACK)).toBe(1);
    expect(b.stoneCount(WHITE)).toBe(2);
    expect(b.liberties(P('K9'))).toBe(4);
    expect(b.liberties(P('J10'))).toBe(4); // K10 freed again
    expect(b.koPoint).toBe(-1); // K9 has 4 liberties, no ko
  });

  it('captures a three-stone group on the edge and recounts liberties', () => {
    const b = fromDiagram(`
      O O O .
      X X X .
    `);
    expect(b.liberties(P('A19'))).toBe(1); // only D19
    b.play(P('D19'), BLACK);
    expect(b.capturesBy(BLACK)).toBe(3);
    expect(b.stoneCount(WHITE)).toBe(0);
    expect(b.liberties(P('D19'))).toBe(3); // C19, E19, D18
    expect(b.liberties(P('A18'))).toBe(7); // A19 B19 C19, A17 B17 C17, D18
    expect(b.chainSize(P('A18'))).toBe(3);
  });

  it('captures two groups at once in the corner', () => {
    const b = fromDiagram(`
      . O X
      O X .
      X . .
    `);
    expect(b.captureCountIfPlayed(P('A19'), BLACK)).toBe(2);
    b.play(P('A19'), BLACK);
    expect(b.colorAt(P('B19'))).toBe(EMPTY);
    expect(b.colorAt(P('A18'))).toBe(EMPTY);
    expect(b.capturesBy(BLACK)).toBe(2);
    expect(b.liberties(P('A19'))).toBe(2);
    expect(b.koPoint).toBe(-1); // two stones captured: not a ko
  });

  it('captures at the edge and in the corner', () => {
    const b = new Board();
    playAll(b, 'B B1, W A1, B A2'); // A1 had liberties A2, B1
    expect(b.colorAt(P('A1'))).toBe(EMPTY);
    playAll(b, 'W K19, B J19, W A10, B L19, W A11, B K18');
    expect(b.colorAt(P('K19'))).toBe(EMPTY);
    expect(b.capturesBy(BLACK)).toBe(2);
    expect(b.liberties(P('K18'))).toBe(4);
    expect(b.liberties(P('J19'))).toBe(3); // H19, J18, K19
  });

  it('snapback: the throw-in is captured, then the capturing group is taken', () => {
    const b = fromDiagram(`
      . O O X
      . O X .
      X X . .
    `);
    b.play(P('A19'), BLACK); // throw-in: white now has only A18
    expect(b.liberties(P('B19'))).toBe(1);
    expect(b.liberties(P('A19'))).toBe(1);
    b.play(P('A18'), WHITE); // takes one stone
    expect(b.colorAt(P('A19'))).toBe(EMPTY);
    expect(b.chainSize(P('A18'))).toBe(4);
    expect(b.liberties(P('A18'))).toBe(1);
    expect(b.koPoint).toBe(-1); // capturing chain has 4 stones: not a ko
    b.play(P('A19'), BLACK); // snapback takes four
    expect(b.capturesBy(BLACK)).toBe(4);
    expect(b.capturesBy(WHITE)).toBe(1);
    expect(b.stoneCount(WHITE)).toBe(0);
    expect(b.liberties(P('A19'))).toBe(2);
    expect(b.liberties(P('A17'))).toBe(5); // A18 B18 A16 B16 C17
  });
});

describe('suicide', () => {
  it('forbids single-stone suicide but allows the owner to fill', () => {
    const b = fromDiagram(`
      . X
      X .
    `);
    expect(b.legality(P('A19'), WHITE)).toBe('suicide');
    expect(reasonOf(() => b.play(P('A19'), WHITE))).toBe('suicide');
    expect(b.moveNumber).toBe(0);
    expect(b.isLegal(P('A19'), BLACK)).toBe(true);
  });

  it('forbids group suicide, allows the capture instead', () => {
    const b = fromDiagram(`
      O . X
      X X .
    `);
    expect(b.legality(P('B19'), WHITE)).toBe('suicide');
    const before = snapshot(b);
    expect(reasonOf(() => b.play(P('B19'), WHITE))).toBe('suicide');
    expect(snapshot(b)).toEqual(before);
    b.play(P('B19'), BLACK);
    expect(b.colorAt(P('A19'))).toBe(EMPTY);
  });

  it('allows a move without empty neighbours when it captures', () => {
    const b = fromDiagram(`
      . O X
      O X .
      X . .
    `);
    // Black A19 touches only white stones, but both are in atari, so it captures and lives.
    expect(b.legality(P('A19'), BLACK)).toBe(null);
    // For white, A19 joins B19 and A18 whose last liberty is A19 itself.
    expect(b.legality(P('A19'), WHITE)).toBe('suicide');
  });
});

function koShape(ox: number, oy: number, whiteHolds: boolean): Board {
  const b = new Board();
  addKo(b, ox, oy, whiteHolds);
  return b;
}

/** Ko at a = (ox+1, oy+1) (white's point) and b = (ox+2, oy+1) (black's point). */
function addKo(b: Board, ox: number, oy: number, whiteHolds: boolean): { a: number; bp: number } {
  const at = (x: number, y: number) => pointOf(ox + x, oy + y);
  for (const [x, y] of [[1, 0], [0, 1], [1, 2]]) b.setStone(at(x, y), BLACK);
  for (const [x, y] of [[2, 0], [3, 1], [2, 2]]) b.setStone(at(x, y), WHITE);
  if (whiteHolds) b.setStone(at(1, 1), WHITE);
  else b.setStone(at(2, 1), BLACK);
  return { a: at(1, 1), bp: at(2, 1) };
}

describe('ko', () => {
  it('bans the immediate retake, lifts the ban after a ko threat exchange', () => {
    const b = koShape(5, 5, true);
    const a = pointOf(6, 6), bp = pointOf(7, 6);
    b.play(bp, BLACK); // takes the ko
    expect(b.colorAt(a)).toBe(EMPTY);
    expect(b.koPoint).toBe(a);
    expect(b.legality(a, WHITE)).toBe('ko');
    expect(reasonOf(() => b.play(a, WHITE))).toBe('ko');
    // Black itself is not banned from filling the ko point.
    expect(b.isLegal(a, BLACK)).toBe(true);
    b.play(P('Q3'), WHITE); // ko threat
    expect(b.koPoint).toBe(-1);
    b.play(P('R3'), BLACK); // answer
    expect(b.isLegal(a, WHITE)).toBe(true);
    b.play(a, WHITE); // retake
    expect(b.colorAt(bp)).toBe(EMPTY);
    expect(b.koPoint).toBe(bp);
    expect(b.legality(bp, BLACK)).toBe('ko');
  });

  it('applies simple ko even with superko disabled', () => {
    const b = koShape(5, 5, true);
    b.superko = false;
    b.play(pointOf(7, 6), BLACK);
    expect(b.legality(pointOf(6, 6), WHITE)).toBe('ko');
  });
});

describe('positional superko', () => {
  it('rejects a retake after two passes that recreates an earlier position', () => {
    const b = koShape(5, 5, true);
    const a = pointOf(6, 6), bp = pointOf(7, 6);
    b.play(bp, BLACK);
    b.play(PASS, WHITE);
    b.play(PASS, BLACK);
    expect(b.koPoint).toBe(-1); // simple ko would allow the retake now
    expect(b.legality(a, WHITE)).toBe('superko');
    expect(reasonOf(() => b.play(a, WHITE))).toBe('superko');
    expect(b.moveNumber).toBe(3);
    b.superko = false;
    expect(b.legality(a, WHITE)).toBe(null);
    b.play(a, WHITE);
    expect(b.colorAt(bp)).toBe(EMPTY);
  });

  it('still detects a cycle after a long history has grown the position table', () => {
    const b = new Board();
    const k1 = addKo(b, 1, 1, true);
    const k2 = addKo(b, 8, 1, false);
    const k3 = addKo(b, 1, 8, true);
    for (let n = 0; n < 1500; n++) b.play(PASS); // 1500 repeated positions, the table has to grow
    b.play(k1.bp, BLACK);
    b.play(k2.a, WHITE);
    b.play(k3.bp, BLACK);
    b.play(k1.a, WHITE);
    b.play(k2.bp, BLACK);
    expect(b.legality(k3.a, WHITE)).toBe('superko');
    const c = b.clone();
    expect(c.legality(k3.a, WHITE)).toBe('superko');
    for (let n = 0; n < 5; n++) b.undo();
    // Back before the cycle: the ko-3 retake would no longer repeat anything.
    expect(b.legality(k3.bp, BLACK)).toBe(null);
    while (b.historyLength > 0) b.undo();
    expect(b.stoneCount(BLACK) + b.stoneCount(WHITE)).toBe(0);
    expect(b.hashKey()).toBe(0);
  });

  it('rejects the sixth move of a triple-ko cycle', () => {
    const b = new Board();
    const k1 = addKo(b, 1, 1, true); // black can take
    const k2 = addKo(b, 8, 1, false); // white can take
    const k3 = addKo(b, 1, 8, true); // black can take
    const start = snapshot(b);
    b.play(k1.bp, BLACK);
    b.play(k2.a, WHITE);
    b.play(k3.bp, BLACK);
    b.play(k1.a, WHITE);
    b.play(k2.bp, BLACK);
    // White retaking ko 3 would recreate the starting position: legal by simple ko, not by superko.
    expect(b.koPoint).toBe(k2.a); // the only simple-ko ban is in ko 2
    expect(b.legality(k3.a, WHITE)).toBe('superko');
    expect(reasonOf(() => b.play(k3.a, WHITE))).toBe('superko');
    const clone = b.clone();
    clone.superko = false;
    clone.play(k3.a, WHITE);
    const s = snapshot(clone);
    expect(s.colors).toEqual(start.colors);
    expect([s.hashLo, s.hashHi]).toEqual([start.hashLo, start.hashHi]);
  });
});

describe('setup stones', () => {
  it('places, replaces and removes stones, rejecting positions without liberties', () => {
    const b = fromDiagram(`
      . X
      X .
    `);
    expect(() => b.setStone(P('A19'), WHITE)).toThrow(/leaves the chain at A19 without liberties/);
    expect(b.colorAt(P('A19'))).toBe(EMPTY);
    b.setStone(P('B18'), BLACK); // joins A18 and B19
    expect(b.chainSize(P('B18'))).toBe(3);
    expect(b.liberties(P('B18'))).toBe(5); // A19, C19, A17, C18, B17

    b.setStone(P('B19'), EMPTY);
    expect(b.stoneCount(BLACK)).toBe(2);
    // Removing a middle stone splits a chain: chains and liberties are recomputed.
    const c = fromDiagram('X X X');
    expect(c.liberties(P('A19'))).toBe(4);
    c.setStone(P('B19'), EMPTY);
    expect(c.chainSize(P('A19'))).toBe(1);
    expect(c.liberties(P('A19'))).toBe(2);
    expect(c.liberties(P('C19'))).toBe(3);
    expect(c.placedAt(P('C19'))).toBe(-1);
    c.undo();
    expect(c.chainSize(P('A19'))).toBe(3);
    expect(() => c.setStone(P('A1'), 5 as never)).toThrow(/colour 5/);
  });
});

describe('handicap', () => {
  const expected: Record<number, string> = {
    2: 'D4 Q16', 3: 'D4 Q16 D16', 4: 'D4 Q16 D16 Q4', 5: 'D4 Q16 D16 Q4 K10', 6: 'D4 Q16 D16 Q4 D10 Q10',
    7: 'D4 Q16 D16 Q4 D10 Q10 K10', 8: 'D4 Q16 D16 Q4 D10 Q10 K4 K16', 9: 'D4 Q16 D16 Q4 D10 Q10 K4 K16 K10',
  };
  for (let n = 2; n <= 9; n++) {
    it(`places ${n} stones per the GTP spec`, () => {
      const b = new Board();
      const pts = b.placeFixedHandicap(n);
      expect(pts).toEqual(expected[n].split(' ').map(P));
      expect(b.stoneCount(BLACK)).toBe(n);
      for (const p of pts) expect(b.colorAt(p)).toBe(BLACK);
      expect(b.toPlay).toBe(WHITE);
      expect(b.moveNumber).toBe(0);
    });
  }
  it('rejects bad counts and non-empty boards', () => {
    expect(() => new Board().placeFixedHandicap(1)).toThrow(/fixed handicap of 1 stones/);
    expect(() => new Board().placeFixedHandicap(10)).toThrow(/use 2 to 9/);
    const b = new Board();
    b.play(P('K10'));
    expect(() => b.placeFixedHandicap(2)).toThrow(/not empty/);
  });
});

describe('chain helpers', () => {
  it('lists stones and liberties of a chain', () => {
    const b = fromDiagram(`
      X X .
      . X O
    `);
    const out = new Int16Array(361);
    const n = b.chainStones(P('A19'), out);
    expect([...out.subarray(0, n)].sort((x, y) => x - y)).toEqual(floodChain(b, P('A19')).stones);
    const ln = b.chainLibertyPoints(P('A19'), out);
    expect([...out.subarray(0, ln)].sort((x, y) => x - y)).toEqual([P('C19'), P('A18'), P('B17')].sort((x, y) => x - y));
    expect(b.chainId(P('A19'))).toBe(b.chainId(P('B18')));
    expect(b.chainId(P('C18'))).not.toBe(b.chainId(P('B18')));
    expect(b.chainId(P('C19'))).toBe(-1);
    const seen: number[] = [];
    b.forEachStoneOfChain(P('C18'), (q) => seen.push(q));
    expect(seen).toEqual([P('C18')]);
  });
});

describe('display and history', () => {
  it('draws the board with GTP coordinates', () => {
    const b = new Board();
    playAll(b, 'B Q16, W D4');
    const lines = b.toString().split('\n');
    expect(lines).toHaveLength(21);
    expect(lines[0]).toBe('   A B C D E F G H J K L M N O P Q R S T');
    // Row 16 is the 4th board line; Q is the 16th column.
    expect(lines[4]).toBe('16 ' + [...'...............X...'].join(' ') + ' 16');
    expect(lines[16]).toBe(' 4 ' + [...'...O...............'].join(' ') + '  4');
    expect(lines[20]).toBe(lines[0]);
  });

  it('keeps setup stones out of the move history', () => {
    const b = new Board();
    b.placeFixedHandicap(2);
    playAll(b, 'W C3, B pass, W R4');
    b.setStone(P('K10'), BLACK);
    expect(b.lastMoves(10)).toEqual([P('R4'), PASS, P('C3')]);
    expect(b.lastMove()).toBe(P('R4'));
    expect([0, 1, 2, 3].map((i) => b.lastMoveAt(i))).toEqual([P('R4'), PASS, P('C3'), -1]);
    expect(b.moveNumber).toBe(3);
    expect(b.historyLength).toBe(6); // 2 handicap stones, 3 moves, 1 setup stone
    expect(new Board().lastMove()).toBe(-1);
  });
});
