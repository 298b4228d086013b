// What routes share: the engine and the request limits, passed explicitly instead of decorating the instance.
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Engine } from '../engine/index.js';
import type { Metrics } from './metrics.js';

export interface RouteContext {
  engine: Engine;
  metrics: Metrics;
  /** Most moves accepted in a move list, SGF line or KataGo query. */
  maxMoves: number;
}

/** The app instance typed with the zod type provider. */
export type ZodApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;
