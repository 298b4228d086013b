// What routes share: the engine and the request limits, passed explicitly instead of decorating the instance.
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { BoardPool, Engine } from '../engine/index.js';
import type { TurnGate } from './katago.js';
import type { Metrics } from './metrics.js';

/** Per-connection limits of the KataGo WebSocket. */
export interface WsLimits {
  /** Queries of one connection analysed at once; the socket is not read while at this limit. */
  maxQueries: number;
  /** Turns one connection may have waiting; a query that would pass this is refused turn by turn. */
  maxQueuedTurns: number;
  /** Unsent answer bytes above which the connection's analysis pauses (and its socket is not read). */
  maxBuffer: number;
  /** A connection paused on unsent answers this long is closed. */
  stallTimeoutMs: number;
}

/** The rate limiter's verdict for one more unit of work (an HTTP request or a WebSocket query) by this client. */
export type RateCheck = (req: FastifyRequest) => Promise<{ allowed: boolean; detail: string; retryAfterSeconds: number }>;

export interface RouteContext {
  engine: Engine;
  metrics: Metrics;
  /** Boards reused between requests (a request gives its board back once the answer no longer reads it). */
  boards: BoardPool;
  /** Most moves accepted in a move list, SGF line or KataGo query. */
  maxMoves: number;
  /** Most positions analysed for one request (analyzeTurns, /v1/analyze moves). */
  maxTurns: number;
  /** Bounds the KataGo turns searching at once across all clients (HTTP NDJSON and WebSocket). */
  turnGate: TurnGate;
  ws: WsLimits;
  /** Bytes of a refused body read and discarded before the error answer (see drain.ts). */
  drainLimit: number;
  /** Counts WebSocket queries against the HTTP rate limit; null when rate limiting is off. */
  rateCheck: RateCheck | null;
}

/** The app instance typed with the zod type provider. */
export type ZodApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;
