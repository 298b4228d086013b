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
    // Thrown into the error handler (not sent here) so a refused body is drained first and the client sees the 503.
    pressureHandler: (_req, reply, type, value) => {
      const detail = `server under pressure (${type}${value === undefined ? '' : ` = ${Math.round(value)}`}); retry after ${cfg.retryAfterSeconds} s`;
      reply.send(new ProblemError(503, 'overloaded', 'Server overloaded', detail, {}, { 'retry-after': String(cfg.retryAfterSeconds) }));
    },
  });
}
