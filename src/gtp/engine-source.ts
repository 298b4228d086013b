// The real policy source: the shared Engine (src/engine) loaded from a model folder.
import { Engine } from '../engine/index.js';
import type { Logger } from '../log.js';
import { evaluatorFrom } from '../search/evaluator.js';
import type { PolicyOptions, PolicySource } from './policy-source.js';

/** A PolicySource over the Engine, with an evaluator for the search and whether the model has a value head. */
export interface EngineSource extends PolicySource {
  readonly hasValue: boolean;
}

/** Loads the model in `modelDir` on `backend` ("auto" by default) and `runtime` (the engine's default) and adapts it to PolicySource. */
export async function loadEngineSource(modelDir: string, backend?: string, logger?: Logger, symmetries: 1 | 8 = 1, runtime?: string): Promise<EngineSource> {
  // The search submits a round of leaves in one go (batch 16 by default); maxWaitMs 0 runs them as soon as the
  // round is queued, since nothing else would join.
  const engine = await Engine.load({ modelDir, backend, logger, maxBatch: 64, maxWaitMs: 0, ...(runtime === undefined ? {} : { runtime }) });
  const evaluator = evaluatorFrom(engine, symmetries);
  return {
    name: `tengen:${engine.model.id}`,
    hasValue: evaluator.hasValue,
    evaluator,
    policy: (board, opts?: PolicyOptions) => engine.policy(board, opts?.symmetries === 8 ? { symmetries: 8 } : {}),
    close: () => engine.close(),
  };
}
