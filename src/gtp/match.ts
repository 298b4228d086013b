// `tengen match`: two GTP engines play N games, alternating colours, with a referee board (positional
// superko) checking every move. A game ends by two passes, a resignation, a forfeit (illegal or
// unparsable move, crash, timeout) or the move limit. Scoring after two passes: both engines are asked
// `final_score`; when they agree on the winner their verdict stands, otherwise (or when neither can
// score, or at the move limit) the referee's Tromp-Taylor area count decides.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Board } from '../go/board.js';
import { BLACK, PASS, WHITE, colorLetter, type Player } from '../go/constants.js';
import { gtpToPoint, pointToGtp } from '../go/coords.js';
import { recordToSgf, type GameRecord } from '../sgf/index.js';
import type { Logger } from '../log.js';
import { GtpClient } from './client.js';

export type EngineRole = 'A' | 'B';

export type EndReason = 'score' | 'resign' | 'forfeit' | 'max-moves';

export interface MatchOptions {
  /** Command of engine A (Black in the first game). */
  black: string;
  /** Command of engine B (White in the first game). */
  white: string;
  games: number;
  /** Folder for one SGF per game plus summary.md; none when undefined. */
  outDir?: string;
  /** Total moves (passes included) after which the game is scored as it stands (default 600). */
  maxMoves?: number;
  komi?: number;
  /** Longest wait for one engine reply in ms (default 120 000). */
  moveTimeoutMs?: number;
  logger?: Logger;
  onGame?: (g: GameResult) => void;
}

export interface GameResult {
  index: number;
  /** Engine playing Black in this game. */
  blackRole: EngineRole;
  winner: EngineRole | null;
  /** SGF RE value: B+3.5, W+R, B+F (forfeit), 0, Void. */
  result: string;
  reason: EndReason;
  detail: string;
  moves: number;
  /** Total genmove milliseconds and move count per engine. */
  thinkMs: Record<EngineRole, number>;
  moveCount: Record<EngineRole, number>;
  sgfPath: string | null;
}

export interface MatchSummary {
  names: Record<EngineRole, string>;
  games: GameResult[];
  wins: Record<EngineRole, { black: number; white: number }>;
  /** Games without a winner (jigo or void). */
  draws: number;
  /** Engine A's score rate (draws count half) and its 95% Wilson interval. */
  rateA: number;
  ciA: [number, number];
  msPerMove: Record<EngineRole, number>;
}

/** 95% (z = 1.96) Wilson score interval of `wins` successes in `n` trials; [0, 1] when n = 0. */
export function wilsonInterval(wins: number, n: number, z = 1.96): [number, number] {
  if (n <= 0) return [0, 1];
  const p = wins / n;
  const z2 = z * z;
  const den = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / den;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / den;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Winner colour of a score string ('B+3.5' → BLACK, 'W+R' → WHITE, '0' → null); undefined if unreadable. */
export function scoreWinner(s: string): Player | null | undefined {
  const t = s.trim().toUpperCase();
  if (t === '0' || t === 'DRAW' || t === 'JIGO') return null;
  const m = /^([BW])\+/.exec(t);
  if (!m) return undefined;
  return m[1] === 'B' ? BLACK : WHITE;
}

const other = (r: EngineRole): EngineRole => (r === 'A' ? 'B' : 'A');

/** Plays one game between two started engines; never throws for engine misbehaviour (it becomes a forfeit). */
export async function playGame(
  engines: Record<EngineRole, GtpClient>,
  names: Record<EngineRole, string>,
  index: number,
  opts: Required<Pick<MatchOptions, 'maxMoves' | 'komi' | 'moveTimeoutMs'>> & Pick<MatchOptions, 'outDir' | 'logger'>,
): Promise<GameResult> {
  const blackRole: EngineRole = index % 2 === 0 ? 'A' : 'B';
  const roleOf = (c: Player): EngineRole => (c === BLACK ? blackRole : other(blackRole));
  const board = new Board();
  const moves: GameRecord['moves'] = [];
  const thinkMs = { A: 0, B: 0 };
  const moveCount = { A: 0, B: 0 };
  const t = opts.moveTimeoutMs;
  const res = (winner: Player | null, result: string, reason: EndReason, detail: string): GameResult => ({
    index,
    blackRole,
    winner: winner === null ? null : roleOf(winner),
    result,
    reason,
    detail,
    moves: moves.length,
    thinkMs,
    moveCount,
    sgfPath: null,
  });
  const forfeit = (loser: Player, detail: string): GameResult => res(3 - loser as Player, `${colorLetter(3 - loser as Player)}+F`, 'forfeit', detail);

  let result: GameResult | null = null;
  for (const c of [BLACK, WHITE] as const) {
    const e = engines[roleOf(c)];
    try {
      for (const cmd of ['boardsize 19', 'clear_board', `komi ${opts.komi}`]) {
        const r = await e.send(cmd, t);
        if (!r.ok) throw new Error(`"${cmd}" failed: ${r.text}`);
      }
    } catch (err) {
      result = forfeit(c, `setup: ${(err as Error).message}`);
      break;
    }
  }
  let passes = 0;
  while (result === null) {
    if (moves.length >= opts.maxMoves) {
      const s = board.scoreString(opts.komi);
      result = res(scoreWinner(s) ?? null, s === '0' ? '0' : s, 'max-moves', `move limit ${opts.maxMoves} reached; Tromp-Taylor ${s}`);
      break;
    }
    const c = board.toPlay;
    const mover = engines[roleOf(c)];
    const start = performance.now();
    let reply;
    try {
      reply = await mover.send(`genmove ${c === BLACK ? 'b' : 'w'}`, t);
    } catch (err) {
      result = forfeit(c, (err as Error).message);
      break;
    }
    thinkMs[roleOf(c)] += performance.now() - start;
    moveCount[roleOf(c)]++;
    if (!reply.ok) {
      result = forfeit(c, `genmove failed: ${reply.text}`);
      break;
    }
    const v = reply.text.trim().toLowerCase();
    if (v === 'resign') {
      result = res(3 - c as Player, `${colorLetter(3 - c as Player)}+R`, 'resign', `${names[roleOf(c)]} resigned`);
      break;
    }
    let p: number;
    try {
      p = gtpToPoint(v);
    } catch {
      result = forfeit(c, `unreadable move "${reply.text}" at move ${moves.length + 1}`);
      break;
    }
    const why = board.legality(p, c);
    if (why !== null) {
      result = forfeit(c, `illegal move ${moves.length + 1} ${colorLetter(c)} ${pointToGtp(p)} (${why})`);
      break;
    }
    board.play(p, c);
    moves.push({ color: c, point: p });
    passes = p === PASS ? passes + 1 : 0;
    const peer = engines[roleOf(3 - c as Player)];
    try {
      const r = await peer.send(`play ${c === BLACK ? 'b' : 'w'} ${v}`, t);
      if (!r.ok) {
        // The referee accepted the move, so the peer's board has drifted: it cannot continue this game.
        result = forfeit(3 - c as Player, `rejected legal move ${moves.length} ${colorLetter(c)} ${v}: ${r.text}`);
        break;
      }
    } catch (err) {
      result = forfeit(3 - c as Player, (err as Error).message);
      break;
    }
    if (passes >= 2) result = await scoreGame(engines, board, opts, res, blackRole);
  }
  if (opts.outDir) result.sgfPath = writeGameSgf(opts.outDir, index, names, blackRole, moves, result, opts.komi);
  opts.logger?.info({ game: index + 1, black: names[blackRole], result: result.result, reason: result.reason, moves: result.moves }, 'game over');
  return result;
}

async function scoreGame(
  engines: Record<EngineRole, GtpClient>,
  board: Board,
  opts: { komi: number; moveTimeoutMs: number },
  res: (winner: Player | null, result: string, reason: EndReason, detail: string) => GameResult,
  blackRole: EngineRole,
): Promise<GameResult> {
  const referee = board.scoreString(opts.komi);
  const verdicts: { role: EngineRole; score: string }[] = [];
  for (const role of [blackRole, other(blackRole)]) {
    try {
      const r = await engines[role].send('final_score', opts.moveTimeoutMs);
      if (r.ok && scoreWinner(r.text) !== undefined) verdicts.push({ role, score: r.text.trim().toUpperCase() });
    } catch {
      // an engine that cannot score simply has no say
    }
  }
  const said = verdicts.map((v) => `${v.role}: ${v.score}`).join(', ') || 'no engine scored';
  const agreed = verdicts.length > 0 && verdicts.every((v) => scoreWinner(v.score) === scoreWinner(verdicts[0]!.score));
  const score = agreed ? verdicts[0]!.score : referee;
  const how = agreed ? `engines agree (${said}); Tromp-Taylor ${referee}` : `Tromp-Taylor ${referee} (${said})`;
  return res(scoreWinner(score) ?? null, score, 'score', `two passes; ${how}`);
}

function writeGameSgf(
  outDir: string,
  index: number,
  names: Record<EngineRole, string>,
  blackRole: EngineRole,
  moves: GameRecord['moves'],
  r: GameResult,
  komi: number,
): string {
  const rec: GameRecord = {
    size: 19,
    komi,
    handicap: 0,
    rules: 'Chinese',
    setup: { black: [], white: [], empty: [] },
    laterSetup: [],
    initialPlayer: null,
    moves,
    result: r.result,
    players: { black: names[blackRole], white: names[other(blackRole)] },
    ranks: {},
    date: new Date().toISOString().slice(0, 10),
    gameName: `tengen match game ${index + 1}`,
    properties: { PC: ['tengen match'], GC: [`${r.reason}: ${r.detail}`] },
  };
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `game-${String(index + 1).padStart(3, '0')}.sgf`);
  writeFileSync(file, recordToSgf(rec));
  return file;
}

/** Aggregates game results into wins per engine and colour, score rate with Wilson interval and time per move. */
export function summarise(names: Record<EngineRole, string>, games: GameResult[]): MatchSummary {
  const wins = { A: { black: 0, white: 0 }, B: { black: 0, white: 0 } };
  let draws = 0;
  const ms = { A: 0, B: 0 };
  const n = { A: 0, B: 0 };
  for (const g of games) {
    if (g.winner === null) draws++;
    else wins[g.winner][g.blackRole === g.winner ? 'black' : 'white']++;
    for (const r of ['A', 'B'] as const) {
      ms[r] += g.thinkMs[r];
      n[r] += g.moveCount[r];
    }
  }
  const winsA = wins.A.black + wins.A.white;
  const points = winsA + draws / 2;
  return {
    names,
    games,
    wins,
    draws,
    rateA: games.length ? points / games.length : 0,
    ciA: wilsonInterval(points, games.length),
    msPerMove: { A: n.A ? ms.A / n.A : 0, B: n.B ? ms.B / n.B : 0 },
  };
}

/** Markdown summary of a match: one row per engine, then A's score rate with its 95% Wilson interval. */
export function formatSummary(s: MatchSummary): string {
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  const row = (r: EngineRole): string => {
    const w = s.wins[r];
    return `| ${r} | ${s.names[r]} | ${w.black + w.white} | ${w.black} | ${w.white} | ${s.msPerMove[r].toFixed(1)} |`;
  };
  const lines = [
    `games ${s.games.length}, draws/void ${s.draws}`,
    '',
    '| engine | name | wins | as black | as white | ms/move |',
    '|---|---|---:|---:|---:|---:|',
    row('A'),
    row('B'),
    '',
    `A score rate ${pct(s.rateA)} (95% Wilson interval ${pct(s.ciA[0])} – ${pct(s.ciA[1])})`,
    '',
    ...s.games.map((g) => `game ${g.index + 1}: black ${g.blackRole}, ${g.result} after ${g.moves} moves (${g.reason}: ${g.detail})`),
  ];
  return lines.join('\n') + '\n';
}

/** Runs a whole match; starts each engine once and restarts one that died. */
export async function runMatch(opts: MatchOptions): Promise<MatchSummary> {
  if (!Number.isInteger(opts.games) || opts.games < 1) throw new Error(`match: games must be a positive integer, got ${opts.games}`);
  const gameOpts = {
    maxMoves: opts.maxMoves ?? 600,
    komi: opts.komi ?? 7.5,
    moveTimeoutMs: opts.moveTimeoutMs ?? 120_000,
    outDir: opts.outDir,
    logger: opts.logger,
  };
  const commands: Record<EngineRole, string> = { A: opts.black, B: opts.white };
  const engines: Partial<Record<EngineRole, GtpClient>> = {};
  const names: Record<EngineRole, string> = { A: 'A', B: 'B' };
  const start = async (r: EngineRole): Promise<GtpClient> => {
    const c = new GtpClient(commands[r], `engine ${r} (${commands[r]})`);
    try {
      const n = await c.send('name', gameOpts.moveTimeoutMs);
      const v = await c.send('version', gameOpts.moveTimeoutMs).catch(() => ({ ok: false, text: '' }));
      if (n.ok) names[r] = `${n.text}${v.ok && v.text ? ` ${v.text}` : ''}`;
    } catch (err) {
      opts.logger?.warn({ engine: r, err: (err as Error).message }, 'engine did not answer name');
    }
    return c;
  };
  const games: GameResult[] = [];
  try {
    for (const r of ['A', 'B'] as const) engines[r] = await start(r);
    for (let i = 0; i < opts.games; i++) {
      for (const r of ['A', 'B'] as const) {
        if (!engines[r]!.alive) {
          await engines[r]!.close();
          engines[r] = await start(r);
        }
      }
      const g = await playGame(engines as Record<EngineRole, GtpClient>, names, i, gameOpts);
      games.push(g);
      opts.onGame?.(g);
    }
  } finally {
    await Promise.all(Object.values(engines).map((e) => e?.close()));
  }
  const summary = summarise(names, games);
  if (opts.outDir) writeFileSync(path.join(opts.outDir, 'summary.md'), formatSummary(summary));
  return summary;
}
