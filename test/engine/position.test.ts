// Building positions from move lists and game records: colours, setup, side to move, and errors that name the move.
import { describe, expect, it } from 'vitest';
import { BLACK, EMPTY, PASS, WHITE } from '../../src/go/constants.js';
import { gtpToPoint } from '../../src/go/coords.js';
import { BoardPool, PositionError, parseVertex, positionFromMoves, positionFromRecord, recordFromSgf } from '../../src/engine/position.js';

describe('parseVertex', () => {
  it('reads GTP vertices, SGF points and pass to the same points', () => {
    // Q16: column Q = x 15 (no I), row 16 from the bottom = y 3 → 3*19+15 = 72; SGF "pd" is x 15, y 3 too.
    expect(parseVertex('Q16', 'm')).toBe(72);
    expect(parseVertex('q16', 'm')).toBe(72);
    expect(parseVertex('pd', 'm')).toBe(72);
    expect(parseVertex('pass', 'm')).toBe(PASS);
    expect(parseVertex('tt', 'm')).toBe(PASS);
    expect(parseVertex('A19', 'm')).toBe(0);
    expect(parseVertex('T1', 'm')).toBe(360);
  });
  it('names the field and the bad vertex', () => {
    expect(() => parseVertex('I5', 'moves[2]')).toThrow(/moves\[2\].*column I/);
    expect(() => parseVertex('Z99', 'moves[0]')).toThrow(PositionError);
    expect(() => parseVertex(12, 'setup.black[0]')).toThrow(/setup\.black\[0\]: expected a vertex string/);
  });
});

describe('positionFromMoves', () => {
  it('alternates colours from Black and leaves the opponent of the last mover to play', () => {
    const { board, moves } = positionFromMoves({ moves: ['Q16', 'dd', 'pass'] });
    expect(moves.map((m) => m.color)).toEqual([BLACK, WHITE, BLACK]);
    expect(board.colorAt(gtpToPoint('Q16'))).toBe(BLACK);
    expect(board.colorAt(gtpToPoint('D16'))).toBe(WHITE);
    expect(board.toPlay).toBe(WHITE);
    expect(board.moveNumber).toBe(3);
  });
  it('takes explicit colours, setup stones and an explicit side to move', () => {
    const { board } = positionFromMoves({
      setup: { black: ['D4', 'Q16'], white: ['dd'] },
      moves: [['W', 'K10'], ['W', 'K11']],
      toPlay: 'W',
    });
    expect(board.colorAt(gtpToPoint('D4'))).toBe(BLACK);
    expect(board.colorAt(gtpToPoint('Q16'))).toBe(BLACK);
    expect(board.colorAt(gtpToPoint('D16'))).toBe(WHITE);
    expect(board.colorAt(gtpToPoint('K10'))).toBe(WHITE);
    expect(board.colorAt(gtpToPoint('K11'))).toBe(WHITE);
    expect(board.toPlay).toBe(WHITE);
  });
  it('gives White the first move after black-only (handicap) setup', () => {
    const { moves } = positionFromMoves({ setup: { black: ['D4', 'Q16'] }, moves: ['Q4'] });
    expect(moves[0]!.color).toBe(WHITE);
  });
  it('names move number, colour and vertex of an occupied point', () => {
    let err: unknown;
    try {
      positionFromMoves({ moves: ['Q16', 'D4', 'Q3', 'Q16'] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PositionError);
    const pe = err as PositionError;
    expect(pe.message).toBe('move 4 (W Q16): point is occupied');
    expect(pe.moveNumber).toBe(4);
    expect(pe.field).toBe('moves[3]');
    expect(pe.reason).toBe('occupied');
  });
  it('rejects an immediate ko recapture naming the move', () => {
    // Black D4 E5 E3 and White F5 F3 G4 surround E4 and F4: B F4 has one liberty (E4), W E4 takes it.
    const { board } = positionFromMoves({
      setup: { black: ['D4', 'E5', 'E3'], white: ['F5', 'F3', 'G4'] },
      moves: [['B', 'F4'], ['W', 'E4']],
    });
    // W E4 captured B F4 (its last liberty); B may not retake at F4 at once.
    expect(board.colorAt(gtpToPoint('F4'))).toBe(EMPTY);
    expect(() =>
      positionFromMoves({
        setup: { black: ['D4', 'E5', 'E3'], white: ['F5', 'F3', 'G4'] },
        moves: [['B', 'F4'], ['W', 'E4'], ['B', 'F4']],
      }),
    ).toThrow(/^move 3 \(B F4\): .*ko/);
  });
  it('rejects bad colours, too many moves and bad setup by field', () => {
    expect(() => positionFromMoves({ moves: [['X', 'D4']] })).toThrow(/moves\[0\]\[0\]: expected "B" or "W"/);
    expect(() => positionFromMoves({ moves: ['D4'], toPlay: 'red' })).toThrow(/toPlay/);
    expect(() => positionFromMoves({ moves: ['D4', 'D5', 'D6'] }, 2)).toThrow(/moves: 3 moves, at most 2/);
    expect(() => positionFromMoves({ setup: { black: ['pass'] } })).toThrow(/setup\.black/);
  });
});

describe('BoardPool and positionFromMoves on a reused board', () => {
  // Positions that leave different traces on a board: captures and a ko, setup stones, superko off, [colour, vertex]
  // pairs, a long game (the journals grow), passes.
  const specs = [
    { moves: ['D4', 'Q16', 'C4', 'D5', 'pass', 'C5', 'E4', 'D3', 'E5', 'C3', 'D6', 'B4'], komi: 7.5 },
    { setup: { black: ['D4', 'E5'], white: ['Q16'] }, moves: ['pc', 'cp'], toPlay: 'W', superko: false },
    { moves: [['W', 'K10'], ['W', 'K11'], ['B', 'k12']] as [string, string][] },
    { moves: Array.from({ length: 300 }, (_, i) => (i % 50 === 49 ? 'pass' : `${'ABCDEFGHJKLMNOPQRST'[(i * 7) % 19]}${1 + ((i * 11) % 19)}`)).filter((_, i, a) => a.indexOf(_) === i || _ === 'pass') },
    { moves: [] },
  ];
  it('gives the same board, side to move, history and hashes as a fresh build, whatever the board held before', () => {
    const pool = new BoardPool(2);
    for (let round = 0; round < 3; round++) {
      for (const spec of round === 1 ? [...specs].reverse() : specs) {
        const fresh = positionFromMoves(spec);
        const board = pool.take();
        const reused = positionFromMoves(spec, 1000, board);
        expect(reused.board).toBe(board);
        expect(board.toString()).toBe(fresh.board.toString());
        expect([board.toPlay, board.moveNumber, board.koPoint, board.superko, board.hashLo, board.hashHi, board.historyLength]).toEqual([
          fresh.board.toPlay, fresh.board.moveNumber, fresh.board.koPoint, fresh.board.superko, fresh.board.hashLo, fresh.board.hashHi, fresh.board.historyLength,
        ]);
        expect(board.lastMoves(8)).toEqual(fresh.board.lastMoves(8));
        expect(reused.moves).toEqual(fresh.moves);
        for (let p = 0; p < 361; p++) if (board.isLegal(p) !== fresh.board.isLegal(p)) throw new Error(`legality differs at ${p}`);
        pool.give(board);
      }
    }
    expect(pool.size).toBe(1);
    const a = pool.take();
    const b = pool.take();
    expect(a).not.toBe(b);
    pool.give(a);
    pool.give(a); // twice: kept once
    pool.give(b);
    pool.give(positionFromMoves({ moves: [] }).board); // past max: dropped
    expect(pool.size).toBe(2);
  });

  it('a move list that fails on a reused board names the move as on a fresh one', () => {
    const pool = new BoardPool();
    const board = pool.take();
    positionFromMoves({ moves: ['D4', 'Q16'] }, 1000, board);
    for (const moves of [['D4', 'D4'], ['D4', 'Z9'], ['D4', 7 as unknown as string]]) {
      let fresh: unknown;
      let reused: unknown;
      try { positionFromMoves({ moves }); } catch (e) { fresh = e; }
      try { positionFromMoves({ moves }, 1000, board); } catch (e) { reused = e; }
      expect(reused).toBeInstanceOf(PositionError);
      expect((reused as PositionError).message).toBe((fresh as PositionError).message);
      expect((reused as PositionError).field).toBe((fresh as PositionError).field);
    }
  });
});

describe('positionFromRecord', () => {
  const sgf = '(;GM[1]FF[4]SZ[19]KM[6.5]AB[dd][pp]PL[W];W[dp];B[pd];W[qq];B[dd])';
  it('replays setup and moves up to a move number, side to move from the record', () => {
    const rec = recordFromSgf('(;GM[1]FF[4]SZ[19]KM[6.5]AB[dd][pp]PL[W];W[dp];B[pd];W[qq])');
    const b0 = positionFromRecord(rec, 0);
    expect(b0.colorAt(gtpToPoint('D16'))).toBe(BLACK);
    expect(b0.toPlay).toBe(WHITE);
    const b2 = positionFromRecord(rec, 2);
    expect(b2.colorAt(gtpToPoint('D4'))).toBe(WHITE);
    expect(b2.colorAt(gtpToPoint('Q16'))).toBe(BLACK);
    expect(b2.toPlay).toBe(WHITE);
    expect(positionFromRecord(rec).toPlay).toBe(BLACK);
  });
  it('applies setup AB, AW, then AE, as the dataset build does: a later node\'s AE clears an earlier AB', () => {
    const rec = recordFromSgf('(;GM[1]FF[4]SZ[19]AB[dd][pp]AW[dp];AE[dd]AW[pd];B[qq])');
    const b = positionFromRecord(rec, 0);
    expect(b.colorAt(gtpToPoint('D16'))).toBe(EMPTY);
    expect(b.colorAt(gtpToPoint('Q4'))).toBe(BLACK);
    expect(b.colorAt(gtpToPoint('Q16'))).toBe(WHITE);
    expect(b.colorAt(gtpToPoint('D4'))).toBe(WHITE);
  });

  it('names the move of a record that cannot be played, and a bad moveNumber', () => {
    const rec = recordFromSgf(sgf);
    expect(() => positionFromRecord(rec)).toThrow('move 4 (B D16): point is occupied');
    expect(() => positionFromRecord(rec, 9)).toThrow(/moveNumber: 9 is outside 0\.\.4/);
  });
  it('follows a variation path', () => {
    const rec = recordFromSgf('(;SZ[19];B[pd](;W[dd])(;W[dp]))', [1]);
    const b = positionFromRecord(rec);
    expect(b.colorAt(gtpToPoint('D4'))).toBe(WHITE);
    expect(b.colorAt(gtpToPoint('D16'))).toBe(EMPTY);
  });
});
