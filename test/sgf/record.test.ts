import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  GameRecordError,
  normaliseKomi,
  parseSgfGame,
  readSgfFileSync,
  recordToSgf,
  toGameRecord,
  type GameRecord,
} from '../../src/sgf/index.js';
import { samples, tricky } from './paths.js';

const PASS = 361;
const recOf = (file: string, path?: number[]): GameRecord => toGameRecord(readSgfFileSync(tricky(file)).games[0]!, { path });
const recOfText = (sgf: string): GameRecord => toGameRecord(parseSgfGame(sgf));
const recordError = (fn: () => unknown): GameRecordError => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(GameRecordError);
    return e as GameRecordError;
  }
  throw new Error('expected a GameRecordError');
};

describe('normaliseKomi', () => {
  it.each([
    ['7.5', 7.5],
    ['7.50', 7.5],
    ['7.500000', 7.5],
    ['6.50', 6.5],
    ['750', 7.5], // Fox: komi × 100
    ['650', 6.5],
    ['375', 7.5], // Fox, Chinese rules: 3.75 stones × 2
    ['3.75', 7.5],
    ['0', 0],
    ['0.5', 0.5],
    [' 5.5 ', 5.5],
    ['-5.5', -5.5],
    ['7,5', 7.5],
    ['', null],
    ['seven', null],
  ])('KM[%s] → %s', (raw, komi) => {
    expect(normaliseKomi(raw)).toBe(komi);
  });
});

describe('toGameRecord', () => {
  it('reads the root information and main line; keeps raw root properties', () => {
    const r = recOf('fox-komi.sgf');
    expect(r.komi).toBe(7.5);
    expect(r.properties.KM).toEqual(['375']);
    expect(r.properties.TT).toEqual(['60']);
    expect([r.size, r.handicap, r.rules, r.result, r.initialPlayer]).toEqual([19, 0, 'Chinese', 'B+0.2', null]);
    // pd = (15, 3) → 3*19+15 = 72; dd = (3, 3) → 60
    expect(r.moves).toEqual([
      { color: 1, point: 72 },
      { color: 2, point: 60 },
    ]);
    expect(r.laterSetup).toEqual([]);
  });

  it('reads handicap, setup stones and the player to move', () => {
    const r = recOf('handicap.sgf');
    expect([r.handicap, r.komi, r.initialPlayer]).toEqual([2, 0.5, 2]);
    expect(r.setup).toEqual({ black: [72, 288], white: [], empty: [] }); // pd, dp = (3, 15) → 288
    expect(r.moves).toEqual([
      { color: 2, point: 60 },
      { color: 1, point: 300 }, // pp = (15, 15)
    ]);
  });

  it('expands compressed point lists row by row', () => {
    const r = recOf('compressed-points.sgf');
    expect(r.setup.black).toEqual([0, 1, 2, 19, 20, 21, 38, 39, 40, 72]); // aa:cc then pd
    expect(r.setup.white).toEqual([60, 61]); // dd:ed = (3,3)…(4,3)
    expect(r.moves).toEqual([{ color: 2, point: 360 }]); // ss
  });

  it('keeps setup after moves with the number of moves played before it', () => {
    const r = recOf('mid-setup.sgf');
    expect(r.moves.map((m) => m.point)).toEqual([72, 60, 40]); // pd dd cc
    expect(r.laterSetup).toEqual([{ moveIndex: 2, black: [0], white: [20], empty: [72] }]);
  });

  it('maps B[], B[tt] to PASS and follows a chosen variation path', () => {
    expect(recOf('escapes.sgf').moves.map((m) => m.point)).toEqual([72, PASS, PASS]);
    expect(recOf('variations.sgf', [1, 1]).moves.map((m) => m.point)).toEqual([72, 60, 288, 300]);
    expect(recordError(() => recOf('variations.sgf', [5])).code).toBe('bad-path');
  });

  it('reads players, ranks, date and game name; empty values count as absent', () => {
    const r = recOfText('(;PB[Ke Jie]BR[9p]PW[AlphaGo]DT[2017-05-23]GN[]RE[W+0.5];B[pd])');
    expect(r.players).toEqual({ black: 'Ke Jie', white: 'AlphaGo' });
    expect(r.ranks).toEqual({ black: '9p' });
    expect([r.date, r.gameName, r.result, r.komi]).toEqual(['2017-05-23', null, 'W+0.5', null]);
  });

  it('accepts SZ[19:19] and rejects other sizes with a clear error', () => {
    expect(recOfText('(;SZ[19:19];B[aa])').size).toBe(19);
    const e = recordError(() => recOf('size13.sgf'));
    expect(e.code).toBe('board-size');
    expect(e.message).toMatch(/board size 13 is not supported/);
    expect(recordError(() => recOfText('(;SZ[19:13])')).message).toMatch(/board size 19x13 is not supported/);
    expect(recordError(() => recOfText('(;SZ[big])')).message).toMatch(/bad SZ value 'big'/);
  });

  it('names the move and value of bad moves and bad root values', () => {
    let e = recordError(() => recOfText('(;;B[pd];W[zz])'));
    expect([e.code, e.moveNumber, e.property]).toEqual(['bad-point', 2, 'W']);
    expect(e.message).toMatch(/move 2 \(W\[zz\]\)/);
    e = recordError(() => recOfText('(;B[pd]W[dd])'));
    expect([e.code, e.moveNumber]).toEqual(['bad-move', 1]);
    expect(recordError(() => recOfText('(;HA[two])')).message).toMatch(/bad HA value 'two'/);
    expect(recordError(() => recOfText('(;PL[X])')).message).toMatch(/bad PL value 'X'/);
    expect(recordError(() => recOfText('(;AB[tt])')).message).toMatch(/AB\[tt\] in the root node/);
  });
});

describe('recordToSgf', () => {
  const sameRecord = (a: GameRecord, b: GameRecord): void => {
    expect({ ...a, properties: {} }).toEqual({ ...b, properties: {} });
  };

  it('round-trips the sample files (known fields from the record, komi written in points)', () => {
    for (const f of ['fox-komi.sgf', 'handicap.sgf', 'compressed-points.sgf', 'mid-setup.sgf', 'escapes.sgf']) {
      const rec = recOf(f);
      const sgf = recordToSgf(rec);
      const back = toGameRecord(parseSgfGame(sgf));
      sameRecord(back, rec);
    }
    const fox = recordToSgf(recOf('fox-komi.sgf'));
    expect(fox).toMatch(/KM\[7\.5\]/);
    expect(fox).toMatch(/TT\[60\]/); // unknown root properties are kept
    for (const g of readSgfFileSync(`${samples}/tom9d-2010-07-first20.sgf`).games) {
      const rec = toGameRecord(g);
      sameRecord(toGameRecord(parseSgfGame(recordToSgf(rec))), rec);
    }
  });

  it('round-trips generated records (fast-check)', () => {
    const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }).filter((s) => s.trim() === s && s !== '');
    const points = fc.uniqueArray(fc.integer({ min: 0, max: 360 }), { maxLength: 5 });
    const setup = fc.record({ black: points, white: points, empty: points });
    const record = fc.record({
      size: fc.constant(19),
      komi: fc.option(fc.integer({ min: -20, max: 20 }).map((k) => k / 2)),
      handicap: fc.integer({ min: 0, max: 9 }),
      rules: fc.option(text),
      setup,
      laterSetup: fc.array(fc.record({ moveIndex: fc.integer({ min: 1, max: 5 }), black: points, white: points, empty: points }), {
        maxLength: 2,
      }),
      initialPlayer: fc.constantFrom(1 as const, 2 as const, null),
      moves: fc.array(fc.record({ color: fc.constantFrom(1 as const, 2 as const), point: fc.integer({ min: 0, max: 361 }) }), {
        maxLength: 30,
      }),
      result: fc.option(text),
      players: fc.record({ black: text, white: text }, { requiredKeys: [] }),
      ranks: fc.record({ black: text, white: text }, { requiredKeys: [] }),
      date: fc.option(text),
      gameName: fc.option(text),
      properties: fc.constant<Record<string, string[]>>({ XY: ['kept ] \\ value'] }),
    });
    fc.assert(
      fc.property(record, (rec0) => {
        // Normal form the reader produces: later setup sorted, non-empty, after at least one played move.
        const laterSetup = rec0.laterSetup
          .filter((s) => s.moveIndex <= rec0.moves.length && s.black.length + s.white.length + s.empty.length > 0)
          .sort((a, b) => a.moveIndex - b.moveIndex);
        const rec: GameRecord = { ...rec0, laterSetup };
        const back = toGameRecord(parseSgfGame(recordToSgf(rec)));
        expect(back.properties.XY).toEqual(['kept ] \\ value']);
        sameRecord(back, rec); // each later setup is its own node, so equal moveIndexes stay separate
      }),
      { numRuns: 200 },
    );
  });
});
