// Builds the Fastify app around a loaded Engine (no listening: tests use app.inject, server.ts listens).
// Layout after fastify/demo: plugins/external (one third-party plugin each), routes/, schemas/.
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Engine } from '../engine/index.js';
import type { Logger } from '../log.js';
import type { RouteContext } from './context.js';
import { Metrics } from './metrics.js';
import { ProblemError, sendProblem, toProblem } from './problem.js';
import { registerRateLimit } from './plugins/external/rate-limit.js';
import { registerStatic } from './plugins/external/static.js';
import { registerSwagger } from './plugins/external/swagger.js';
import { registerUnderPressure } from './plugins/external/under-pressure.js';
import { registerWebsocket } from './plugins/external/websocket.js';
import { analyzeRoutes } from './routes/api/analyze/index.js';
import { katagoRoutes } from './routes/api/katago/index.js';
import { modelsRoutes } from './routes/api/models/index.js';
import { suggestRoutes } from './routes/api/suggest/index.js';
import { healthRoutes } from './routes/health/index.js';

export interface AppOptions {
  engine: Engine;
  /** pino logger (default: none, quiet tests). */
  logger?: Logger | false;
  /** Largest accepted request body in bytes (default 1 MiB); bigger → 413. */
  bodyLimit?: number;
  /** Most moves per move list / SGF line / KataGo query (default 1000). */
  maxMoves?: number;
  /** Requests per window per client; 0 = off (default 0). */
  rateLimitMax?: number;
  rateLimitWindowMs?: number;
  /** Shed load (503) above this event-loop delay in ms; 0 = off (default 2000). */
  maxEventLoopDelayMs?: number;
  /** Shed load (503) above this engine queue depth before reaching the engine; 0 = off (default 0). */
  maxQueueDepth?: number;
  /** Serve OpenAPI at /docs (default true). */
  docs?: boolean;
}

/** Builds (but does not start) the HTTP app; call `app.ready()` or `app.listen()` next. */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const common = {
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    // Graceful shutdown: close() stops accepting, lets in-flight requests finish, then ends idle keep-alives.
    forceCloseConnections: 'idle' as const,
    return503OnClosing: true,
  };
  const base = (opts.logger ? Fastify({ ...common, loggerInstance: opts.logger }) : Fastify({ ...common, logger: false })) as unknown as FastifyInstance;
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const ctx: RouteContext = { engine: opts.engine, metrics: new Metrics(), maxMoves: opts.maxMoves ?? 1000 };

  app.setErrorHandler((err, req, reply) => {
    const { problem, headers } = toProblem(err);
    if (problem.status >= 500 && !(err instanceof ProblemError) && problem.type.endsWith(':internal')) req.log.error({ err }, 'request failed');
    return sendProblem(reply, problem, headers);
  });
  app.setNotFoundHandler((req, reply) =>
    sendProblem(reply, { type: 'urn:tengen:problem:not-found', title: 'Not found', status: 404, detail: `no route ${req.method} ${req.url.split('?')[0]}` }),
  );

  // Metrics by route pattern; a request that never matched a route is counted as "unmatched".
  const started = new WeakMap<object, number>();
  app.addHook('onRequest', async (req) => {
    started.set(req, performance.now());
  });
  app.addHook('onResponse', async (req, reply) => {
    const t0 = started.get(req);
    if (t0 === undefined) return;
    ctx.metrics.observe(req.routeOptions.url ?? 'unmatched', req.method, reply.statusCode, (performance.now() - t0) / 1000);
  });

  // Responses finished during shutdown close their connection, so keep-alive clients cannot hold close() open.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });

  await registerUnderPressure(base, {
    maxEventLoopDelayMs: opts.maxEventLoopDelayMs ?? 2000,
    maxQueueDepth: opts.maxQueueDepth ?? 0,
    queueDepth: () => opts.engine.stats().queueDepth,
    retryAfterSeconds: 1,
  });
  await registerRateLimit(base, { max: opts.rateLimitMax ?? 0, windowMs: opts.rateLimitWindowMs ?? 60_000 });
  if (opts.docs !== false) await registerSwagger(base);
  await registerWebsocket(base, opts.bodyLimit ?? 1024 * 1024);
  await registerStatic(base);

  await app.register(healthRoutes(ctx));
  await app.register(modelsRoutes(ctx));
  await app.register(suggestRoutes(ctx));
  await app.register(analyzeRoutes(ctx));
  await app.register(katagoRoutes(ctx));
  return base;
}
