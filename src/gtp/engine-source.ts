// The real policy source: the shared Engine (src/engine) loaded from a model folder.
import { Engine } from '../engine/index.js';
import type { Logger } from '../log.js';
import type { PolicyOptions, PolicySource } from './policy-source.js';

/** Loads the model in `modelDir` on `backend` ("auto" by default) and adapts it to PolicySource. */
export async function loadEngineSource(modelDir: string, backend?: string, logger?: Logger): Promise<PolicySource> {
  // GTP asks one position at a time: no point in waiting for company in the batcher.
  const engine = await Engine.load({ modelDir, backend, logger, maxBatch: 8, maxWaitMs: 0 });
  return {
    name: `tengen:${engine.model.id}`,
    policy: (board, opts?: PolicyOptions) => engine.policy(board, opts?.symmetries === 8 ? { symmetries: 8 } : {}),
    close: () => engine.close(),
  };
}
