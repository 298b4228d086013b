// `tengen match`: unit pieces, then real games against GNU Go (skipped when gnugo is not installed).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { Board } from '../../src/go/board.js';
import { PASS } from '../../src/go/constants.js';
import { parseSgf, toGameRecord } from '../../src/sgf/index.js';
import { scoreWinner, summarise, wilsonInterval, type GameResult } from '../../src/gtp/match.js';
import { makeTinyModel } from '../engine/model-fixture.js';

const run = promisify(execFile);
const root = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const bin = path.join(root, 'bin/tengen.js');
const GNUGO = '/usr/games/gnugo';
const hasGnugo = existsSync(GNUGO);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tengen-match-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('match statistics', () => {
  it('Wilson interval matches hand-computed values', () => {
    // n = 10, 5 wins: centre 0.5, half = 1.96·sqrt(0.025 + 0.009604)/1.38416 = 0.26335
    const [lo, hi] = wilsonInterval(5, 10);
    expect(lo).toBeCloseTo(0.2366, 4);
    expect(hi).toBeCloseTo(0.7634, 4);
    // n = 2, 0 wins: upper = (0 + 1.9208/2 + 1.96·sqrt(3.8416/16)) / (1 + 1.9208) = (0.9604 + 0.9604)/2.9208 = 0.6576
    const [l0, h0] = wilsonInterval(0, 2);
    expect(l0).toBe(0);
    expect(h0).toBeCloseTo(0.6576, 4);
    expect(wilsonInterval(0, 0)).toEqual([0, 1]);
  });

  it('reads score strings', () => {
    expect(scoreWinner('B+3.5')).toBe(1);
    expect(scoreWinner('w+R')).toBe(2);
    expect(scoreWinner('0')).toBeNull();
    expect(scoreWinner('?')).toBeUndefined();
  });

  it('summarises wins per engine and colour', () => {
    const g = (index: number, blackRole: 'A' | 'B', winner: 'A' | 'B' | null): GameResult => ({
      index, blackRole, winner, result: '', reason: 'score', detail: '', moves: 10,
      thinkMs: { A: 50, B: 200 }, moveCount: { A: 5, B: 5 }, sgfPath: null,
    });
    const s = summarise({ A: 'x', B: 'y' }, [g(0, 'A', 'A'), g(1, 'B', 'A'), g(2, 'A', 'B'), g(3, 'B', null)]);
    expect(s.wins).toEqual({ A: { black: 1, white: 1 }, B: { black: 0, white: 1 } });
    expect(s.draws).toBe(1);
    expect(s.rateA).toBeCloseTo(2.5 / 4, 10);
    expect(s.msPerMove).toEqual({ A: 10, B: 40 });
  });
});

describe.skipIf(!hasGnugo)('games against GNU Go (gnugo --mode gtp --level 1)', () => {
  it('Tengen (tiny model) vs GnuGo: referee-checked games that end by two passes, SGF and summary written', async () => {
    const model = await makeTinyModel();
    try {
      const out = path.join(tmp, 'tengen-vs-gnugo');
      const { stdout } = await run(
        process.execPath,
        [bin, 'match', '--black', `${process.execPath} ${bin} gtp --model ${model.dir} --backend cpu`, '--white', `${GNUGO} --mode gtp --level 1`,
          '--games', '2', '--out', out, '--max-moves', '600', '--timeout', '60'],
        { cwd: root, env: { ...process.env, LOG_LEVEL: 'warn' }, timeout: 170_000 },
      );
      expect(stdout).toMatch(/\| A \| Tengen 0\.1\.0 \|/);
      expect(stdout).toMatch(/\| B \| GNU Go 3\.8 \|/);
      expect(stdout).toMatch(/95% Wilson interval/);
      const files = readdirSync(out).filter((f) => f.endsWith('.sgf')).sort();
      expect(files).toEqual(['game-001.sgf', 'game-002.sgf']);
      expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toContain('A score rate');
      for (const [i, f] of files.entries()) {
        const rec = toGameRecord(parseSgf(readFileSync(path.join(out, f), 'utf8')).games[0]!);
        // Colours alternate: Tengen is Black in game 1, White in game 2.
        expect(rec.players.black).toBe(i === 0 ? 'Tengen 0.1.0' : 'GNU Go 3.8');
        // Our own referee replays every move and sees both sides pass at the end.
        const b = new Board();
        for (const m of rec.moves) {
          expect(b.legality(m.point, m.color)).toBeNull();
          b.play(m.point, m.color);
        }
        const n = rec.moves.length;
        expect(rec.moves[n - 1]!.point).toBe(PASS);
        expect(rec.moves[n - 2]!.point).toBe(PASS);
        expect(rec.moves[n - 1]!.color).not.toBe(rec.moves[n - 2]!.color);
        expect(rec.result).toMatch(/^[BW]\+\d+(\.\d+)?$|^0$/);
        // GnuGo took part in scoring: its final_score is recorded in the game comment.
        expect(rec.properties.GC?.[0]).toMatch(/two passes; .*B: [BW]\+/);
      }
    } finally {
      model.cleanup();
    }
  }, 180_000);
});
