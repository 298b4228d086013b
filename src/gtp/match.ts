// `tengen match`: two GTP engines play N games, alternating colours, with a referee board (positional
// superko) checking every move. A game ends by two passes, a resignation, a forfeit (illegal or
// unparsable move, crash, timeout) or the move limit. Scoring (two passes or the move limit): both engines
// are asked `final_score` (recorded); with a referee engine (`--referee`) its `final_score` of the replayed
// game decides. Without one, engines that agree after two passes decide; if they disagree a cleanup phase
// (`kgs-genmove_cleanup`, else `genmove`) runs until two more passes so dead stones get captured, and then
// the board's Tromp-Taylor area count decides, as it does at the move limit. A bare Tromp-Taylor count
// right after two passes would count dead stones as alive.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Board } from '../go/board.js';
import { BLACK, PASS, WHITE, colorLetter, opponent, type Player } from '../go/constants.js';
import { gtpToPoint, pointToGtp } from '../go/coords.js';
import { recordToSgf, type GameRecord } from '../sgf/index.js';
import type { Logger } from '../log.js';
import { GtpClient } from './client.js';
import { Referee, scoreWinner } from './referee.js';
import { wilson, type Interval } from '../stats.js';

export { scoreWinner } from './referee.js';

export type EngineRole = 'A' | 'B';

export type EndReason = 'score' | 'resign' | 'forfeit' | 'max-moves';

/**
 * What settled the result: the referee engine's final_score, both engines' agreeing final_score, Tromp-Taylor
 * after a cleanup phase, Tromp-Taylor as it stands (move limit), a resignation or a forfeit.
 */
export type Decider = 'referee' | 'engines' | 'cleanup' | 'tromp-taylor' | 'resign' | 'forfeit';

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
  /** Command of a third GTP engine whose final_score decides every scored game (gogui-twogtp -referee). */
  referee?: string;
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
  decidedBy: Decider;
  detail: string;
  moves: number;
  /** The moves as one string (see moveSequence), to count distinct games. */
  sequence: string;
  /** Each engine's own final_score answer, when it gave a readable one. */
  engineScores: Partial<Record<EngineRole, string>>;
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
  /** Games with pairwise different move sequences (deterministic engines repeat games). */
  distinct: number;
  /** How many games each kind of decision settled. */
  decidedBy: Partial<Record<Decider, number>>;
  /** Engine A's score rate (draws count half) and its 95% Wilson interval. */
  rateA: number;
  ciA: Interval;
  msPerMove: Record<EngineRole, number>;
  /** Name of the referee engine that scored the games, if any. */
  referee?: string;
}


const other = (r: EngineRole): EngineRole => (r === 'A' ? 'B' : 'A');

/** Colours alternate: engine A is Black in games 1, 3, 5, … (0-based `index` even). */
export function blackRoleOf(index: number): EngineRole {
  return index % 2 === 0 ? 'A' : 'B';
}

/** The engine playing colour `c` in a game where `blackRole` has Black. */
export function roleOfColor(c: Player, blackRole: EngineRole): EngineRole {
  return c === BLACK ? blackRole : other(blackRole);
}

/** What the game-over check found: a finished result, two consecutive passes, or the move limit. */
type PhaseEnd = GameResult | 'passes' | 'limit';

type GameOpts = Required<Pick<MatchOptions, 'maxMoves' | 'komi' | 'moveTimeoutMs'>> & Pick<MatchOptions, 'outDir' | 'logger'> & { referee?: Referee };

/** Plays one game between two started engines; never throws for engine misbehaviour (it becomes a forfeit). */
export async function playGame(
  engines: Record<EngineRole, GtpClient>,
  names: Record<EngineRole, string>,
  index: number,
  opts: GameOpts,
): Promise<GameResult> {
  const blackRole = blackRoleOf(index);
  const roleOf = (c: Player): EngineRole => roleOfColor(c, blackRole);
  const board = new Board();
  const moves: GameRecord['moves'] = [];
  const thinkMs = { A: 0, B: 0 };
  const moveCount = { A: 0, B: 0 };
  const engineScores: Partial<Record<EngineRole, string>> = {};
  const t = opts.moveTimeoutMs;
  const res = (winner: Player | null, result: string, reason: EndReason, decidedBy: Decider, detail: string): GameResult => ({
    index,
    blackRole,
    winner: winner === null ? null : roleOf(winner),
    result,
    reason,
    decidedBy,
    detail,
    moves: moves.length,
    sequence: moveSequence(moves),
    engineScores,
    thinkMs,
    moveCount,
    sgfPath: null,
  });
  const forfeit = (loser: Player, detail: string): GameResult =>
    res(opponent(loser), `${colorLetter(opponent(loser))}+F`, 'forfeit', 'forfeit', detail);

  // Moves until two consecutive passes, a decisive event, or the move limit; `cmd` is the generate command
  // per engine ('genmove' in play, 'kgs-genmove_cleanup' or 'genmove' in the cleanup phase).
  const phase = async (cmd: Record<EngineRole, string>): Promise<PhaseEnd> => {
    let passes = 0;
    for (;;) {
      if (moves.length >= opts.maxMoves) return 'limit';
      const c = board.toPlay;
      const mover = engines[roleOf(c)];
      const start = performance.now();
      let reply;
      try {
        reply = await mover.send(`${cmd[roleOf(c)]} ${c === BLACK ? 'b' : 'w'}`, t);
      } catch (err) {
        return forfeit(c, (err as Error).message);
      }
      thinkMs[roleOf(c)] += performance.now() - start;
      moveCount[roleOf(c)]++;
      if (!reply.ok) return forfeit(c, `${cmd[roleOf(c)]} failed: ${reply.text}`);
      const v = reply.text.trim().toLowerCase();
      if (v === 'resign') return res(opponent(c), `${colorLetter(opponent(c))}+R`, 'resign', 'resign', `${names[roleOf(c)]} resigned`);
      let p: number;
      try {
        p = gtpToPoint(v);
      } catch {
        return forfeit(c, `unreadable move "${reply.text}" at move ${moves.length + 1}`);
      }
      const why = board.legality(p, c);
      if (why !== null) return forfeit(c, `illegal move ${moves.length + 1} ${colorLetter(c)} ${pointToGtp(p)} (${why})`);
      board.play(p, c);
      moves.push({ color: c, point: p });
      passes = p === PASS ? passes + 1 : 0;
      const peer = engines[roleOf(opponent(c))];
      try {
        const r = await peer.send(`play ${c === BLACK ? 'b' : 'w'} ${v}`, t);
        // The referee board accepted the move, so a peer that refuses it has drifted and cannot go on.
        if (!r.ok) return forfeit(opponent(c), `rejected legal move ${moves.length} ${colorLetter(c)} ${v}: ${r.text}`);
      } catch (err) {
        return forfeit(opponent(c), (err as Error).message);
      }
      if (passes >= 2) return 'passes';
    }
  };

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
  if (result === null) {
    const genmove = { A: 'genmove', B: 'genmove' };
    const end = await phase(genmove);
    if (typeof end === 'object') result = end;
    else {
      const reason: EndReason = end === 'passes' ? 'score' : 'max-moves';
      const how = end === 'passes' ? 'two passes' : `move limit ${opts.maxMoves} reached`;
      for (const role of [blackRole, other(blackRole)]) {
        try {
          const r = await engines[role].send('final_score', t);
          if (r.ok && scoreWinner(r.text) !== undefined) engineScores[role] = r.text.trim().toUpperCase();
        } catch {
          // an engine that cannot score simply has no say
        }
      }
      const said = (['A', 'B'] as const).filter((r) => engineScores[r] !== undefined).map((r) => `${r}: ${engineScores[r]}`).join(', ') || 'no engine scored';
      let refereeNote = '';
      if (opts.referee) {
        try {
          const s = await opts.referee.score(moves, opts.komi);
          result = res(scoreWinner(s) ?? null, s, reason, 'referee', `${how}; referee ${opts.referee.name} ${s} (engines: ${said}); Tromp-Taylor ${board.scoreString(opts.komi)}`);
        } catch (err) {
          refereeNote = `; referee failed: ${(err as Error).message}`;
        }
      }
      if (result === null) {
        const a = engineScores.A;
        const b = engineScores.B;
        if (end === 'passes' && a !== undefined && b !== undefined && scoreWinner(a) === scoreWinner(b)) {
          result = res(scoreWinner(a) ?? null, a, reason, 'engines', `${how}; engines agree (${said}); Tromp-Taylor ${board.scoreString(opts.komi)}${refereeNote}`);
        } else if (end === 'passes') {
          // Dead stones may still stand: let the engines capture them before counting.
          const before = moves.length;
          const cleanup = { A: await cleanupCommand(engines.A, t), B: await cleanupCommand(engines.B, t) };
          const after = await phase(cleanup);
          if (typeof after === 'object') result = after;
          else {
            const s = board.scoreString(opts.komi);
            const stop = after === 'passes' ? 'two passes' : `move limit ${opts.maxMoves} reached`;
            result = res(scoreWinner(s) ?? null, s, reason, 'cleanup', `two passes; engines disagree (${said}); cleanup phase ${moves.length - before} moves until ${stop}; Tromp-Taylor ${s}${refereeNote}`);
          }
        } else {
          const s = board.scoreString(opts.komi);
          result = res(scoreWinner(s) ?? null, s, reason, 'tromp-taylor', `${how}; Tromp-Taylor ${s} (engines: ${said})${refereeNote}`);
        }
      }
    }
  }
  if (opts.outDir) result.sgfPath = writeGameSgf(opts.outDir, index, names, blackRole, moves, result, opts.komi);
  opts.logger?.info({ game: index + 1, black: names[blackRole], result: result.result, reason: result.reason, decidedBy: result.decidedBy, moves: result.moves }, 'game over');
  return result;
}

/** 'kgs-genmove_cleanup' when the engine says it knows it, else 'genmove'. */
async function cleanupCommand(e: GtpClient, timeoutMs: number): Promise<string> {
  try {
    const r = await e.send('known_command kgs-genmove_cleanup', timeoutMs);
    return r.ok && r.text.trim().toLowerCase() === 'true' ? 'kgs-genmove_cleanup' : 'genmove';
  } catch {
    return 'genmove'; // a dead engine forfeits on its next genmove
  }
}

/** The moves as one GTP string ('b q16 w d4 b pass …'), equal for equal games. */
export function moveSequence(moves: GameRecord['moves']): string {
  return moves.map((m) => `${colorLetter(m.color).toLowerCase()} ${pointToGtp(m.point).toLowerCase()}`).join(' ');
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
  const decidedBy: Partial<Record<Decider, number>> = {};
  const ms = { A: 0, B: 0 };
  const n = { A: 0, B: 0 };
  for (const g of games) {
    if (g.winner === null) draws++;
    else wins[g.winner][g.blackRole === g.winner ? 'black' : 'white']++;
    decidedBy[g.decidedBy] = (decidedBy[g.decidedBy] ?? 0) + 1;
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
    distinct: new Set(games.map((g) => g.sequence)).size,
    decidedBy,
    rateA: games.length ? points / games.length : 0,
    ciA: wilson(points, games.length),
    msPerMove: { A: n.A ? ms.A / n.A : 0, B: n.B ? ms.B / n.B : 0 },
  };
}

const DECIDER_TEXT: Record<Decider, string> = {
  referee: 'referee engine',
  engines: 'engines agreeing',
  cleanup: 'cleanup + Tromp-Taylor',
  'tromp-taylor': 'Tromp-Taylor',
  resign: 'resignation',
  forfeit: 'forfeit',
};

/** Markdown summary of a match: one row per engine, then A's score rate with its 95% Wilson interval. */
export function formatSummary(s: MatchSummary): string {
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  const row = (r: EngineRole): string => {
    const w = s.wins[r];
    return `| ${r} | ${s.names[r]} | ${w.black + w.white} | ${w.black} | ${w.white} | ${s.msPerMove[r].toFixed(1)} |`;
  };
  const lines = [
    `games ${s.games.length} (${s.distinct} distinct move sequences), draws/void ${s.draws}`,
    ...(s.referee ? [`referee: ${s.referee}`] : []),
    `decided by: ${Object.entries(s.decidedBy).map(([k, n]) => `${DECIDER_TEXT[k as Decider]} ${n}`).join(', ')}`,
    '',
    '| engine | name | wins | as black | as white | ms/move |',
    '|---|---|---:|---:|---:|---:|',
    row('A'),
    row('B'),
    '',
    `A score rate ${pct(s.rateA)} (95% Wilson interval ${pct(s.ciA.lo)} – ${pct(s.ciA.hi)})`,
    '',
    ...s.games.map((g) => `game ${g.index + 1}: black ${g.blackRole}, ${g.result} after ${g.moves} moves, decided by ${DECIDER_TEXT[g.decidedBy]} (${g.reason}: ${g.detail})`),
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
    referee: opts.referee === undefined ? undefined : new Referee(opts.referee, opts.moveTimeoutMs ?? 120_000),
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
    await Promise.all([...Object.values(engines).map((e) => e?.close()), gameOpts.referee?.close()]);
  }
  const summary = summarise(names, games);
  if (gameOpts.referee) summary.referee = gameOpts.referee.name;
  if (opts.outDir) writeFileSync(path.join(opts.outDir, 'summary.md'), formatSummary(summary));
  return summary;
}
