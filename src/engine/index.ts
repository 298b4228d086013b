// Public surface of the engine: what HTTP and GTP import.
export { Engine, legalMask, maskAndNormalise, topMoves, parseRuntime, DEFAULT_RUNTIME, ONNX_BACKEND } from './engine.js';
export type { EngineOptions, EngineStats, ModelInfo, PolicyOptions, RuntimeName, Suggestion } from './engine.js';
export { EngineBusyError, EngineClosedError } from './errors.js';
export { BATCH_BUCKETS, type BatcherStats } from './batcher.js';
export { INFERENCE_NICE } from './inference-pool.js';
export {
  BoardPool,
  PositionError,
  parseColor,
  parseVertex,
  positionFromMoves,
  positionFromRecord,
  recordFirstPlayer,
  recordFromSgf,
  type BuiltPosition,
  type MoveInput,
  type MovesSpec,
} from './position.js';
