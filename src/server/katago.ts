// KataGo JSON analysis-engine protocol (docs/Analysis_Engine.md in KataGo), one implementation for the three
// transports (HTTP NDJSON, WebSocket, `tengen analysis` on stdio): queries are validated into KataGo's own
// {error, field, id} answers and {warning, field, id} lines for fields Tengen ignores; each analysed turn is searched
// by the PUCT search (src/search) up to maxVisits and becomes one final response (isDuringSearch false), preceded
// by partial ones every reportDuringSearchEvery seconds; terminate/terminate_all stop searches early.
// Tengen has no score head: scoreLead is the winrate mapped to points (see scoreFromWinrate), documented as such.
import type { Board } from '../go/board.js';
import { BLACK, NPOINTS, WHITE, colorLetter, type Player } from '../go/constants.js';
import { pointToGtp } from '../go/coords.js';
import { seededUniform } from '../random.js';
import { PositionError, legalMask, parseVertex, positionFromMoves, type Engine } from '../engine/index.js';
import { MonteCarloOwnership } from '../search/estimate.js';
import type { Evaluation, Evaluator } from '../search/evaluator.js';
import { Search, type MoveFilter } from '../search/search.js';

export const KATAGO_PROTOCOL_VERSION = '1.16.0';

export interface KatagoError {
  error: string;
  field?: string;
  id?: string;
}

/** A field Tengen accepted but does not use (KataGo's warning line; the query still runs). */
export interface KatagoWarning {
  warning: string;
  field: string;
  id: string;
}

export interface ParsedQuery {
  id: string;
  board: Board;
  /** Turns to analyse, validated, in the query's order. */
  turns: number[];
  moves: { color: Player; point: number }[];
  includePolicy: boolean;
  komi: number;
  /** The board as it was before any move (turn 0), to replay turns from. */
  start: Board;
  /** Visits per turn asked by the query (null = the transport's default). */
  maxVisits: number | null;
  /** avoidMoves / allowMoves. */
  filters: MoveFilter[];
  includeOwnership: boolean;
  /** Seconds between partial reports while a turn is searched (0 = none). */
  reportEvery: number;
  /** Priority per turn, same order as `turns` (higher first; ties by arrival). */
  priorities: number[];
  /** Perspective of winrates, utilities, scores and ownership (KataGo's reportAnalysisWinratesAs; default BLACK). */
  perspective: 'BLACK' | 'WHITE' | 'SIDETOMOVE';
  /** overrideSettings.maxTime in ms: a turn's search also stops after this long (null = visits only). */
  maxTimeMs: number | null;
  /** includePVVisits: each moveInfo also carries pvVisits. */
  includePVVisits: boolean;
  /** includeMovesOwnership: each moveInfo of a final answer carries the ownership after its move (ownership head). */
  includeMovesOwnership: boolean;
  /** overrideSettings.analysisPVLen: the longest pv reported (KataGo's setting; default PV_LENGTH). */
  pvLength: number;
  /** Warning lines to send before the results. */
  warnings: KatagoWarning[];
}

// Query fields Tengen reads; anything else gets KataGo's unused-field warning.
const KNOWN_FIELDS = new Set([
  'id', 'moves', 'initialStones', 'initialPlayer', 'rules', 'komi', 'boardXSize', 'boardYSize', 'analyzeTurns', 'maxVisits',
  'includePolicy', 'includeOwnership', 'avoidMoves', 'allowMoves', 'reportDuringSearchEvery', 'priority', 'priorities', 'overrideSettings',
  'includePVVisits', 'includeMovesOwnership',
]);
// KataGo fields Tengen knows but cannot honour: accepted with a warning naming them.
const IGNORED_FIELDS: Record<string, string> = {
  rootPolicyTemperature: 'rootPolicyTemperature is not supported by Tengen and was ignored',
  rootFpuReductionMax: 'rootFpuReductionMax is not supported by Tengen and was ignored',
  whiteHandicapBonus: 'whiteHandicapBonus is not supported by Tengen and was ignored (komi is used as given)',
  includeNoResultValue: 'includeNoResultValue is not supported by Tengen and was ignored',
};

const MOVE_INFOS = 10;
/** Longest pv by default (KataGo's analysisPVLen defaults to 15; Tengen's analysis has reported 20 since it began). */
const PV_LENGTH = 20;
/** Longest pv overrideSettings.analysisPVLen may ask for. */
const MAX_PV_LENGTH = 100;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPairList(v: unknown): v is [string, string][] {
  return Array.isArray(v) && v.every((m) => Array.isArray(m) && m.length === 2 && typeof m[0] === 'string' && typeof m[1] === 'string');
}

/**
 * Which queries are running on one transport (a stdio process, a WebSocket connection, the HTTP server) and which
 * of them a terminate / terminate_all asked to stop. A query is tracked from acceptance to its last answer.
 */
export class QueryRegistry {
  private readonly running = new Map<string, { count: number; all: boolean; turns: Set<number> }>();

  /** Starts tracking a query; the handle says whether a turn was terminated and must be released when done. */
  track(id: string): { isTerminated(turn: number): boolean; done(): void } {
    let e = this.running.get(id);
    if (!e) {
      e = { count: 0, all: false, turns: new Set() };
      this.running.set(id, e);
    }
    e.count++;
    const entry = e;
    let released = false;
    return {
      isTerminated: (turn) => entry.all || entry.turns.has(turn),
      done: () => {
        if (released) return;
        released = true;
        if (--entry.count === 0) this.running.delete(id);
      },
    };
  }

  /** Marks the running queries with `id` (all of them when `id` is null), only `turns` of them when given. */
  terminate(id: string | null, turns: number[] | null): void {
    for (const [k, e] of this.running) {
      if (id !== null && k !== id) continue;
      if (turns === null) e.all = true;
      else for (const t of turns) e.turns.add(t);
    }
  }
}

/** query_models' list for the served model (KataGo's fields; Tengen has no human-SL profile and runs FP32). */
export function modelsOf(engine: Engine): Record<string, unknown>[] {
  const m = engine.model;
  return [{ name: m.id, internalName: m.id, maxBatchSize: engine.stats().maxBatch, usesHumanSLProfile: false, version: 0, usingFP16: false }];
}

/** Highest priority among a query's turns (transports that queue whole queries order them by it, ties by arrival). */
export function queryPriority(q: ParsedQuery): number {
  return q.priorities.reduce((a, b) => Math.max(a, b), -Infinity);
}

/** What action queries may need from their transport. */
export interface ActionContext {
  registry?: QueryRegistry;
  /** query_models: the served model(s). */
  models?: () => Record<string, unknown>[];
}

/**
 * Answers an action query by echoing it as KataGo does (query_version adds version and git_hash, query_models adds
 * models); terminate / terminate_all mark the registry's running queries; null if not an action.
 */
export function actionReply(q: Record<string, unknown>, ctx: ActionContext = {}): Record<string, unknown> | KatagoError | null {
  if (q.action === undefined) return null;
  const id = typeof q.id === 'string' ? q.id : undefined;
  const fail = (field: string, error: string): KatagoError => ({ error, field, ...(id === undefined ? {} : { id }) });
  if (id === undefined) return { error: 'field "id" must be a string', field: 'id' };
  const turns = q.turnNumbers;
  if (turns !== undefined && !(Array.isArray(turns) && turns.every((t) => Number.isInteger(t) && t >= 0))) {
    return fail('turnNumbers', 'turnNumbers must be a list of non-negative integers');
  }
  switch (q.action) {
    case 'query_version':
      return { ...q, version: KATAGO_PROTOCOL_VERSION, git_hash: '<omitted>' };
    case 'query_models':
      return { ...q, models: ctx.models?.() ?? [] };
    case 'clear_cache':
      // Tengen keeps no evaluation cache across queries, so there is nothing to clear.
      return { ...q };
    case 'terminate':
      if (typeof q.terminateId !== 'string') return fail('terminateId', 'terminate needs a string terminateId');
      ctx.registry?.terminate(q.terminateId, (turns as number[] | undefined) ?? null);
      return { ...q };
    case 'terminate_all':
      ctx.registry?.terminate(null, (turns as number[] | undefined) ?? null);
      return { ...q };
    default:
      return fail('action', `unknown action ${JSON.stringify(q.action)}`);
  }
}

function parseMoveFilters(raw: unknown, field: 'avoidMoves' | 'allowMoves', fail: (f: string, e: string) => KatagoError): MoveFilter[] | KatagoError {
  if (!Array.isArray(raw)) return fail(field, `${field} must be a list of {player, moves, untilDepth} objects`);
  if (field === 'allowMoves' && raw.length > 1) return fail(field, 'allowMoves may hold at most one entry');
  const out: MoveFilter[] = [];
  for (let i = 0; i < raw.length; i++) {
    const d = raw[i] as Record<string, unknown>;
    if (!isObject(d)) return fail(field, `${field}[${i}] must be an object`);
    const pl = typeof d.player === 'string' ? d.player.toUpperCase() : '';
    if (pl !== 'B' && pl !== 'W') return fail(field, `${field}[${i}].player must be "B" or "W"`);
    if (!Array.isArray(d.moves) || !d.moves.every((m) => typeof m === 'string')) return fail(field, `${field}[${i}].moves must be a list of locations`);
    if (!Number.isInteger(d.untilDepth) || (d.untilDepth as number) < 1) return fail(field, `${field}[${i}].untilDepth must be a positive integer`);
    const moves = new Uint8Array(NPOINTS + 1);
    for (const m of d.moves as string[]) {
      try {
        moves[parseVertex(m, `${field}[${i}].moves`)] = 1;
      } catch (err) {
        return fail(field, (err as Error).message);
      }
    }
    out.push({ color: pl === 'B' ? BLACK : WHITE, moves, allow: field === 'allowMoves', untilDepth: d.untilDepth as number });
  }
  return out;
}

/** What of the served model a query's fields depend on. */
export interface QueryModel {
  id: string;
  hasOwnership: boolean;
}

/**
 * Validates a query and replays its moves; returns KataGo's error object for the first bad field. At most `maxTurns`
 * turns. With `model`, fields that model cannot answer (includeMovesOwnership without an ownership head) are turned
 * off with a warning.
 */
export function parseQuery(raw: unknown, maxMoves: number, maxTurns = maxMoves + 1, model?: QueryModel): ParsedQuery | KatagoError {
  if (!isObject(raw)) return { error: 'query must be a JSON object' };
  const id = raw.id;
  if (typeof id !== 'string') return { error: 'field "id" must be a string', field: 'id' };
  const fail = (field: string, error: string): KatagoError => ({ error, field, id });
  for (const f of ['boardXSize', 'boardYSize'] as const) {
    if (raw[f] !== undefined && raw[f] !== 19) return fail(f, `board size ${JSON.stringify(raw[f])} is not supported: this engine plays 19×19 only`);
  }
  const moves = raw.moves ?? [];
  if (!isPairList(moves)) return fail('moves', 'moves must be a list of ["B"|"W", location] pairs');
  if (moves.length > maxMoves) return fail('moves', `${moves.length} moves, at most ${maxMoves} are accepted`);
  const stones = raw.initialStones ?? [];
  if (!isPairList(stones)) return fail('initialStones', 'initialStones must be a list of ["B"|"W", location] pairs');
  let komi = 7.5;
  if (raw.komi !== undefined) {
    if (typeof raw.komi !== 'number' || !Number.isFinite(raw.komi) || Math.abs(raw.komi) > 150 || !Number.isInteger(raw.komi * 2)) {
      return fail('komi', 'komi must be an integer or half-integer in [-150, 150]');
    }
    komi = raw.komi;
  }
  if (raw.includePolicy !== undefined && typeof raw.includePolicy !== 'boolean') return fail('includePolicy', 'includePolicy must be a boolean');
  if (raw.maxVisits !== undefined && (typeof raw.maxVisits !== 'number' || !Number.isInteger(raw.maxVisits) || raw.maxVisits < 1)) {
    return fail('maxVisits', 'maxVisits must be a positive integer');
  }
  if (raw.includeOwnership !== undefined && typeof raw.includeOwnership !== 'boolean') return fail('includeOwnership', 'includeOwnership must be a boolean');
  if (raw.includePVVisits !== undefined && typeof raw.includePVVisits !== 'boolean') return fail('includePVVisits', 'includePVVisits must be a boolean');
  if (raw.includeMovesOwnership !== undefined && typeof raw.includeMovesOwnership !== 'boolean') return fail('includeMovesOwnership', 'includeMovesOwnership must be a boolean');
  let reportEvery = 0;
  if (raw.reportDuringSearchEvery !== undefined) {
    if (typeof raw.reportDuringSearchEvery !== 'number' || !(raw.reportDuringSearchEvery > 0) || !Number.isFinite(raw.reportDuringSearchEvery)) {
      return fail('reportDuringSearchEvery', 'reportDuringSearchEvery must be a positive number of seconds');
    }
    reportEvery = Math.max(0.05, raw.reportDuringSearchEvery);
  }
  if (raw.priority !== undefined && (typeof raw.priority !== 'number' || !Number.isInteger(raw.priority))) return fail('priority', 'priority must be an integer');
  const filters: MoveFilter[] = [];
  for (const f of ['avoidMoves', 'allowMoves'] as const) {
    if (raw[f] === undefined) continue;
    const parsed = parseMoveFilters(raw[f], f, fail);
    if (!Array.isArray(parsed)) return parsed;
    filters.push(...parsed);
  }
  const warnings: KatagoWarning[] = [];
  let perspective: ParsedQuery['perspective'] = 'BLACK';
  let maxTimeMs: number | null = null;
  let pvLength = PV_LENGTH;
  if (raw.overrideSettings !== undefined) {
    if (!isObject(raw.overrideSettings)) return fail('overrideSettings', 'overrideSettings must be an object');
    for (const [k, v] of Object.entries(raw.overrideSettings)) {
      if (k === 'reportAnalysisWinratesAs' && typeof v === 'string' && /^(black|white|sidetomove)$/i.test(v)) perspective = v.toUpperCase() as ParsedQuery['perspective'];
      else if (k === 'maxTime' && typeof v === 'number' && v > 0 && Number.isFinite(v)) maxTimeMs = v * 1000;
      else if (k === 'analysisPVLen' && typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_PV_LENGTH) pvLength = v;
      else warnings.push({ warning: `overrideSettings.${k} is not supported by Tengen and was ignored`, field: 'overrideSettings', id });
    }
  }
  for (const k of Object.keys(raw)) {
    if (KNOWN_FIELDS.has(k)) continue;
    warnings.push({ warning: IGNORED_FIELDS[k] ?? 'Unexpected or unused field, do you have a typo?', field: k, id });
  }
  let includeMovesOwnership = raw.includeMovesOwnership === true;
  if (includeMovesOwnership && model && !model.hasOwnership) {
    warnings.push({ warning: `includeMovesOwnership needs a model with an ownership head; ${model.id} has none, so it was ignored`, field: 'includeMovesOwnership', id });
    includeMovesOwnership = false;
  }
  const rules = typeof raw.rules === 'string' ? raw.rules.toLowerCase() : isObject(raw.rules) ? String(raw.rules.ko ?? '').toLowerCase() : '';
  if (raw.rules !== undefined && typeof raw.rules !== 'string' && !isObject(raw.rules)) return fail('rules', 'rules must be a string or an object');
  // Japanese/Korean rules (and ko "SIMPLE") only forbid the immediate recapture; all others use positional superko.
  const superko = !/japanese|korean|simple/.test(rules);
  const black: string[] = [];
  const white: string[] = [];
  for (let i = 0; i < stones.length; i++) {
    const [c, v] = stones[i]!;
    const cl = c.toUpperCase();
    if (cl !== 'B' && cl !== 'W') return fail('initialStones', `initialStones[${i}]: player must be "B" or "W", got ${JSON.stringify(c)}`);
    (cl === 'B' ? black : white).push(v);
  }
  let start: Board;
  let board: Board;
  let played: { color: Player; point: number }[];
  try {
    const initialPlayer = raw.initialPlayer === undefined ? undefined : String(raw.initialPlayer);
    if (initialPlayer !== undefined && !/^[bw]$/i.test(initialPlayer)) return fail('initialPlayer', 'initialPlayer must be "B" or "W"');
    start = positionFromMoves({ setup: { black, white }, superko, ...(initialPlayer === undefined ? {} : { initialPlayer }) }).board;
    if (initialPlayer === undefined && moves.length > 0) start.toPlay = moves[0]![0].toUpperCase() === 'W' ? 2 : BLACK;
    const built = positionFromMoves({ setup: { black, white }, moves, superko, initialPlayer: colorLetter(start.toPlay) }, maxMoves);
    board = built.board;
    played = built.moves;
  } catch (err) {
    if (err instanceof PositionError) {
      // KataGo's wording for a move that cannot be played: "Illegal move N: X", N the 0-based index in `moves`.
      if (err.field.startsWith('moves[') && err.reason !== null && err.moveNumber !== null && err.vertex !== null) {
        return fail('moves', `Illegal move ${err.moveNumber - 1}: ${err.vertex.toUpperCase()}`);
      }
      return fail(err.field.startsWith('setup') ? 'initialStones' : err.field.replace(/\[.*$/, ''), err.message);
    }
    throw err;
  }
  let turns: number[] = [moves.length];
  if (raw.analyzeTurns !== undefined) {
    const t = raw.analyzeTurns;
    if (!Array.isArray(t) || !t.every((n) => Number.isInteger(n) && n >= 0 && n <= moves.length)) {
      return fail('analyzeTurns', `analyzeTurns must be a list of integers in 0..${moves.length}`);
    }
    if (t.length > maxTurns) return fail('analyzeTurns', `${t.length} turns asked, at most ${maxTurns} per query`);
    turns = t as number[];
  }
  let priorities = turns.map(() => (raw.priority as number | undefined) ?? 0);
  if (raw.priorities !== undefined) {
    const p = raw.priorities;
    if (!Array.isArray(p) || p.length !== turns.length || !p.every((n) => Number.isInteger(n))) {
      return fail('priorities', `priorities must be a list of ${turns.length} integers, one per analysed turn`);
    }
    priorities = p as number[];
  }
  return {
    id,
    board,
    turns,
    moves: played,
    includePolicy: raw.includePolicy === true,
    komi,
    start,
    maxVisits: (raw.maxVisits as number | undefined) ?? null,
    filters,
    includeOwnership: raw.includeOwnership === true,
    includePVVisits: raw.includePVVisits === true,
    includeMovesOwnership,
    pvLength,
    reportEvery,
    priorities,
    perspective,
    maxTimeMs,
    warnings,
  };
}

function hashHex(board: Board): string {
  const h = (n: number): string => (n >>> 0).toString(16).toUpperCase().padStart(8, '0');
  return h(board.hashHi) + h(board.hashLo);
}

/** What a turn's response needs from its board, captured before the board moves on. */
export interface TurnView {
  toPlay: Player;
  thisHash: string;
  /** Legal mask (1 = legal), only when the policy is reported. */
  legal: Uint8Array | null;
}

/** Captures the response-relevant facts of `board` (legal mask only if `withLegal`). */
export function viewOf(board: Board, withLegal: boolean): TurnView {
  return { toPlay: board.toPlay, thisHash: hashHex(board), legal: withLegal ? legalMaskOf(board) : null };
}

function legalMaskOf(board: Board): Uint8Array {
  const m = new Uint8Array(NPOINTS);
  legalMask(board, m);
  return m;
}

/** Points of lead for a winrate (Tengen has no score head): the logistic the fallback value uses, inverted, ±150 at most. */
export function scoreFromWinrate(w: number): number {
  const p = Math.min(1 - 1e-6, Math.max(1e-6, w));
  return Math.max(-150, Math.min(150, 8 * Math.log(p / (1 - p))));
}

/** Extras of a turn's response computed outside the search (policy and ownership). */
export interface TurnExtras {
  /** The network's policy of the turn's position (the search's first evaluation). */
  policy: Float32Array | null;
  /** Ownership in [-1, 1], Black positive (Monte-Carlo playouts). */
  ownership: Float32Array | null;
  /** includeMovesOwnership: the ownership after each listed move, Black positive (the network's ownership head). */
  movesOwnership?: Map<number, Float32Array>;
}

/**
 * One response object of a turn from its search: moveInfos of every visited move (at least the 10 most probable,
 * unvisited ones with visits 0 and the root's winrate), rootInfo, and policy / ownership when asked. Values are
 * from `q.perspective` (KataGo's reportAnalysisWinratesAs, default BLACK).
 */
export function turnResponse(q: ParsedQuery, turn: number, view: TurnView, search: Search, extras: TurnExtras, during: boolean): Record<string, unknown> {
  const flip = q.perspective === 'WHITE' ? view.toPlay === BLACK : q.perspective === 'BLACK' ? view.toPlay === WHITE : false;
  const wr = (w: number): number => (flip ? 1 - w : w);
  // Ownership is kept in Black's view; the answer's perspective turns it (SIDETOMOVE: the turn's side to move).
  const ownSign = q.perspective === 'WHITE' || (q.perspective === 'SIDETOMOVE' && view.toPlay === WHITE) ? -1 : 1;
  const moveInfos = search.analysis({ minMoves: MOVE_INFOS, pvLength: q.pvLength }).map((m) => {
    const own = extras.movesOwnership?.get(m.move);
    const w = wr(m.winrate);
    const lcb = flip ? 1 - m.lcb : m.lcb;
    const score = scoreFromWinrate(w);
    return {
      move: pointToGtp(m.move),
      order: m.order,
      prior: m.prior,
      visits: m.visits,
      winrate: w,
      lcb,
      utility: 2 * w - 1,
      utilityLcb: 2 * lcb - 1,
      scoreLead: score,
      scoreMean: score,
      pv: m.pv.map(pointToGtp),
      ...(q.includePVVisits ? { pvVisits: m.pvVisits } : {}),
      ...(own ? { ownership: Array.from(own, (v) => ownSign * v) } : {}),
    };
  });
  const rootW = wr(search.rootWinrate);
  const out: Record<string, unknown> = {
    id: q.id,
    isDuringSearch: during,
    turnNumber: turn,
    moveInfos,
    rootInfo: {
      currentPlayer: colorLetter(view.toPlay),
      visits: search.rootVisits,
      winrate: rootW,
      scoreLead: scoreFromWinrate(rootW),
      utility: 2 * rootW - 1,
      thisHash: view.thisHash,
      // The network's own verdict on the position, before any search (null for a policy-only model).
      rawWinrate: search.rootValue === null || !search.evaluator.hasValue ? null : wr(search.rootValue),
    },
  };
  if (q.includePolicy && view.legal && extras.policy) {
    const pol = new Array<number>(NPOINTS + 1);
    for (let p = 0; p < NPOINTS; p++) pol[p] = view.legal[p] ? extras.policy[p]! : -1;
    pol[NPOINTS] = 0; // the network has no pass output
    out.policy = pol;
  }
  if (q.includeOwnership && extras.ownership) out.ownership = Array.from(extras.ownership, (v) => ownSign * v);
  return out;
}

/** How analyzeQuery reaches the engine and its client (all optional). */
export interface AnalyzeHooks {
  /** Evaluates one turn's board, reading it before returning (default: engine.policy(board)); the server passes its lane. */
  policy?: (board: Board) => Promise<Float32Array>;
  /** Policy + value for the search (default: the engine's evaluate in `lane` with a value head, else `policy`). */
  evaluator?: Evaluator;
  /** The client's lane in the engine's round-robin batcher (as `policy` uses it). */
  lane?: object;
  /** Turns searched at once (default 8): their rounds share forward passes. */
  window?: number;
  /** Awaited before each window (backpressure from a client that reads slowly); false = the client is gone, stop. */
  ready?: () => boolean | Promise<boolean>;
  /** Visits per turn when the query gives no maxVisits (default 1: the network's evaluation of the turn alone). */
  defaultMaxVisits?: number;
  /** Upper bound on maxVisits (default 100,000); larger asks are clipped with a warning. */
  maxVisitsLimit?: number;
  /** Terminations of this query (from a QueryRegistry); a terminated turn stops and reports what it has. */
  isTerminated?: (turn: number) => boolean;
  /** Random playouts behind includeOwnership (default 64). */
  ownershipPlayouts?: number;
  /** Bounds the turns searching at once across all the queries that share it (the server's clients). */
  gate?: TurnGate;
}

/**
 * A FIFO semaphore on turns searching at once. Each searching turn holds two boards and a tree (~120 KB) while it
 * waits for the engine: without a bound, 300 WebSocket clients × 3 turns held 230 MB of array buffers at the peak
 * and left RSS 20-25% above its warm level (bench/server.bench.ts --abuse ws). A waiting turn holds nothing but its
 * place in line; each query takes its turns in order, so a client's backlog waits behind its own window only.
 */
export class TurnGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private head = 0;

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new Error(`TurnGate: max must be a positive integer, got ${max}`);
  }

  /** Resolves once this caller may start a turn; release() exactly once afterwards. */
  acquire(): Promise<void> {
    if (this.active < this.max) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    if (this.head < this.waiting.length) {
      const next = this.waiting[this.head]!;
      this.waiting[this.head++] = undefined as never;
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting.splice(0, this.head);
        this.head = 0;
      }
      next(); // the permit passes straight to the next in line
    } else {
      this.active--;
    }
  }

  /** Turns searching now, and turns waiting for a permit. */
  get stats(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length - this.head };
  }
}

/**
 * Analyses every requested turn, a window of turns at a time so their searches share forward passes. Sends the
 * query's warnings first, then for each turn partial responses (isDuringSearch true, every reportDuringSearchEvery
 * seconds) and exactly one final response, final ones in the order the turns were asked for: the turn's analysis,
 * {id, turnNumber, isDuringSearch: false, noResults: true} when terminated before any visit, or
 * {error, id, turnNumber} when the engine refused or failed it. Never rejects; stops early only when
 * `hooks.ready` says the client is gone.
 */
export async function analyzeQuery(engine: Engine, q: ParsedQuery, emit: (obj: Record<string, unknown>) => void, hooks: AnalyzeHooks = {}): Promise<void> {
  const policyFn = hooks.policy ?? ((b: Board) => engine.policy(b));
  const base: Evaluator =
    hooks.evaluator ??
    (engine.hasValue
      ? { hasValue: true, evaluate: (b: Board, komi: number) => engine.evaluate(b, { komi, ...(hooks.lane ? { lane: hooks.lane } : {}) }) }
      : { hasValue: false, evaluate: (b: Board) => policyFn(b).then((policy) => ({ policy, value: null })) });
  const limit = hooks.maxVisitsLimit ?? 100_000;
  let maxVisits = q.maxVisits ?? hooks.defaultMaxVisits ?? 1;
  for (const w of q.warnings) emit({ ...w });
  // parseQuery warns about this when it is given the model; a query parsed without it loses the field quietly.
  if (q.includeMovesOwnership && !engine.hasOwnership) q = { ...q, includeMovesOwnership: false };
  if (maxVisits > limit) {
    emit({ warning: `maxVisits ${maxVisits} is above this server's limit and was lowered to ${limit}`, field: 'maxVisits', id: q.id });
    maxVisits = limit;
  }
  const window = Math.max(1, hooks.window ?? 8);
  let board = q.start.clone();
  let played = 0;
  for (let w0 = 0; w0 < q.turns.length; w0 += window) {
    if (hooks.ready && !(await hooks.ready())) return;
    const w1 = Math.min(q.turns.length, w0 + window);
    // Replay forward in turn order within the window (from the start again if it asks for an earlier turn).
    const order = [];
    for (let i = w0; i < w1; i++) order.push(i);
    order.sort((a, b) => q.turns[a]! - q.turns[b]!);
    if (played > q.turns[order[0]!]!) {
      board = q.start.clone();
      played = 0;
    }
    const pending: Promise<Record<string, unknown>>[] = new Array(w1 - w0);
    for (const i of order) {
      const t = q.turns[i]!;
      while (played < t) {
        const m = q.moves[played]!;
        board.play(m.point, m.color);
        played++;
      }
      // The gate is awaited with the board at this turn; searchTurn copies it before its first await.
      if (hooks.gate) await hooks.gate.acquire();
      const turn = searchTurn(q, t, board, base, maxVisits, emit, hooks).catch((err: unknown) => ({ error: (err as Error).message, id: q.id, turnNumber: t }));
      if (hooks.gate) {
        const gate = hooks.gate;
        void turn.then(() => gate.release());
      }
      pending[i - w0] = turn;
    }
    for (let i = w0; i < w1; i++) emit(await pending[i - w0]!);
  }
}

// Searches one turn (the board is copied before the first await) and builds its final response.
async function searchTurn(
  q: ParsedQuery,
  turn: number,
  board: Board,
  base: Evaluator,
  maxVisits: number,
  emit: (obj: Record<string, unknown>) => void,
  hooks: AnalyzeHooks,
): Promise<Record<string, unknown>> {
  const view = viewOf(board, q.includePolicy);
  const extras: TurnExtras = { policy: null, ownership: null };
  const rootToPlay = board.toPlay;
  // The caller may change `board` once this function awaits: the playout estimate below works on a copy.
  const rootCopy = q.includeOwnership || q.includeMovesOwnership ? board.clone() : null;
  // The first evaluation of a fresh search is its root: keep its policy for includePolicy, and the network's
  // ownership (Black's view, as extras holds it) for includeOwnership when the model has an ownership head.
  const evaluator: Evaluator = {
    hasValue: base.hasValue,
    evaluate: (b, komi) => {
      const p = base.evaluate(b, komi);
      if (extras.policy === null) {
        extras.policy = new Float32Array(0);
        void p.then(
          (r: Evaluation) => {
            extras.policy = r.policy;
            if (q.includeOwnership && r.ownership) extras.ownership = rootToPlay === WHITE ? r.ownership.map((v) => -v) : r.ownership;
          },
          () => undefined,
        );
      }
      return p;
    },
  };
  const search = new Search(evaluator, { batchSize: Math.min(16, Math.max(1, maxVisits - 1)) });
  search.setRoot(board, q.komi);
  const terminated = (): boolean => hooks.isTerminated?.(turn) === true;
  if (terminated()) return { id: q.id, isDuringSearch: false, noResults: true, turnNumber: turn };
  await search.run({
    maxVisits,
    ...(q.maxTimeMs === null ? {} : { maxTimeMs: q.maxTimeMs }),
    shouldStop: terminated,
    filters: q.filters,
    ...(q.reportEvery > 0 ? { progressMs: q.reportEvery * 1000, onProgress: (s: Search) => emit(turnResponse(q, turn, view, s, extras, true)) } : {}),
  });
  if (search.rootVisits === 0) return { id: q.id, isDuringSearch: false, noResults: true, turnNumber: turn };
  if (q.includeOwnership && extras.ownership === null) {
    // No ownership head: random playouts from the root (seeded by the position, so a query repeats).
    extras.ownership = new MonteCarloOwnership(seededUniform(0x5eed ^ rootCopy!.hashLo)).estimate(rootCopy!, q.komi, hooks.ownershipPlayouts ?? 64).ownership;
  }
  if (q.includeMovesOwnership) extras.movesOwnership = await movesOwnership(search, rootCopy!, q, base);
  return turnResponse(q, turn, view, search, extras, false);
}

// The network's ownership after each move the answer lists (one batched evaluation of their child positions), Black's
// view; moves whose evaluation carries no ownership are left out.
async function movesOwnership(search: Search, root: Board, q: ParsedQuery, ev: Evaluator): Promise<Map<number, Float32Array>> {
  const moves = search.analysis({ minMoves: MOVE_INFOS, pvLength: 1 }).map((m) => m.move);
  const toPlay = root.toPlay;
  const results = await Promise.all(
    moves.map((mv) => {
      const child = root.clone();
      child.play(mv, toPlay);
      return ev.evaluate(child, q.komi).then((r) => ({ mv, own: r.ownership, childToPlay: child.toPlay }));
    }),
  );
  const out = new Map<number, Float32Array>();
  for (const { mv, own, childToPlay } of results) if (own) out.set(mv, childToPlay === WHITE ? own.map((v) => -v) : own);
  return out;
}
