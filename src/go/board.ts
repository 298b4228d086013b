// The rules object callers use: a Position (position.ts: stones, chains, captures, ko, hash — the
// speed-first part) plus whose turn it is, the History of steps (history.ts: undo records and the
// positional-superko set), and a memo that lets the feature encoders' per-point queries share one analysis.
// Every step is a Position checkpoint plus a History record, so undo() is exact; nothing is allocated per move.
import { BLACK, EMPTY, NPOINTS, PASS, WHITE, colorLetter } from './constants.js';
import type { Color, Player } from './constants.js';
import { isMove, pointToGtp } from './coords.js';
import { IllegalMoveError } from './errors.js';
import type { IllegalReason } from './errors.js';
import { fixedHandicapPoints } from './handicap.js';
import { History, STEP_MOVE, STEP_PASS, STEP_SETUP } from './history.js';
import { E2I, I2E } from './layout.js';
import { LEGAL, Position } from './position.js';

export { IllegalMoveError } from './errors.js';
export type { IllegalReason } from './errors.js';
export type { AreaScore } from './position.js';

// Reason codes: Position's LEGAL and R_OCCUPIED/R_SUICIDE/R_KO (1..3), then superko.
const R_SUPERKO = 4;
const REASONS: (IllegalReason | null)[] = [null, 'occupied', 'suicide', 'ko', 'superko'];

// Liberties every preview counts up to at least (features saturate at 8), see analyse().
const MIN_CAP = 8;

/** A 19×19 Go position with its move history; see the file header for the representation. */
export class Board extends Position {
  /** Side to move; play() sets it to the opponent of the mover. */
  toPlay: Player = BLACK;
  /** Moves played so far (passes included, setup stones not). */
  moveNumber = 0;
  private _superko = true;
  private hist = new History();
  // Results of the last preview, read through the preview* getters.
  private pvCaptures = 0;
  private pvLiberties = 0;
  private pvChainSize = 0;
  // Memo of the last legality / preview analysis, valid while `version` is unchanged, so the
  // encoder's separate per-point queries (isLegal, captures, liberties, self-atari) share one pass.
  private version = 0;
  private mVersion = -1;
  private mI = -1;
  private mC = 0;
  private mReason = 0;
  private mCap = -1;
  private mLibs = 0;
  private mCaptures = 0;
  private mSize = 0;

  /** An empty 19×19 board, Black to play; throws for any other size. */
  constructor(size = 19) {
    super(size, 'Board');
  }

  /** Whether positional superko is enforced (simple ko always is); default true. */
  get superko(): boolean {
    return this._superko;
  }

  set superko(on: boolean) {
    this._superko = on;
    this.version++;
  }

  /** Empties the board and forgets the history, keeping the allocated buffers (and `superko`). */
  reset(): void {
    this.clearPosition();
    this.hist.reset();
    this.toPlay = BLACK;
    this.moveNumber = 0;
    this.version++;
  }

  // `c` as a Player, the side to move if undefined; throws naming `fn` otherwise.
  private player(c: unknown, fn: string): Player {
    return c === undefined ? this.toPlay : this.playerArg(c, fn);
  }

  /** Point banned by simple ko for the side to move, or -1. */
  get koPoint(): number {
    return this.ko >= 0 && this.koColor === this.toPlay ? I2E[this.ko] : -1;
  }

  // ---------------------------------------------------------------- history

  /** The last k moved points (PASS included, setup stones not), most recent first; fewer if the game is shorter. */
  lastMoves(k: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < k; i++) {
      const p = this.hist.lastMoveAt(i);
      if (p < 0) break;
      out.push(p);
    }
    return out;
  }

  /** The i-th most recent moved point (0 = last; PASS included, setup stones not), or -1 if there is none; allocates nothing. */
  lastMoveAt(i: number): number {
    return this.hist.lastMoveAt(i);
  }

  /** The last moved point (PASS included), or -1 before the first move. */
  lastMove(): number {
    return this.hist.lastMoveAt(0);
  }

  /** Number of steps undo() can revert (moves, passes and setup stones). */
  get historyLength(): number {
    return this.hist.length;
  }

  // Opens a step: a history record with the turn state before it, and a position checkpoint.
  private beginStep(kind: number, p: number, c: number): void {
    this.hist.push(kind, p, c, this.toPlay, this.moveNumber);
    this.checkpoint();
    this.version++;
  }

  /** Exact inverse of the last play, pass or setStone (stones, chains, liberties, ko, hash, toPlay, ages); throws if none. */
  undo(): void {
    const h = this.hist;
    if (h.length === 0) throw new Error('undo: there is no move to undo');
    this.toPlay = h.toPlayBefore as Player;
    this.moveNumber = h.moveNumberBefore;
    h.pop();
    this.rollback();
    this.version++;
  }

  // ---------------------------------------------------------------- legality

  // Would c at cell i (a basically legal move) recreate an earlier position?
  private repeatsPosition(i: number, c: number): boolean {
    const stones = this.stonesAfter(i, c);
    if (!this.hist.seen(stones)) return false; // no earlier position had this many stones: no need to hash
    this.hashAfter(i, c);
    return this.hist.has(this.afterLo, this.afterHi, stones);
  }

  private reasonCode(i: number, c: number): number {
    const r = this.basicReason(i, c);
    if (r !== LEGAL) return r;
    if (this._superko && this.repeatsPosition(i, c)) return R_SUPERKO;
    return LEGAL;
  }

  // reasonCode through the memo.
  private reasonFor(i: number, c: number): number {
    if (this.mVersion === this.version && this.mI === i && this.mC === c) return this.mReason;
    const r = this.reasonCode(i, c);
    this.mVersion = this.version;
    this.mI = i;
    this.mC = c;
    this.mReason = r;
    this.mCap = -1;
    return r;
  }

  /** Why `color` (default: side to move) may not play p, or null if legal; PASS is always legal, a non-point is 'offboard'. */
  legality(p: number, color?: Player): null | IllegalReason {
    const c = this.player(color, 'legality');
    if (p === PASS) return null;
    if (!isMove(p)) return 'offboard';
    return REASONS[this.reasonFor(E2I[p], c)];
  }

  /** Whether `color` (default: side to move) may play p (PASS always; off-board never). */
  isLegal(p: number, color?: Player): boolean {
    return this.legality(p, color) === null;
  }

  // ---------------------------------------------------------------- playing

  /** Plays `color` (default: side to move) at p or passes (PASS); throws IllegalMoveError and leaves the board unchanged. */
  play(p: number, color?: Player): void {
    const c = this.player(color, 'play');
    if (p === PASS) {
      this.beginStep(STEP_PASS, PASS, c);
      this.passMove();
      this.hist.recordPosition(this.hLo, this.hHi, this.nBlack + this.nWhite);
      this.moveNumber++;
      this.toPlay = (3 - c) as Player;
      return;
    }
    const i = E2I[p];
    if (i === undefined) throw new IllegalMoveError('offboard', p, c, this.moveNumber + 1);
    const r = this.basicReason(i, c);
    if (r !== LEGAL) throw new IllegalMoveError(REASONS[r]!, p, c, this.moveNumber + 1);
    this.beginStep(STEP_MOVE, p, c);
    this.moveNumber++;
    this.playStone(i, c, this.moveNumber);
    const stones = this.nBlack + this.nWhite;
    if (this._superko && this.hist.has(this.hLo, this.hHi, stones)) {
      this.undo();
      throw new IllegalMoveError('superko', p, c, this.moveNumber + 1);
    }
    this.hist.recordPosition(this.hLo, this.hHi, stones);
    this.toPlay = (3 - c) as Player;
  }

  /** Puts a setup stone (or EMPTY) on p without captures, undoable; throws if a chain is left without liberties. */
  setStone(p: number, color: Color): void {
    const i = this.cell(p, 'setStone');
    if (color !== EMPTY && color !== BLACK && color !== WHITE) {
      throw new Error(`setStone: colour ${String(color)} is not EMPTY (0), BLACK (1) or WHITE (2)`);
    }
    this.beginStep(STEP_SETUP, p, color);
    const dead = this.putStone(i, color);
    if (dead >= 0) {
      this.undo();
      const what = color === EMPTY ? 'removing the stone at' : `a ${colorLetter(color)} setup stone at`;
      throw new Error(`setStone: ${what} ${pointToGtp(p)} leaves the chain at ${pointToGtp(I2E[dead])} without liberties`);
    }
    this.hist.recordPosition(this.hLo, this.hHi, this.nBlack + this.nWhite);
  }

  /** Places the GTP fixed handicap of n (2..9) stones as setup and gives White the move; returns the points; throws unless the board is empty. */
  placeFixedHandicap(n: number): number[] {
    const pts = fixedHandicapPoints(n);
    if (this.nBlack + this.nWhite > 0) {
      throw new Error(`placeFixedHandicap: the board is not empty (${this.nBlack + this.nWhite} stones)`);
    }
    for (const p of pts) this.setStone(p, BLACK);
    this.toPlay = WHITE;
    return pts;
  }

  // ---------------------------------------------------------------- "if played" queries

  // Analyses c at i without touching observable state: fills pv* and returns the reason code.
  // Liberties are counted up to `wanted` (exact below it), since features usually saturate.
  private analyse(i: number, c: number, wanted: number): number {
    const r = this.reasonFor(i, c);
    if (r !== LEGAL) {
      this.pvCaptures = 0;
      this.pvLiberties = 0;
      this.pvChainSize = 0;
      return r;
    }
    if (this.mCap < wanted) {
      // Count at least MIN_CAP liberties so a later query with a small cap reuses this pass.
      const cap = wanted > MIN_CAP ? wanted : MIN_CAP;
      this.mLibs = this.countAfter(i, c, cap);
      this.mCaptures = this.afterCaptures;
      this.mSize = this.afterSize;
      this.mCap = cap;
    }
    this.pvCaptures = this.mCaptures;
    this.pvLiberties = this.mLibs < wanted ? this.mLibs : wanted;
    this.pvChainSize = this.mSize;
    return LEGAL;
  }

  /**
   * One-pass preview of `color` at p for feature encoders: returns the illegality reason or null, and
   * fills previewCaptures / previewLiberties (capped at libCap) / previewChainSize (all 0 if illegal).
   */
  preview(p: number, color: Player, libCap = NPOINTS): null | IllegalReason {
    const i = this.cell(p, 'preview');
    return REASONS[this.analyse(i, this.player(color, 'preview'), libCap)];
  }

  /** Opponent stones captured by the last preview(). */
  get previewCaptures(): number {
    return this.pvCaptures;
  }

  /** Liberties of the mover's chain after the last preview() (capped at its libCap). */
  get previewLiberties(): number {
    return this.pvLiberties;
  }

  /** Stones of the mover's chain after the last preview(). */
  get previewChainSize(): number {
    return this.pvChainSize;
  }

  /** Opponent stones the move would capture (0 if illegal). */
  captureCountIfPlayed(p: number, color: Player): number {
    this.analyse(this.cell(p, 'captureCountIfPlayed'), this.player(color, 'captureCountIfPlayed'), 0);
    return this.pvCaptures;
  }

  /** Liberties of the mover's chain after the move and its captures (0 if illegal), optionally capped. */
  libertiesAfterPlay(p: number, color: Player, cap = NPOINTS): number {
    this.analyse(this.cell(p, 'libertiesAfterPlay'), this.player(color, 'libertiesAfterPlay'), cap);
    return this.pvLiberties;
  }

  /** Size of the mover's chain if the move leaves it with exactly one liberty, else 0 (also 0 if illegal). */
  selfAtariSizeIfPlayed(p: number, color: Player): number {
    const r = this.analyse(this.cell(p, 'selfAtariSizeIfPlayed'), this.player(color, 'selfAtariSizeIfPlayed'), 2);
    return r === LEGAL && this.pvLiberties === 1 ? this.pvChainSize : 0;
  }

  // ---------------------------------------------------------------- copies

  /** An independent copy with the same position, history, undo trail and settings. */
  clone(): Board {
    const b = new Board();
    b.copyFrom(this);
    return b;
  }

  /** Makes this board an exact copy of `other` (typed-array copies; allocates only if other's history is larger). */
  copyFrom(other: Board): void {
    this.copyPosition(other);
    this.hist.copyFrom(other.hist);
    this.toPlay = other.toPlay;
    this.moveNumber = other.moveNumber;
    this._superko = other._superko;
    this.version++;
  }
}
