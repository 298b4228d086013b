// The 19×19 rules core, modelled on KataGo's board: a padded 1-D grid, chains as circular linked lists
// with a head per stone, incremental per-chain liberty and stone counts, Zobrist hashing. Every write
// to the grid goes through an undo trail, so undo() is exact and cheap; nothing is allocated per move.
import { BLACK, EMPTY, NPOINTS, PASS, WHITE, assertBoardSize, colorLetter, isPlayer } from './constants.js';
import type { Color, Player } from './constants.js';
import { GTP_COLUMNS, isMove, pointToGtp } from './coords.js';
import { IllegalMoveError } from './errors.js';
import type { IllegalReason } from './errors.js';
import { fixedHandicapPoints } from './handicap.js';
import { ADJ, ADJ0, ADJ1, ADJ2, ADJ3, DIAG0, DIAG1, DIAG2, DIAG3, E2I, I2E, NCELLS, W, WALL } from './layout.js';
import { formatScore } from './score.js';
import { ZOBRIST_HI, ZOBRIST_LO, hashKeyOf } from './zobrist.js';

export { IllegalMoveError } from './errors.js';
export type { IllegalReason } from './errors.js';

// Sections of the state array `s` (one Int32Array so a trail entry is just (index, old value)).
const COL = 0; // colour per cell: EMPTY, BLACK, WHITE or WALL
const HEAD = NCELLS; // chain head cell per stone (stale on empty cells)
const NEXT = 2 * NCELLS; // next stone of the chain, circular (stale on empty cells)
const LIBS = 3 * NCELLS; // liberty count, valid at head cells
const NSTONES = 4 * NCELLS; // stone count, valid at head cells
const PLACED = 5 * NCELLS; // move number that placed the stone, -1 for setup stones and empty cells
const STATE_LEN = 6 * NCELLS;

// Reason codes of the internal legality check.
const LEGAL = 0, R_OCCUPIED = 1, R_SUICIDE = 2, R_KO = 3, R_SUPERKO = 4;
const REASONS: (IllegalReason | null)[] = [null, 'occupied', 'suicide', 'ko', 'superko'];

// Step records: one per play, pass or setup stone.
const K_MOVE = 0, K_PASS = 1, K_SETUP = 2;
const R_KIND = 0, R_POINT = 1, R_COLOR = 2, R_TRAIL = 3, R_KO_ = 4, R_KOCOLOR = 5, R_HLO = 6, R_HHI = 7,
  R_TOPLAY = 8, R_SLOT = 9, R_NB = 10, R_NW = 11, R_CAPB = 12, R_CAPW = 13, R_MOVENO = 14;
const REC = 15;

// Upper bound of trail writes one step can make (relabels + captures + liberty updates), so the
// capacity check happens once per step instead of once per write.
const MAX_WRITES_PER_STEP = 8 * NCELLS;

const DIAGS = [DIAG0, DIAG1, DIAG2, DIAG3];

// Liberties every preview counts up to at least (features saturate at 8), see analyse().
const MIN_CAP = 8;

/** Area counts of a position. */
export interface AreaScore {
  black: number;
  white: number;
}

/** A 19×19 Go position with its move history; see the file header for the representation. */
export class Board {
  /** Side to move; play() sets it to the opponent of the mover. */
  toPlay: Player = BLACK;
  /** Moves played so far (passes included, setup stones not). */
  moveNumber = 0;
  private _superko = true;

  private s = new Int32Array(STATE_LEN);
  private trail = new Int32Array(4 * MAX_WRITES_PER_STEP);
  private trailLen = 0;
  private rec = new Int32Array(REC * 512);
  private nrec = 0;
  private hLo = 0;
  private hHi = 0;
  private ko = -1; // internal cell banned by simple ko, or -1
  private koColor = 0; // the player the ban applies to
  private nBlack = 0;
  private nWhite = 0;
  private capBlack = 0; // white stones captured by black
  private capWhite = 0;
  // Open-addressing set of position hashes for superko; removal is exact because it is LIFO.
  private tabLo = new Int32Array(2048);
  private tabHi = new Int32Array(2048);
  private tabUsed = new Uint8Array(2048);
  private tabCount = 0;
  private tabStones = new Int16Array(2048); // stone count of the position in each slot
  // History positions per total stone count: a position with a count never seen cannot repeat,
  // which skips the table probe for almost every move of a real game.
  private seenByStones = new Int32Array(NPOINTS + 1);
  private baseSlot = 0;
  // Scratch for queries: generation marks and small head lists, reused so queries allocate nothing.
  private mark = new Uint32Array(NCELLS);
  private markGen = 0;
  private heads = new Int32Array(8);
  private stack = new Int32Array(NCELLS);
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
    assertBoardSize(size, 'Board');
    this.initEmpty();
  }

  private initEmpty(): void {
    const s = this.s;
    s.fill(0);
    for (let i = 0; i < NCELLS; i++) {
      s[COL + i] = I2E[i] < 0 ? WALL : EMPTY;
      s[PLACED + i] = -1;
    }
    this.trailLen = 0;
    this.nrec = 0;
    this.hLo = 0;
    this.hHi = 0;
    this.ko = -1;
    this.koColor = 0;
    this.nBlack = 0;
    this.nWhite = 0;
    this.capBlack = 0;
    this.capWhite = 0;
    this.toPlay = BLACK;
    this.moveNumber = 0;
    this.tabUsed.fill(0);
    this.seenByStones.fill(0);
    this.tabCount = 0;
    this.baseSlot = this.tabInsert(0, 0, 0);
    this.version++;
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
    this.initEmpty();
  }

  // ---------------------------------------------------------------- validation helpers

  private cell(p: number, fn: string): number {
    const i = E2I[p];
    if (i === undefined) throw new Error(`${fn}: ${p} is not an on-board point 0..360`);
    return i;
  }

  private player(c: unknown, fn: string): Player {
    if (c === undefined) return this.toPlay;
    if (!isPlayer(c)) throw new Error(`${fn}: colour ${String(c)} is not BLACK (1) or WHITE (2)`);
    return c;
  }

  // ---------------------------------------------------------------- simple reads

  /** Colour on point p (EMPTY, BLACK or WHITE); throws if p is not on the board. */
  colorAt(p: number): Color {
    return this.s[COL + this.cell(p, 'colorAt')] as Color;
  }

  /** Point banned by simple ko for the side to move, or -1. */
  get koPoint(): number {
    return this.ko >= 0 && this.koColor === this.toPlay ? I2E[this.ko] : -1;
  }

  /** Low 32 bits (signed) of the 64-bit Zobrist hash of the stones. */
  get hashLo(): number {
    return this.hLo;
  }

  /** High 32 bits (signed) of the 64-bit Zobrist hash of the stones. */
  get hashHi(): number {
    return this.hHi;
  }

  /** 52-bit safe-integer form of the stone hash (usable as a Map key). */
  hashKey(): number {
    return hashKeyOf(this.hLo, this.hHi);
  }

  /** Stones of `color` on the board. */
  stoneCount(color: Player): number {
    return this.player(color, 'stoneCount') === BLACK ? this.nBlack : this.nWhite;
  }

  /** Opponent stones captured so far by `color` (prisoners). */
  capturesBy(color: Player): number {
    return this.player(color, 'capturesBy') === BLACK ? this.capBlack : this.capWhite;
  }

  /** Liberties of the chain at p (0 if p is empty). */
  liberties(p: number): number {
    const i = this.cell(p, 'liberties');
    const s = this.s;
    return s[COL + i] === EMPTY ? 0 : s[LIBS + s[HEAD + i]];
  }

  /** Stones in the chain at p (0 if p is empty). */
  chainSize(p: number): number {
    const i = this.cell(p, 'chainSize');
    const s = this.s;
    return s[COL + i] === EMPTY ? 0 : s[NSTONES + s[HEAD + i]];
  }

  /** Identifier of the chain at p — the point of its head stone, stable until the chain changes — or -1 if empty. */
  chainId(p: number): number {
    const i = this.cell(p, 'chainId');
    const s = this.s;
    return s[COL + i] === EMPTY ? -1 : I2E[s[HEAD + i]];
  }

  /** Writes the points of the chain at p into `out` and returns their count (0 if empty); out needs ≥ chainSize(p) room. */
  chainStones(p: number, out: Int16Array | Int32Array | number[]): number {
    const i = this.cell(p, 'chainStones');
    const s = this.s;
    if (s[COL + i] === EMPTY) return 0;
    let n = 0;
    let j = i;
    do {
      out[n++] = I2E[j];
      j = s[NEXT + j];
    } while (j !== i);
    return n;
  }

  /** Calls fn(point) for each stone of the chain at p (nothing if empty). */
  forEachStoneOfChain(p: number, fn: (q: number) => void): void {
    const i = this.cell(p, 'forEachStoneOfChain');
    const s = this.s;
    if (s[COL + i] === EMPTY) return;
    let j = i;
    do {
      fn(I2E[j]);
      j = s[NEXT + j];
    } while (j !== i);
  }

  /** Writes the liberty points of the chain at p into `out` (each once) and returns their count (0 if empty). */
  chainLibertyPoints(p: number, out: Int16Array | Int32Array | number[]): number {
    const i = this.cell(p, 'chainLibertyPoints');
    const s = this.s;
    if (s[COL + i] === EMPTY) return 0;
    const mark = this.mark;
    const gen = this.nextGen();
    let n = 0;
    let j = i;
    do {
      for (let k = 0; k < 4; k++) {
        const a = j + ADJ[k];
        if (s[COL + a] === EMPTY && mark[a] !== gen) {
          mark[a] = gen;
          out[n++] = I2E[a];
        }
      }
      j = s[NEXT + j];
    } while (j !== i);
    return n;
  }

  /** 1-based number of the move that placed the stone now on p; -1 for setup stones and empty points. */
  placedAt(p: number): number {
    return this.s[PLACED + this.cell(p, 'placedAt')];
  }

  /** The last k moved points (PASS included, setup stones not), most recent first; fewer if the game is shorter. */
  lastMoves(k: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < k; i++) {
      const p = this.lastMoveAt(i);
      if (p < 0) break;
      out.push(p);
    }
    return out;
  }

  /** The i-th most recent moved point (0 = last; PASS included, setup stones not), or -1 if there is none; allocates nothing. */
  lastMoveAt(i: number): number {
    const rec = this.rec;
    for (let r = this.nrec - 1; r >= 0; r--) {
      if (rec[r * REC + R_KIND] === K_SETUP) continue;
      if (i-- === 0) return rec[r * REC + R_POINT];
    }
    return -1;
  }

  /** The last moved point (PASS included), or -1 before the first move. */
  lastMove(): number {
    return this.lastMoveAt(0);
  }

  // ---------------------------------------------------------------- legality

  private nextGen(): number {
    if (this.markGen === 0xffffffff) {
      this.mark.fill(0);
      this.markGen = 0;
    }
    return ++this.markGen;
  }

  // Occupied / ko / suicide without superko: the cheap part, no state touched.
  private basicReason(i: number, c: number): number {
    const s = this.s;
    if (s[COL + i] !== EMPTY) return R_OCCUPIED;
    if (i === this.ko && c === this.koColor) return R_KO;
    const opp = 3 - c;
    for (let k = 0; k < 4; k++) {
      const a = i + ADJ[k];
      const ca = s[COL + a];
      if (ca === EMPTY) return LEGAL;
      if (ca === c) {
        if (s[LIBS + s[HEAD + a]] > 1) return LEGAL;
      } else if (ca === opp) {
        if (s[LIBS + s[HEAD + a]] === 1) return LEGAL;
      }
    }
    return R_SUICIDE;
  }

  // Would the stone hash after playing c at i (a basically legal move) repeat an earlier position?
  private repeatsPosition(i: number, c: number): boolean {
    const s = this.s;
    const opp = 3 - c;
    const heads = this.heads;
    let nh = 0;
    let stones = this.nBlack + this.nWhite + 1;
    for (let k = 0; k < 4; k++) {
      const a = i + ADJ[k];
      if (s[COL + a] !== opp) continue;
      const h = s[HEAD + a];
      if (s[LIBS + h] !== 1) continue;
      let seen = false;
      for (let q = 0; q < nh; q++) if (heads[q] === h) seen = true;
      if (seen) continue;
      heads[nh++] = h;
      stones -= s[NSTONES + h];
    }
    // No earlier position had this many stones: no need to hash.
    if (this.seenByStones[stones] === 0) return false;
    let lo = this.hLo ^ ZOBRIST_LO[c * NCELLS + i];
    let hi = this.hHi ^ ZOBRIST_HI[c * NCELLS + i];
    const zo = opp * NCELLS;
    for (let q = 0; q < nh; q++) {
      const h = heads[q];
      let j = h;
      do {
        lo ^= ZOBRIST_LO[zo + j];
        hi ^= ZOBRIST_HI[zo + j];
        j = s[NEXT + j];
      } while (j !== h);
    }
    return this.tabHas(lo, hi, stones);
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

  // ---------------------------------------------------------------- trail and records

  // Trail-logged write: the only way stones, chains, liberties and ages change.
  private set(idx: number, v: number): void {
    const t = this.trailLen;
    this.trail[t] = idx;
    this.trail[t + 1] = this.s[idx];
    this.s[idx] = v;
    this.trailLen = t + 2;
  }

  private pushRecord(kind: number, p: number, c: number): void {
    if (this.trail.length - this.trailLen < 2 * MAX_WRITES_PER_STEP) {
      const t = new Int32Array(this.trail.length * 2);
      t.set(this.trail.subarray(0, this.trailLen));
      this.trail = t;
    }
    if ((this.nrec + 1) * REC > this.rec.length) {
      const r = new Int32Array(this.rec.length * 2);
      r.set(this.rec);
      this.rec = r;
    }
    const rec = this.rec;
    const o = this.nrec * REC;
    rec[o + R_KIND] = kind;
    rec[o + R_POINT] = p;
    rec[o + R_COLOR] = c;
    rec[o + R_TRAIL] = this.trailLen;
    rec[o + R_KO_] = this.ko;
    rec[o + R_KOCOLOR] = this.koColor;
    rec[o + R_HLO] = this.hLo;
    rec[o + R_HHI] = this.hHi;
    rec[o + R_TOPLAY] = this.toPlay;
    rec[o + R_SLOT] = -1;
    rec[o + R_NB] = this.nBlack;
    rec[o + R_NW] = this.nWhite;
    rec[o + R_CAPB] = this.capBlack;
    rec[o + R_CAPW] = this.capWhite;
    rec[o + R_MOVENO] = this.moveNumber;
    this.nrec++;
    this.version++;
  }

  // Reverts the newest record: trail writes in reverse, then the scalars it saved.
  private popRecord(): void {
    const o = (this.nrec - 1) * REC;
    const rec = this.rec;
    const s = this.s;
    const trail = this.trail;
    const start = rec[o + R_TRAIL];
    for (let t = this.trailLen - 2; t >= start; t -= 2) s[trail[t]] = trail[t + 1];
    this.trailLen = start;
    const slot = rec[o + R_SLOT];
    if (slot >= 0) this.tabRemove(slot);
    this.ko = rec[o + R_KO_];
    this.koColor = rec[o + R_KOCOLOR];
    this.hLo = rec[o + R_HLO];
    this.hHi = rec[o + R_HHI];
    this.toPlay = rec[o + R_TOPLAY] as Player;
    this.nBlack = rec[o + R_NB];
    this.nWhite = rec[o + R_NW];
    this.capBlack = rec[o + R_CAPB];
    this.capWhite = rec[o + R_CAPW];
    this.moveNumber = rec[o + R_MOVENO];
    this.nrec--;
    this.version++;
  }

  /** Exact inverse of the last play, pass or setStone (stones, chains, liberties, ko, hash, toPlay, ages); throws if none. */
  undo(): void {
    if (this.nrec === 0) throw new Error('undo: there is no move to undo');
    this.popRecord();
  }

  /** Number of steps undo() can revert (moves, passes and setup stones). */
  get historyLength(): number {
    return this.nrec;
  }

  // ---------------------------------------------------------------- superko table

  private tabInsert(lo: number, hi: number, stones: number): number {
    if ((this.tabCount + 1) * 2 > this.tabUsed.length) this.tabGrow();
    return this.tabInsertRaw(lo, hi, stones);
  }

  private tabHas(lo: number, hi: number, stones: number): boolean {
    if (this.seenByStones[stones] === 0) return false;
    const mask = this.tabUsed.length - 1;
    let slot = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    while (this.tabUsed[slot]) {
      if (this.tabLo[slot] === lo && this.tabHi[slot] === hi) return true;
      slot = (slot + 1) & mask;
    }
    return false;
  }

  // Only the newest insertion is ever removed, so no later key can have probed past its slot.
  private tabRemove(slot: number): void {
    this.tabUsed[slot] = 0;
    this.seenByStones[this.tabStones[slot]]--;
    this.tabCount--;
  }

  // Rehash every position of the history in order, re-recording each step's slot.
  private tabGrow(): void {
    const n = this.tabUsed.length * 2;
    this.tabLo = new Int32Array(n);
    this.tabHi = new Int32Array(n);
    this.tabUsed = new Uint8Array(n);
    this.tabStones = new Int16Array(n);
    this.seenByStones.fill(0);
    const count = this.tabCount;
    this.tabCount = 0;
    if (count === 0) return;
    const rec = this.rec;
    // Record r saves the position before step r, so the position after step r is in record r + 1
    // (or is the current one); the base position is the one before step 0.
    const after = (r: number, f: number, cur: number): number => (r + 1 < this.nrec ? rec[(r + 1) * REC + f] : cur);
    const b0 = this.nrec > 0;
    this.baseSlot = this.tabInsertRaw(
      b0 ? rec[R_HLO] : this.hLo,
      b0 ? rec[R_HHI] : this.hHi,
      b0 ? rec[R_NB] + rec[R_NW] : this.nBlack + this.nWhite,
    );
    for (let r = 0; r < this.nrec; r++) {
      if (rec[r * REC + R_SLOT] < 0) continue;
      rec[r * REC + R_SLOT] = this.tabInsertRaw(
        after(r, R_HLO, this.hLo),
        after(r, R_HHI, this.hHi),
        after(r, R_NB, this.nBlack) + after(r, R_NW, this.nWhite),
      );
    }
  }

  private tabInsertRaw(lo: number, hi: number, stones: number): number {
    const mask = this.tabUsed.length - 1;
    let slot = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    while (this.tabUsed[slot]) slot = (slot + 1) & mask;
    this.tabUsed[slot] = 1;
    this.tabLo[slot] = lo;
    this.tabHi[slot] = hi;
    this.tabStones[slot] = stones;
    this.seenByStones[stones]++;
    this.tabCount++;
    return slot;
  }

  // ---------------------------------------------------------------- playing

  /** Plays `color` (default: side to move) at p or passes (PASS); throws IllegalMoveError and leaves the board unchanged. */
  play(p: number, color?: Player): void {
    const c = this.player(color, 'play');
    if (p === PASS) {
      this.pushRecord(K_PASS, PASS, c);
      this.ko = -1;
      this.koColor = 0;
      this.rec[(this.nrec - 1) * REC + R_SLOT] = this.tabInsert(this.hLo, this.hHi, this.nBlack + this.nWhite);
      this.moveNumber++;
      this.toPlay = (3 - c) as Player;
      return;
    }
    const i = E2I[p];
    if (i === undefined) throw new IllegalMoveError('offboard', p, c, this.moveNumber + 1);
    const r = this.basicReason(i, c);
    if (r !== LEGAL) throw new IllegalMoveError(REASONS[r]!, p, c, this.moveNumber + 1);
    this.pushRecord(K_MOVE, p, c);
    this.moveNumber++;
    this.placeStone(i, c);
    if (this._superko && this.tabHas(this.hLo, this.hHi, this.nBlack + this.nWhite)) {
      this.popRecord();
      throw new IllegalMoveError('superko', p, c, this.moveNumber + 1);
    }
    this.rec[(this.nrec - 1) * REC + R_SLOT] = this.tabInsert(this.hLo, this.hHi, this.nBlack + this.nWhite);
    this.toPlay = (3 - c) as Player;
  }

  // Places c on the empty cell i, merging and capturing (KataGo playMoveAssumeLegal); sets ko.
  private placeStone(i: number, c: number): void {
    const s = this.s;
    const opp = 3 - c;
    const z = c * NCELLS + i;
    this.hLo ^= ZOBRIST_LO[z];
    this.hHi ^= ZOBRIST_HI[z];
    if (c === BLACK) this.nBlack++;
    else this.nWhite++;
    let libs = 0;
    if (s[COL + i + ADJ0] === EMPTY) libs++;
    if (s[COL + i + ADJ1] === EMPTY) libs++;
    if (s[COL + i + ADJ2] === EMPTY) libs++;
    if (s[COL + i + ADJ3] === EMPTY) libs++;
    this.set(COL + i, c);
    this.set(HEAD + i, i);
    this.set(NEXT + i, i);
    this.set(LIBS + i, libs);
    this.set(NSTONES + i, 1);
    this.set(PLACED + i, this.moveNumber);

    let captured = 0;
    let capturedAt = -1;
    const heads = this.heads;
    let nopp = 0;
    for (let k = 0; k < 4; k++) {
      const a = i + ADJ[k];
      const ca = s[COL + a];
      if (ca === c) {
        const ha = s[HEAD + a];
        if (ha !== s[HEAD + i]) {
          this.set(LIBS + ha, s[LIBS + ha] - 1);
          this.mergeChains(ha, s[HEAD + i], c);
        }
      } else if (ca === opp) {
        const ha = s[HEAD + a];
        let seen = false;
        for (let q = 0; q < nopp; q++) if (heads[q] === ha) seen = true;
        if (seen) continue;
        heads[nopp++] = ha;
        const l = s[LIBS + ha] - 1;
        this.set(LIBS + ha, l);
        if (l === 0) {
          captured += this.removeChain(ha, opp);
          capturedAt = a;
        }
      }
    }
    if (captured > 0) {
      if (c === BLACK) this.capBlack += captured;
      else this.capWhite += captured;
    }
    const h = s[HEAD + i];
    if (captured === 1 && s[NSTONES + h] === 1 && s[LIBS + h] === 1) {
      this.ko = capturedAt;
      this.koColor = opp;
    } else {
      this.ko = -1;
      this.koColor = 0;
    }
  }

  // Merges the chains headed h1 and h2 into the larger one, counting the smaller one's new liberties.
  private mergeChains(h1: number, h2: number, c: number): void {
    const s = this.s;
    if (s[NSTONES + h1] < s[NSTONES + h2]) {
      const t = h1;
      h1 = h2;
      h2 = t;
    }
    let newLibs = 0;
    let j = h2;
    do {
      // A liberty of this stone is new unless a stone already relabelled to h1 touches it.
      for (let k = 0; k < 4; k++) {
        const a = j + ADJ[k];
        if (s[COL + a] !== EMPTY) continue;
        if (
          (s[COL + a + ADJ0] === c && s[HEAD + a + ADJ0] === h1) ||
          (s[COL + a + ADJ1] === c && s[HEAD + a + ADJ1] === h1) ||
          (s[COL + a + ADJ2] === c && s[HEAD + a + ADJ2] === h1) ||
          (s[COL + a + ADJ3] === c && s[HEAD + a + ADJ3] === h1)
        ) continue;
        newLibs++;
      }
      this.set(HEAD + j, h1);
      j = s[NEXT + j];
    } while (j !== h2);
    this.set(LIBS + h1, s[LIBS + h1] + newLibs);
    this.set(NSTONES + h1, s[NSTONES + h1] + s[NSTONES + h2]);
    // Splice the two rings: h1 → h2 → … → last2 → next1 → … → h1.
    const n1 = s[NEXT + h1];
    this.set(NEXT + h1, s[NEXT + h2]);
    this.set(NEXT + h2, n1);
  }

  // Removes the chain headed h (colour col), giving each freed point as a liberty to adjacent enemy chains.
  private removeChain(h: number, col: number): number {
    const s = this.s;
    const other = 3 - col;
    const zo = col * NCELLS;
    let n = 0;
    let j = h;
    do {
      this.set(COL + j, EMPTY);
      this.set(PLACED + j, -1);
      this.hLo ^= ZOBRIST_LO[zo + j];
      this.hHi ^= ZOBRIST_HI[zo + j];
      n++;
      // Earlier removed stones are already empty, so each freed point counts once per distinct chain.
      let h0 = -1, h1 = -1, h2 = -1;
      for (let k = 0; k < 4; k++) {
        const a = j + ADJ[k];
        if (s[COL + a] !== other) continue;
        const ha = s[HEAD + a];
        if (ha === h0 || ha === h1 || ha === h2) continue;
        if (h0 < 0) h0 = ha;
        else if (h1 < 0) h1 = ha;
        else h2 = ha;
        this.set(LIBS + ha, s[LIBS + ha] + 1);
      }
      j = s[NEXT + j];
    } while (j !== h);
    if (col === BLACK) this.nBlack -= n;
    else this.nWhite -= n;
    return n;
  }

  // ---------------------------------------------------------------- setup

  /** Puts a setup stone (or EMPTY) on p without captures, undoable; throws if a chain is left without liberties. */
  setStone(p: number, color: Color): void {
    const i = this.cell(p, 'setStone');
    if (color !== EMPTY && color !== BLACK && color !== WHITE) {
      throw new Error(`setStone: colour ${String(color)} is not EMPTY (0), BLACK (1) or WHITE (2)`);
    }
    const s = this.s;
    this.pushRecord(K_SETUP, p, color);
    const old = s[COL + i];
    if (old !== color) {
      if (old !== EMPTY) {
        this.hLo ^= ZOBRIST_LO[old * NCELLS + i];
        this.hHi ^= ZOBRIST_HI[old * NCELLS + i];
        if (old === BLACK) this.nBlack--;
        else this.nWhite--;
      }
      if (color !== EMPTY) {
        this.hLo ^= ZOBRIST_LO[color * NCELLS + i];
        this.hHi ^= ZOBRIST_HI[color * NCELLS + i];
        if (color === BLACK) this.nBlack++;
        else this.nWhite++;
      }
      this.set(COL + i, color);
      this.set(PLACED + i, -1);
      this.rebuildChains();
    }
    this.ko = -1;
    this.koColor = 0;
    const dead = this.chainWithoutLiberties();
    if (dead >= 0) {
      this.popRecord();
      const what = color === EMPTY ? 'removing the stone at' : `a ${colorLetter(color)} setup stone at`;
      throw new Error(`setStone: ${what} ${pointToGtp(p)} leaves the chain at ${pointToGtp(I2E[dead])} without liberties`);
    }
    this.rec[(this.nrec - 1) * REC + R_SLOT] = this.tabInsert(this.hLo, this.hHi, this.nBlack + this.nWhite);
  }

  private chainWithoutLiberties(): number {
    const s = this.s;
    for (let i = 0; i < NCELLS; i++) {
      const c = s[COL + i];
      if ((c === BLACK || c === WHITE) && s[HEAD + i] === i && s[LIBS + i] === 0) return i;
    }
    return -1;
  }

  // Recomputes every chain by flood fill (setup is rare; splits after removals need it anyway).
  private rebuildChains(): void {
    const s = this.s;
    const mark = this.mark;
    const stack = this.stack;
    const seen = this.nextGen();
    for (let i0 = 0; i0 < NCELLS; i0++) {
      const c = s[COL + i0];
      if ((c !== BLACK && c !== WHITE) || mark[i0] === seen) continue;
      // Collect the chain, then link it in discovery order with i0 as head.
      let top = 0;
      let n = 0;
      stack[top++] = i0;
      mark[i0] = seen;
      let prev = -1;
      const libGen = this.nextGen();
      let libs = 0;
      while (top > 0) {
        const j = stack[--top];
        if (s[HEAD + j] !== i0) this.set(HEAD + j, i0);
        if (prev >= 0 && s[NEXT + prev] !== j) this.set(NEXT + prev, j);
        prev = j;
        n++;
        for (let k = 0; k < 4; k++) {
          const a = j + ADJ[k];
          const ca = s[COL + a];
          if (ca === c && mark[a] !== seen && mark[a] !== libGen) {
            mark[a] = seen;
            stack[top++] = a;
          } else if (ca === EMPTY && mark[a] !== libGen) {
            mark[a] = libGen;
            libs++;
          }
        }
      }
      if (s[NEXT + prev] !== i0) this.set(NEXT + prev, i0);
      if (s[LIBS + i0] !== libs) this.set(LIBS + i0, libs);
      if (s[NSTONES + i0] !== n) this.set(NSTONES + i0, n);
    }
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
  // Liberties are counted up to `cap` (exact below it), since features usually saturate.
  private analyse(i: number, c: number, wanted: number): number {
    const r = this.reasonFor(i, c);
    if (r !== LEGAL) {
      this.pvCaptures = 0;
      this.pvLiberties = 0;
      this.pvChainSize = 0;
      return r;
    }
    if (this.mCap >= wanted) {
      this.pvCaptures = this.mCaptures;
      this.pvLiberties = this.mLibs < wanted ? this.mLibs : wanted;
      this.pvChainSize = this.mSize;
      return LEGAL;
    }
    // Count at least MIN_CAP liberties so a later query with a small cap reuses this pass.
    const cap = wanted > MIN_CAP ? wanted : MIN_CAP;
    const s = this.s;
    const mark = this.mark;
    const gen = this.nextGen();
    const opp = 3 - c;
    const heads = this.heads; // [0,4): own chains, [4,8): captured chains
    let nown = 0, ncap = 0, libs = 0, size = 1, captures = 0;
    mark[i] = gen;
    for (let k = 0; k < 4; k++) {
      const a = i + ADJ[k];
      const ca = s[COL + a];
      if (ca === EMPTY) {
        mark[a] = gen;
        libs++;
      } else if (ca === c) {
        const h = s[HEAD + a];
        let seen = false;
        for (let q = 0; q < nown; q++) if (heads[q] === h) seen = true;
        if (!seen) {
          heads[nown++] = h;
          size += s[NSTONES + h];
        }
      } else if (ca === opp) {
        const h = s[HEAD + a];
        if (s[LIBS + h] !== 1) continue;
        let seen = false;
        for (let q = 0; q < ncap; q++) if (heads[4 + q] === h) seen = true;
        if (!seen) {
          heads[4 + ncap++] = h;
          captures += s[NSTONES + h];
        }
      }
    }
    for (let q = 0; q < nown && libs < cap; q++) {
      const h = heads[q];
      let j = h;
      do {
        for (let k = 0; k < 4; k++) {
          const a = j + ADJ[k];
          if (s[COL + a] === EMPTY && mark[a] !== gen) {
            mark[a] = gen;
            libs++;
          }
        }
        j = s[NEXT + j];
      } while (j !== h);
    }
    // A captured stone becomes a liberty when it touches the new stone or a chain that merges with it.
    for (let q = 0; q < ncap && libs < cap; q++) {
      const h = heads[4 + q];
      let j = h;
      do {
        for (let k = 0; k < 4; k++) {
          const a = j + ADJ[k];
          let touches = a === i;
          if (!touches && s[COL + a] === c) {
            const ha = s[HEAD + a];
            for (let o = 0; o < nown; o++) if (heads[o] === ha) touches = true;
          }
          if (touches) {
            libs++;
            break;
          }
        }
        j = s[NEXT + j];
      } while (j !== h);
    }
    this.mCap = cap;
    this.mLibs = libs;
    this.mCaptures = captures;
    this.mSize = size;
    this.pvCaptures = captures;
    this.pvLiberties = libs < wanted ? libs : wanted;
    this.pvChainSize = size;
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

  /** Whether p is an empty point `color` should not fill: own stones/edge on all sides, and at most one enemy diagonal (none on the edge). */
  isEyeOf(p: number, color: Player): boolean {
    const i = this.cell(p, 'isEyeOf');
    const c = this.player(color, 'isEyeOf');
    const s = this.s;
    if (s[COL + i] !== EMPTY) return false;
    let wall = false;
    for (let k = 0; k < 4; k++) {
      const ca = s[COL + i + ADJ[k]];
      if (ca === WALL) wall = true;
      else if (ca !== c) return false;
    }
    const opp = 3 - c;
    let oppDiag = 0;
    for (let k = 0; k < 4; k++) if (s[COL + i + DIAGS[k]] === opp) oppDiag++;
    return wall ? oppDiag === 0 : oppDiag < 2;
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
    this.s.set(other.s);
    if (this.trail.length < other.trail.length) this.trail = new Int32Array(other.trail.length);
    this.trail.set(other.trail.subarray(0, other.trailLen));
    this.trailLen = other.trailLen;
    if (this.rec.length < other.rec.length) this.rec = new Int32Array(other.rec.length);
    this.rec.set(other.rec.subarray(0, other.nrec * REC));
    this.nrec = other.nrec;
    if (this.tabUsed.length !== other.tabUsed.length) {
      this.tabLo = new Int32Array(other.tabLo.length);
      this.tabHi = new Int32Array(other.tabHi.length);
      this.tabUsed = new Uint8Array(other.tabUsed.length);
      this.tabStones = new Int16Array(other.tabStones.length);
    }
    this.tabLo.set(other.tabLo);
    this.tabHi.set(other.tabHi);
    this.tabUsed.set(other.tabUsed);
    this.tabStones.set(other.tabStones);
    this.seenByStones.set(other.seenByStones);
    this.tabCount = other.tabCount;
    this.baseSlot = other.baseSlot;
    this.hLo = other.hLo;
    this.hHi = other.hHi;
    this.ko = other.ko;
    this.koColor = other.koColor;
    this.nBlack = other.nBlack;
    this.nWhite = other.nWhite;
    this.capBlack = other.capBlack;
    this.capWhite = other.capWhite;
    this.toPlay = other.toPlay;
    this.moveNumber = other.moveNumber;
    this._superko = other._superko;
    this.version++;
  }

  // ---------------------------------------------------------------- scoring and display

  /** Tromp-Taylor area: stones plus empty regions whose borders reach only that colour. */
  areaScore(): AreaScore {
    const s = this.s;
    const mark = this.mark;
    const stack = this.stack;
    const gen = this.nextGen();
    let black = this.nBlack;
    let white = this.nWhite;
    for (let i0 = 0; i0 < NCELLS; i0++) {
      if (s[COL + i0] !== EMPTY || mark[i0] === gen) continue;
      let top = 0, n = 0, touch = 0;
      stack[top++] = i0;
      mark[i0] = gen;
      while (top > 0) {
        const j = stack[--top];
        n++;
        for (let k = 0; k < 4; k++) {
          const a = j + ADJ[k];
          const ca = s[COL + a];
          if (ca === EMPTY) {
            if (mark[a] !== gen) {
              mark[a] = gen;
              stack[top++] = a;
            }
          } else if (ca !== WALL) touch |= ca;
        }
      }
      if (touch === BLACK) black += n;
      else if (touch === WHITE) white += n;
    }
    return { black, white };
  }

  /** Tromp-Taylor result with white's komi: 'B+3.5', 'W+0.5' or '0'. */
  scoreString(komi: number): string {
    const { black, white } = this.areaScore();
    return formatScore(black, white, komi);
  }

  /** ASCII diagram (X black, O white, . empty) framed by GTP coordinates. */
  toString(): string {
    const cols = '   ' + GTP_COLUMNS.split('').join(' ');
    const lines = [cols];
    for (let y = 0; y < 19; y++) {
      const row = String(19 - y).padStart(2, ' ');
      let line = row + ' ';
      for (let x = 0; x < 19; x++) {
        const c = this.s[COL + (y + 1) * W + x + 1];
        line += (c === BLACK ? 'X' : c === WHITE ? 'O' : '.') + (x < 18 ? ' ' : '');
      }
      lines.push(line + ' ' + row);
    }
    lines.push(cols);
    return lines.join('\n');
  }
}
