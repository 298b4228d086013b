// KataGo JSON analysis-engine protocol over a policy network (see docs/Analysis_Engine.md in KataGo): queries are
// validated into KataGo's own {error, field, id} answers, every analysed turn becomes one response object. There is
// no search and no value head, so search fields are filled with neutral values (documented in the README).
import type { Board } from '../go/board.js';
import { BLACK, NPOINTS, PASS, type Player } from '../go/constants.js';
import { pointToGtp } from '../go/coords.js';
import { PositionError, legalMask, positionFromMoves, topMoves, type Engine } from '../engine/index.js';

export const KATAGO_PROTOCOL_VERSION = '1.16.0';

export interface KatagoError {
  error: string;
  field?: string;
  id?: string;
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
}

const MOVE_INFOS = 10;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPairList(v: unknown): v is [string, string][] {
  return Array.isArray(v) && v.every((m) => Array.isArray(m) && m.length === 2 && typeof m[0] === 'string' && typeof m[1] === 'string');
}

/** Answers an action query (query_version, clear_cache, terminate) by echoing it as KataGo does; null if not an action. */
export function actionReply(q: Record<string, unknown>): Record<string, unknown> | KatagoError | null {
  if (q.action === undefined) return null;
  const id = typeof q.id === 'string' ? q.id : undefined;
  switch (q.action) {
    case 'query_version':
      return { ...q, version: KATAGO_PROTOCOL_VERSION, git_hash: '<omitted>' };
    case 'clear_cache':
    case 'terminate':
      // Nothing is cached and every analysis finishes within one batch, so there is nothing to clear or stop.
      return { ...q };
    default:
      return { error: `unknown action ${JSON.stringify(q.action)}`, field: 'action', ...(id === undefined ? {} : { id }) };
  }
}

/** Validates a query and replays its moves; returns KataGo's error object for the first bad field. At most `maxTurns` turns. */
export function parseQuery(raw: unknown, maxMoves: number, maxTurns = maxMoves + 1): ParsedQuery | KatagoError {
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
    const built = positionFromMoves({ setup: { black, white }, moves, superko, initialPlayer: start.toPlay === BLACK ? 'B' : 'W' }, maxMoves);
    board = built.board;
    played = built.moves;
  } catch (err) {
    if (err instanceof PositionError) return fail(err.field.startsWith('setup') ? 'initialStones' : err.field.replace(/\[.*$/, ''), err.message);
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
  return { id, board, turns, moves: played, includePolicy: raw.includePolicy === true, komi, start };
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

/** One response object of a turn from its masked policy (pass has no network output and gets prior 0). */
export function turnResponse(q: ParsedQuery, turn: number, view: TurnView, policy: Float32Array): Record<string, unknown> {
  const top = topMoves(policy, MOVE_INFOS);
  const moveInfos = top.map((m, order) => {
    const move = m.point === PASS ? 'pass' : pointToGtp(m.point);
    return {
      move,
      order,
      prior: m.prob,
      visits: 0,
      winrate: 0.5,
      scoreLead: 0,
      scoreMean: 0,
      scoreSelfplay: 0,
      scoreStdev: 0,
      utility: 0,
      lcb: 0.5,
      utilityLcb: 0,
      pv: [move],
    };
  });
  const out: Record<string, unknown> = {
    id: q.id,
    isDuringSearch: false,
    turnNumber: turn,
    moveInfos,
    rootInfo: {
      currentPlayer: view.toPlay === BLACK ? 'B' : 'W',
      visits: 0,
      winrate: 0.5,
      scoreLead: 0,
      scoreSelfplay: 0,
      utility: 0,
      thisHash: view.thisHash,
    },
  };
  if (q.includePolicy && view.legal) {
    const pol = new Array<number>(NPOINTS + 1);
    for (let p = 0; p < NPOINTS; p++) pol[p] = view.legal[p] ? policy[p]! : -1;
    pol[NPOINTS] = 0;
    out.policy = pol;
  }
  return out;
}

/** How analyzeQuery reaches the engine and its client (all optional). */
export interface AnalyzeHooks {
  /** Evaluates one turn's board, reading it before returning (default: engine.policy(board)); the server passes its lane. */
  policy?: (board: Board) => Promise<Float32Array>;
  /** Turns submitted to the engine at once (default 32): enough to fill batches, few enough to leave room for others. */
  window?: number;
  /** Awaited before each window (backpressure from a client that reads slowly); false = the client is gone, stop. */
  ready?: () => boolean | Promise<boolean>;
}

/**
 * Analyses every requested turn, a window of turns at a time so they share forward passes. Calls `emit` exactly once
 * per turn, in the order the turns were asked for: the turn's response, or {error, id, turnNumber} when the engine
 * refused or failed it (e.g. its queue is full). Never rejects; stops early only when `hooks.ready` says the client is gone.
 */
export async function analyzeQuery(engine: Engine, q: ParsedQuery, emit: (obj: Record<string, unknown>) => void, hooks: AnalyzeHooks = {}): Promise<void> {
  const evaluate = hooks.policy ?? ((b: Board) => engine.policy(b));
  const window = Math.max(1, hooks.window ?? 32);
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
    const views: TurnView[] = new Array(w1 - w0);
    const pending: Promise<Float32Array>[] = new Array(w1 - w0);
    for (const i of order) {
      const t = q.turns[i]!;
      while (played < t) {
        const m = q.moves[played]!;
        board.play(m.point, m.color);
        played++;
      }
      views[i - w0] = viewOf(board, q.includePolicy);
      try {
        pending[i - w0] = evaluate(board);
      } catch (err) {
        pending[i - w0] = Promise.reject(err as Error);
      }
      pending[i - w0]!.catch(() => undefined);
    }
    for (let i = w0; i < w1; i++) {
      let obj: Record<string, unknown>;
      try {
        obj = turnResponse(q, q.turns[i]!, views[i - w0]!, await pending[i - w0]!);
      } catch (err) {
        obj = { error: (err as Error).message, id: q.id, turnNumber: q.turns[i]! };
      }
      emit(obj);
    }
  }
}
