// `tengen match`: unit pieces, then real games against GNU Go (skipped when gnugo is not installed).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { Board } from '../../src/go/board.js';
import { PASS } from '../../src/go/constants.js';
import { parseSgf, toGameRecord } from '../../src/sgf/index.js';
import { runMatch, scoreWinner, summarise, type GameResult, type MatchOptions } from '../../src/gtp/match.js';
import { wilson } from '../../src/stats.js';
import { rescoreMatch } from '../../src/gtp/rescore.js';
import { loadOpenings, openingOf, openingsUsedBy } from '../../src/gtp/openings.js';
import { makeTinyModel } from '../engine/model-fixture.js';

const run = promisify(execFile);
const root = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const bin = path.join(root, 'bin/tengen.js');
const GNUGO = '/usr/games/gnugo';
const hasGnugo = existsSync(GNUGO);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tengen-match-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('match statistics', () => {
  it('Wilson interval (src/stats.ts, as the summary uses it) matches hand-computed values', () => {
    // n = 10, 5 wins: centre 0.5, half = 1.96·sqrt(0.025 + 0.009604)/1.38416 = 0.26335
    const { lo, hi } = wilson(5, 10);
    expect(lo).toBeCloseTo(0.2366, 4);
    expect(hi).toBeCloseTo(0.7634, 4);
    // n = 2, 0 wins: upper = (0 + 1.9208/2 + 1.96·sqrt(3.8416/16)) / (1 + 1.9208) = (0.9604 + 0.9604)/2.9208 = 0.6576
    const { lo: l0, hi: h0 } = wilson(0, 2);
    expect(l0).toBe(0);
    expect(h0).toBeCloseTo(0.6576, 4);
    expect(wilson(0, 0)).toEqual({ lo: 0, hi: 1 });
  });

  it('reads score strings', () => {
    expect(scoreWinner('B+3.5')).toBe(1);
    expect(scoreWinner('w+R')).toBe(2);
    expect(scoreWinner('0')).toBeNull();
    expect(scoreWinner('?')).toBeUndefined();
  });

  it('summarises wins per engine and colour', () => {
    const g = (index: number, blackRole: 'A' | 'B', winner: 'A' | 'B' | null): GameResult => ({
      index, blackRole, winner, result: '', reason: 'score', decidedBy: 'engines', detail: '', moves: 10,
      sequence: index === 1 ? 'b q16' : 'b d4', engineScores: {}, thinkMs: { A: 50, B: 200 }, moveCount: { A: 5, B: 5 }, sgfPath: null,
    });
    const s = summarise({ A: 'x', B: 'y' }, [g(0, 'A', 'A'), g(1, 'B', 'A'), g(2, 'A', 'B'), g(3, 'B', null)]);
    expect(s.wins).toEqual({ A: { black: 1, white: 1 }, B: { black: 0, white: 1 } });
    expect(s.draws).toBe(1);
    expect(s.rateA).toBeCloseTo(2.5 / 4, 10);
    expect(s.msPerMove).toEqual({ A: 10, B: 40 });
    expect(s.distinct).toBe(2); // games 1, 3, 4 share one sequence
    expect(s.decidedBy).toEqual({ engines: 4 });
  });
});

// Scripted games. Black walls off row 10, White row 9; then B K16, W K15, B K14, W pass, B J15, W pass,
// B pass (45 moves). K15 stands in atari inside Black's half: dead, so once it is captured (L15) the area
// count is Black 190 (rows 10–19) vs White 171 (rows 1–9), B+11.5 at komi 7.5. Tromp-Taylor on the board
// as it stands calls K15 alive and Black's empty half neutral (it touches both colours): Black 19 + 3 = 22,
// White 171 + 1 = 172, W+157.5.
const COLS = 'ABCDEFGHJKLMNOPQRST'.split('');
const WALL = { b: [...COLS.map((c) => `${c}10`), 'K16', 'K14', 'J15'], w: [...COLS.map((c) => `${c}9`), 'K15'] };
const CAPTURE = ['L15']; // Black's cleanup move: it captures K15
const FAKE = path.join(root, 'test/gtp/fixtures/scripted-engine.mjs');
let nFake = 0;
/** Writes a scripted-engine config and returns [command line, log file]. */
function fake(cfg: { name: string; finalScore?: string | null; knows?: string[]; cleanup?: { b?: string[]; w?: string[] }; moves?: { b?: string[]; w?: string[] } }): [string, string] {
  const dir = path.join(tmp, 'fakes');
  mkdirSync(dir, { recursive: true });
  const n = nFake++;
  const log = path.join(dir, `log-${n}.txt`);
  writeFileSync(path.join(dir, `cfg-${n}.json`), JSON.stringify({ moves: WALL, ...cfg, log }));
  return [`${process.execPath} ${FAKE} ${path.join(dir, `cfg-${n}.json`)}`, log];
}
const logOf = (f: string): string[] => (existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n') : []);
const quick = (o: Partial<MatchOptions> & Pick<MatchOptions, 'black' | 'white'>): Promise<ReturnType<typeof summarise>> =>
  runMatch({ games: 1, moveTimeoutMs: 120_000, ...o });

describe('who decides a scored game (scripted GTP engines)', () => {
  it('the referee engine decides, after replaying every move; the engines\' own scores are only recorded', async () => {
    const [a] = fake({ name: 'fakeA', finalScore: 'B+100' });
    const [b] = fake({ name: 'fakeB', finalScore: 'B+100' });
    const [ref, refLog] = fake({ name: 'judge', finalScore: 'W+3.5', moves: {} });
    const out = path.join(tmp, 'referee');
    const s = await quick({ black: a, white: b, referee: ref, games: 2, outDir: out });
    for (const g of s.games) {
      expect(g.result).toBe('W+3.5');
      expect(g.decidedBy).toBe('referee');
      expect(g.engineScores).toEqual({ A: 'B+100', B: 'B+100' });
    }
    // W+3.5 goes to whoever was White: B in game 1, A in game 2.
    expect(s.wins).toEqual({ A: { black: 0, white: 1 }, B: { black: 0, white: 1 } });
    expect(s.distinct).toBe(1); // scripts are per colour, so both games are the same
    expect(s.referee).toBe('judge 1');
    const game = [];
    for (let i = 0; i < 19; i++) game.push(`play b ${COLS[i]!.toLowerCase()}10`, `play w ${COLS[i]!.toLowerCase()}9`);
    game.push('play b k16', 'play w k15', 'play b k14', 'play w pass', 'play b j15', 'play w pass', 'play b pass');
    const perGame = ['boardsize 19', 'clear_board', 'komi 7.5', ...game, 'final_score'];
    expect(logOf(refLog)).toEqual(['name', 'version', ...perGame, ...perGame, 'quit']);
    const summary = readFileSync(path.join(out, 'summary.md'), 'utf8');
    expect(summary).toContain('games 2 (1 distinct move sequences)');
    expect(summary).toContain('referee: judge 1');
    expect(summary).toMatch(/game 1: black A, W\+3\.5 after 45 moves, decided by referee engine \(score: two passes; referee judge 1 W\+3\.5 \(engines: A: B\+100, B: B\+100\)/);
    const rec = toGameRecord(parseSgf(readFileSync(path.join(out, 'game-001.sgf'), 'utf8')).games[0]!);
    expect(rec.result).toBe('W+3.5');
  });

  it('a shard (firstGame) numbers, colours and names its games from that number and writes summary-NNN.md', async () => {
    const [a] = fake({ name: 'fakeA', finalScore: 'B+100' });
    const [b] = fake({ name: 'fakeB', finalScore: 'B+100' });
    const out = path.join(tmp, 'shard');
    const s = await quick({ black: a, white: b, games: 2, firstGame: 4, outDir: out });
    expect(s.games.map((g) => [g.index, g.blackRole])).toEqual([[3, 'B'], [4, 'A']]);
    expect(readdirSync(out).sort()).toEqual(['game-004.sgf', 'game-005.sgf', 'summary-004.md']);
    expect(readFileSync(path.join(out, 'summary-004.md'), 'utf8')).toMatch(/game 4: black B, B\+100/);
    await expect(quick({ black: a, white: b, firstGame: 0 })).rejects.toThrow(/firstGame must be a positive integer, got 0/);
  });

  it('an aborted match (Ctrl-C) finishes the game being played, starts no other, and writes the summary of the games played', async () => {
    const [a] = fake({ name: 'fakeA', finalScore: 'B+100' });
    const [b] = fake({ name: 'fakeB', finalScore: 'B+100' });
    const out = path.join(tmp, 'stopped');
    const stop = new AbortController();
    const s = await quick({ black: a, white: b, games: 5, outDir: out, signal: stop.signal, onGame: () => stop.abort() });
    expect(s.games.map((g) => g.index)).toEqual([0]);
    expect(s.games[0]!.reason).toBe('score'); // played to its end, not cut short
    expect(readdirSync(out).sort()).toEqual(['game-001.sgf', 'summary.md']);
    expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toContain('games 1 (1 distinct move sequences)');
  });

  it('engines that disagree trigger a cleanup phase (kgs-genmove_cleanup, else genmove), then Tromp-Taylor', async () => {
    const [a, aLog] = fake({ name: 'fakeA', finalScore: 'B+11.5', knows: ['kgs-genmove_cleanup'], cleanup: { b: CAPTURE } });
    const [b, bLog] = fake({ name: 'fakeB', finalScore: 'W+157.5' });
    const s = await quick({ black: a, white: b });
    const g = s.games[0]!;
    expect(g.decidedBy).toBe('cleanup');
    // White to move after B's pass: W pass, B L15 (captures), W pass, B pass.
    expect(g.moves).toBe(45 + 4);
    expect(g.result).toBe('B+11.5');
    expect(g.winner).toBe('A');
    expect(g.detail).toContain('engines disagree (A: B+11.5, B: W+157.5)');
    expect(g.detail).toContain('cleanup phase 4 moves until two passes');
    const la = logOf(aLog);
    expect(la).toContain('known_command kgs-genmove_cleanup');
    expect(la.filter((l) => l === 'kgs-genmove_cleanup b')).toHaveLength(2);
    const lb = logOf(bLog);
    const k = lb.indexOf('known_command kgs-genmove_cleanup');
    expect(k).toBeGreaterThan(0);
    expect(lb.slice(k).filter((l) => l === 'genmove w')).toHaveLength(2); // fell back to genmove
    expect(lb).not.toContain('kgs-genmove_cleanup w');
  });

  it('engines that agree decide without cleanup; without cleanup moves Tromp-Taylor would say W+157.5', async () => {
    const [a] = fake({ name: 'fakeA', finalScore: 'B+11.5' });
    const [b] = fake({ name: 'fakeB', finalScore: 'B+12' });
    const g = (await quick({ black: a, white: b })).games[0]!;
    expect(g.decidedBy).toBe('engines');
    expect(g.result).toBe('B+11.5');
    expect(g.moves).toBe(45);
    expect(g.detail).toContain('Tromp-Taylor W+157.5');
  });

  it('rescore re-decides scored games with the referee and rewrites summary and SGFs; a second rescore starts from the originals', async () => {
    const out = path.join(tmp, 'rescore');
    const [a] = fake({ name: 'fakeA', finalScore: 'B+100' });
    const [b] = fake({ name: 'fakeB', finalScore: 'B+100' });
    const before = await quick({ black: a, white: b, games: 2, outDir: out });
    expect(before.wins).toEqual({ A: { black: 1, white: 0 }, B: { black: 1, white: 0 } });
    const oldSummary = readFileSync(path.join(out, 'summary.md'), 'utf8');
    const [ref] = fake({ name: 'judge', finalScore: 'W+3.5', moves: {} });
    const s = await rescoreMatch({ dir: out, referee: ref, moveTimeoutMs: 120_000 });
    expect(s.wins).toEqual({ A: { black: 0, white: 1 }, B: { black: 0, white: 1 } });
    expect(s.games.map((g) => g.decidedBy)).toEqual(['referee', 'referee']);
    expect(s.games[0]!.engineScores).toEqual({ A: 'B+100', B: 'B+100' });
    expect(s.names).toEqual({ A: 'fakeA 1', B: 'fakeB 1' });
    const summary = readFileSync(path.join(out, 'summary.md'), 'utf8');
    expect(summary).toMatch(/\| A \| fakeA 1 \| 1 \| 0 \| 1 \|/);
    expect(summary).toContain('A score rate 50.0%');
    expect(readFileSync(path.join(out, 'summary.pre-rescore.md'), 'utf8')).toBe(oldSummary);
    // ms/move comes from the match's own summaries, game by game (a rescore cannot time moves).
    const msOf = (text: string, r: 'A' | 'B'): string => new RegExp(`^\\| ${r} \\| .* \\| ([\\d.]+|–) \\|$`, 'm').exec(text)![1]!;
    expect(summary).toContain('over the 2 of 2 games');
    expect(msOf(summary, 'A')).toBe(msOf(oldSummary, 'A'));
    expect(msOf(summary, 'B')).toBe(msOf(oldSummary, 'B'));
    const rec = toGameRecord(parseSgf(readFileSync(path.join(out, 'game-002.sgf'), 'utf8')).games[0]!);
    expect(rec.result).toBe('W+3.5');
    expect(rec.moves).toHaveLength(45);
    expect(rec.properties.GC?.[0]).toMatch(/^score: referee judge 1 W\+3\.5 \|\| before rescore: RE\[B\+100\] score: two passes; engines agree/);
    const [ref2] = fake({ name: 'judge2', finalScore: 'B+2.5', moves: {} });
    const again = await rescoreMatch({ dir: out, referee: ref2, moveTimeoutMs: 120_000 });
    expect(again.wins).toEqual({ A: { black: 1, white: 0 }, B: { black: 1, white: 0 } });
    const gc = toGameRecord(parseSgf(readFileSync(path.join(out, 'game-001.sgf'), 'utf8')).games[0]!).properties.GC![0]!;
    expect(gc.split('before rescore').length).toBe(2);
    expect(gc).toContain('before rescore: RE[B+100] score: two passes');
    // A shard's games are timed by its summary-NNN.md; a game no match summary lists counts as untimed.
    await quick({ black: a, white: b, games: 1, firstGame: 3, outDir: out });
    await rescoreMatch({ dir: out, referee: ref, moveTimeoutMs: 120_000 });
    expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toContain('over the 3 of 3 games');
    rmSync(path.join(out, 'summary-003.md'));
    await rescoreMatch({ dir: out, referee: ref, moveTimeoutMs: 120_000 });
    const partly = readFileSync(path.join(out, 'summary.md'), 'utf8');
    expect(partly).toContain('over the 2 of 3 games');
    expect(msOf(partly, 'A')).not.toBe('–');
    await expect(rescoreMatch({ dir: path.join(tmp, 'nowhere'), referee: ref })).rejects.toThrow(/does not exist/);
    const kept = readFileSync(path.join(out, 'summary.md'), 'utf8');
    await expect(rescoreMatch({ dir: out, referee: 'exit 3', moveTimeoutMs: 5_000 })).rejects.toThrow(/referee scored no game; game 1: .*exited/);
    expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toBe(kept);
  });
});

describe('openings (--openings): real games\' first moves, each opening for two games with colours swapped', () => {
  // Game 1 handicap, 2 too short, 3 on 9×9, 4 usable, 5 passes within its first 3 moves, 6 usable, 7 usable.
  const collection = [
    '(;GM[1]SZ[19]HA[2]AB[dd][pp];W[pd];B[dp];W[cc])',
    '(;GM[1]SZ[19];B[pd];W[dp])',
    '(;GM[1]SZ[9];B[ee];W[cc];B[gg])',
    '(;GM[1]SZ[19];B[cq];W[dq];B[cp];W[dr])',
    '(;GM[1]SZ[19];B[cq];W[];B[cp])',
    '(;GM[1]SZ[19];B[eq];W[fq];B[ep])',
    '(;GM[1]SZ[19];B[gq];W[hq];B[gp])',
  ].join('\n');
  const file = path.join(tmp, 'openings.sgf');
  writeFileSync(file, collection);

  it('takes the first moves of usable games in order, up to a count, and says why none when none is usable', () => {
    const o = loadOpenings([{ path: file }], 3, 10);
    expect(o.map((x) => x.name)).toEqual([`${file}#4`, `${file}#6`, `${file}#7`]);
    expect(o[0]!.moves.map((m) => m.color)).toEqual([1, 2, 1]);
    expect(o[0]!.moves).toHaveLength(3); // game 4 has 4 moves; only 3 are taken
    expect(loadOpenings([{ path: file }], 3, 2).map((x) => x.name)).toEqual([`${file}#4`, `${file}#6`]);
    expect(() => loadOpenings([{ path: file }], 5, 3)).toThrow(/none of the 7 games in 1 file\(s\) has 5 usable opening moves/);
    expect(() => loadOpenings([{ path: path.join(tmp, 'missing.sgf'), source: 'x/missing.sgf' }], 3, 3)).toThrow(/openings: cannot read x\/missing\.sgf/);
    expect(() => loadOpenings([{ path: file }], 0, 3)).toThrow(/moves must be an integer in 1\.\.100, got 0/);
    // Games 2k and 2k+1 (0-based) share opening k, cycling when there are fewer openings than pairs.
    expect([0, 1, 2, 3, 4, 5, 6].map((i) => openingOf(o, i).name)).toEqual([4, 4, 6, 6, 7, 7, 4].map((g) => `${file}#${g}`));
    // … so games 1 … n use ⌈n/2⌉ openings (what `tengen match` loads).
    expect([1, 2, 3, 4, 5].map(openingsUsedBy)).toEqual([1, 1, 2, 2, 3]);
  });

  it('a match plays the opening on the referee board and tells both engines before the first genmove', async () => {
    const [a, aLog] = fake({ name: 'fakeA', finalScore: 'B+100' });
    const [b, bLog] = fake({ name: 'fakeB', finalScore: 'B+100' });
    const out = path.join(tmp, 'openings-match');
    const openings = loadOpenings([{ path: file }], 3, 2);
    const s = await quick({ black: a, white: b, games: 3, outDir: out, openings });
    expect(s.games.map((g) => g.opening?.name)).toEqual([`${file}#4`, `${file}#4`, `${file}#6`]);
    // 3 opening moves, then the scripts from White's turn: 46 moves until two passes.
    expect(s.games.map((g) => g.moves)).toEqual([49, 49, 49]);
    expect(s.distinct).toBe(2); // the scripts are per colour: games 1 and 2 repeat each other, game 3 differs by its opening
    // Each engine hears the opening as plays after komi, in both colours' games; Black's first genmove follows it.
    for (const log of [logOf(aLog), logOf(bLog)]) {
      const k = log.indexOf('komi 7.5');
      expect(log.slice(k + 1, k + 4)).toEqual(['play b c3', 'play w d3', 'play b c4']);
    }
    const rec = toGameRecord(parseSgf(readFileSync(path.join(out, 'game-003.sgf'), 'utf8')).games[0]!);
    expect(rec.moves.slice(0, 4).map((m) => m.point)).toEqual([4 + 16 * 19, 5 + 16 * 19, 4 + 15 * 19, 0 + 10 * 19]); // E3 F3 E4, then White's A9
    expect(rec.properties.GC?.[0]).toContain(`opening: the first 3 moves of ${file}#6`);
    const summary = readFileSync(path.join(out, 'summary.md'), 'utf8');
    expect(summary).toContain('openings: 2 (the first moves of real games');
    expect(summary).toContain(`game 3: black A, B+100 after 49 moves`);
    expect(summary).toContain(`; opening ${file}#6`);
    // A rescore keeps the openings, and leaves their moves out of the engines' move counts.
    const [ref] = fake({ name: 'judge', finalScore: 'W+3.5', moves: {} });
    const r = await rescoreMatch({ dir: out, referee: ref, moveTimeoutMs: 120_000 });
    expect(r.games.map((g) => [g.opening?.name, g.opening?.moves.length])).toEqual(s.games.map((g) => [g.opening?.name, 3]));
    expect(r.games.map((g) => g.opening?.moves)).toEqual(s.games.map((g) => g.opening?.moves));
    expect(r.games.map((g) => g.moveCount)).toEqual(s.games.map((g) => g.moveCount));
    const after = readFileSync(path.join(out, 'summary.md'), 'utf8');
    expect(after).toContain('openings: 2 (the first moves of real games');
    expect(after.split(`${file}#6`).length).toBe(2); // named once per game line, not again inside the old detail
    expect(loadOpenings([{ path: file, source: 'mine/openings.sgf' }], 3, 1)[0]!.name).toBe('mine/openings.sgf#4');
  });
});

describe.skipIf(!hasGnugo)('GNU Go as referee', () => {
  it('gnugo calls the K15 stone dead and gives the game to Black, where Tromp-Taylor says W+157.5', async () => {
    const out = path.join(tmp, 'gnugo-referee');
    const [a] = fake({ name: 'fakeA', finalScore: 'W+157.5' });
    const [b] = fake({ name: 'fakeB', finalScore: 'W+157.5' });
    const { stdout } = await run(
      process.execPath,
      [bin, 'match', '--black', a, '--white', b, '--referee', `${GNUGO} --mode gtp --level 1 --chinese-rules`, '--games', '1', '--out', out, '--timeout', '300'],
      { cwd: root, env: { ...process.env, LOG_LEVEL: 'warn' }, timeout: 540_000 },
    );
    expect(stdout).toContain('referee: GNU Go 3.8');
    // GnuGo's own estimate of the margin (B+39.5 at level 1 here) is its business; the winner is not in doubt.
    expect(stdout).toMatch(/game 1: black A, B\+\d+(\.\d)? after 45 moves, decided by referee engine .*Tromp-Taylor W\+157\.5/);
    expect(stdout).toMatch(/\| A \| fakeA 1 \| 1 \| 1 \| 0 \|/);
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
          '--games', '2', '--out', out, '--max-moves', '600', '--timeout', '300'],
        // Two games of a random net that passes late: 3–4 min quiet, 546 s once at load average 8–9, so 15 min here.
        { cwd: root, env: { ...process.env, LOG_LEVEL: 'warn' }, timeout: 900_000 },
      );
      expect(stdout).toMatch(/\| A \| Tengen 0\.17 \(Tengen 0\.1\.0; lz-analyze as in Leela Zero 0\.17\) \|/); // name + version
      expect(stdout).toMatch(/\| B \| GNU Go 3\.8 \|/);
      expect(stdout).toMatch(/95% Wilson interval/);
      const files = readdirSync(out).filter((f) => f.endsWith('.sgf')).sort();
      expect(files).toEqual(['game-001.sgf', 'game-002.sgf']);
      expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toContain('A score rate');
      for (const [i, f] of files.entries()) {
        const rec = toGameRecord(parseSgf(readFileSync(path.join(out, f), 'utf8')).games[0]!);
        // Colours alternate: Tengen is Black in game 1, White in game 2.
        expect(rec.players.black).toBe(i === 0 ? 'Tengen 0.17 (Tengen 0.1.0; lz-analyze as in Leela Zero 0.17)' : 'GNU Go 3.8');
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
        expect(rec.properties.GC?.[0]).toMatch(/^score: two passes; (engines agree|engines disagree .* cleanup phase \d+ moves)/);
      }
    } finally {
      model.cleanup();
    }
  }, 960_000);
});
