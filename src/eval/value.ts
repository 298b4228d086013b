// Value-head figures of `tengen eval`: for every sampled position whose game names a winner, the predicted win
// probability of the side to move against the game's result, by game phase, next to the naive baseline "area count
// of the current board with komi" on the same positions, plus a 10-bin calibration table (and its plot, plot.ts).
// Ties are worth half a hit (the baseline ties on an even count; the head at exactly 0.5).
// Half hits (ties) make the hit count non-integral: the shared Wilson interval takes that as is.
import { wilson } from '../stats.js';
import { PHASES } from './phases.js';

export interface ValueRate {
  rate: number;
  lo: number;
  hi: number;
}

export interface ValuePhase {
  name: string;
  positions: number;
  /** The value head: share of positions whose winner it names (p > 0.5), 95% Wilson interval, and log-loss (nats). */
  accuracy: ValueRate;
  logLoss: number;
  /** The baseline on the same positions: sign of (own area − opponent's area ± komi); its log-loss is of
   * sigmoid(margin / scale) with the scale fitted on this very sample (a flattering fit for the baseline). */
  baseline: { accuracy: ValueRate; logLoss: number; scale: number };
}

export interface CalibrationBin {
  lo: number;
  hi: number;
  positions: number;
  /** Mean predicted win probability in the bin, and the observed share of wins (NaN for an empty bin). */
  predicted: number;
  observed: number;
}

export interface ValueReport {
  /** Positions with a value target (the game's result names a winner). */
  positions: number;
  overall: ValuePhase;
  phases: ValuePhase[];
  calibration: CalibrationBin[];
}

const EPS = 1e-6;
const BINS = 10;
// Up to 500 points: on unfinished boards the Tromp-Taylor margin is weakly related to the result (dev fits hit 60).
const SCALES = [1, 1.5, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 60, 80, 120, 200, 300, 500];

const logLoss = (p: number, won: number): number => {
  const q = Math.min(1 - EPS, Math.max(EPS, p));
  return -(won ? Math.log(q) : Math.log(1 - q));
};

/** Collects (phase, predicted p, baseline margin, won) per position; add() allocates nothing once grown. */
export class ValueAccumulator {
  private n = 0;
  private phase = new Uint8Array(1024);
  private p = new Float64Array(1024);
  private margin = new Float64Array(1024);
  private won = new Uint8Array(1024);

  /** One position: its phase index, the head's P(side to move wins), the area margin from its view, and the result. */
  add(phase: number, p: number, margin: number, won: boolean): void {
    if (this.n === this.p.length) {
      const grow = <T extends Uint8Array | Float64Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.phase = grow(this.phase);
      this.p = grow(this.p);
      this.margin = grow(this.margin);
      this.won = grow(this.won);
    }
    this.phase[this.n] = phase;
    this.p[this.n] = p;
    this.margin[this.n] = margin;
    this.won[this.n] = won ? 1 : 0;
    this.n++;
  }

  private figures(name: string, keep: (i: number) => boolean): ValuePhase {
    let n = 0, hits = 0, loss = 0, baseHits = 0;
    for (let i = 0; i < this.n; i++) {
      if (!keep(i)) continue;
      n++;
      const w = this.won[i];
      hits += this.p[i] === 0.5 ? 0.5 : (this.p[i] > 0.5) === (w === 1) ? 1 : 0;
      loss += logLoss(this.p[i], w);
      const m = this.margin[i];
      baseHits += m === 0 ? 0.5 : (m > 0) === (w === 1) ? 1 : 0;
    }
    let best = { scale: NaN, loss: NaN };
    for (const s of SCALES) {
      let l = 0;
      for (let i = 0; i < this.n; i++) if (keep(i)) l += logLoss(1 / (1 + Math.exp(-this.margin[i] / s)), this.won[i]);
      if (!(l >= best.loss)) best = { scale: s, loss: l };
    }
    const rate = (h: number): ValueRate => ({ rate: n > 0 ? h / n : NaN, ...wilson(h, n) });
    return {
      name,
      positions: n,
      accuracy: rate(hits),
      logLoss: n > 0 ? loss / n : NaN,
      baseline: { accuracy: rate(baseHits), logLoss: n > 0 ? best.loss / n : NaN, scale: best.scale },
    };
  }

  /** The figures overall and per phase (PHASES order), and the calibration table. */
  result(): ValueReport {
    const bins = Array.from({ length: BINS }, (_, b) => ({ lo: b / BINS, hi: (b + 1) / BINS, positions: 0, sp: 0, sw: 0 }));
    for (let i = 0; i < this.n; i++) {
      const b = bins[Math.min(BINS - 1, Math.floor(this.p[i] * BINS))]!;
      b.positions++;
      b.sp += this.p[i];
      b.sw += this.won[i];
    }
    return {
      positions: this.n,
      overall: this.figures('all', () => true),
      phases: PHASES.map((ph, k) => this.figures(ph.name, (i) => this.phase[i] === k)),
      calibration: bins.map((b) => ({ lo: b.lo, hi: b.hi, positions: b.positions, predicted: b.positions ? b.sp / b.positions : NaN, observed: b.positions ? b.sw / b.positions : NaN })),
    };
  }
}
