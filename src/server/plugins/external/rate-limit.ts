// @fastify/rate-limit: per-client request budget; over budget → 429 problem with Retry-After.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { ProblemError } from '../../problem.js';

export interface RateLimitConfig {
  /** Requests per window per client IP; 0 disables rate limiting. */
  max: number;
  windowMs: number;
}

/** Registers the rate limiter (health, readiness and metrics routes are exempt via route config). */
export async function registerRateLimit(app: FastifyInstance, cfg: RateLimitConfig): Promise<void> {
  if (cfg.max <= 0) return;
  await app.register(rateLimit, {
    global: true,
    max: cfg.max,
    timeWindow: cfg.windowMs,
    errorResponseBuilder: (_req, ctx) =>
      new ProblemError(429, 'rate-limited', 'Too many requests', `rate limit of ${ctx.max} requests per ${ctx.after} exceeded; retry after ${ctx.after}`, {}, {
        'retry-after': String(Math.max(1, Math.ceil(ctx.ttl / 1000))),
      }),
  });
}
