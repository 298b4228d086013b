// @fastify/rate-limit: per-client request budget; over budget → 429 problem with Retry-After. KataGo WebSocket
// queries draw on the same budget (createRateLimit, same store and key), so a socket cannot bypass the limit.
// Health, readiness and metrics routes are exempt via route config; so are the web board's static files and the
// OpenAPI pages (GET/HEAD outside /v1/), which a browser fetches several at a time.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RateCheck } from '../../context.js';
import { ProblemError } from '../../problem.js';

export interface RateLimitConfig {
  /** Requests per window per client IP; 0 disables rate limiting. */
  max: number;
  windowMs: number;
}

function windowText(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function exempt(req: FastifyRequest): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && !req.url.startsWith('/v1/');
}

/** Registers the rate limiter; returns the check WebSocket queries use (null when rate limiting is off). */
export async function registerRateLimit(app: FastifyInstance, cfg: RateLimitConfig): Promise<RateCheck | null> {
  if (cfg.max <= 0) return null;
  const detail = (retryAfter: number): string =>
    `rate limit of ${cfg.max} requests per ${windowText(cfg.windowMs)} exceeded (WebSocket queries count as requests); retry after ${retryAfter} s`;
  await app.register(rateLimit, {
    global: true,
    max: cfg.max,
    timeWindow: cfg.windowMs,
    allowList: (req) => exempt(req),
    errorResponseBuilder: (_req, ctx) => {
      const retryAfter = Math.max(1, Math.ceil(ctx.ttl / 1000));
      return new ProblemError(429, 'rate-limited', 'Too many requests', detail(retryAfter), {}, { 'retry-after': String(retryAfter) });
    },
  });
  const limiter = (app as unknown as { createRateLimit: (o?: object) => (req: FastifyRequest) => Promise<{ isAllowed: boolean; isExceeded?: boolean; ttl?: number }> }).createRateLimit({
    allowList: () => false,
  });
  return async (req) => {
    const r = await limiter(req);
    const retryAfterSeconds = Math.max(1, Math.ceil((r.ttl ?? cfg.windowMs) / 1000));
    const allowed = r.isAllowed || !r.isExceeded;
    return { allowed, retryAfterSeconds, detail: allowed ? '' : detail(retryAfterSeconds) };
  };
}
