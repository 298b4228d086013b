// Fake evaluators for search tests: no model, deterministic, with controllable delays.
import type { Board } from '../../src/go/board.js';
import { BLACK, NPOINTS, WHITE } from '../../src/go/constants.js';
import type { Evaluation, Evaluator } from '../../src/search/evaluator.js';

/**
 * Policy: uniform over legal points except a `lure` weight on chosen points; value: logistic of the capture
 * difference plus stones on board (a material-only "network"), for the side to move.
 */
export class MaterialEvaluator implements Evaluator {
  readonly hasValue = true;
  calls = 0;
  /** Largest number of evaluate() calls made in one synchronous stretch (≈ rows a batcher would see). */
  maxBurst = 0;
  private burst = 0;
  private flush: Promise<void> | null = null;

  constructor(
    private readonly lure: Map<number, number> = new Map(),
    private readonly delay: () => number = () => 0,
  ) {}

  evaluate(board: Board, komi: number): Promise<Evaluation> {
    this.calls++;
    this.burst++;
    this.maxBurst = Math.max(this.maxBurst, this.burst);
    this.flush ??= Promise.resolve().then(() => {
      this.burst = 0;
      this.flush = null;
    });
    const policy = new Float32Array(NPOINTS);
    let sum = 0;
    for (let p = 0; p < NPOINTS; p++) {
      if (!board.isLegal(p)) continue;
      policy[p] = this.lure.get(p) ?? 1;
      sum += policy[p]!;
    }
    for (let p = 0; p < NPOINTS; p++) policy[p]! /= sum;
    const material = board.stoneCount(BLACK) - board.stoneCount(WHITE) - komi / 10;
    const forBlack = 1 / (1 + Math.exp(-material / 2));
    const value = board.toPlay === BLACK ? forBlack : 1 - forBlack;
    const ms = this.delay();
    return new Promise((resolve) => (ms > 0 ? setTimeout(() => resolve({ policy, value }), ms) : queueMicrotask(() => resolve({ policy, value }))));
  }
}
