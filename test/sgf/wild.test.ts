/**
 * Real-world check: every raw file of ../shared/data/sgf-wild either becomes a game whose main line
 * replays legally on the rules core, or is reported with a deliberate, precise error. No other
 * exception may escape. Also checks the tom9d/dev collections against the counts in the data README.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Board, IllegalMoveError } from '../../src/go/board.js';
import { GameRecordError, SgfError, readSgfFileSync, toGameRecord, type GameRecord } from '../../src/sgf/index.js';
import { hasSharedData, sharedData } from './paths.js';

const PASS = 361;

/** Replays setup then moves; returns null or the IllegalMoveError reason. Non-alternating colours are legal. */
function replay(rec: GameRecord, superko = true): string | null {
  const b = new Board();
  b.superko = superko;
  for (const p of rec.setup.black) b.setStone(p, 1);
  for (const p of rec.setup.white) b.setStone(p, 2);
  for (const p of rec.setup.empty) b.setStone(p, 0);
  let later = 0;
  for (let m = 0; m < rec.moves.length; m++) {
    for (; later < rec.laterSetup.length && rec.laterSetup[later]!.moveIndex === m; later++) {
      const s = rec.laterSetup[later]!;
      for (const p of s.black) b.setStone(p, 1);
      for (const p of s.white) b.setStone(p, 2);
      for (const p of s.empty) b.setStone(p, 0);
    }
    const mv = rec.moves[m]!;
    try {
      b.play(mv.point, mv.color);
    } catch (e) {
      if (e instanceof IllegalMoveError) return e.reason;
      throw e;
    }
  }
  return null;
}

describe.skipIf(!hasSharedData)('sgf-wild: 1,766 raw files from many programs', () => {
  it('parses every file and replays every main line, or reports a precise error', () => {
    const dir = path.join(sharedData, 'sgf-wild');
    const manifest = readFileSync(path.join(dir, 'manifest.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
    expect(manifest.length).toBe(1766);
    expect(readdirSync(dir).filter((f) => f.endsWith('.sgf')).length).toBe(1766);
    const counts: Record<string, number> = {};
    const inc = (k: string): void => {
      counts[k] = (counts[k] ?? 0) + 1;
    };
    let moveCountMismatch = 0;
    for (const [name, , , , , utf8, movesCol, check] of manifest) {
      let r;
      try {
        r = readSgfFileSync(path.join(dir, name!));
      } catch (e) {
        if (!(e instanceof SgfError)) throw e;
        inc(`fatal:${e.code}`);
        continue;
      }
      if (r.lossy) inc('decoded:utf-8-with-replacement');
      expect(r.lossy).toBe(utf8 === 'no');
      if (r.errors.length > 0) {
        inc(`parse-error:${r.errors[0]!.code}`);
        continue;
      }
      inc('parsed');
      let rec: GameRecord;
      try {
        rec = toGameRecord(r.games[0]!);
      } catch (e) {
        if (!(e instanceof GameRecordError)) throw e;
        inc(`record-error:${e.code}`);
        continue;
      }
      if (String(rec.moves.length) !== movesCol) moveCountMismatch++;
      if (rec.setup.black.length > 0) inc('with-setup-stones');
      const sameColourTwice = rec.moves.some((m, i) => i > 0 && m.color === rec.moves[i - 1]!.color);
      const whiteFirst = rec.moves[0]?.color === 2 && rec.setup.black.length === 0 && rec.initialPlayer === null;
      if (sameColourTwice) inc('same-colour-twice (legal, replayed)');
      if (whiteFirst) inc('white-moves-first (legal, replayed)');
      if (sameColourTwice || whiteFirst) inc('non-alternating');
      if (rec.moves.some((m) => m.point === PASS)) inc('with-passes');
      if (check !== 'ok') inc(`manifest:${check}`);
      const illegal = replay(rec);
      inc(illegal === null ? 'replayed-ok' : `illegal:${illegal}`);
      // The data's own check used simple ko only; a superko repetition must replay without superko.
      if (illegal === 'superko') inc(replay(rec, false) === null ? 'replayed-ok-simple-ko' : 'illegal-even-simple-ko');
    }
    console.log('sgf-wild counts', counts);
    expect(moveCountMismatch).toBe(0);
    expect(counts.parsed).toBe(1766);
    // 01616.sgf (AQ vs Golaxy, 2nd World AI Go Open) repeats a whole-board position at move 319:
    // illegal under positional superko (the rules core's default), legal under simple ko.
    expect(counts['replayed-ok']).toBe(1765);
    expect(counts['illegal:superko']).toBe(1);
    expect(counts['replayed-ok-simple-ko']).toBe(1);
    expect(counts['decoded:utf-8-with-replacement']).toBe(4);
    expect(counts['with-setup-stones']).toBe(2);
    expect(counts['manifest:handicap_or_setup']).toBe(2);
    // the manifest's 'non_alternating' = same colour twice in a row (6) or White first without setup/PL (4), 1 both
    expect(counts['same-colour-twice (legal, replayed)']).toBe(6);
    expect(counts['white-moves-first (legal, replayed)']).toBe(4);
    expect(counts['non-alternating']).toBe(counts['manifest:illegal_move:non_alternating']);
  });
});

describe.skipIf(!hasSharedData)('tom9d/dev: 6 collections', () => {
  it('yields the 6,146 games, 1,290,588 moves and 45 passes of the data README, all legal', () => {
    const dir = path.join(sharedData, 'tom9d/dev');
    let games = 0;
    let moves = 0;
    let passes = 0;
    let illegal = 0;
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.sgf.gz'))) {
      const r = readSgfFileSync(path.join(dir, f));
      expect(r.errors).toEqual([]);
      for (const g of r.games) {
        const rec = toGameRecord(g);
        games++;
        moves += rec.moves.length;
        for (const m of rec.moves) if (m.point === PASS) passes++;
        if (games % 10 === 0 && replay(rec) !== null) illegal++; // every 10th game: keeps the test short
      }
    }
    expect({ games, moves, passes, illegal }).toEqual({ games: 6146, moves: 1_290_588, passes: 45, illegal: 0 });
  });
});
