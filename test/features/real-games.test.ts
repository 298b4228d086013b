// Checks on real games (../shared/data/tom9d/dev) aimed at the traps of a known Python implementation: "turns since"
// planes silently zero after board copies, ladder planes that never fire, planes that never vary.
import { describe, expect, it } from 'vitest';
import { Board } from '../../src/go/board.js';
import { EMPTY, PASS } from '../../src/go/constants.js';
import { alphago48 } from '../../src/features/alphago48.js';
import { basic } from '../../src/features/basic.js';
import { devGames, haveDevData } from './helpers.js';

const suite = haveDevData ? describe : describe.skip;
if (!haveDevData) console.warn('real-games.test: ../shared/data/tom9d/dev is missing, skipping real-data checks');

suite('alphago48 on real games', () => {
  it('turns-since planes equal an independent age count after replaying games, also on board copies', () => {
    const games = devGames(5);
    const out = new Float32Array(361 * 48);
    const outCopy = new Float32Array(361 * 48);
    let checkedStones = 0;
    for (const moves of games) {
      const board = new Board();
      const playedAt = new Int32Array(361).fill(-1); // 1-based move number of the stone now on each point
      for (let i = 0; i < moves.length; i++) {
        board.play(moves[i], board.toPlay);
        if (moves[i] !== PASS) playedAt[moves[i]] = i + 1;
        if (i % 37 !== 36) continue;
        const before = [board.hashKey(), board.moveNumber, board.toPlay, board.historyLength];
        alphago48.encode(board, out);
        expect([board.hashKey(), board.moveNumber, board.toPlay, board.historyLength]).toEqual(before);
        alphago48.encode(board.clone(), outCopy); // ages must survive copies
        expect(outCopy).toEqual(out);
        let nonZero = 0;
        for (let p = 0; p < 361; p++) {
          const planes = Array.from(out.subarray(p * 48 + 4, p * 48 + 12));
          if (board.colorAt(p) === EMPTY) {
            expect(planes).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
            continue;
          }
          const age = Math.min(i + 1 - playedAt[p] + 1, 8);
          const want = [0, 0, 0, 0, 0, 0, 0, 0];
          want[age - 1] = 1;
          expect(planes).toEqual(want);
          if (age < 8) nonZero++;
          checkedStones++;
        }
        expect(nonZero).toBeGreaterThanOrEqual(5); // the last 7 moves leave (nearly) 7 young stones
      }
    }
    expect(checkedStones).toBeGreaterThan(1000);
  });

  it('ladder capture and ladder escape planes fire in 200 real positions', () => {
    const games = devGames(30);
    const out = new Float32Array(361 * 48);
    let positions = 0;
    let capture = 0;
    let escape = 0;
    for (const moves of games) {
      const board = new Board();
      for (let i = 0; i < moves.length && positions < 200; i++) {
        board.play(moves[i], board.toPlay);
        if (i % 20 !== 19) continue;
        positions++;
        alphago48.encode(board, out);
        for (let p = 0; p < 361; p++) {
          capture += out[p * 48 + 44];
          escape += out[p * 48 + 45];
        }
      }
    }
    expect(positions).toBe(200);
    expect(capture).toBeGreaterThan(0);
    expect(escape).toBeGreaterThan(0);
  });

  it('every plane varies across real positions, except ones (always 1) and zeros (always 0)', () => {
    // Every position of 12 games (~2,500): the rarest planes (capture 6, capture ≥7) first appear within them.
    const games = devGames(12);
    const out48 = new Float32Array(361 * 48);
    const out9 = new Float32Array(361 * 9);
    const ones48 = new Float64Array(48);
    const ones9 = new Float64Array(9);
    let other = 0; // values that are neither 0 nor 1
    let points = 0;
    for (const moves of games) {
      const board = new Board();
      for (let i = 0; i < moves.length; i++) {
        board.play(moves[i], board.toPlay);
        alphago48.encode(board, out48);
        basic.encode(board, out9);
        points += 361;
        for (let j = 0; j < out48.length; j++) {
          const v = out48[j];
          if (v === 1) ones48[j % 48]++;
          else if (v !== 0) other++;
        }
        for (let j = 0; j < out9.length; j++) {
          const v = out9[j];
          if (v === 1) ones9[j % 9]++;
          else if (v !== 0) other++;
        }
      }
    }
    expect(other).toBe(0);
    const kind = (ones: number) => (ones === 0 ? 'always 0' : ones === points ? 'always 1' : 'varies');
    const got48 = Array.from(ones48, (n, k) => `${alphago48.planeNames[k]}: ${kind(n)}`);
    const want48 = alphago48.planeNames.map((name, k) => `${name}: ${k === 3 ? 'always 1' : k === 47 ? 'always 0' : 'varies'}`);
    expect(got48).toEqual(want48);
    const got9 = Array.from(ones9, (n, k) => `${basic.planeNames[k]}: ${kind(n)}`);
    const want9 = basic.planeNames.map((name, k) => `${name}: ${k === 3 ? 'always 1' : 'varies'}`);
    expect(got9).toEqual(want9);
  });
});
