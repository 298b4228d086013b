// Liveness (/healthz), readiness (/readyz: model loaded and warmed, not shutting down) and Prometheus /metrics.
// These are exempt from rate limiting so orchestrators and scrapers are never throttled.
import { z } from 'zod';
import type { RouteContext, ZodApp } from '../../context.js';
import { Problem } from '../../schemas/common.js';
import { problemType, PROBLEM_TYPE } from '../../problem.js';

/** Registers GET /healthz, /readyz and /metrics. */
export function healthRoutes(ctx: RouteContext) {
  return async (app: ZodApp): Promise<void> => {
    const config = { rateLimit: false } as const;
    app.get('/healthz', { config, schema: { summary: 'Liveness', tags: ['ops'], response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({
      status: 'ok' as const,
    }));
    app.get(
      '/readyz',
      { config, schema: { summary: 'Readiness: model loaded and warmed up', tags: ['ops'], response: { 200: z.object({ status: z.literal('ready'), model: z.string() }), 503: Problem } } },
      async (_req, reply) => {
        if (!ctx.engine.ready) {
          return reply
            .code(503)
            .header('retry-after', '1')
            .type(PROBLEM_TYPE)
            .send({ type: problemType('not-ready'), title: 'Not ready', status: 503, detail: 'the model is not loaded, or the server is shutting down' });
        }
        return { status: 'ready' as const, model: ctx.engine.model.id };
      },
    );
    app.get('/metrics', { config, schema: { summary: 'Prometheus metrics (text format 0.0.4)', tags: ['ops'] } }, async (_req, reply) =>
      reply.type('text/plain; version=0.0.4; charset=utf-8').send(ctx.metrics.render(ctx.engine.stats(), ctx.turnGate.stats)),
    );
  };
}
