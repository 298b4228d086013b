// The game-history half of the rules core (KataGo keeps it apart too, as BoardHistory): one record per
// step (move, pass or setup stone) and the set of earlier positions that positional superko forbids.
// Typed arrays only; a step costs a few writes and one hash-table insertion, and nothing is allocated
// unless the game outgrows the buffers (they double).

/** Kinds of step. */
export const STEP_MOVE = 0, STEP_PASS = 1, STEP_SETUP = 2;

// Step records: what was played, the turn state before it (restored by undo), and the superko
// table slot and hash of the position after it (-1 until recordPosition()).
const R_KIND = 0, R_POINT = 1, R_COLOR = 2, R_TOPLAY = 3, R_MOVENO = 4, R_SLOT = 5, R_LO = 6, R_HI = 7,
  R_STONES = 8;
const REC = 9;

/** Most stones a 19×19 position can hold (sizes the per-stone-count filter). */
const MAX_STONES = 361;

/** Steps taken from the empty board, and the positions they produced, for undo and positional superko. */
export class History {
  private rec = new Int32Array(REC * 64); // doubles on demand, like the table below (small boards are cheap to make)
  private n = 0;
  // Open-addressing set of position hashes (64 bits as two int32 halves); removal is exact because
  // only the newest insertion is ever removed (steps are undone in LIFO order).
  private tabLo = new Int32Array(256);
  private tabHi = new Int32Array(256);
  private tabUsed = new Uint8Array(256);
  private tabStones = new Int16Array(256); // stone count of the position in each slot
  private tabCount = 0;
  // Positions in the table per total stone count: a position with a count never seen cannot repeat,
  // which skips the hash (and the probe) for almost every move of a real game.
  private seenByStones = new Int32Array(MAX_STONES + 1);

  /** An empty history whose only position is the empty board. */
  constructor() {
    this.reset();
  }

  /** Forgets every step, keeping the buffers; the empty board (hash 0) is the base position. */
  reset(): void {
    this.n = 0;
    this.tabUsed.fill(0);
    this.seenByStones.fill(0);
    this.tabCount = 0;
    this.insert(0, 0, 0);
  }

  /** Number of steps recorded. */
  get length(): number {
    return this.n;
  }

  /** Records a step (kind STEP_*, point, colour) with the side to move and move number before it. */
  push(kind: number, p: number, c: number, toPlay: number, moveNumber: number): void {
    if ((this.n + 1) * REC > this.rec.length) {
      const r = new Int32Array(this.rec.length * 2);
      r.set(this.rec);
      this.rec = r;
    }
    const rec = this.rec;
    const o = this.n * REC;
    rec[o + R_KIND] = kind;
    rec[o + R_POINT] = p;
    rec[o + R_COLOR] = c;
    rec[o + R_TOPLAY] = toPlay;
    rec[o + R_MOVENO] = moveNumber;
    rec[o + R_SLOT] = -1;
    this.n++;
  }

  /** Adds the position after the newest step (hash halves, total stones) to the superko set. */
  recordPosition(lo: number, hi: number, stones: number): void {
    const o = (this.n - 1) * REC;
    const slot = this.insert(lo, hi, stones);
    const rec = this.rec;
    rec[o + R_LO] = lo;
    rec[o + R_HI] = hi;
    rec[o + R_STONES] = stones;
    rec[o + R_SLOT] = slot;
  }

  /** Drops the newest step and its position; throws if there is none. */
  pop(): void {
    if (this.n === 0) throw new Error('undo: there is no move to undo');
    const slot = this.rec[(this.n - 1) * REC + R_SLOT];
    if (slot >= 0) {
      this.tabUsed[slot] = 0;
      this.seenByStones[this.tabStones[slot]]--;
      this.tabCount--;
    }
    this.n--;
  }

  /** Side to move before the newest step. */
  get toPlayBefore(): number {
    return this.rec[(this.n - 1) * REC + R_TOPLAY];
  }

  /** Move number before the newest step. */
  get moveNumberBefore(): number {
    return this.rec[(this.n - 1) * REC + R_MOVENO];
  }

  /** The i-th most recent moved point (0 = last; PASS included, setup stones not), or -1 if there is none. */
  lastMoveAt(i: number): number {
    const rec = this.rec;
    for (let r = this.n - 1; r >= 0; r--) {
      if (rec[r * REC + R_KIND] === STEP_SETUP) continue;
      if (i-- === 0) return rec[r * REC + R_POINT];
    }
    return -1;
  }

  /** Whether some recorded position had exactly `stones` stones (if not, none can repeat with that count). */
  seen(stones: number): boolean {
    return this.seenByStones[stones] !== 0;
  }

  /** Whether the position with this hash and stone count was recorded (the base position included). */
  has(lo: number, hi: number, stones: number): boolean {
    if (this.seenByStones[stones] === 0) return false;
    const mask = this.tabUsed.length - 1;
    let slot = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    while (this.tabUsed[slot]) {
      if (this.tabLo[slot] === lo && this.tabHi[slot] === hi) return true;
      slot = (slot + 1) & mask;
    }
    return false;
  }

  /** Makes this history an exact copy of `other` (typed-array copies; allocates only if other's are larger). */
  copyFrom(other: History): void {
    if (this.rec.length < other.rec.length) this.rec = new Int32Array(other.rec.length);
    this.rec.set(other.rec.subarray(0, other.n * REC));
    this.n = other.n;
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
  }

  private insert(lo: number, hi: number, stones: number): number {
    if ((this.tabCount + 1) * 2 > this.tabUsed.length) this.grow();
    return this.insertRaw(lo, hi, stones);
  }

  // Doubles the table and re-inserts the base position and every recorded one, in order.
  private grow(): void {
    const n = this.tabUsed.length * 2;
    this.tabLo = new Int32Array(n);
    this.tabHi = new Int32Array(n);
    this.tabUsed = new Uint8Array(n);
    this.tabStones = new Int16Array(n);
    this.seenByStones.fill(0);
    this.tabCount = 0;
    this.insertRaw(0, 0, 0);
    const rec = this.rec;
    for (let o = 0; o < this.n * REC; o += REC) {
      if (rec[o + R_SLOT] >= 0) rec[o + R_SLOT] = this.insertRaw(rec[o + R_LO], rec[o + R_HI], rec[o + R_STONES]);
    }
  }

  private insertRaw(lo: number, hi: number, stones: number): number {
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
}
