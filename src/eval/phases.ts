// Game phases of the evaluation split. A position belongs to the phase of the move played from it: the position
// before move k (1-based, counted over the game's recorded moves, passes included, setup/handicap stones not
// counted) is in the phase whose range holds k. So the empty board (before move 1) is "1-50" and the position after
// move 50 (before move 51) is "51-150".
import type { Dataset } from '../data/dataset.js';
import { wilson } from '../stats.js';
import type { Proportion } from './score.js';

export interface PhaseDef {
  /** Label used in the text and JSON reports: "1-50", "51-150", "151+". */
  name: string;
  firstMove: number;
  /** Last move number of the phase; null for the open-ended last phase. */
  lastMove: number | null;
}

/** The three phases, in order; they cover every move number ≥ 1 exactly once. */
export const PHASES: readonly PhaseDef[] = [
  { name: '1-50', firstMove: 1, lastMove: 50 },
  { name: '51-150', firstMove: 51, lastMove: 150 },
  { name: '151+', firstMove: 151, lastMove: null },
];

/** Index in PHASES of move number k (1-based); throws on k < 1 or a non-integer. */
export function phaseOfMove(k: number): number {
  if (!Number.isInteger(k) || k < 1) throw new Error(`phaseOfMove: move number ${k} is not an integer ≥ 1`);
  return k <= 50 ? 0 : k <= 150 ? 1 : 2;
}

/** 1-based move number of the move stored at entry e of `dataset` (e must be a move entry, not a setup stone). */
export function moveNumberOfEntry(dataset: Dataset, e: number): number {
  const g = dataset.gameOfEntry(e);
  const k = e - (dataset.gameStart(g) + dataset.setupCount(g));
  if (k < 0 || k >= dataset.moveCount(g)) throw new Error(`moveNumberOfEntry: entry ${e} is not a move of game ${g}`);
  return k + 1;
}

export interface PhaseScores extends PhaseDef {
  positions: number;
  top1: Proportion;
  top5: Proportion;
  top10: Proportion;
}

/** Top-1/5/10 hit counts per phase from each position's zero-based rank; add() allocates nothing. */
export class PhaseAccumulator {
  /** Per phase: n, top-1, top-5, top-10 hits. */
  private readonly counts = new Float64Array(PHASES.length * 4);

  /** Counts one position: its phase index (phaseOfMove) and the rank of the move played. */
  add(phase: number, rank: number): void {
    const o = phase * 4;
    this.counts[o]++;
    if (rank < 1) this.counts[o + 1]++;
    if (rank < 5) this.counts[o + 2]++;
    if (rank < 10) this.counts[o + 3]++;
  }

  /** Figures per phase, with Wilson 95% intervals (vacuous [0, 1] and rate NaN for an empty phase). */
  result(): PhaseScores[] {
    return PHASES.map((def, i) => {
      const n = this.counts[i * 4];
      const prop = (hits: number): Proportion => ({ hits, n, rate: n > 0 ? hits / n : NaN, ...wilson(hits, n) });
      return { ...def, positions: n, top1: prop(this.counts[i * 4 + 1]), top5: prop(this.counts[i * 4 + 2]), top10: prop(this.counts[i * 4 + 3]) };
    });
  }
}
