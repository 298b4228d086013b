// Builds the Fastify app around a loaded Engine (no listening: tests use app.inject, server.ts listens).
// Layout after fastify/demo: plugins/external (one third-party plugin each), routes/, schemas/.
import Fastify, { type FastifyInstance, type HTTPMethods } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { BoardPool, type Engine } from '../engine/index.js';
import type { Logger } from '../log.js';
import type { RouteContext } from './context.js';
import { drainBeforeError } from './drain.js';
import { TurnGate } from './katago.js';
import { Metrics } from './metrics.js';
import { ProblemError, sendProblem, toProblem } from './problem.js';
import { registerHelmet } from './plugins/external/helmet.js';
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
  /** Most positions analysed per request: analyzeTurns, /v1/analyze moves (default 1000). */
  maxTurns?: number;
  /** KataGo turns searching at once across all clients (default 128). */
  maxSearchingTurns?: number;
  /** Requests (and WebSocket queries) per window per client; 0 = off (default 0). */
  rateLimitMax?: number;
  rateLimitWindowMs?: number;
  /**
   * Which proxies to believe about the client address (X-Forwarded-For), as Fastify's trustProxy: false (default:
   * the socket's peer is the client), true (any), a hop count, or addresses/CIDRs. Rate limits and logs key on it.
   */
  trustProxy?: boolean | number | string;
  /** Shed load (503) above this event-loop delay in ms; 0 = off (default 2000). */
  maxEventLoopDelayMs?: number;
  /** Shed load (503) above this engine queue depth before reaching the engine; 0 = off (default 0). */
  maxQueueDepth?: number;
  /** Serve OpenAPI at /docs (default true). */
  docs?: boolean;
  /** Request headers must arrive within this time (default 10 s). */
  headersTimeoutMs?: number;
  /** The whole request, body included, must arrive within this time (default 30 s). */
  requestTimeoutMs?: number;
  /** Close a connection with no traffic for this long (default 120 s). */
  idleTimeoutMs?: number;
  /** Close an idle keep-alive connection after this long (default 5 s). */
  keepAliveTimeoutMs?: number;
  /** Requests per keep-alive connection, 0 = unlimited (default 10,000). */
  maxRequestsPerSocket?: number;
  /** Bytes of a refused body read and discarded so the client sees the error (default 16 MiB). */
  drainLimit?: number;
  /** KataGo WebSocket limits per connection (defaults: 4 queries at once, 10,000 turns waiting, 4 MiB unsent, 10 s stall). */
  wsMaxQueries?: number;
  wsMaxQueuedTurns?: number;
  wsMaxBuffer?: number;
  wsStallTimeoutMs?: number;
}

/** The first "__proto__" key, or "constructor" holding "prototype", in a parsed JSON value (iterative: any depth). */
function poisonedKey(value: unknown): { key: string; path: string } | null {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    const isArray = Array.isArray(v);
    for (const k of Object.keys(v)) {
      const child = (v as Record<string, unknown>)[k];
      const p = isArray ? `${path}[${k}]` : path === '' ? k : `${path}.${k}`;
      if (k === '__proto__') return { key: k, path: p };
      if (k === 'constructor' && typeof child === 'object' && child !== null && Object.hasOwn(child, 'prototype')) return { key: 'constructor.prototype', path: p };
      stack.push([child, p]);
    }
  }
  return null;
}

const METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

/** Builds (but does not start) the HTTP app; call `app.ready()` or `app.listen()` next. */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const requestTimeout = opts.requestTimeoutMs ?? 30_000;
  const headersTimeout = Math.min(opts.headersTimeoutMs ?? 10_000, requestTimeout);
  const common = {
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    // Fastify accepts a hop count at run time (proxy-addr), though its typings list only boolean and string forms.
    trustProxy: (opts.trustProxy ?? false) as boolean | string,
    // Graceful shutdown: close() stops accepting, lets in-flight requests finish, then ends idle keep-alives.
    forceCloseConnections: 'idle' as const,
    // Requests arriving during shutdown get a problem+json 503 from the onRequest hook below instead.
    return503OnClosing: false,
    requestTimeout,
    connectionTimeout: opts.idleTimeoutMs ?? 120_000,
    keepAliveTimeout: opts.keepAliveTimeoutMs ?? 5_000,
    maxRequestsPerSocket: opts.maxRequestsPerSocket ?? 10_000,
    // Node checks header and request deadlines on this period (default 30 s, too coarse for second-scale timeouts).
    http: { headersTimeout, connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(headersTimeout / 4))) },
  };
  const base = (opts.logger ? Fastify({ ...common, loggerInstance: opts.logger }) : Fastify({ ...common, logger: false })) as unknown as FastifyInstance;
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Only JSON bodies: text/plain gets 415 like any other media type instead of reaching the schema as a string.
  app.removeContentTypeParser('text/plain');
  // JSON with named faults: the parser's own message for malformed text (Fastify's default parser drops it), and a
  // prototype-poisoning key ("__proto__", "constructor.prototype") is refused by name instead of called invalid JSON.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      // An empty or blank body fails to parse too; it is named as such (checked here, off the hot path).
      if (text.trim() === '') return done(new ProblemError(400, 'malformed-json', 'Malformed JSON', 'request body is empty; send a JSON object', { field: 'body' }), undefined);
      return done(new ProblemError(400, 'malformed-json', 'Malformed JSON', `request body: ${(err as Error).message}`, { field: 'body' }), undefined);
    }
    // Walk the parsed value only when the text could hold such a key (literally, or spelled with \u escapes).
    const bad = text.includes('__proto__') || text.includes('constructor') || text.includes('\\u') ? poisonedKey(value) : null;
    if (bad) return done(new ProblemError(400, 'invalid-request', 'Invalid request', `body: the key "${bad.key}" is not allowed (at ${bad.path})`, { field: bad.path }), undefined);
    done(null, value);
  });

  const drainLimit = opts.drainLimit ?? 16 * 1024 * 1024;
  const metrics = new Metrics();
  metrics.start();
  const ctx: RouteContext = {
    engine: opts.engine,
    metrics,
    boards: new BoardPool(),
    maxMoves: opts.maxMoves ?? 1000,
    maxTurns: opts.maxTurns ?? 1000,
    turnGate: new TurnGate(opts.maxSearchingTurns ?? 128),
    drainLimit,
    ws: {
      maxQueries: opts.wsMaxQueries ?? 4,
      maxQueuedTurns: opts.wsMaxQueuedTurns ?? 10_000,
      maxBuffer: opts.wsMaxBuffer ?? 4 * 1024 * 1024,
      stallTimeoutMs: opts.wsStallTimeoutMs ?? 10_000,
    },
    rateCheck: null,
  };
  app.addHook('onClose', async () => metrics.stop());

  app.setErrorHandler(async (err, req, reply) => {
    const { problem, headers } = toProblem(err);
    if (problem.status >= 500 && !(err instanceof ProblemError) && problem.type.endsWith(':internal')) req.log.error({ err }, 'request failed');
    await drainBeforeError(req, drainLimit);
    return sendProblem(reply, problem, headers);
  });
  app.setNotFoundHandler(async (req, reply) => {
    await drainBeforeError(req, drainLimit);
    const url = req.url.split('?')[0]!;
    // A known path asked with the wrong method: 405 naming the methods it has.
    const allow = METHODS.filter((method) => base.hasRoute({ url, method }));
    if (allow.length > 0) {
      return sendProblem(
        reply,
        { type: 'urn:tengen:problem:method-not-allowed', title: 'Method not allowed', status: 405, detail: `${req.method} ${url} is not supported; use ${allow.join(' or ')}` },
        { allow: allow.join(', ') },
      );
    }
    return sendProblem(reply, { type: 'urn:tengen:problem:not-found', title: 'Not found', status: 404, detail: `no route ${req.method} ${url}` });
  });

  // Metrics by route pattern; a request that never matched a route is counted as "unmatched".
  const started = new WeakMap<object, number>();
  app.addHook('onRequest', async (req) => {
    started.set(req, performance.now());
  });
  app.addHook('onResponse', async (req, reply) => {
    const t0 = started.get(req);
    if (t0 === undefined) return;
    metrics.observe(req.routeOptions.url ?? 'unmatched', req.method, reply.statusCode, (performance.now() - t0) / 1000);
  });

  // During shutdown: new requests on open connections get a 503 problem, and every response closes its connection,
  // so keep-alive clients cannot hold close() open.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async () => {
    if (closing) throw new ProblemError(503, 'shutting-down', 'Shutting down', 'the server is shutting down and accepts no new requests', {}, { 'retry-after': '5', connection: 'close' });
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });

  // A body declared larger than the limit is refused 413 at once, before load shedding: retrying after a 503 could
  // never succeed, the 413 says what to change. (Fastify's own check, at body parsing, still covers chunked bodies.)
  const bodyLimit = common.bodyLimit;
  app.addHook('onRequest', async (req) => {
    const declared = Number(req.headers['content-length']);
    if (declared > bodyLimit) {
      throw new ProblemError(413, 'body-too-large', 'Request body too large', `request body is ${declared} bytes; the limit is ${bodyLimit}`, { field: 'body' });
    }
  });

  await registerHelmet(base);
  await registerUnderPressure(base, {
    maxEventLoopDelayMs: opts.maxEventLoopDelayMs ?? 2000,
    maxQueueDepth: opts.maxQueueDepth ?? 0,
    queueDepth: () => opts.engine.stats().queueDepth,
    retryAfterSeconds: 1,
  });
  ctx.rateCheck = await registerRateLimit(base, { max: opts.rateLimitMax ?? 0, windowMs: opts.rateLimitWindowMs ?? 60_000 });
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
