// Ladder reader: a small alpha-beta-free AND/OR search with play/undo on a scratch Board.
//
// Definitions (AlphaGo's "ladder capture" / "ladder escape" planes, read the way RocAlphaGo and Pachi do):
// - the attacker ataris a defender chain that has exactly 2 liberties by playing one of them;
// - the defender, in atari, may extend on its last liberty or capture any attacker chain in atari that touches it
//   (this is how a counter-atari or a weak ataring stone breaks a ladder);
// - after the defender's move: 1 liberty → captured, ≥3 liberties → escaped, 2 liberties → the attacker tries
//   both liberties again.
// Bounds: MAX_DEPTH plies and NODE_BUDGET nodes per query. A ladder runs diagonally, two plies per row, so one
// that crosses the whole board needs about 2·19 + a few plies; 120 plies is generous. The node budget caps the cost
// of pathological positions (many counter-atari branches) so the encoder's worst case stays bounded; when either
// bound is hit the answer is "unknown", which both planes report as 0 (a missing plane bit costs less than a wrong one).
import { Board } from '../go/board.js';
import { EMPTY, NPOINTS, opponent, type Player } from '../go/constants.js';
import { NEIGHBOURS } from '../go/coords.js';

/** Maximum search depth in plies (see the header for why this is enough). */
export const LADDER_MAX_DEPTH = 120;
/** Maximum search nodes per capture/escape query. */
export const LADDER_NODE_BUDGET = 2000;

// Per-ply candidate slots on one preallocated stack: the defender rarely has more than a handful of options.
const SLOT = 16;

/** Reusable reader with its own scratch board; attach() or load() a position, then ask captureWorks/escapeWorks. */
export class LadderReader {
  private readonly board = new Board();
  private readonly stones = new Int16Array(NPOINTS);
  private readonly libs = new Int16Array(NPOINTS);
  private readonly stack = new Int16Array((LADDER_MAX_DEPTH + 2) * SLOT);
  private readonly targets = new Int16Array(4);
  private source: Board | null = null;
  private loaded = false;
  private nodes = 0;
  private aborted = false;
  /** Nodes visited by the last query (for benchmarks and tests of the bound). */
  lastNodes = 0;
  /** True if the last query hit a bound and answered "unknown" (false). */
  lastAborted = false;

  /** Reads position from now on (copied to the scratch board only once a search is really needed). */
  attach(position: Board): void {
    this.source = position;
    this.loaded = false;
  }

  /** Copies position into the scratch board; later queries read it and leave it unchanged. */
  load(position: Board): void {
    this.attach(position);
    this.ensureLoaded();
  }

  private ensureLoaded(): Board {
    if (!this.loaded) {
      if (this.source === null) throw new Error('LadderReader: no position attached (call attach or load first)');
      this.board.copyFrom(this.source);
      this.loaded = true;
    }
    return this.board;
  }

  /** True if color playing p ataris an adjacent opponent chain that had 2 liberties and it cannot escape. */
  captureWorks(p: number, color: Player): boolean {
    const src = this.source;
    if (src === null) throw new Error('LadderReader.captureWorks: no position attached');
    this.nodes = 0;
    this.aborted = false;
    const opp = opponent(color);
    if (src.colorAt(p) !== EMPTY || !src.isLegal(p, color)) return this.finish(false);
    let nt = 0;
    for (let k = 0; k < 4; k++) {
      const q = NEIGHBOURS[p * 4 + k];
      if (q < 0 || src.colorAt(q) !== opp || src.liberties(q) !== 2) continue;
      // Exact shortcut without search: if extending on the chain's other liberty e gives the defender ≥ 4
      // liberties on the current board (and captures nothing the atari could save), then after the atari it still
      // has ≥ 3 — the stone on p removes at most one liberty — so this target escapes.
      src.chainLibertyPoints(q, this.libs);
      const e = this.libs[0] === p ? this.libs[1] : this.libs[0];
      if (src.preview(e, opp, 4) === null && src.previewCaptures === 0 && src.previewLiberties >= 4) continue;
      this.targets[nt++] = q;
    }
    if (nt === 0) return this.finish(false);
    const b = this.ensureLoaded();
    if (!b.isLegal(p, color)) return this.finish(false); // the scratch mirrors src; this only guards play()
    b.play(p, color);
    let works = false;
    for (let i = 0; i < nt && !works; i++) {
      const q = this.targets[i];
      if (b.colorAt(q) !== opp || b.liberties(q) !== 1) continue;
      works = !this.defenderEscapes(q, opp, color, 1) && !this.aborted;
      if (this.aborted) break;
    }
    b.undo();
    return this.finish(works && !this.aborted);
  }

  /** True if color playing p saves an adjacent own chain in atari from capture by ladder (or outright). */
  escapeWorks(p: number, color: Player): boolean {
    const src = this.source;
    if (src === null) throw new Error('LadderReader.escapeWorks: no position attached');
    this.nodes = 0;
    this.aborted = false;
    const opp = opponent(color);
    if (src.colorAt(p) !== EMPTY) return this.finish(false);
    let inAtari = false;
    for (let k = 0; k < 4; k++) {
      const q = NEIGHBOURS[p * 4 + k];
      if (q >= 0 && src.colorAt(q) === color && src.liberties(q) === 1) inAtari = true;
    }
    if (!inAtari) return this.finish(false);
    // All those chains become one chain through p; its liberty count decides unless it is exactly 2.
    if (src.preview(p, color, 3) !== null) return this.finish(false);
    const libs = src.previewLiberties;
    if (libs !== 2) return this.finish(libs >= 3);
    const b = this.ensureLoaded();
    b.play(p, color);
    const works = !this.attackerWins(p, opp, color, 1) && !this.aborted;
    b.undo();
    return this.finish(works && !this.aborted);
  }

  private finish(result: boolean): boolean {
    this.lastNodes = this.nodes;
    this.lastAborted = this.aborted;
    return result;
  }

  // Defender (def) to move, target chain in atari: true if some move leaves it safe.
  private defenderEscapes(target: number, def: Player, att: Player, depth: number): boolean {
    if (++this.nodes > LADDER_NODE_BUDGET || depth >= LADDER_MAX_DEPTH) {
      this.aborted = true;
      return true;
    }
    const b = this.board;
    const slot = depth * SLOT;
    const stack = this.stack;
    let n = 0;
    const stones = this.stones;
    const ns = b.chainStones(target, stones);
    // Capturing an adjacent attacker chain in atari: listed first, it is the usual ladder breaker.
    for (let i = 0; i < ns; i++) {
      const q4 = stones[i] * 4;
      for (let k = 0; k < 4; k++) {
        const r = NEIGHBOURS[q4 + k];
        if (r < 0 || b.colorAt(r) !== att || b.liberties(r) !== 1) continue;
        b.chainLibertyPoints(r, this.libs);
        n = pushUnique(stack, slot, n, this.libs[0]);
      }
    }
    b.chainLibertyPoints(target, this.libs);
    const lastLiberty = this.libs[0];
    n = pushUnique(stack, slot, n, lastLiberty);
    for (let k = 0; k < n; k++) {
      const m = stack[slot + k];
      if (m === lastLiberty) {
        // Extending merges with the target, so a preview tells the outcome; only 2 liberties needs a deeper read.
        if (b.preview(m, def, 3) !== null) continue;
        const after = b.previewLiberties;
        if (after >= 3) return true;
        if (after < 2) continue;
      } else if (!b.isLegal(m, def)) {
        continue;
      }
      b.play(m, def);
      const libs = b.liberties(target);
      const safe = libs >= 3 || (libs === 2 && !this.attackerWins(target, att, def, depth + 1));
      b.undo();
      if (safe || this.aborted) return true;
    }
    return false;
  }

  // Attacker (att) to move, target chain with 2 liberties: true if an atari on one of them leads to capture.
  private attackerWins(target: number, att: Player, def: Player, depth: number): boolean {
    if (++this.nodes > LADDER_NODE_BUDGET || depth >= LADDER_MAX_DEPTH) {
      this.aborted = true;
      return false;
    }
    const b = this.board;
    const slot = depth * SLOT;
    const stack = this.stack;
    b.chainLibertyPoints(target, this.libs);
    stack[slot] = this.libs[0];
    stack[slot + 1] = this.libs[1];
    for (let k = 0; k < 2; k++) {
      const l = stack[slot + k];
      // Same exact shortcut as captureWorks: if extending on the other liberty gives ≥ 4 liberties now (without
      // captures), it still gives ≥ 3 after this atari, so the atari fails and needs no play.
      const other = stack[slot + 1 - k];
      if (b.preview(other, def, 4) === null && b.previewCaptures === 0 && b.previewLiberties >= 4) continue;
      if (!b.isLegal(l, att)) continue;
      b.play(l, att);
      const wins = b.liberties(target) === 1 && !this.defenderEscapes(target, def, att, depth + 1);
      b.undo();
      if (this.aborted) return false;
      if (wins) return true;
    }
    return false;
  }
}

function pushUnique(stack: Int16Array, slot: number, n: number, p: number): number {
  for (let i = 0; i < n; i++) if (stack[slot + i] === p) return n;
  if (n < SLOT) stack[slot + n++] = p;
  return n;
}

let shared: LadderReader | null = null;

function reader(): LadderReader {
  if (shared === null) shared = new LadderReader();
  return shared;
}

function checkArgs(where: string, p: number, color: number): void {
  if (!Number.isInteger(p) || p < 0 || p >= 361) throw new Error(`${where}: point ${p} is not an on-board point 0..360`);
  if (color !== 1 && color !== 2) throw new Error(`${where}: color ${color} is not BLACK (1) or WHITE (2)`);
}

/** True if color playing p puts an opponent chain with 2 liberties into atari from which it cannot escape. */
export function ladderCapture(board: Board, p: number, color: Player): boolean {
  checkArgs('ladderCapture', p, color);
  const r = reader();
  r.load(board);
  return r.captureWorks(p, color);
}

/** True if color playing p extends an own chain in atari so that it cannot be captured by a ladder. */
export function ladderEscape(board: Board, p: number, color: Player): boolean {
  checkArgs('ladderEscape', p, color);
  const r = reader();
  r.load(board);
  return r.escapeWorks(p, color);
}
