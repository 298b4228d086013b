// Positions for the engine: a Board built from a game record (SGF) or from a plain move list, with every
// error naming the move number, colour and vertex at fault, so HTTP and GTP can report them as they are.
import { Board, IllegalMoveError } from '../go/board.js';
import { BLACK, EMPTY, PASS, WHITE, colorLetter, type Player } from '../go/constants.js';
import { gtpToPoint, plainGtpToPoint, pointToGtp, sgfToPoint } from '../go/coords.js';
import { parseSgf, toGameRecord, type GameRecord } from '../sgf/index.js';

/**
 * A position that cannot be built. `field` names the request field at fault (e.g. "moves", "setup.black",
 * "toPlay", "moveNumber"), `moveNumber` the 1-based move (null when not about a move), `vertex` the GTP vertex.
 */
export class PositionError extends Error {
  override readonly name = 'PositionError';
  constructor(
    message: string,
    readonly field: string,
    readonly moveNumber: number | null = null,
    readonly vertex: string | null = null,
    readonly reason: string | null = null,
  ) {
    super(message);
  }
}

/** A move as given by a client: a vertex (colours alternate) or an explicit [colour, vertex] pair. */
export type MoveInput = string | readonly [string, string];

export interface MovesSpec {
  /** Vertices `Q16`, SGF points `pd`, or `pass`; or [colour, vertex] pairs (KataGo style). */
  moves?: readonly MoveInput[];
  /** Setup stones placed before the first move. */
  setup?: { black?: readonly string[]; white?: readonly string[] };
  /** Colour of the first move when moves carry no colour (default: Black, or White after black-only setup). */
  initialPlayer?: string;
  /** Side to move after the moves (default: the opponent of the last mover). */
  toPlay?: string;
  komi?: number;
  /** Enforce positional superko (default true); simple ko is always enforced. */
  superko?: boolean;
}

export interface BuiltPosition {
  board: Board;
  komi: number | null;
  /** The moves played, as points (PASS = 361), with their colours. */
  moves: { color: Player; point: number }[];
}

/** Parses "B"/"W"/"black"/"white" (any case) or throws naming `field`. */
export function parseColor(raw: unknown, field: string): Player {
  if (typeof raw === 'string') {
    const s = raw.trim().toLowerCase();
    if (s === 'b' || s === 'black') return BLACK;
    if (s === 'w' || s === 'white') return WHITE;
  }
  throw new PositionError(`${field}: expected "B" or "W", got ${JSON.stringify(raw)}`, field);
}

/** Parses a GTP vertex (`Q16`), an SGF point (`pd`, `tt`) or `pass` into a point; throws naming `field`. */
export function parseVertex(raw: unknown, field: string, moveNumber: number | null = null): number {
  if (typeof raw !== 'string') throw new PositionError(`${field}: expected a vertex string, got ${JSON.stringify(raw)}`, field, moveNumber);
  const s = raw.trim();
  try {
    if (s.toLowerCase() === 'pass' || s === '') return PASS;
    // GTP vertices carry digits, SGF points are two letters: the two forms never collide.
    return /\d/.test(s) ? gtpToPoint(s) : sgfToPoint(s.toLowerCase());
  } catch (err) {
    throw new PositionError(`${field}: ${(err as Error).message}`, field, moveNumber, s);
  }
}

// `field`: the request field at fault, or the index of the move in `moves` (its name is built only for an error).
function playOrThrow(board: Board, point: number, color: Player, moveNumber: number, field: string | number): void {
  try {
    board.play(point, color);
  } catch (err) {
    if (err instanceof IllegalMoveError) {
      const reason = err.reason === 'occupied' ? 'point is occupied' : err.message.replace(/^.*?\): /, '');
      throw new PositionError(
        `move ${moveNumber} (${colorLetter(color)} ${pointToGtp(point)}): ${reason}`,
        typeof field === 'number' ? `moves[${field}]` : field,
        moveNumber,
        pointToGtp(point),
        err.reason,
      );
    }
    throw err;
  }
}

function placeSetup(board: Board, points: readonly number[], color: 0 | 1 | 2, field: string): void {
  for (const p of points) {
    if (p === PASS) throw new PositionError(`${field}: a setup stone cannot be "pass"`, field);
    try {
      board.setStone(p, color);
    } catch (err) {
      throw new PositionError(`${field}: ${(err as Error).message}`, field, null, pointToGtp(p));
    }
  }
}

/**
 * Boards kept for reuse between requests: allocating a Board costs more than replaying a 90-move game onto an
 * emptied one (about 50 µs of 85 µs per request, bench: replay with and without reuse). `take()` gives a board whose
 * contents are the caller's to overwrite (positionFromMoves empties it); `give()` returns it once nothing reads it.
 */
export class BoardPool {
  private readonly free: Board[] = [];
  /** `max`: most boards kept (the rest are left to the garbage collector). */
  constructor(private readonly max = 64) {}

  take(): Board {
    return this.free.pop() ?? new Board();
  }

  give(board: Board): void {
    if (this.free.length < this.max && !this.free.includes(board)) this.free.push(board);
  }

  /** Boards waiting for reuse. */
  get size(): number {
    return this.free.length;
  }
}

/** Builds a position from a move list with optional setup, komi and side to move; throws PositionError naming the move. */
export function positionFromMoves(spec: MovesSpec, maxMoves = 1000, reuse?: Board): BuiltPosition {
  // `reuse`: a board to empty and build on instead of allocating one (a server's pool; see BoardPool).
  const board = reuse ?? new Board();
  if (reuse) board.reset();
  board.superko = spec.superko !== false;
  const setupBlack = (spec.setup?.black ?? []).map((v, i) => parseVertex(v, `setup.black[${i}]`));
  const setupWhite = (spec.setup?.white ?? []).map((v, i) => parseVertex(v, `setup.white[${i}]`));
  // A point given twice (in both colours, or twice in one) is a contradiction, not "the last one wins".
  const seen = new Set<number>();
  for (const [list, name] of [[setupBlack, 'setup.black'], [setupWhite, 'setup.white']] as const) {
    list.forEach((p, i) => {
      if (p !== PASS && seen.has(p)) throw new PositionError(`${name}[${i}]: ${pointToGtp(p)} is already a setup stone`, `${name}[${i}]`, null, pointToGtp(p));
      seen.add(p);
    });
  }
  placeSetup(board, setupBlack, BLACK, 'setup.black');
  placeSetup(board, setupWhite, WHITE, 'setup.white');
  const list = spec.moves ?? [];
  if (list.length > maxMoves) throw new PositionError(`moves: ${list.length} moves, at most ${maxMoves} are accepted`, 'moves');
  let color: Player =
    spec.initialPlayer !== undefined
      ? parseColor(spec.initialPlayer, 'initialPlayer')
      : setupBlack.length > 0 && setupWhite.length === 0 && list.length > 0 && typeof list[0] === 'string'
        ? WHITE
        : BLACK;
  board.toPlay = color;
  const moves: BuiltPosition['moves'] = [];
  for (let i = 0; i < list.length; i++) {
    const m = list[i]!;
    // The common case, a plain GTP vertex, parses without allocating (the field name is built only for an error).
    let point = typeof m === 'string' ? plainGtpToPoint(m) : -1;
    if (point < 0) {
      const field = `moves[${i}]`;
      if (typeof m === 'string') {
        point = parseVertex(m, field, i + 1);
      } else if (Array.isArray(m) && m.length === 2) {
        color = parseColor(m[0], `${field}[0]`);
        point = parseVertex(m[1], `${field}[1]`, i + 1);
      } else {
        throw new PositionError(`${field}: expected a vertex or a [colour, vertex] pair, got ${JSON.stringify(m)}`, field, i + 1);
      }
    }
    playOrThrow(board, point, color, i + 1, i);
    moves.push({ color, point });
    color = board.toPlay;
  }
  if (spec.toPlay !== undefined) board.toPlay = parseColor(spec.toPlay, 'toPlay');
  const komi = spec.komi === undefined ? null : spec.komi;
  if (komi !== null && !Number.isFinite(komi)) throw new PositionError(`komi: expected a finite number, got ${String(komi)}`, 'komi');
  return { board, komi, moves };
}

/** Side to move at the start of a record: PL, else the first mover, else White after black-only setup, else Black. */
export function recordFirstPlayer(rec: GameRecord): Player {
  if (rec.initialPlayer !== null) return rec.initialPlayer;
  if (rec.moves.length > 0) return rec.moves[0]!.color;
  return rec.setup.black.length > 0 && rec.setup.white.length === 0 ? WHITE : BLACK;
}

/**
 * Replays a record onto a fresh board up to `moveNumber` moves (default: all; 0 = the starting position),
 * applying later setup at its place. Side to move is the colour of the next recorded move when there is one.
 * Throws PositionError naming the move that cannot be played.
 */
export function positionFromRecord(rec: GameRecord, moveNumber: number = rec.moves.length): Board {
  if (!Number.isInteger(moveNumber) || moveNumber < 0 || moveNumber > rec.moves.length) {
    throw new PositionError(`moveNumber: ${moveNumber} is outside 0..${rec.moves.length} (the game has ${rec.moves.length} moves)`, 'moveNumber');
  }
  const board = new Board();
  // AB, AW, then AE, as the dataset build does (data/filters.ts): the record merges the setup of every node before
  // the first move, so an AE in a later node must clear what an earlier AB placed. (Within one node FF[4] forbids a
  // point in two of them, so the order only matters across nodes.)
  placeSetup(board, rec.setup.black, BLACK, 'sgf (AB)');
  placeSetup(board, rec.setup.white, WHITE, 'sgf (AW)');
  placeSetup(board, rec.setup.empty, EMPTY, 'sgf (AE)');
  board.toPlay = recordFirstPlayer(rec);
  let later = 0;
  for (let i = 0; i < moveNumber; i++) {
    later = applyLaterSetup(board, rec, i, later);
    const m = rec.moves[i]!;
    playOrThrow(board, m.point, m.color, i + 1, 'sgf');
  }
  later = applyLaterSetup(board, rec, moveNumber, later);
  if (moveNumber < rec.moves.length) board.toPlay = rec.moves[moveNumber]!.color;
  return board;
}

function applyLaterSetup(board: Board, rec: GameRecord, moveIndex: number, from: number): number {
  let k = from;
  while (k < rec.laterSetup.length && rec.laterSetup[k]!.moveIndex === moveIndex) {
    const s = rec.laterSetup[k]!;
    const toPlay = board.toPlay;
    placeSetup(board, s.black, BLACK, `sgf (AB before move ${moveIndex + 1})`);
    placeSetup(board, s.white, WHITE, `sgf (AW before move ${moveIndex + 1})`);
    placeSetup(board, s.empty, EMPTY, `sgf (AE before move ${moveIndex + 1})`);
    board.toPlay = toPlay;
    k++;
  }
  return k;
}

/** Parses one SGF game (text or bytes) into a record along `path`; SgfError / GameRecordError pass through, PositionError above `maxMoves` moves. */
export function recordFromSgf(
  sgf: string | Uint8Array,
  path?: readonly number[],
  { maxBytes, maxMoves = Infinity }: { maxBytes?: number; maxMoves?: number } = {},
): GameRecord {
  const parsed = parseSgf(sgf, maxBytes === undefined ? {} : { maxBytes });
  if (parsed.errors.length > 0) throw parsed.errors[0]!;
  // A collection is refused rather than silently reduced to its first game.
  if (parsed.games.length !== 1) throw new PositionError(`sgf: the text holds ${parsed.games.length} games; send one game per request`, 'sgf');
  const rec = toGameRecord(parsed.games[0]!, path === undefined ? {} : { path: [...path] });
  if (rec.moves.length > maxMoves) throw new PositionError(`sgf: the game has ${rec.moves.length} moves, at most ${maxMoves} are accepted`, 'sgf');
  return rec;
}
