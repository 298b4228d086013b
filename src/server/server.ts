// Starts the HTTP service: loads the engine, builds the app, listens, and shuts down gracefully on SIGINT/SIGTERM
// (stop accepting, finish in-flight requests and queued engine work, then exit).
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Engine } from '../engine/index.js';
import { createLogger, type Logger } from '../log.js';
import { buildApp } from './app.js';
import type { ServerConfig } from './config.js';

export interface RunningServer {
  app: FastifyInstance;
  engine: Engine;
  /** The address actually bound, e.g. http://127.0.0.1:8080. */
  url: string;
  /** Graceful shutdown: no new connections, in-flight requests finish (bounded by shutdownTimeoutMs), engine closed. */
  close(): Promise<void>;
}

/** A message telling how to get a model when `dir` holds none; null when the model directory exists. */
export function missingModelMessage(dir: string): string | null {
  if (existsSync(path.join(dir, 'tengen.json')) || existsSync(path.join(`${dir}.old`, 'tengen.json'))) return null;
  return [
    `no model found at ${path.resolve(dir)} (expected tengen.json, model.json and weights.bin there).`,
    'The shipped model lives in models/default of the repository (restore it with `git checkout models/default`).',
    'Or train one: `npx tengen data build ../shared/data/tom9d/train --out data/tom9d`, then',
    '`npx tengen train --data data/tom9d --features alphago48 --out runs/r1` and copy runs/r1/best to models/default.',
    'Or point to another model with --model DIR or TENGEN_MODEL=DIR.',
  ].join('\n');
}

/** Loads the model and listens; throws if the model is missing or invalid or the port is taken. */
export async function startServer(cfg: ServerConfig, logger: Logger = createLogger(cfg.logLevel)): Promise<RunningServer> {
  const missing = missingModelMessage(cfg.modelDir);
  if (missing) throw new Error(missing);
  const engine = await Engine.load({
    modelDir: cfg.modelDir,
    ...(cfg.backend === undefined ? {} : { backend: cfg.backend }),
    ...(cfg.runtime === undefined ? {} : { runtime: cfg.runtime }),
    maxBatch: cfg.maxBatch,
    maxWaitMs: cfg.maxWaitMs,
    maxQueue: cfg.maxQueue,
    inferenceWorkers: cfg.inferenceWorkers,
    inferenceNice: cfg.inferenceNice,
    logger,
  });
  let app: FastifyInstance;
  try {
    app = await buildApp({
      engine,
      logger,
      bodyLimit: cfg.bodyLimit,
      maxMoves: cfg.maxMoves,
      maxTurns: cfg.maxTurns,
      maxSearchingTurns: cfg.maxSearchingTurns,
      rateLimitMax: cfg.rateLimitMax,
      rateLimitWindowMs: cfg.rateLimitWindowMs,
      trustProxy: cfg.trustProxy,
      maxEventLoopDelayMs: cfg.maxEventLoopDelayMs,
      headersTimeoutMs: cfg.headersTimeoutMs,
      requestTimeoutMs: cfg.requestTimeoutMs,
      idleTimeoutMs: cfg.idleTimeoutMs,
      keepAliveTimeoutMs: cfg.keepAliveTimeoutMs,
      maxRequestsPerSocket: cfg.maxRequestsPerSocket,
      drainLimit: cfg.drainLimit,
      wsMaxQueries: cfg.wsMaxQueries,
      wsMaxQueuedTurns: cfg.wsMaxQueuedTurns,
      wsMaxBuffer: cfg.wsMaxBuffer,
      wsStallTimeoutMs: cfg.wsStallTimeoutMs,
    });
    await app.listen({ host: cfg.host, port: cfg.port });
  } catch (err) {
    await engine.close();
    throw err;
  }
  const addr = app.server.address();
  const url = typeof addr === 'object' && addr ? `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}` : String(addr);
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      const timer = setTimeout(() => {
        logger.warn({ timeoutMs: cfg.shutdownTimeoutMs }, 'shutdown timeout: closing remaining connections');
        app.server.closeAllConnections();
      }, cfg.shutdownTimeoutMs);
      timer.unref();
      try {
        await app.close();
        await engine.close();
      } finally {
        clearTimeout(timer);
      }
    })());
  return { app, engine, url, close };
}

/** Runs until SIGINT/SIGTERM, then shuts down gracefully; resolves when closed. */
export async function serveUntilSignal(cfg: ServerConfig, logger: Logger = createLogger(cfg.logLevel)): Promise<void> {
  const srv = await startServer(cfg, logger);
  logger.info({ url: srv.url, model: srv.engine.model.id, backend: srv.engine.backend }, 'listening');
  process.stderr.write(`tengen: serving model "${srv.engine.model.id}" (${srv.engine.backend}) on ${srv.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = (sig: NodeJS.Signals): void => {
      logger.info({ signal: sig }, 'shutting down');
      srv.close().then(resolve, (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        resolve();
      });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
