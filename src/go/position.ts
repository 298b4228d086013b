// The speed-first half of the rules core, modelled on KataGo's Board: stones, chains, liberties,
// captures, simple ko and the Zobrist hash of a 19×19 position, with no notion of whose turn it is or
// of the game's history (that is board.ts and history.ts, as KataGo's BoardHistory is apart from Board).
// Everything is typed arrays updated incrementally; nothing is allocated per move. Every write to the
// grid is journaled, so a step bracketed by checkpoint() / rollback() is undone exactly and cheaply.
import { BLACK, EMPTY, WHITE, assertBoardSize, isPlayer } from './constants.js';
import type { Color, Player } from './constants.js';
import { GTP_COLUMNS } from './coords.js';
import { ADJ, ADJ0, ADJ1, ADJ2, ADJ3, DIAG0, DIAG1, DIAG2, DIAG3, E2I, I2E, NCELLS, W, WALL } from './layout.js';
import { formatScore } from './score.js';
import { ZOBRIST_HI, ZOBRIST_LO, hashKeyOf } from './zobrist.js';

// Sections of the state array `s`, indexed by internal cell i of the padded 21×21 grid (layout.ts).
// One Int32Array so a journal entry is just (index into s, old value).
const COL = 0; // colour per cell: EMPTY, BLACK, WHITE or WALL
const HEAD = NCELLS; // chain head cell per stone (stale on empty cells)
const NEXT = 2 * NCELLS; // next stone of the chain, a circular list (stale on empty cells)
const LIBS = 3 * NCELLS; // liberty count, valid at head cells
const NSTONES = 4 * NCELLS; // stone count, valid at head cells
const PLACED = 5 * NCELLS; // move number that placed the stone, -1 for setup stones and empty cells
const STATE_LEN = 6 * NCELLS;

// Upper bound of journal writes one step can make (relabels + captures + liberty updates), so the
// capacity check happens once per step (in checkpoint) instead of once per write.
const MAX_WRITES_PER_STEP = 8 * NCELLS;

// Checkpoint records: the journal length and the scalars a step may change.
const S_TRAIL = 0, S_KO = 1, S_KOCOLOR = 2, S_HLO = 3, S_HHI = 4, S_NB = 5, S_NW = 6, S_CAPB = 7, S_CAPW = 8;
const SNAP = 9;

/** Reason codes of the basic legality check (board.ts adds superko). */
export const LEGAL = 0, R_OCCUPIED = 1, R_SUICIDE = 2, R_KO = 3;

const DIAGS = [DIAG0, DIAG1, DIAG2, DIAG3];

/** Area counts of a position. */
export interface AreaScore {
  black: number;
  white: number;
}

/**
 * Stones, chains, liberties, captures, ko and hash of one position; changed only by the protected
 * step methods, which Board (board.ts) drives together with the history.
 */
export class Position {
  private s = new Int32Array(STATE_LEN);
  // Journal of writes to s as (index, old value) pairs; checkpoint records say where each step began.
  // Initial sizes are small (they double on demand): the server and the search make a Board per analysed turn, and
  // 128 KB each left ~450 MB of RSS behind 900 WebSocket turns (issue 14's abuse round).
  private trail = new Int32Array(2 * MAX_WRITES_PER_STEP);
  private trailLen = 0;
  private saved = new Int32Array(SNAP * 64);
  private nsaved = 0;
  protected hLo = 0;
  protected hHi = 0;
  protected ko = -1; // internal cell banned by simple ko, or -1
  protected koColor = 0; // the player the ban applies to
  protected nBlack = 0;
  protected nWhite = 0;
  private capBlack = 0; // white stones captured by black
  private capWhite = 0;
  // Scratch for queries: generation marks and small head lists, reused so queries allocate nothing.
  private mark = new Uint32Array(NCELLS);
  private markGen = 0;
  private heads = new Int32Array(8);
  private nheads = 0;
  private stack = new Int32Array(NCELLS);
  // Results of countAfter() besides its return value.
  protected afterCaptures = 0;
  protected afterSize = 0;
  // Hash halves computed by hashAfter().
  protected afterLo = 0;
  protected afterHi = 0;

  /** An empty 19×19 position; `where` names the caller in the size error. */
  constructor(size = 19, where = 'Position') {
    assertBoardSize(size, where);
    this.clearPosition();
  }

  /** Empties the grid, journal and counters without reallocating. */
  protected clearPosition(): void {
    const s = this.s;
    s.fill(0);
    for (let i = 0; i < NCELLS; i++) {
      s[COL + i] = I2E[i] < 0 ? WALL : EMPTY;
      s[PLACED + i] = -1;
    }
    this.trailLen = 0;
    this.nsaved = 0;
    this.hLo = 0;
    this.hHi = 0;
    this.ko = -1;
    this.koColor = 0;
    this.nBlack = 0;
    this.nWhite = 0;
    this.capBlack = 0;
    this.capWhite = 0;
  }

  // ---------------------------------------------------------------- validation helpers

  /** Internal cell of point p; throws naming `fn` if p is not on the board. */
  protected cell(p: number, fn: string): number {
    const i = E2I[p];
    if (i === undefined) throw new Error(`${fn}: ${p} is not an on-board point 0..360`);
    return i;
  }

  /** `c` as a Player; throws naming `fn` unless it is BLACK or WHITE. */
  protected playerArg(c: unknown, fn: string): Player {
    if (!isPlayer(c)) throw new Error(`${fn}: colour ${String(c)} is not BLACK (1) or WHITE (2)`);
    return c;
  }

  // ---------------------------------------------------------------- simple reads

  /** Colour on point p (EMPTY, BLACK or WHITE); throws if p is not on the board. */
  colorAt(p: number): Color {
    return this.s[COL + this.cell(p, 'colorAt')] as Color;
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
    return this.playerArg(color, 'stoneCount') === BLACK ? this.nBlack : this.nWhite;
  }

  /** Opponent stones captured so far by `color` (prisoners). */
  capturesBy(color: Player): number {
    return this.playerArg(color, 'capturesBy') === BLACK ? this.capBlack : this.capWhite;
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

  /** Whether p is an empty point `color` should not fill: own stones/edge on all sides, and at most one enemy diagonal (none on the edge). */
  isEyeOf(p: number, color: Player): boolean {
    const i = this.cell(p, 'isEyeOf');
    const c = this.playerArg(color, 'isEyeOf');
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

  // ---------------------------------------------------------------- analysis without playing

  /** A fresh generation for the `mark` scratch array. */
  private nextGen(): number {
    if (this.markGen === 0xffffffff) {
      this.mark.fill(0);
      this.markGen = 0;
    }
    return ++this.markGen;
  }

  /** Occupied / ko / suicide for c at cell i (LEGAL or an R_ code); touches no state. */
  protected basicReason(i: number, c: number): number {
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

  /** Total stones after c plays the basically legal cell i; remembers the captured chains for hashAfter(). */
  protected stonesAfter(i: number, c: number): number {
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
    this.nheads = nh;
    return stones;
  }

  /** Sets afterLo/afterHi to the hash after c plays i; call right after stonesAfter(i, c). */
  protected hashAfter(i: number, c: number): void {
    const s = this.s;
    const heads = this.heads;
    let lo = this.hLo ^ ZOBRIST_LO[c * NCELLS + i];
    let hi = this.hHi ^ ZOBRIST_HI[c * NCELLS + i];
    const zo = (3 - c) * NCELLS;
    for (let q = 0; q < this.nheads; q++) {
      const h = heads[q];
      let j = h;
      do {
        lo ^= ZOBRIST_LO[zo + j];
        hi ^= ZOBRIST_HI[zo + j];
        j = s[NEXT + j];
      } while (j !== h);
    }
    this.afterLo = lo;
    this.afterHi = hi;
  }

  /**
   * For c at the basically legal cell i: returns the liberties of the mover's chain after the move and
   * its captures, counted up to `cap` (exact below it), and sets afterCaptures / afterSize.
   */
  protected countAfter(i: number, c: number, cap: number): number {
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
    this.afterCaptures = captures;
    this.afterSize = size;
    return libs;
  }

  // ---------------------------------------------------------------- journal

  // Journaled write: the only way stones, chains, liberties and ages change.
  private set(idx: number, v: number): void {
    const t = this.trailLen;
    this.trail[t] = idx;
    this.trail[t + 1] = this.s[idx];
    this.s[idx] = v;
    this.trailLen = t + 2;
  }

  /** Opens a step: saves the journal length and scalars, so rollback() restores this exact position. */
  protected checkpoint(): void {
    if (this.trail.length - this.trailLen < 2 * MAX_WRITES_PER_STEP) {
      const t = new Int32Array(this.trail.length * 2);
      t.set(this.trail.subarray(0, this.trailLen));
      this.trail = t;
    }
    if ((this.nsaved + 1) * SNAP > this.saved.length) {
      const r = new Int32Array(this.saved.length * 2);
      r.set(this.saved);
      this.saved = r;
    }
    const v = this.saved;
    const o = this.nsaved * SNAP;
    v[o + S_TRAIL] = this.trailLen;
    v[o + S_KO] = this.ko;
    v[o + S_KOCOLOR] = this.koColor;
    v[o + S_HLO] = this.hLo;
    v[o + S_HHI] = this.hHi;
    v[o + S_NB] = this.nBlack;
    v[o + S_NW] = this.nWhite;
    v[o + S_CAPB] = this.capBlack;
    v[o + S_CAPW] = this.capWhite;
    this.nsaved++;
  }

  /** Undoes everything since the newest checkpoint (journal writes in reverse, then the scalars) and drops it. */
  protected rollback(): void {
    const v = this.saved;
    const o = (this.nsaved - 1) * SNAP;
    const s = this.s;
    const trail = this.trail;
    const start = v[o + S_TRAIL];
    for (let t = this.trailLen - 2; t >= start; t -= 2) s[trail[t]] = trail[t + 1];
    this.trailLen = start;
    this.ko = v[o + S_KO];
    this.koColor = v[o + S_KOCOLOR];
    this.hLo = v[o + S_HLO];
    this.hHi = v[o + S_HHI];
    this.nBlack = v[o + S_NB];
    this.nWhite = v[o + S_NW];
    this.capBlack = v[o + S_CAPB];
    this.capWhite = v[o + S_CAPW];
    this.nsaved--;
  }

  /** Makes this position, journal and checkpoints an exact copy of `other`'s (allocates only if other's are larger). */
  protected copyPosition(other: Position): void {
    this.s.set(other.s);
    if (this.trail.length < other.trail.length) this.trail = new Int32Array(other.trail.length);
    this.trail.set(other.trail.subarray(0, other.trailLen));
    this.trailLen = other.trailLen;
    if (this.saved.length < other.saved.length) this.saved = new Int32Array(other.saved.length);
    this.saved.set(other.saved.subarray(0, other.nsaved * SNAP));
    this.nsaved = other.nsaved;
    this.hLo = other.hLo;
    this.hHi = other.hHi;
    this.ko = other.ko;
    this.koColor = other.koColor;
    this.nBlack = other.nBlack;
    this.nWhite = other.nWhite;
    this.capBlack = other.capBlack;
    this.capWhite = other.capWhite;
  }

  // ---------------------------------------------------------------- changing the position (inside a checkpoint)

  /** A pass: no stone changes, the ko ban is lifted. */
  protected passMove(): void {
    this.ko = -1;
    this.koColor = 0;
  }

  /** Places c on the basically legal cell i as move `moveNo`, merging and capturing (KataGo playMoveAssumeLegal); sets ko. */
  protected playStone(i: number, c: number, moveNo: number): void {
    const s = this.s;
    const opp = 3 - c;
    const z = c * NCELLS + i;
    this.hLo ^= ZOBRIST_LO[z];
    this.hHi ^= ZOBRIST_HI[z];
    if (c === BLACK) this.nBlack++;
    else this.nWhite++;
    let libs = 0;
    // The two fixed four-neighbour tests of the move path (here and in mergeChains) stay unrolled: the
    // ADJ[k] loop form measured about 10% slower on the replay benchmark, (a) of bench/board.bench.ts.
    if (s[COL + i + ADJ0] === EMPTY) libs++;
    if (s[COL + i + ADJ1] === EMPTY) libs++;
    if (s[COL + i + ADJ2] === EMPTY) libs++;
    if (s[COL + i + ADJ3] === EMPTY) libs++;
    this.set(COL + i, c);
    this.set(HEAD + i, i);
    this.set(NEXT + i, i);
    this.set(LIBS + i, libs);
    this.set(NSTONES + i, 1);
    this.set(PLACED + i, moveNo);

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

  /**
   * Puts `color` (or EMPTY) on cell i without captures and lifts the ko ban; returns the head cell of
   * a chain left without liberties, or -1 (the caller rolls back).
   */
  protected putStone(i: number, color: Color): number {
    const s = this.s;
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
    return this.chainWithoutLiberties();
  }

  // Head cell of a chain with no liberties, or -1.
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
}
