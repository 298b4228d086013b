// The GTP engine state machine: one board, komi and clock, a search tree, and a handler per command. I/O lives
// in serve.ts; a handler returns a GtpResult, and streaming commands (lz-/kata-analyze, *genmove_analyze)
// write through a StreamChannel until the next command arrives. `genmove` searches (src/search) when the
// session has a visit or time budget, else it plays the policy as MoveChooser decides (`--policy-only`).
import { Board, IllegalMoveError } from '../go/board.js';
import { BLACK, EMPTY, NPOINTS, PASS, WHITE, colorLetter, type Player } from '../go/constants.js';
import { pointToGtp } from '../go/coords.js';
import { fixedHandicapPoints } from '../go/handicap.js';
import { readSgfFile, toGameRecord } from '../sgf/index.js';
import { positionFromRecord } from '../engine/position.js';
import type { Logger } from '../log.js';
import { seededUniform } from '../random.js';
import { expectArgs, parseGtpColor, parseGtpFloat, parseGtpInt, parseGtpVertex } from './args.js';
import { formatOwnership, formatPolicyLine, formatSearchLine, parseAnalyzeArgs, type AnalysisFlavour, type AnalyzeArgs } from './analysis.js';
import { finalScore, MonteCarloOwnership } from '../search/estimate.js';
import { Search, type MoveFilter, type SearchLimits, type SearchParams } from '../search/search.js';
import { MoveChooser, type MoveDecision } from './move-choice.js';
import { RegionMap } from './regions.js';
import type { PolicySource } from './policy-source.js';
import { GtpError, failure, formatResponse, responseHead, success, type GtpCommand, type GtpResult } from './protocol.js';

/** How a streaming command talks to the client while it runs. */
export interface StreamChannel {
  /** Writes raw text to the client (already framed by the caller). */
  write(text: string): void;
  /** Waits up to `ms`; resolves true as soon as another command (or end of input) is pending, else false. */
  waitForInput(ms: number): Promise<boolean>;
}

export interface SessionOptions {
  /** Name answered to `name` (default "Tengen"). */
  name?: string;
  version?: string;
  /** 0 = argmax (default). */
  temperature?: number;
  /** Seed of the sampling generator (default 1). */
  seed?: number;
  /** Symmetries averaged by the policy source (1 or 8). */
  symmetries?: 1 | 8;
  /** Default komi (7.5). */
  komi?: number;
  /** Search settings; absent = policy play and policy-only analysis. */
  search?: SearchSettings;
  logger?: Logger;
}

/** How genmove and analysis search (see README, "Search"). */
export interface SearchSettings {
  /** Visits per genmove; 0 = play the policy (unless maxTimeSec is set). */
  visits: number;
  /** Most seconds per genmove (the clock from time_settings/time_left may allow less); 0 = no cap. */
  maxTimeSec?: number;
  /** Resign when the chosen move's winrate is below this after at least `resignMinVisits` visits (0 = never). */
  resignThreshold?: number;
  resignMinVisits?: number;
  /** Analysis without search (pseudo-visits from the policy). */
  policyOnly?: boolean;
  /** genmove stops once its choice is decided (SearchLimits.stopWhenDecided); default true. */
  earlyStop?: boolean;
  /** Visits after which an analyze command stops searching and only repeats its result (memory bound). */
  analysisMaxVisits?: number;
  params?: Partial<SearchParams>;
}

/** Time settings as last told by the controller (seconds); kept for logs, moves are fast anyway. */
export interface ClockState {
  system: 'none' | 'absolute' | 'byoyomi' | 'canadian';
  mainTime: number;
  periodTime: number;
  periodStones: number;
  left: Record<Player, { time: number; stones: number } | null>;
}

type Handler = (args: string[]) => GtpResult | Promise<GtpResult>;
type StreamHandler = (id: number | null, args: string[], ch: StreamChannel) => Promise<string>;

// Shortest interval between repeated info lines, so `lz-analyze 0`-style floods cannot happen.
const MIN_INTERVAL_MS = 50;

/**
 * The `version` answer. Lizzie (Leelaz.java) reads the first word after `=`, splits it at dots and shows "Lizzie
 * requires version 0.15 or later of Leela Zero" unless the second number is ≥ 15: it checks for Leela Zero's GTP
 * analysis extensions (lz-analyze, added in 0.15). Tengen speaks them as Leela Zero 0.17 does, so the first word
 * names that protocol level and the rest says what the engine really is.
 */
export function gtpVersion(tengenVersion: string): string {
  return `0.17 (Tengen ${tengenVersion}; lz-analyze as in Leela Zero 0.17)`;
}

/** Random playouts behind final_score and final_status_list. */
const FINAL_SCORE_PLAYOUTS = 64;

/** One GTP game session over a policy source. */
export class GtpSession {
  readonly board = new Board();
  komi: number;
  clock: ClockState = { system: 'none', mainTime: 0, periodTime: 0, periodStones: 0, left: { [BLACK]: null, [WHITE]: null } as ClockState['left'] };
  /** Set by `quit`: the server stops reading after sending the response. */
  quitRequested = false;
  private movesPlayed = 0; // moves GTP `undo` may revert (setup stones are not moves)
  private readonly chooser = new MoveChooser();
  private readonly random: () => number;
  private readonly handlers = new Map<string, Handler>();
  private readonly streams = new Map<string, StreamHandler>();
  private readonly searcher: Search | null;
  private readonly regions = new RegionMap();

  constructor(
    readonly source: PolicySource,
    readonly opts: SessionOptions = {},
  ) {
    this.komi = opts.komi ?? 7.5;
    this.random = seededUniform(opts.seed ?? 1);
    const ss = opts.search;
    this.searcher = ss && !ss.policyOnly && source.evaluator ? new Search(source.evaluator, { seed: opts.seed ?? 1, ...ss.params }) : null;
    this.register();
  }

  /** Names of all commands, in `list_commands` order. */
  commandNames(): string[] {
    return [...this.handlers.keys(), ...this.streams.keys()];
  }

  /** True if `name` is a command of this session. */
  knows(name: string): boolean {
    return this.handlers.has(name) || this.streams.has(name);
  }

  /**
   * Runs one command and returns the text still to send (the whole framed response for ordinary commands,
   * the tail for streaming ones, which write their head through `ch`). Never throws.
   */
  async execute(cmd: GtpCommand, ch: StreamChannel): Promise<string> {
    const stream = this.streams.get(cmd.name);
    if (stream) {
      try {
        return await stream(cmd.id, cmd.args, ch);
      } catch (err) {
        return formatResponse(false, cmd.id, this.errorText(cmd, err));
      }
    }
    const h = this.handlers.get(cmd.name);
    if (!h) return formatResponse(false, cmd.id, cmd.name === '' ? 'syntax error: missing command name' : 'unknown command');
    try {
      const r = await h(cmd.args);
      return formatResponse(r.ok, cmd.id, r.text);
    } catch (err) {
      return formatResponse(false, cmd.id, this.errorText(cmd, err));
    }
  }

  private errorText(cmd: GtpCommand, err: unknown): string {
    if (err instanceof GtpError) return err.message;
    this.opts.logger?.error({ err, command: cmd.name, args: cmd.args }, 'GTP command failed');
    return `internal error in ${cmd.name}: ${(err as Error)?.message ?? String(err)}`;
  }

  // ------------------------------------------------------------------ moves

  private async policyFor(board: Board): Promise<Float32Array> {
    const p = await this.source.policy(board, this.opts.symmetries === undefined ? undefined : { symmetries: this.opts.symmetries });
    if (!(p instanceof Float32Array) || p.length < NPOINTS) throw new Error(`policy source ${this.source.name} returned ${p?.length} values, expected ${NPOINTS}`);
    return p;
  }

  /** True when genmove searches (a visit or time budget and a source that can evaluate). */
  get searching(): boolean {
    const ss = this.opts.search;
    return this.searcher !== null && ss !== undefined && (ss.visits > 0 || (ss.maxTimeSec ?? 0) > 0);
  }

  /**
   * Milliseconds genmove may think for `color`: the --time cap, bounded by the clock: in Canadian overtime 85% of
   * (time left / stones left), in Japanese byo-yomi 85% of the period, minus a 150 ms margin; in main time the time left spread over
   * max(20, (300 − move number) / 2) more moves. null = no limit known.
   */
  moveTimeMs(color: Player): number | null {
    const cap = (this.opts.search?.maxTimeSec ?? 0) > 0 ? this.opts.search!.maxTimeSec! * 1000 : Infinity;
    let clock = Infinity;
    const c = this.clock;
    const left = c.left[color];
    if (c.system !== 'none') {
      // Japanese byo-yomi (kgs-time_settings byoyomi): in overtime `stones` counts periods and each period is one move.
      if (left && left.stones > 0) clock = (left.time * 1000 * 0.85) / (c.system === 'byoyomi' ? 1 : left.stones) - 150;
      else if (left && left.time > 0) clock = (left.time * 1000) / Math.max(20, (300 - this.board.moveNumber) / 2);
      else if (!left && c.mainTime > 0) clock = (c.mainTime * 1000) / Math.max(20, (300 - this.board.moveNumber) / 2);
      else if (!left && c.periodTime > 0) clock = (c.periodTime * 1000 * 0.85) / Math.max(1, c.periodStones) - 150;
      else if (left && left.time <= 0 && c.periodTime > 0) clock = (c.periodTime * 1000 * 0.85) / Math.max(1, c.periodStones) - 150;
    }
    const t = Math.min(cap, clock);
    return Number.isFinite(t) ? Math.max(50, t) : null;
  }

  // Searches the game board for the side `board.toPlay`; `extra` adds stop/progress hooks (genmove_analyze).
  private async searchMove(extra: Partial<SearchLimits> = {}): Promise<MoveDecision> {
    const s = this.searcher!;
    const ss = this.opts.search!;
    // The opponent passed and the board is settled (every empty region bordered by one colour: territories closed,
    // no stone left to capture): answer the pass without searching, as the policy play does; the network has no pass
    // output, and a search would only look for a way to fill its own territory.
    const opponentPassed = this.board.lastMove() === PASS;
    if (opponentPassed && this.regions.settled(this.board)) return { point: PASS, prior: 0, passReason: 'settled' };
    // After the opponent's pass the root may only fill dame, play in contested regions or capture (the useful moves of
    // policy play), and passes once none is left: otherwise a side that is behind searches on inside its own area,
    // where the value head still sees some chance, instead of ending a game that playing on cannot change. Pass is not
    // among them while any is left: its known value (a lost or won count) would starve the unvisited moves of visits
    // under first-play urgency, and filling dame or capturing dead stones changes no area count.
    let rootFilter: MoveFilter | null = null;
    if (opponentPassed) {
      const useful = new Uint8Array(NPOINTS + 1);
      if (this.chooser.markUseful(this.board, useful) === 0) return { point: PASS, prior: 0, passReason: 'settled' };
      rootFilter = { color: this.board.toPlay, moves: useful, allow: true, untilDepth: 1 };
    }
    const reused = s.setRoot(this.board, this.komi);
    const time = this.moveTimeMs(this.board.toPlay);
    const limits: SearchLimits = { ...extra };
    if (rootFilter) limits.filters = [...(limits.filters ?? []), rootFilter];
    if (ss.visits > 0) limits.maxVisits = Math.max(reused, 0) + ss.visits;
    if (time !== null) limits.maxTimeMs = time;
    if (limits.maxVisits === undefined && limits.maxTimeMs === undefined) limits.maxVisits = 400;
    if (ss.earlyStop !== false) limits.stopWhenDecided = true;
    // Reused visits count towards the budget only through the extra visits above: each move gets `visits` new ones.
    const st = await s.run(limits);
    const best = s.bestMove();
    const threshold = ss.resignThreshold ?? 0;
    const resign = threshold > 0 && best.move !== PASS && s.rootVisits >= (ss.resignMinVisits ?? 100) && best.winrate < threshold;
    this.opts.logger?.debug({ ...st, rootVisits: s.rootVisits, winrate: best.winrate, visits: best.visits, move: pointToGtp(best.move) }, 'search');
    return { point: best.move, prior: s.rootPriors()[best.move] ?? 0, passReason: null, resign, winrate: best.winrate, visits: best.visits };
  }

  /** Chooses (and unless `dryRun`, plays) a move for `color`; returns the decision (`resign` set = nothing played). */
  async generate(color: Player, opts: { cleanup?: boolean; dryRun?: boolean; limits?: Partial<SearchLimits> } = {}): Promise<MoveDecision> {
    const saved = this.board.toPlay;
    this.board.toPlay = color;
    try {
      let d: MoveDecision;
      if (this.searching && !opts.cleanup) d = await this.searchMove(opts.limits);
      else {
        const policy = await this.policyFor(this.board);
        d = this.chooser.choose(this.board, policy, { temperature: this.opts.temperature ?? 0, random: this.random, cleanup: opts.cleanup });
      }
      if (d.resign) {
        this.board.toPlay = saved;
        return d;
      }
      this.opts.logger?.debug(
        { move: this.board.moveNumber + 1, color: colorLetter(color), vertex: pointToGtp(d.point), prior: d.prior, passReason: d.passReason },
        'genmove',
      );
      if (!opts.dryRun) {
        this.board.play(d.point, color);
        this.movesPlayed++;
      }
      return d;
    } finally {
      if (opts.dryRun) this.board.toPlay = saved;
    }
  }

  private requireEmpty(): void {
    if (this.board.stoneCount(BLACK) + this.board.stoneCount(WHITE) > 0 || this.board.moveNumber > 0) throw new GtpError('board not empty');
  }

  private handicapCount(raw: string | undefined): number {
    const n = parseGtpInt(raw, 'number of stones', 0);
    if (n < 2 || n > NPOINTS - 1) throw new GtpError('invalid number of stones');
    return n;
  }

  private clear(): void {
    this.board.reset();
    this.movesPlayed = 0;
    this.searcher?.clear();
  }

  // ------------------------------------------------------------------ streaming analysis

  /**
   * kata-analyze's ownership of `view` from its side to move's view: the network's ownership head when the model has
   * one, else Monte-Carlo playouts (seeded by the position, so the same position gives the same map).
   */
  private async ownershipOf(view: Board): Promise<Float32Array> {
    const ev = this.source.evaluator;
    if (ev) {
      const r = await ev.evaluate(view, this.komi);
      if (r.ownership) return r.ownership;
    }
    const rnd = seededUniform((this.opts.seed ?? 1) ^ view.hashLo);
    const black = new MonteCarloOwnership(rnd).estimate(view, this.komi, FINAL_SCORE_PLAYOUTS).ownership;
    return view.toPlay === BLACK ? black : black.map((v) => -v);
  }

  private async analyzeStream(id: number | null, args: string[], ch: StreamChannel, flavour: AnalysisFlavour, genmove: boolean): Promise<string> {
    const a = parseAnalyzeArgs(args);
    const color = a.color ?? this.board.toPlay;
    if (flavour === 'kata' && a.ownership) {
      const view = this.board.clone();
      view.toPlay = color;
      a.ownershipLine = formatOwnership(await this.ownershipOf(view));
    }
    if (this.searcher === null) return this.policyAnalysis(id, a, ch, flavour, genmove, color);
    const search = this.searcher;
    const interval = a.intervalCs > 0 ? Math.max(MIN_INTERVAL_MS, a.intervalCs * 10) : 0;
    let stop = false;
    // Resolves true as soon as the next command (or end of input) arrives: that ends the analysis.
    const next = ch.waitForInput(24 * 3600 * 1000).then((v) => {
      if (v) stop = true;
      return v;
    });
    const emit = (s: Search): void => {
      const line = formatSearchLine(s.analysis({ maxMoves: a.maxMoves, minMoves: a.minMoves }), flavour, a.pvVisits === true);
      if (line !== '') ch.write(line + (a.ownershipLine ? ` ${a.ownershipLine}` : '') + '\n');
    };
    const progress: Partial<SearchLimits> = interval > 0 ? { onProgress: emit, progressMs: interval } : {};
    ch.write(`${responseHead(true, id)}\n`);
    if (genmove) {
      // The `=` head is out already, so a failure here cannot become `?`: end the response without a move.
      try {
        const d = await this.generate(color, { limits: { ...progress, filters: a.filters } });
        emit(search);
        return `play ${d.resign ? 'resign' : pointToGtp(d.point)}\n\n`;
      } catch (err) {
        this.opts.logger?.error({ err }, 'genmove_analyze failed after the response head was sent');
        return '\n';
      }
    }
    // Analysis searches a copy, so the game board keeps its side to move; the tree is reused by the next genmove.
    const view = this.board.clone();
    view.toPlay = color;
    search.setRoot(view, this.komi);
    const cap = this.opts.search?.analysisMaxVisits ?? 50_000;
    try {
      await search.run({ maxVisits: cap, shouldStop: () => stop, filters: a.filters, ...progress });
    } catch (err) {
      this.opts.logger?.error({ err }, 'analysis search failed');
    }
    // At the visit cap the result no longer changes: repeat it each interval until the next command.
    while (!stop) {
      const arrived = await Promise.race([next, new Promise<boolean>((r) => setTimeout(() => r(false), interval > 0 ? interval : 60_000))]);
      if (arrived || stop) break;
      if (interval > 0) emit(search);
    }
    emit(search);
    return '\n';
  }

  // Policy-only analysis (`--policy-only`, or a source without an evaluator): pseudo-visits, neutral winrate.
  private async policyAnalysis(id: number | null, a: AnalyzeArgs, ch: StreamChannel, flavour: AnalysisFlavour, genmove: boolean, color: Player): Promise<string> {
    const view = this.board.clone();
    view.toPlay = color;
    const policy = await this.policyFor(view);
    const body = formatPolicyLine(policy, flavour, a.maxMoves);
    const line = body !== '' && a.ownershipLine ? `${body} ${a.ownershipLine}` : body;
    ch.write(`${responseHead(true, id)}\n`);
    if (genmove) {
      if (line !== '') ch.write(line + '\n');
      try {
        const d = await this.generate(color);
        return `play ${pointToGtp(d.point)}\n\n`;
      } catch (err) {
        this.opts.logger?.error({ err }, 'genmove_analyze failed after the response head was sent');
        return '\n';
      }
    }
    if (line !== '') ch.write(line + '\n');
    const interval = a.intervalCs > 0 ? Math.max(MIN_INTERVAL_MS, a.intervalCs * 10) : 0;
    // The policy of a fixed position does not change: repeat it each interval so GUIs that clear stale
    // analysis keep showing it, until the next command arrives.
    for (;;) {
      const stop = await ch.waitForInput(interval > 0 ? interval : 60_000);
      if (stop) break;
      if (interval > 0 && line !== '') ch.write(line + '\n');
    }
    return '\n';
  }

  // ------------------------------------------------------------------ command table

  private register(): void {
    this.registerProtocol();
    this.registerGame();
    this.registerSetup();
    this.registerScoringAndTime();
    this.registerAnalysis();
  }

  // protocol_version, name, version, known_command, list_commands, quit.
  private registerProtocol(): void {
    const h = this.handlers;
    h.set('protocol_version', (args) => (expectArgs(args, 0, 0, 'no arguments'), success('2')));
    h.set('name', () => success(this.opts.name ?? 'Tengen'));
    h.set('version', () => success(gtpVersion(this.opts.version ?? '0.1.0')));
    h.set('known_command', (args) => (expectArgs(args, 1, 1, 'a command name'), success(this.knows(args[0]!.toLowerCase()) ? 'true' : 'false')));
    h.set('list_commands', () => success(this.commandNames().join('\n')));
    h.set('quit', () => {
      this.quitRequested = true;
      return success();
    });
  }

  // boardsize, clear_board, komi, play, genmove and its variants, undo, showboard.
  private registerGame(): void {
    const h = this.handlers;
    h.set('boardsize', (args) => {
      expectArgs(args, 1, 1, 'a board size');
      const n = parseGtpInt(args[0], 'board size', 0);
      if (n !== 19) return failure('unacceptable size');
      this.clear();
      return success();
    });
    h.set('clear_board', () => (this.clear(), success()));
    h.set('komi', (args) => {
      expectArgs(args, 1, 1, 'a komi value');
      this.komi = parseGtpFloat(args[0], 'komi');
      return success();
    });
    h.set('play', (args) => {
      expectArgs(args, 2, 2, 'a color and a vertex');
      const color = parseGtpColor(args[0]);
      const p = parseGtpVertex(args[1]);
      try {
        this.board.play(p, color);
      } catch (err) {
        if (err instanceof IllegalMoveError) {
          this.opts.logger?.info({ reason: err.reason }, err.message);
          return failure('illegal move');
        }
        throw err;
      }
      this.movesPlayed++;
      return success();
    });
    const genmove = async (args: string[], cleanup: boolean, dryRun: boolean): Promise<GtpResult> => {
      expectArgs(args, 1, 1, 'a color');
      const d = await this.generate(parseGtpColor(args[0]), { cleanup, dryRun });
      return success(d.resign ? 'resign' : pointToGtp(d.point));
    };
    h.set('genmove', (args) => genmove(args, false, false));
    h.set('reg_genmove', (args) => genmove(args, false, true));
    h.set('kgs-genmove_cleanup', (args) => genmove(args, true, false));
    h.set('undo', (args) => {
      expectArgs(args, 0, 0, 'no arguments');
      if (this.movesPlayed === 0) return failure('cannot undo');
      this.board.undo();
      this.movesPlayed--;
      return success();
    });
    h.set('showboard', () => {
      const b = this.board;
      const info = `Black captured ${b.capturesBy(BLACK)}, White captured ${b.capturesBy(WHITE)}, ${b.toPlay === BLACK ? 'Black' : 'White'} to play, move ${b.moveNumber}, komi ${this.komi}`;
      return success(`\n${b.toString()}\n${info}`);
    });
  }

  // fixed_handicap, place_free_handicap, set_free_handicap, loadsgf: setting up a position.
  private registerSetup(): void {
    const h = this.handlers;
    h.set('fixed_handicap', (args) => {
      expectArgs(args, 1, 1, 'a number of stones');
      const n = this.handicapCount(args[0]);
      if (n > 9) return failure('invalid number of stones');
      this.requireEmpty();
      return success(this.board.placeFixedHandicap(n).map(pointToGtp).join(' '));
    });
    h.set('place_free_handicap', async (args) => {
      expectArgs(args, 1, 1, 'a number of stones');
      const n = this.handicapCount(args[0]);
      this.requireEmpty();
      // The fixed points for up to 9 stones; beyond, the policy's favourite black points one at a time.
      const pts = fixedHandicapPoints(Math.min(n, 9));
      for (const p of pts) this.board.setStone(p, BLACK);
      for (let k = pts.length; k < n; k++) {
        this.board.toPlay = BLACK;
        const pol = await this.policyFor(this.board);
        let best = -1;
        for (let p = 0; p < NPOINTS; p++) {
          if (this.board.colorAt(p) !== EMPTY || !this.board.isLegal(p, BLACK) || this.board.libertiesAfterPlay(p, BLACK, 2) < 2) continue;
          if (best < 0 || pol[p]! > pol[best]!) best = p;
        }
        if (best < 0) break;
        this.board.setStone(best, BLACK);
        pts.push(best);
      }
      this.board.toPlay = WHITE;
      return success(pts.map(pointToGtp).join(' '));
    });
    h.set('set_free_handicap', (args) => {
      const pts = args.map(parseGtpVertex);
      if (pts.length < 2 || pts.length > NPOINTS - 1 || pts.includes(PASS) || new Set(pts).size !== pts.length) return failure('bad vertex list');
      this.requireEmpty();
      for (const p of pts) this.board.setStone(p, BLACK);
      this.board.toPlay = WHITE;
      return success();
    });
    h.set('loadsgf', async (args) => {
      expectArgs(args, 1, 2, 'a file name and an optional move number');
      const moveNumber = args.length === 2 ? parseGtpInt(args[1], 'move number', 1) : null;
      let board: Board;
      let komi: number | null;
      let moves: number;
      let later: number;
      try {
        const parsed = await readSgfFile(args[0]!);
        const root = parsed.games[0];
        if (!root) throw new Error(parsed.errors[0]?.message ?? 'no game in file');
        const rec = toGameRecord(root);
        // "loadsgf f n" sets up the position before move n is played.
        moves = moveNumber === null ? rec.moves.length : Math.min(moveNumber - 1, rec.moves.length);
        board = positionFromRecord(rec, moves);
        komi = rec.komi;
        later = rec.laterSetup.filter((s) => s.moveIndex <= moves).length;
      } catch (err) {
        this.opts.logger?.warn({ file: args[0], err: (err as Error).message }, 'loadsgf failed');
        return failure(`cannot load file: ${(err as Error).message}`);
      }
      this.board.copyFrom(board);
      if (komi !== null) this.komi = komi;
      // Later setup nodes sit between moves in the undo history, so GTP undo stops at the load then.
      this.movesPlayed = later === 0 ? moves : 0;
      return success(this.board.toPlay === BLACK ? 'black' : 'white');
    });
  }

  // final_score, final_status_list, and the clock: time_settings, time_left, kgs-time_settings.
  private registerScoringAndTime(): void {
    const h = this.handlers;
    // Scoring: Tromp-Taylor area after removing the stones that random playouts capture (src/search/estimate.ts);
    // seeded, so the same position always gets the same answer.
    const judge = () => finalScore(this.board, this.komi, seededUniform(this.opts.seed ?? 1), FINAL_SCORE_PLAYOUTS);
    h.set('final_score', () => success(judge().text));
    h.set('final_status_list', (args) => {
      expectArgs(args, 1, 1, 'alive, dead or seki');
      const kind = args[0]!.toLowerCase();
      if (kind !== 'alive' && kind !== 'dead' && kind !== 'seki') throw new GtpError(`syntax error: expected alive, dead or seki, got "${args[0]}"`);
      const { statuses } = judge();
      const out: string[] = [];
      for (let p = 0; p < NPOINTS; p++) if (this.board.colorAt(p) !== EMPTY && statuses[p] === kind) out.push(pointToGtp(p));
      return success(out.join(' '));
    });
    h.set('time_settings', (args) => {
      expectArgs(args, 3, 3, 'main time, byo-yomi time and byo-yomi stones');
      const main = parseGtpInt(args[0], 'main time');
      const period = parseGtpInt(args[1], 'byo-yomi time');
      const stones = parseGtpInt(args[2], 'byo-yomi stones');
      this.clock = { ...this.clock, system: period > 0 && stones === 0 ? 'none' : period === 0 ? 'absolute' : 'canadian', mainTime: main, periodTime: period, periodStones: stones };
      return success();
    });
    h.set('time_left', (args) => {
      expectArgs(args, 3, 3, 'a color, a time and a stone count');
      const c = parseGtpColor(args[0]);
      const time = parseGtpFloat(args[1], 'time');
      const stones = parseGtpInt(args[2], 'stones');
      this.clock.left[c] = { time, stones };
      return success();
    });
    h.set('kgs-time_settings', (args) => {
      const sys = (args[0] ?? '').toLowerCase();
      if (sys === 'none') {
        expectArgs(args, 1, 1, 'none');
        this.clock = { ...this.clock, system: 'none', mainTime: 0, periodTime: 0, periodStones: 0 };
      } else if (sys === 'absolute') {
        expectArgs(args, 2, 2, 'absolute and a main time');
        this.clock = { ...this.clock, system: 'absolute', mainTime: parseGtpInt(args[1], 'main time'), periodTime: 0, periodStones: 0 };
      } else if (sys === 'byoyomi' || sys === 'canadian') {
        expectArgs(args, 4, 4, `${sys}, main time, period time and ${sys === 'byoyomi' ? 'periods' : 'stones'}`);
        this.clock = {
          ...this.clock,
          system: sys,
          mainTime: parseGtpInt(args[1], 'main time'),
          periodTime: parseGtpInt(args[2], 'period time'),
          periodStones: parseGtpInt(args[3], sys === 'byoyomi' ? 'periods' : 'stones'),
        };
      } else throw new GtpError(`syntax error: time system must be none, absolute, byoyomi or canadian, got "${args[0] ?? ''}"`);
      return success();
    });
  }

  // The streaming analysis commands (lz-/kata-analyze and their genmove forms).
  private registerAnalysis(): void {
    const s = this.streams;
    s.set('lz-analyze', (id, args, ch) => this.analyzeStream(id, args, ch, 'lz', false));
    s.set('kata-analyze', (id, args, ch) => this.analyzeStream(id, args, ch, 'kata', false));
    s.set('lz-genmove_analyze', (id, args, ch) => this.analyzeStream(id, args, ch, 'lz', true));
    s.set('kata-genmove_analyze', (id, args, ch) => this.analyzeStream(id, args, ch, 'kata', true));
  }
}
