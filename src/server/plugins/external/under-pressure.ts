// @fastify/under-pressure: load shedding on event-loop delay / heap / engine queue → 503 problem with Retry-After.
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import { ProblemError } from '../../problem.js';

export interface PressureConfig {
  /** Event-loop delay in ms above which requests are shed (0 = off). */
  maxEventLoopDelayMs: number;
  /** Engine queue depth above which requests are shed before they reach the engine (0 = off). */
  maxQueueDepth: number;
  queueDepth: () => number;
  retryAfterSeconds: number;
}

/** Registers under-pressure with a custom check of the engine queue. */
export async function registerUnderPressure(app: FastifyInstance, cfg: PressureConfig): Promise<void> {
  await app.register(underPressure, {
    maxEventLoopDelay: cfg.maxEventLoopDelayMs,
    retryAfter: cfg.retryAfterSeconds,
    exposeStatusRoute: false,
    ...(cfg.maxQueueDepth > 0 ? { healthCheck: async () => cfg.queueDepth() < cfg.maxQueueDepth, healthCheckInterval: 50 } : {}),
    // A rejected promise ends the request here (under-pressure passes it to the hook's next(err)) and goes to the error
    // handler, which drains a refused body so the client sees the 503. (Sending from here and returning nothing would
    // let the request run on, and body parsing answer a second time.)
    pressureHandler: (_req, _reply, type, value) => {
      const detail = `server under pressure (${type}${value === undefined ? '' : ` = ${Math.round(value)}`}); retry after ${cfg.retryAfterSeconds} s`;
      return Promise.reject(new ProblemError(503, 'overloaded', 'Server overloaded', detail, {}, { 'retry-after': String(cfg.retryAfterSeconds) }));
    },
  });
}
