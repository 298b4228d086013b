// Errors the engine raises for load conditions (not for bad positions: see PositionError), so the HTTP
// layer can map them to 503 + Retry-After and GTP to a plain failure.

/** The request queue is full; try again after `retryAfterSeconds`. */
export class EngineBusyError extends Error {
  override readonly name = 'EngineBusyError';
  constructor(
    readonly queueDepth: number,
    readonly retryAfterSeconds = 1,
  ) {
    super(`engine queue is full (${queueDepth} requests waiting); retry after ${retryAfterSeconds} s`);
  }
}

/** The engine was closed (shutdown in progress); no new work is accepted. */
export class EngineClosedError extends Error {
  override readonly name = 'EngineClosedError';
  constructor() {
    super('engine is shutting down and accepts no new requests');
  }
}
