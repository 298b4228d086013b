// PUCT tree search over a policy+value network (AlphaGo Zero / Leela Zero / KataGo style), written by hand
// because it is the hot path and no maintained JS library does it:
//   - priors from the policy, leaf values from the value head (win probability of the side to move); a
//     policy-only model gets the nearest-stone estimate of estimate.ts instead (and says so in `hasValue`);
//   - selection by Q + cpuct · P · √N / (1 + n) with first-play urgency Q_parent − fpuReduction · √(Σ visited P);
//   - leaves are evaluated in rounds of `batchSize`: each round selects that many leaves with virtual loss (a
//     visit counted as a loss while in flight), submits them together so they share forward passes in the
//     engine's batcher, then backs them up in selection order. Rounds make the result independent of how the
//     batcher happened to split passes, so a search with a visit limit is deterministic;
//   - pass is a move in the tree; two passes in a row end the game there and the node is valued by the
//     Monte-Carlo dead-stone-aware score (estimate.ts), the same judgement `final_score` uses;
//   - points that fill the mover's own eye are not expanded (they are never good outside rare seki/nakade);
//   - the tree lives in typed arrays (nodes and edges, grown by doubling); one scratch Board walks down with
//     play() and back with undo(), so a visit allocates nothing but the network's own output;
//   - tree reuse: `setRoot` keeps the subtree of the moves played since the last search (compacted).
import { Board } from '../go/board.js';
import { BLACK, EMPTY, NPOINTS, PASS, type Player } from '../go/constants.js';
import { seededUniform } from '../random.js';
import { InfluenceEstimator, MonteCarloOwnership, scoreWithoutDead, stoneStatuses } from './estimate.js';
import type { Evaluation, Evaluator } from './evaluator.js';

/** Tunables of the search (defaults in DEFAULT_PARAMS). */
export interface SearchParams {
  /** Exploration constant of PUCT, with values in [0, 1]. */
  cpuct: number;
  /** First-play urgency reduction (Leela Zero's fpu_reduction). */
  fpuReduction: number;
  /** Leaves selected per round (virtual loss keeps them apart); ≈ rows per forward pass when searching alone. */
  batchSize: number;
  /** Prior of the pass move (the network has no pass output). */
  passPrior: number;
  /** Prior of pass at the root right after the opponent passed (ending the game must be considered). */
  passPriorAfterPass: number;
  /** Random playouts that score a node where the game ended (two passes). */
  terminalPlayouts: number;
  /** Seed of the generator behind the Monte-Carlo scoring (results are reproducible for a fixed seed). */
  seed: number;
}

export const DEFAULT_PARAMS: SearchParams = {
  cpuct: 1.5,
  fpuReduction: 0.25,
  batchSize: 16,
  passPrior: 0.001,
  passPriorAfterPass: 0.3,
  terminalPlayouts: 8,
  seed: 1,
};

/** Restricts the moves of one colour near the root (KataGo's avoidMoves/allowMoves, Leela Zero's avoid/allow). */
export interface MoveFilter {
  color: Player;
  /** 362 flags indexed by point (PASS = 361). */
  moves: Uint8Array;
  /** true = only flagged moves are allowed, false = flagged moves are forbidden. */
  allow: boolean;
  /** The filter applies to moves made at depths 0 … untilDepth−1 (0 = the root's move). */
  untilDepth: number;
}

/** When a search stops: whichever limit is reached first (at least one must be set). */
export interface SearchLimits {
  /** Stop once the root has this many visits (reused visits count). */
  maxVisits?: number;
  /** Stop after this many new playouts. */
  maxPlayouts?: number;
  /** Stop after this much wall time (ms). */
  maxTimeMs?: number;
  /** Polled between rounds; true = stop now (GTP: a new command arrived; KataGo: terminate). */
  shouldStop?: () => boolean;
  /** Called between rounds at most every `progressMs` (default 200 ms). */
  onProgress?: (search: Search) => void;
  progressMs?: number;
  filters?: readonly MoveFilter[];
  /**
   * Stop as soon as no other root move can overtake the most visited one with the playouts the visit and time limits
   * still allow (Leela Zero's and KataGo's time management): the move played is the one the full budget would choose,
   * and the time left over stays on the clock. The time estimate uses this run's playout rate. Off by default.
   */
  stopWhenDecided?: boolean;
}

/** One root move as reported by analysis (winrates from the side to move at the root; root moves the run's filters forbid left out). */
export interface MoveInfo {
  move: number;
  visits: number;
  winrate: number;
  /** Lower confidence bound of the winrate (mean − 1.96 σ/√n; below 0 with few visits). */
  lcb: number;
  prior: number;
  order: number;
  pv: number[];
  /** Visits of the position after each move of `pv` (KataGo's pvVisits; the first is `visits`). */
  pvVisits: number[];
}

/** Counters of the last run. */
export interface SearchStats {
  playouts: number;
  evaluations: number;
  terminal: number;
  collisions: number;
  rounds: number;
  ms: number;
  reusedVisits: number;
  /** The run ended early because its choice was decided (limits.stopWhenDecided). */
  stoppedEarly: boolean;
}

const S_NEW = 0, S_PENDING = 1, S_EXPANDED = 2, S_TERMINAL = 3;
const MAX_DEPTH = 512;
// Nodes and edges a new search has room for (doubled on demand): the server makes one Search per analysed turn,
// most of them with a handful of visits.
const INITIAL_CAPACITY = 256;
// Smallest prior an edge below the root keeps (see finish()).
const MIN_PRIOR = 1e-4;
// Longest stretch a run keeps the event loop to itself.
const YIELD_MS = 10;

/** A PUCT search over one position at a time; not re-entrant (one run at a time). */
export class Search {
  readonly params: SearchParams;
  // Nodes.
  private nCap = 0;
  private nLen = 0;
  private N = new Int32Array(0);
  private VL = new Int32Array(0);
  private W = new Float64Array(0); // sum of values for the player who moved into the node
  private W2 = new Float64Array(0);
  private state = new Uint8Array(0);
  private eStart = new Int32Array(0);
  private eCount = new Int32Array(0);
  private nValue = new Float32Array(0); // network (or terminal) value for the node's side to move
  // Edges.
  private eCap = 0;
  private eLen = 0;
  private eMove = new Int16Array(0);
  private ePrior = new Float32Array(0);
  private eChild = new Int32Array(0);

  private root = -1;
  private rootBoard: Board | null = null;
  private komi = 7.5;
  private readonly board = new Board();
  private readonly influence = new InfluenceEstimator();
  // Made on the first finished game the search meets (most server turns never meet one): 52 KB with its board.
  private mcEstimator: MonteCarloOwnership | null = null;
  private running = false;
  private paths: Int32Array[] = [];
  // Per round slot: the candidate moves of the slot's new leaf, until its evaluation gives them priors.
  private cands: Int16Array[] = [];
  private readonly lastStats: SearchStats = { playouts: 0, evaluations: 0, terminal: 0, collisions: 0, rounds: 0, ms: 0, reusedVisits: 0, stoppedEarly: false };

  constructor(
    readonly evaluator: Evaluator,
    params: Partial<SearchParams> = {},
  ) {
    this.params = { ...DEFAULT_PARAMS, ...params };
    const p = this.params;
    if (!(p.cpuct > 0)) throw new Error(`search: cpuct must be > 0, got ${p.cpuct}`);
    if (!Number.isInteger(p.batchSize) || p.batchSize < 1 || p.batchSize > 256) throw new Error(`search: batchSize must be an integer in 1..256, got ${p.batchSize}`);
    this.growNodes(INITIAL_CAPACITY);
    // Small at first and doubled on demand (expand() checks): the server makes one Search per analysed turn, and
    // 64k edges (640 KB) each for 1-visit turns left ~800 MB of RSS behind 900 turns (issue 14's abuse round).
    this.growEdges(INITIAL_CAPACITY);
  }

  // ------------------------------------------------------------------ storage

  private growNodes(min: number): void {
    let cap = Math.max(this.nCap, INITIAL_CAPACITY);
    while (cap < min) cap *= 2;
    if (cap === this.nCap) return;
    const g = <T extends Int32Array | Float64Array | Uint8Array | Float32Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a.subarray(0, this.nLen) as never);
      return b;
    };
    this.N = g(this.N, (n) => new Int32Array(n));
    this.VL = g(this.VL, (n) => new Int32Array(n));
    this.W = g(this.W, (n) => new Float64Array(n));
    this.W2 = g(this.W2, (n) => new Float64Array(n));
    this.state = g(this.state, (n) => new Uint8Array(n));
    this.eStart = g(this.eStart, (n) => new Int32Array(n));
    this.eCount = g(this.eCount, (n) => new Int32Array(n));
    this.nValue = g(this.nValue, (n) => new Float32Array(n));
    this.nCap = cap;
  }

  private growEdges(min: number): void {
    let cap = Math.max(this.eCap, INITIAL_CAPACITY);
    while (cap < min) cap *= 2;
    if (cap === this.eCap) return;
    const m = new Int16Array(cap);
    m.set(this.eMove.subarray(0, this.eLen));
    const pr = new Float32Array(cap);
    pr.set(this.ePrior.subarray(0, this.eLen));
    const c = new Int32Array(cap);
    c.set(this.eChild.subarray(0, this.eLen));
    this.eMove = m;
    this.ePrior = pr;
    this.eChild = c;
    this.eCap = cap;
  }

  private newNode(): number {
    if (this.nLen >= this.nCap) this.growNodes(this.nLen + 1);
    const n = this.nLen++;
    this.N[n] = 0;
    this.VL[n] = 0;
    this.W[n] = 0;
    this.W2[n] = 0;
    this.state[n] = S_NEW;
    this.eStart[n] = 0;
    this.eCount[n] = 0;
    this.nValue[n] = 0.5;
    return n;
  }

  /** Nodes and edges held (for memory reports and tests). */
  get size(): { nodes: number; edges: number } {
    return { nodes: this.nLen, edges: this.eLen };
  }

  // ------------------------------------------------------------------ root

  /**
   * Sets the position to search. When it follows the current root by moves already in the tree (same komi, at
   * most 16 moves later), the subtree is kept; otherwise the tree starts empty. Returns the visits kept.
   */
  setRoot(board: Board, komi: number): number {
    if (this.running) throw new Error('search: setRoot during a run');
    const kept = this.tryReuse(board, komi);
    this.rootBoard = board.clone();
    this.komi = komi;
    if (kept < 0) {
      this.nLen = 0;
      this.eLen = 0;
      this.root = this.newNode();
      return 0;
    }
    return kept;
  }

  /** Forgets the tree (KataGo's clear_cache, GTP clear_board). */
  clear(): void {
    if (this.running) throw new Error('search: clear during a run');
    this.rootBoard = null;
    this.root = -1;
    this.nLen = 0;
    this.eLen = 0;
  }

  private tryReuse(board: Board, komi: number): number {
    const old = this.rootBoard;
    if (old === null || this.root < 0 || komi !== this.komi) return -1;
    const d = board.moveNumber - old.moveNumber;
    if (d < 0 || d > 16 || board.historyLength - old.historyLength !== d) return -1;
    const moves = board.lastMoves(d).reverse();
    const probe = old.clone();
    let node = this.root;
    for (const m of moves) {
      if (this.state[node] !== S_EXPANDED) return -1;
      let child = -1;
      const s = this.eStart[node]!;
      for (let e = s; e < s + this.eCount[node]!; e++) if (this.eMove[e] === m) child = this.eChild[e]!;
      if (child < 0) return -1;
      try {
        probe.play(m, probe.toPlay);
      } catch {
        return -1;
      }
      node = child;
    }
    if (probe.hashLo !== board.hashLo || probe.hashHi !== board.hashHi || probe.toPlay !== board.toPlay) return -1;
    if (this.state[node] === S_PENDING) return -1;
    this.compact(node);
    if (board.lastMoveAt(0) === PASS) {
      const s = this.eStart[this.root]!;
      for (let e = s; e < s + this.eCount[this.root]!; e++) {
        if (this.eMove[e] === PASS) this.ePrior[e] = Math.max(this.ePrior[e]!, this.params.passPriorAfterPass);
      }
    }
    return this.N[this.root]!;
  }

  // Copies the subtree under `keep` to the front of fresh arrays (breadth-first), making it the root.
  private compact(keep: number): void {
    const oN = this.N, oW = this.W, oW2 = this.W2, oState = this.state, oES = this.eStart, oEC = this.eCount, oV = this.nValue;
    const oMove = this.eMove, oPrior = this.ePrior, oChild = this.eChild;
    this.N = new Int32Array(this.nCap);
    this.VL = new Int32Array(this.nCap);
    this.W = new Float64Array(this.nCap);
    this.W2 = new Float64Array(this.nCap);
    this.state = new Uint8Array(this.nCap);
    this.eStart = new Int32Array(this.nCap);
    this.eCount = new Int32Array(this.nCap);
    this.nValue = new Float32Array(this.nCap);
    this.eMove = new Int16Array(this.eCap);
    this.ePrior = new Float32Array(this.eCap);
    this.eChild = new Int32Array(this.eCap);
    this.nLen = 0;
    this.eLen = 0;
    const queue: number[] = [keep];
    const map: number[] = [this.newNode()];
    for (let qi = 0; qi < queue.length; qi++) {
      const o = queue[qi]!;
      const n = map[qi]!;
      this.N[n] = oN[o]!;
      this.W[n] = oW[o]!;
      this.W2[n] = oW2[o]!;
      this.state[n] = oState[o]!;
      this.nValue[n] = oV[o]!;
      const cnt = oEC[o]!;
      const s = this.eLen;
      this.eStart[n] = s;
      this.eCount[n] = cnt;
      this.eLen += cnt;
      for (let k = 0; k < cnt; k++) {
        const oe = oES[o]! + k;
        this.eMove[s + k] = oMove[oe]!;
        this.ePrior[s + k] = oPrior[oe]!;
        const oc = oChild[oe]!;
        if (oc >= 0 && oN[oc]! > 0 && oState[oc] !== S_PENDING) {
          queue.push(oc);
          map.push(this.newNode());
          this.eChild[s + k] = map[map.length - 1]!;
        } else this.eChild[s + k] = -1;
      }
    }
    this.root = 0;
  }

  // ------------------------------------------------------------------ running

  /** Searches until a limit is reached; resolves with the run's counters. */
  async run(limits: SearchLimits): Promise<SearchStats> {
    if (this.rootBoard === null || this.root < 0) throw new Error('search: setRoot before run');
    if (limits.maxVisits === undefined && limits.maxPlayouts === undefined && limits.maxTimeMs === undefined && limits.shouldStop === undefined) {
      throw new Error('search: give at least one of maxVisits, maxPlayouts, maxTimeMs, shouldStop');
    }
    if (this.running) throw new Error('search: already running');
    this.running = true;
    const st = this.lastStats;
    st.playouts = st.evaluations = st.terminal = st.collisions = st.rounds = 0;
    st.reusedVisits = this.N[this.root]!;
    st.stoppedEarly = false;
    const t0 = performance.now();
    let lastProgress = t0;
    let lastYield = t0;
    const progressMs = limits.progressMs ?? 200;
    const filters = limits.filters ?? [];
    this.lastFilters = filters;
    const maxVisits = limits.maxVisits ?? Infinity;
    const maxPlayouts = limits.maxPlayouts ?? Infinity;
    const deadline = limits.maxTimeMs === undefined ? Infinity : t0 + limits.maxTimeMs;
    const board = this.board;
    board.copyFrom(this.rootBoard);
    try {
      while (this.paths.length < this.params.batchSize) {
        this.paths.push(new Int32Array(MAX_DEPTH + 2));
        this.cands.push(new Int16Array(NPOINTS + 1));
      }
      for (;;) {
        const done = this.N[this.root]! + this.inFlight;
        if (done >= maxVisits || st.playouts >= maxPlayouts) break;
        if (performance.now() >= deadline) break;
        if (limits.shouldStop?.()) break;
        // The root goes alone first: its priors decide where the first round's leaves go.
        const want = this.state[this.root] === S_EXPANDED ? Math.min(this.params.batchSize, maxVisits - done, maxPlayouts - st.playouts) : 1;
        const pending = this.selectRound(want, filters);
        if (pending.length > 0) {
          const results = await Promise.allSettled(pending.map((p) => p.promise));
          let failure: unknown = null;
          for (let i = 0; i < pending.length; i++) {
            const r = results[i]!;
            if (r.status === 'fulfilled') this.finish(pending[i]!, r.value);
            else {
              this.abandon(pending[i]!);
              failure ??= r.reason;
            }
          }
          if (failure !== null) throw failure;
        }
        st.rounds++;
        // An evaluator that answers in microtasks (a cache, a fake) would otherwise starve I/O: let it run.
        if (performance.now() - lastYield >= YIELD_MS) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          lastYield = performance.now();
        }
        if (pending.length === 0 && this.lastRoundProgress === 0) break; // nothing selectable (every move filtered)
        if (limits.onProgress && performance.now() - lastProgress >= progressMs) {
          lastProgress = performance.now();
          limits.onProgress(this);
        }
        if (limits.stopWhenDecided && this.decided(maxVisits, maxPlayouts, deadline, t0, filters)) {
          st.stoppedEarly = true;
          break;
        }
      }
    } finally {
      this.running = false;
      this.inFlight = 0;
      st.ms = performance.now() - t0;
    }
    return { ...st };
  }

  /**
   * True when the most visited root move leads every other by more visits than the limits still allow (visits left,
   * playouts left, and the time left at this run's playout rate, once 50 ms of it give a rate worth trusting).
   */
  private decided(maxVisits: number, maxPlayouts: number, deadline: number, t0: number, filters: readonly MoveFilter[]): boolean {
    const st = this.lastStats;
    let left = Math.min(maxVisits - this.N[this.root]! - this.inFlight, maxPlayouts - st.playouts);
    if (deadline !== Infinity) {
      const now = performance.now();
      if (now - t0 < 50 || st.playouts === 0) return false;
      left = Math.min(left, Math.ceil((st.playouts / (now - t0)) * (deadline - now)));
    }
    if (left === Infinity) return false;
    let first = 0;
    let second = 0;
    const s = this.eStart[this.root]!;
    const toPlay = this.rootBoard!.toPlay;
    for (let e = s; e < s + this.eCount[this.root]!; e++) {
      if (this.ePrior[e]! < 0) continue;
      if (filters.length > 0 && this.filtered(this.eMove[e]!, 0, toPlay, filters)) continue;
      const c = this.eChild[e]!;
      const n = c >= 0 ? this.N[c]! : 0;
      if (n > first) {
        second = first;
        first = n;
      } else if (n > second) second = n;
    }
    return first - second > left;
  }

  private inFlight = 0;
  // The last run's filters: reports leave out root moves they forbid (a reused tree may hold visits from before).
  private lastFilters: readonly MoveFilter[] = [];
  private lastRoundProgress = 0;

  /** Selects up to `want` leaves; terminal leaves are backed up at once, network leaves are returned pending. */
  private selectRound(want: number, filters: readonly MoveFilter[]): Pending[] {
    const out: Pending[] = [];
    this.lastRoundProgress = 0;
    // A collision (the descent reached a leaf already in flight) costs a retry; the virtual losses steer the next
    // descent elsewhere. Too many in one round means the tree is too narrow for the batch: evaluate what we have.
    let collisions = 0;
    for (let k = 0; k < want; k++) {
      const path = this.paths[out.length]!;
      const r = this.descend(path, this.cands[out.length]!, filters);
      if (r === null) {
        this.lastStats.collisions++;
        if (++collisions > want / 2 || out.length === 0) break;
        k--;
        continue;
      }
      this.lastRoundProgress++;
      if (r !== 'done') {
        out.push(r);
        this.inFlight++;
      }
    }
    return out;
  }

  // One descent from the root. Returns a pending leaf, 'done' (backed up already), or null on a collision.
  private descend(path: Int32Array, cand: Int16Array, filters: readonly MoveFilter[]): Pending | 'done' | null {
    const board = this.board;
    const P = this.params;
    let node = this.root;
    let depth = 0;
    path[0] = node;
    this.VL[node]!++;
    for (;;) {
      const s = this.state[node]!;
      if (s !== S_EXPANDED || depth >= MAX_DEPTH) break;
      const e = this.pickEdge(node, depth, board.toPlay, filters, P);
      if (e < 0) {
        // Every move filtered or dead: value the node by its own evaluation.
        this.unwindBoard(depth);
        this.backup(path, depth, this.nValue[node]!);
        this.lastStats.playouts++;
        return 'done';
      }
      const m = this.eMove[e]!;
      try {
        board.play(m, board.toPlay);
      } catch {
        this.ePrior[e] = -1; // illegal here (superko with a non-masking evaluator): never again
        continue;
      }
      let child = this.eChild[e]!;
      if (child < 0) {
        child = this.newNode();
        this.eChild[e] = child;
      }
      node = child;
      depth++;
      path[depth] = node;
      this.VL[node]!++;
    }
    const s = this.state[node]!;
    if (s === S_PENDING) {
      for (let i = 0; i <= depth; i++) this.VL[path[i]!]!--;
      this.unwindBoard(depth);
      return null;
    }
    if (s === S_TERMINAL || (s === S_NEW && depth > 0 && board.lastMoveAt(0) === PASS && board.lastMoveAt(1) === PASS)) {
      if (s === S_NEW) {
        this.state[node] = S_TERMINAL;
        this.nValue[node] = this.terminalValue(board);
        this.lastStats.terminal++;
      }
      const v = this.nValue[node]!;
      this.unwindBoard(depth);
      this.backup(path, depth, v);
      this.lastStats.playouts++;
      return 'done';
    }
    if (s === S_EXPANDED) {
      // Depth cap reached: reuse the node's own value.
      const v = this.nValue[node]!;
      this.unwindBoard(depth);
      this.backup(path, depth, v);
      this.lastStats.playouts++;
      return 'done';
    }
    // A new leaf: its candidate moves are listed now (the board is here); its edges are made when the priors arrive.
    const nCand = this.candidates(board, cand);
    // Ending the game by answering a pass is a root decision; deeper in the tree it would burn visits on noise.
    const passPrior = depth === 0 && board.lastMoveAt(0) === PASS ? this.params.passPriorAfterPass : this.params.passPrior;
    this.state[node] = S_PENDING;
    const promise = this.evaluator.evaluate(board, this.komi);
    const fallback = this.evaluator.hasValue ? -1 : this.influence.value(board, this.komi);
    this.unwindBoard(depth);
    return { node, depth, path, promise, fallback, cand, nCand, passPrior };
  }

  private unwindBoard(depth: number): void {
    for (let i = 0; i < depth; i++) this.board.undo();
  }

  private pickEdge(node: number, depth: number, toPlay: Player, filters: readonly MoveFilter[], P: SearchParams): number {
    const N = this.N, VL = this.VL, W = this.W, eChild = this.eChild, ePrior = this.ePrior, eMove = this.eMove;
    const parentN = N[node]! + VL[node]!;
    const sqrtN = Math.sqrt(parentN > 1 ? parentN : 1);
    const parentQ = N[node]! > 0 ? 1 - W[node]! / N[node]! : 0.5;
    const s = this.eStart[node]!;
    const end = s + this.eCount[node]!;
    let visitedPolicy = 0;
    for (let e = s; e < end; e++) {
      const c = eChild[e]!;
      if (c >= 0 && N[c]! + VL[c]! > 0 && ePrior[e]! > 0) visitedPolicy += ePrior[e]!;
    }
    const fpu = parentQ - P.fpuReduction * Math.sqrt(visitedPolicy);
    const cp = P.cpuct * sqrtN;
    let best = -1;
    let bestScore = -Infinity;
    const nf = filters.length;
    for (let e = s; e < end; e++) {
      const prior = ePrior[e]!;
      if (prior < 0) continue;
      if (nf > 0 && this.filtered(eMove[e]!, depth, toPlay, filters)) continue;
      const c = eChild[e]!;
      let q = fpu;
      let n = 0;
      if (c >= 0) {
        n = N[c]! + VL[c]!;
        if (n > 0) q = W[c]! / n; // virtual losses count as losses (value 0)
      }
      const score = q + (cp * prior) / (1 + n);
      if (score > bestScore) {
        bestScore = score;
        best = e;
      }
    }
    return best;
  }

  private filtered(move: number, depth: number, toPlay: Player, filters: readonly MoveFilter[]): boolean {
    for (const f of filters) {
      if (f.color !== toPlay || depth >= f.untilDepth) continue;
      const flagged = f.moves[move] === 1;
      if (f.allow ? !flagged : flagged) return true;
    }
    return false;
  }

  // Empty points that do not fill the mover's own eye, into `out`; returns their count.
  private candidates(board: Board, out: Int16Array): number {
    const toPlay = board.toPlay;
    let n = 0;
    for (let p = 0; p < NPOINTS; p++) if (board.colorAt(p) === EMPTY && !board.isEyeOf(p, toPlay)) out[n++] = p;
    return n;
  }

  private finish(p: Pending, ev: Evaluation): void {
    const node = p.node;
    const pol = ev.policy;
    if (this.eLen + p.nCand + 1 > this.eCap) this.growEdges(this.eLen + p.nCand + 1);
    // Edges for the candidates the network gives probability (illegal points are 0 in a masked policy) and pass;
    // below the root, moves under MIN_PRIOR are left out (PUCT would not reach them at these visit counts).
    const floor = p.depth > 0 ? MIN_PRIOR : 0;
    const s = this.eLen;
    let w = s;
    for (let i = 0; i < p.nCand; i++) {
      const m = p.cand[i]!;
      const prior = pol[m]!;
      if (!(prior > floor)) continue;
      this.eMove[w] = m;
      this.ePrior[w] = prior;
      this.eChild[w] = -1;
      w++;
    }
    this.eMove[w] = PASS;
    this.ePrior[w] = p.passPrior;
    this.eChild[w] = -1;
    w++;
    this.eStart[node] = s;
    this.eCount[node] = w - s;
    this.eLen = w;
    const v = ev.value ?? p.fallback;
    const value = Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0.5;
    this.nValue[node] = value;
    this.state[node] = S_EXPANDED;
    this.backup(p.path, p.depth, value);
    this.inFlight--;
    this.lastStats.evaluations++;
    this.lastStats.playouts++;
  }

  // An evaluation failed (engine busy or closed): the leaf becomes new again and its virtual loss is removed.
  private abandon(p: Pending): void {
    this.state[p.node] = S_NEW;
    this.eCount[p.node] = 0;
    for (let i = 0; i <= p.depth; i++) this.VL[p.path[i]!]!--;
    this.inFlight--;
  }

  // Adds `v` (win probability of the side to move at the leaf) along the path, removing the virtual loss.
  private backup(path: Int32Array, depth: number, v: number): void {
    let forMover = 1 - v;
    for (let i = depth; i >= 0; i--) {
      const n = path[i]!;
      this.VL[n]!--;
      this.N[n]!++;
      this.W[n]! += forMover;
      this.W2[n]! += forMover * forMover;
      forMover = 1 - forMover;
    }
  }

  // Win probability of the side to move at a finished game: the Monte-Carlo score, 1 / 0.5 / 0.
  private terminalValue(board: Board): number {
    this.mcEstimator ??= new MonteCarloOwnership(seededUniform(this.params.seed));
    const est = this.mcEstimator.estimate(board, this.komi, this.params.terminalPlayouts);
    const { black, white } = scoreWithoutDead(board, stoneStatuses(board, est.ownership));
    const d = black - white - this.komi;
    const forBlack = d > 0 ? 1 : d < 0 ? 0 : 0.5;
    return board.toPlay === BLACK ? forBlack : 1 - forBlack;
  }

  // ------------------------------------------------------------------ results

  /** Counters of the last (or current) run. */
  get stats(): SearchStats {
    return { ...this.lastStats };
  }

  /** The root position (a copy is kept at setRoot). */
  get rootPosition(): Board {
    if (!this.rootBoard) throw new Error('search: no root');
    return this.rootBoard;
  }

  /** Visits of the root. */
  get rootVisits(): number {
    return this.root < 0 ? 0 : this.N[this.root]!;
  }

  /** Win probability of the side to move at the root (0.5 before any visit). */
  get rootWinrate(): number {
    const n = this.rootVisits;
    return n > 0 ? 1 - this.W[this.root]! / n : 0.5;
  }

  /** The network's win probability for the root position itself (before search), or null before evaluation. */
  get rootValue(): number | null {
    return this.root >= 0 && this.state[this.root] === S_EXPANDED ? this.nValue[this.root]! : null;
  }

  /** Priors of the root's moves (PASS included), 0 where not expanded. */
  rootPriors(): Float32Array {
    const out = new Float32Array(NPOINTS + 1);
    if (this.root < 0 || this.state[this.root] !== S_EXPANDED) return out;
    const s = this.eStart[this.root]!;
    for (let e = s; e < s + this.eCount[this.root]!; e++) if (this.ePrior[e]! > 0) out[this.eMove[e]!] = this.ePrior[e]!;
    return out;
  }

  /**
   * Root moves with at least `minVisits` visits, best first (visits, then winrate, then prior); when fewer than
   * `minMoves` have visits, unvisited moves follow by prior (visits 0, winrate = the root's). pv up to `pvLength`.
   */
  analysis(opts: { maxMoves?: number; minMoves?: number; pvLength?: number; minVisits?: number } = {}): MoveInfo[] {
    const { maxMoves = 361, minMoves = 0, pvLength = 20, minVisits = 1 } = opts;
    if (this.root < 0 || this.state[this.root] !== S_EXPANDED) return [];
    const s = this.eStart[this.root]!;
    const rows: { e: number; n: number; q: number; prior: number }[] = [];
    const toPlay = this.rootBoard!.toPlay;
    const filters = this.lastFilters;
    for (let e = s; e < s + this.eCount[this.root]!; e++) {
      if (this.ePrior[e]! < 0) continue;
      if (filters.length > 0 && this.filtered(this.eMove[e]!, 0, toPlay, filters)) continue;
      const c = this.eChild[e]!;
      const n = c >= 0 ? this.N[c]! : 0;
      rows.push({ e, n, q: n > 0 ? this.W[c]! / n : -1, prior: this.ePrior[e]! });
    }
    rows.sort((a, b) => b.n - a.n || b.q - a.q || b.prior - a.prior);
    const out: MoveInfo[] = [];
    const rootWr = this.rootWinrate;
    for (const r of rows) {
      if (out.length >= maxMoves) break;
      if (r.n < minVisits && out.length >= minMoves) break;
      const c = this.eChild[r.e]!;
      const n = r.n;
      let winrate = rootWr;
      let lcb = rootWr - 1;
      if (n > 0) {
        winrate = this.W[c]! / n;
        const variance = Math.max(this.W2[c]! / n - winrate * winrate, 0.0025);
        lcb = winrate - 1.96 * Math.sqrt(variance / n);
      }
      const { pv, pvVisits } = this.pv(r.e, pvLength);
      out.push({ move: this.eMove[r.e]!, visits: n, winrate, lcb, prior: r.prior, order: out.length, pv, pvVisits });
    }
    return out;
  }

  /** The principal variation from a root edge (most-visited children) and the visits of each position on it. */
  private pv(edge: number, max: number): { pv: number[]; pvVisits: number[] } {
    const pv = [this.eMove[edge]!];
    let node = this.eChild[edge]!;
    const pvVisits = [node >= 0 ? this.N[node]! : 0];
    while (node >= 0 && pv.length < max && this.state[node] === S_EXPANDED) {
      let best = -1;
      let bestN = 0;
      const s = this.eStart[node]!;
      for (let e = s; e < s + this.eCount[node]!; e++) {
        const c = this.eChild[e]!;
        if (c >= 0 && this.N[c]! > bestN) {
          bestN = this.N[c]!;
          best = e;
        }
      }
      if (best < 0) break;
      pv.push(this.eMove[best]!);
      pvVisits.push(bestN);
      node = this.eChild[best]!;
    }
    return { pv, pvVisits };
  }

  /**
   * The move to play: most visits (ties: higher winrate); the top prior if nothing was visited; PASS if no move.
   * Root moves the last run's filters forbid are never chosen.
   */
  bestMove(): { move: number; visits: number; winrate: number } {
    const a = this.analysis({ minMoves: 362 });
    if (a.length === 0) return { move: PASS, visits: 0, winrate: this.rootWinrate };
    return { move: a[0]!.move, visits: a[0]!.visits, winrate: a[0]!.visits > 0 ? a[0]!.winrate : this.rootWinrate };
  }
}

interface Pending {
  node: number;
  depth: number;
  path: Int32Array;
  promise: Promise<Evaluation>;
  /** Fallback value for the side to move (policy-only models), −1 when the evaluator has a value head. */
  fallback: number;
  /** Candidate moves of the leaf (a slot buffer, valid until the round is finished) and their count. */
  cand: Int16Array;
  nCand: number;
  passPrior: number;
}
