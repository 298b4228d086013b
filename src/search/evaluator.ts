// What the search needs from a network: the policy and value of one position. The search core never imports tfjs;
// the real Engine (src/engine) fits through `evaluatorFrom`, tests use fakes. The board is read synchronously at
// the call (features are encoded before the promise is returned), so the caller may change it right after.
import type { Board } from '../go/board.js';

/** A network's view of a position, for the side to move. */
export interface Evaluation {
  /** Float32Array(361): zero on illegal points, the rest sums to 1 (no pass output). */
  policy: Float32Array;
  /** Win probability of the side to move in [0, 1], or null when the model has no value head. */
  value: number | null;
  /** The network's ownership, side to move's view (+1 = the side to move owns the point), when it has that head. */
  ownership?: Float32Array | null;
}

/** The interface the search talks to. */
export interface Evaluator {
  /** False for a policy-only model: the search then uses its fallback estimate (see estimate.ts). */
  readonly hasValue: boolean;
  /** Evaluates `board` (side to move = board.toPlay) under `komi`; reads the board before returning. */
  evaluate(board: Board, komi: number): Promise<Evaluation>;
}

/** The engine surface `evaluatorFrom` adapts: Engine.evaluate when it exists (policy+value models), else Engine.policy. */
export interface EngineLike {
  readonly hasValue?: boolean;
  policy(board: Board, opts?: { symmetries?: 1 | 8 }): Promise<Float32Array>;
  evaluate?(board: Board, opts?: { symmetries?: 1 | 8; komi?: number }): Promise<{ policy: Float32Array; value: number | null; ownership?: Float32Array | null }>;
}

/** Adapts an Engine (or anything shaped like it) to the search's Evaluator. */
export function evaluatorFrom(engine: EngineLike, symmetries: 1 | 8 = 1): Evaluator {
  const hasValue = engine.hasValue === true && typeof engine.evaluate === 'function';
  if (hasValue) {
    return { hasValue, evaluate: (board, komi) => engine.evaluate!(board, { symmetries, komi }) };
  }
  return { hasValue: false, evaluate: async (board) => ({ policy: await engine.policy(board, { symmetries }), value: null }) };
}
