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
import { openingNote, openingOf, type Opening } from './openings.js';

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
  /** Number (1-based) of the first game, for a match split into shards or continued later (default 1): games are
   * numbered, coloured and named game-NNN.sgf from it, and a shard's summary goes to summary-NNN.md. */
  firstGame?: number;
  /** Folder for one SGF per game plus summary.md; none when undefined. */
  outDir?: string;
  /** Total moves (passes included) after which the game is scored as it stands (default 600). */
  maxMoves?: number;
  komi?: number;
  /** Longest wait for one engine reply in ms (default 120 000). */
  moveTimeoutMs?: number;
  /** Command of a third GTP engine whose final_score decides every scored game (gogui-twogtp -referee). */
  referee?: string;
  /** Opening moves played before the engines take over (openings.ts): game i (0-based) starts from opening ⌊i/2⌋. */
  openings?: readonly Opening[];
  logger?: Logger;
  onGame?: (g: GameResult) => void;
  /** Aborted: no new game starts; the game being played finishes and the summary lists the games played. */
  signal?: AbortSignal;
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
  /** The opening the game started from (`--openings`), if any. */
  opening?: Opening;
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

type GameOpts = Required<Pick<MatchOptions, 'maxMoves' | 'komi' | 'moveTimeoutMs'>> & Pick<MatchOptions, 'outDir' | 'logger' | 'openings'> & { referee?: Referee };

/** Plays one game between two started engines; never throws for engine misbehaviour (it becomes a forfeit). */
export async function playGame(
  engines: Record<EngineRole, GtpClient>,
  names: Record<EngineRole, string>,
  index: number,
  opts: GameOpts,
): Promise<GameResult> {
  const game = new MatchGame(engines, names, index, opts);
  const result = await game.play();
  if (opts.outDir) result.sgfPath = writeGameSgf(opts.outDir, index, names, game.blackRole, game.moves, result, opts.komi);
  opts.logger?.info({ game: index + 1, black: names[game.blackRole], result: result.result, reason: result.reason, decidedBy: result.decidedBy, moves: result.moves }, 'game over');
  return result;
}

/** One game in progress: the referee board, the moves so far, and each engine's thinking time and scores. */
class MatchGame {
  readonly blackRole: EngineRole;
  readonly moves: GameRecord['moves'] = [];
  private readonly board = new Board();
  private readonly thinkMs = { A: 0, B: 0 };
  private readonly moveCount = { A: 0, B: 0 };
  private readonly engineScores: Partial<Record<EngineRole, string>> = {};
  /** The opening played, if any. */
  private opening: Opening | undefined;
  /** Longest wait for one engine reply (ms). */
  private readonly t: number;

  constructor(
    private readonly engines: Record<EngineRole, GtpClient>,
    private readonly names: Record<EngineRole, string>,
    private readonly index: number,
    private readonly opts: GameOpts,
  ) {
    this.blackRole = blackRoleOf(index);
    this.t = opts.moveTimeoutMs;
  }

  /** Sets the engines up, plays until the game ends, and scores it when it ended by passes or the move limit. */
  async play(): Promise<GameResult> {
    const setupFailed = await this.setUpEngines();
    if (setupFailed !== null) return setupFailed;
    const openingFailed = await this.playOpening();
    if (openingFailed !== null) return openingFailed;
    const end = await this.phase({ A: 'genmove', B: 'genmove' });
    return typeof end === 'object' ? end : this.score(end);
  }

  /** boardsize, clear_board and komi to Black's engine, then White's; a refusal or failure forfeits for that colour. */
  private async setUpEngines(): Promise<GameResult | null> {
    for (const c of [BLACK, WHITE] as const) {
      const e = this.engines[this.roleOf(c)];
      try {
        for (const cmd of ['boardsize 19', 'clear_board', `komi ${this.opts.komi}`]) {
          const r = await e.send(cmd, this.t);
          if (!r.ok) throw new Error(`"${cmd}" failed: ${r.text}`);
        }
      } catch (err) {
        return this.forfeit(c, `setup: ${(err as Error).message}`);
      }
    }
    return null;
  }

  /** Plays the game's opening moves (if the match has openings) on the referee board and tells both engines; an engine that refuses one forfeits. */
  private async playOpening(): Promise<GameResult | null> {
    if (!this.opts.openings || this.opts.openings.length === 0) return null;
    const o = openingOf(this.opts.openings, this.index);
    this.opening = o;
    for (const m of o.moves) {
      const v = pointToGtp(m.point).toLowerCase();
      const p = this.playOnBoard(m.color, v, v);
      if (typeof p !== 'number') return p; // not reached: loadOpenings checked the moves
      for (const c of [BLACK, WHITE] as const) {
        try {
          const r = await this.engines[this.roleOf(c)].send(`play ${m.color === BLACK ? 'b' : 'w'} ${v}`, this.t);
          if (!r.ok) return this.forfeit(c, `rejected opening move ${this.moves.length} ${colorLetter(m.color)} ${v} of ${o.name}: ${r.text}`);
        } catch (err) {
          return this.forfeit(c, (err as Error).message);
        }
      }
    }
    return null;
  }

  /**
   * Moves until two consecutive passes, a decisive event, or the move limit; `cmd` is the generate command per
   * engine ('genmove' in play, 'kgs-genmove_cleanup' or 'genmove' in the cleanup phase).
   */
  private async phase(cmd: Record<EngineRole, string>): Promise<PhaseEnd> {
    let passes = 0;
    for (;;) {
      if (this.moves.length >= this.opts.maxMoves) return 'limit';
      const c = this.board.toPlay;
      const reply = await this.generate(c, cmd[this.roleOf(c)]);
      if (typeof reply !== 'string') return reply;
      const v = reply.trim().toLowerCase();
      if (v === 'resign') return this.result(opponent(c), `${colorLetter(opponent(c))}+R`, 'resign', 'resign', `${this.names[this.roleOf(c)]} resigned`);
      const p = this.playOnBoard(c, v, reply);
      if (typeof p !== 'number') return p;
      const refused = await this.tellPeer(c, v);
      if (refused !== null) return refused;
      passes = p === PASS ? passes + 1 : 0;
      if (passes >= 2) return 'passes';
    }
  }

  /** Asks the engine playing `c` for a move (timed): the reply's text, or a forfeit if it fails or does not answer. */
  private async generate(c: Player, command: string): Promise<string | GameResult> {
    const role = this.roleOf(c);
    const start = performance.now();
    let reply;
    try {
      reply = await this.engines[role].send(`${command} ${c === BLACK ? 'b' : 'w'}`, this.t);
    } catch (err) {
      return this.forfeit(c, (err as Error).message);
    }
    this.thinkMs[role] += performance.now() - start;
    this.moveCount[role]++;
    if (!reply.ok) return this.forfeit(c, `${command} failed: ${reply.text}`);
    return reply.text;
  }

  /** Referee check: plays vertex `v` (from reply `text`) for `c` on the board and returns its point, or a forfeit if unreadable or illegal. */
  private playOnBoard(c: Player, v: string, text: string): number | GameResult {
    let p: number;
    try {
      p = gtpToPoint(v);
    } catch {
      return this.forfeit(c, `unreadable move "${text}" at move ${this.moves.length + 1}`);
    }
    const why = this.board.legality(p, c);
    if (why !== null) return this.forfeit(c, `illegal move ${this.moves.length + 1} ${colorLetter(c)} ${pointToGtp(p)} (${why})`);
    this.board.play(p, c);
    this.moves.push({ color: c, point: p });
    return p;
  }

  /** Passes `c`'s move to the other engine; null when it took it, else that engine's forfeit. */
  private async tellPeer(c: Player, v: string): Promise<GameResult | null> {
    const peer = this.engines[this.roleOf(opponent(c))];
    try {
      const r = await peer.send(`play ${c === BLACK ? 'b' : 'w'} ${v}`, this.t);
      // The referee board accepted the move, so a peer that refuses it has drifted and cannot go on.
      if (!r.ok) return this.forfeit(opponent(c), `rejected legal move ${this.moves.length} ${colorLetter(c)} ${v}: ${r.text}`);
    } catch (err) {
      return this.forfeit(opponent(c), (err as Error).message);
    }
    return null;
  }

  /**
   * Scores a game that ended by two passes or the move limit: the referee engine if there is one (and it
   * answers), else the engines if they agree after two passes, else a cleanup phase and Tromp-Taylor after
   * two passes, or Tromp-Taylor as it stands at the move limit.
   */
  private async score(end: 'passes' | 'limit'): Promise<GameResult> {
    const reason: EndReason = end === 'passes' ? 'score' : 'max-moves';
    const how = this.endText(end);
    await this.askEngineScores();
    const said = this.scoresSaid();
    const komi = this.opts.komi;
    let refereeNote = '';
    if (this.opts.referee) {
      try {
        const s = await this.opts.referee.score(this.moves, komi);
        return this.result(scoreWinner(s) ?? null, s, reason, 'referee', `${how}; referee ${this.opts.referee.name} ${s} (engines: ${said}); Tromp-Taylor ${this.board.scoreString(komi)}`);
      } catch (err) {
        refereeNote = `; referee failed: ${(err as Error).message}`;
      }
    }
    if (end === 'limit') {
      const s = this.board.scoreString(komi);
      return this.result(scoreWinner(s) ?? null, s, reason, 'tromp-taylor', `${how}; Tromp-Taylor ${s} (engines: ${said})${refereeNote}`);
    }
    const a = this.engineScores.A;
    const b = this.engineScores.B;
    if (a !== undefined && b !== undefined && scoreWinner(a) === scoreWinner(b)) {
      return this.result(scoreWinner(a) ?? null, a, reason, 'engines', `${how}; engines agree (${said}); Tromp-Taylor ${this.board.scoreString(komi)}${refereeNote}`);
    }
    return this.cleanUpAndCount(said, refereeNote);
  }

  /** Asks both engines (Black's first) for final_score and records each readable answer. */
  private async askEngineScores(): Promise<void> {
    for (const role of [this.blackRole, other(this.blackRole)]) {
      try {
        const r = await this.engines[role].send('final_score', this.t);
        if (r.ok && scoreWinner(r.text) !== undefined) this.engineScores[role] = r.text.trim().toUpperCase();
      } catch {
        // an engine that cannot score simply has no say
      }
    }
  }

  /** The engines' recorded scores for the result detail: 'A: B+3.5, B: W+1.5', or 'no engine scored'. */
  private scoresSaid(): string {
    const scores = this.engineScores;
    return (['A', 'B'] as const).filter((r) => scores[r] !== undefined).map((r) => `${r}: ${scores[r]}`).join(', ') || 'no engine scored';
  }

  /** After two passes with engines disagreeing: dead stones may still stand, so the engines capture them before counting. */
  private async cleanUpAndCount(said: string, refereeNote: string): Promise<GameResult> {
    const before = this.moves.length;
    const cleanup = { A: await cleanupCommand(this.engines.A, this.t), B: await cleanupCommand(this.engines.B, this.t) };
    const after = await this.phase(cleanup);
    if (typeof after === 'object') return after;
    const s = this.board.scoreString(this.opts.komi);
    return this.result(scoreWinner(s) ?? null, s, 'score', 'cleanup', `two passes; engines disagree (${said}); cleanup phase ${this.moves.length - before} moves until ${this.endText(after)}; Tromp-Taylor ${s}${refereeNote}`);
  }

  /** How a phase ended, as the result detail says it. */
  private endText(end: 'passes' | 'limit'): string {
    return end === 'passes' ? 'two passes' : `move limit ${this.opts.maxMoves} reached`;
  }

  private roleOf(c: Player): EngineRole {
    return roleOfColor(c, this.blackRole);
  }

  /** A forfeit by `loser`: the opponent wins, 'B+F' / 'W+F'. */
  private forfeit(loser: Player, detail: string): GameResult {
    return this.result(opponent(loser), `${colorLetter(opponent(loser))}+F`, 'forfeit', 'forfeit', detail);
  }

  /** The game's result as it stands now (moves, sequence, times, scores). */
  private result(winner: Player | null, result: string, reason: EndReason, decidedBy: Decider, detail: string): GameResult {
    return {
      index: this.index,
      blackRole: this.blackRole,
      winner: winner === null ? null : this.roleOf(winner),
      result,
      reason,
      decidedBy,
      detail,
      moves: this.moves.length,
      sequence: moveSequence(this.moves),
      engineScores: this.engineScores,
      thinkMs: this.thinkMs,
      moveCount: this.moveCount,
      sgfPath: null,
      ...(this.opening !== undefined ? { opening: this.opening } : {}),
    };
  }
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

/** Writes game `index` (1-based in the name) to outDir/game-NNN.sgf with its result and detail; returns the path. */
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
    properties: { PC: ['tengen match'], GC: [`${r.reason}: ${r.detail}${r.opening !== undefined ? openingNote(r.opening) : ''}`] },
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
      // NaN = timing unknown (a rescored game whose match summary is gone): left out of the mean.
      if (!Number.isFinite(g.thinkMs[r])) continue;
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
    msPerMove: { A: n.A ? ms.A / n.A : NaN, B: n.B ? ms.B / n.B : NaN },
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
    return `| ${r} | ${s.names[r]} | ${w.black + w.white} | ${w.black} | ${w.white} | ${Number.isFinite(s.msPerMove[r]) ? s.msPerMove[r].toFixed(1) : '–'} |`;
  };
  const lines = [
    `games ${s.games.length} (${s.distinct} distinct move sequences), draws/void ${s.draws}`,
    ...(s.referee ? [`referee: ${s.referee}`] : []),
    ...(s.games.some((g) => g.opening !== undefined)
      ? [`openings: ${new Set(s.games.map((g) => g.opening?.name).filter((o) => o !== undefined)).size} (the first moves of real games, each meant for two games with colours swapped)`]
      : []),
    `decided by: ${Object.entries(s.decidedBy).map(([k, n]) => `${DECIDER_TEXT[k as Decider]} ${n}`).join(', ')}`,
    '',
    '| engine | name | wins | as black | as white | ms/move |',
    '|---|---|---:|---:|---:|---:|',
    row('A'),
    row('B'),
    '',
    `A score rate ${pct(s.rateA)} (95% Wilson interval ${pct(s.ciA.lo)} – ${pct(s.ciA.hi)})`,
    '',
    ...s.games.map((g) => `game ${g.index + 1}: black ${g.blackRole}, ${g.result} after ${g.moves} moves, decided by ${DECIDER_TEXT[g.decidedBy]} (${g.reason}: ${g.detail})${g.opening !== undefined ? `; opening ${g.opening.name}` : ''}`),
  ];
  return lines.join('\n') + '\n';
}

/** Runs a whole match; starts each engine once and restarts one that died. */
export async function runMatch(opts: MatchOptions): Promise<MatchSummary> {
  if (!Number.isInteger(opts.games) || opts.games < 1) throw new Error(`match: games must be a positive integer, got ${opts.games}`);
  const first = opts.firstGame ?? 1;
  if (!Number.isInteger(first) || first < 1) throw new Error(`match: firstGame must be a positive integer, got ${first}`);
  const gameOpts = {
    maxMoves: opts.maxMoves ?? 600,
    komi: opts.komi ?? 7.5,
    moveTimeoutMs: opts.moveTimeoutMs ?? 120_000,
    outDir: opts.outDir,
    logger: opts.logger,
    openings: opts.openings,
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
    for (let i = first - 1; i < first - 1 + opts.games; i++) {
      if (opts.signal?.aborted) {
        opts.logger?.warn({ played: games.length, next: i + 1 }, 'match stopped before its next game');
        break;
      }
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
  const summaryName = first === 1 ? 'summary.md' : `summary-${String(first).padStart(3, '0')}.md`;
  if (opts.outDir) writeFileSync(path.join(opts.outDir, summaryName), formatSummary(summary));
  return summary;
}
