// KataGo analysis-engine protocol: POST /v1/katago-analysis (one query → NDJSON, one line per turn) and the same
// queries over a WebSocket at /v1/katago (one JSON object per message, answers in completion order, as KataGo does).
// Every turn of an accepted query gets exactly one answer: its analysis or {error, id, turnNumber}. Every error on
// these routes, schema errors included, is in KataGo's {error, field, id} form.
// Fairness on the WebSocket: each connection is one lane of the engine's round-robin batcher, analyses at most
// `ws.maxQueries` queries at once (its socket is not read meanwhile, so a flooding client is held back by TCP),
// has at most `ws.maxQueuedTurns` turns waiting (past that, turns are refused one by one), pauses while its unsent
// answers exceed `ws.maxBuffer` and is closed when they stay there `ws.stallTimeoutMs`; each query counts against
// the rate limit like an HTTP request.
import { PassThrough } from 'node:stream';
import type { WebSocket } from '@fastify/websocket';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EngineBusyError } from '../../../../engine/index.js';
import type { Board } from '../../../../go/board.js';
import type { RouteContext, ZodApp } from '../../../context.js';
import { drainBeforeError } from '../../../drain.js';
import { QueryRegistry, actionReply, analyzeQuery, modelsOf, parseQuery, queryPriority, type ParsedQuery } from '../../../katago.js';
import { toProblem } from '../../../problem.js';
import { KatagoError, KatagoQuery } from '../../../schemas/katago.js';

const NDJSON = 'application/x-ndjson';

/** Waits until `stream` has room again, or the client is gone; resolves false when gone. */
function roomIn(stream: PassThrough, reply: FastifyReply): Promise<boolean> {
  if (reply.raw.destroyed || reply.raw.writableEnded) return Promise.resolve(false);
  if (!stream.writableNeedDrain) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      stream.off('drain', onDrain);
      reply.raw.off('close', onClose);
      resolve(ok);
    };
    const onDrain = done(true);
    const onClose = done(false);
    stream.once('drain', onDrain);
    reply.raw.once('close', onClose);
  });
}

/** Registers POST /v1/katago-analysis and GET /v1/katago (WebSocket). */
export function katagoRoutes(ctx: RouteContext) {
  return async (app: ZodApp): Promise<void> => {
    // Running HTTP queries, so a terminate / terminate_all POST stops them (each WebSocket connection has its own).
    const registry = new QueryRegistry();
    const models = () => modelsOf(ctx.engine);
    // This plugin's own error handler: KataGo's {error, field, id} as one NDJSON line, same status and headers.
    app.setErrorHandler(async (err, req, reply) => {
      const { problem, headers } = toProblem(err);
      if (problem.status >= 500 && problem.type.endsWith(':internal')) req.log.error({ err }, 'request failed');
      await drainBeforeError(req, ctx.drainLimit);
      const body = req.body as { id?: unknown } | undefined;
      const out: Record<string, unknown> = { error: problem.detail };
      if (typeof problem.field === 'string') out.field = problem.field;
      if (body && typeof body === 'object' && typeof body.id === 'string') out.id = body.id;
      for (const [k, v] of Object.entries(headers)) reply.header(k, v);
      return reply.code(problem.status).type(NDJSON).send(JSON.stringify(out) + '\n');
    });

    app.post(
      '/v1/katago-analysis',
      {
        attachValidation: true,
        schema: {
          summary: 'KataGo analysis-engine query (PUCT search up to maxVisits); NDJSON, one line per analysed turn',
          tags: ['katago'],
          body: KatagoQuery,
          response: { 400: KatagoError, 413: KatagoError, 415: KatagoError, 429: KatagoError, 503: KatagoError },
        },
      },
      async (req, typedReply) => {
        // Answers are NDJSON text written here, not objects for the schema serializer (the schema documents them).
        const reply = typedReply as unknown as FastifyReply;
        const raw = req.body as Record<string, unknown>;
        // Schema errors in KataGo's form: the field, and the id when the query has a string one.
        if (req.validationError) {
          const { problem } = toProblem(req.validationError);
          const out: Record<string, unknown> = { error: problem.detail, field: problem.field };
          if (raw && typeof raw === 'object' && typeof raw.id === 'string') out.id = raw.id;
          return reply.code(400).type(NDJSON).send(JSON.stringify(out) + '\n');
        }
        const action = actionReply(raw, { registry, models });
        if (action) return reply.code('error' in action ? 400 : 200).type(NDJSON).send(JSON.stringify(action) + '\n');
        const q = parseQuery(raw, ctx.maxMoves, ctx.maxTurns, { id: ctx.engine.model.id, hasOwnership: ctx.engine.hasOwnership });
        if ('error' in q) return reply.code(400).type(NDJSON).send(JSON.stringify(q) + '\n');
        // Admission: when the engine queue is already full the whole query is refused up front with 503; once the
        // answer has started, a turn the engine refuses becomes its own {error, id, turnNumber} line.
        const st = ctx.engine.stats();
        if (st.queueDepth >= st.maxQueue) throw new EngineBusyError(st.queueDepth);
        const stream = new PassThrough();
        const lane = req.raw.socket;
        const handle = registry.track(q.id);
        void analyzeQuery(ctx.engine, q, (obj) => stream.write(JSON.stringify(obj) + '\n'), {
          policy: (b: Board) => ctx.engine.policy(b, { lane }),
          lane,
          ready: () => roomIn(stream, reply),
          isTerminated: handle.isTerminated,
          gate: ctx.turnGate,
        })
          .finally(handle.done)
          .then(
          () => stream.end(),
          (err: Error) => stream.end(JSON.stringify({ error: err.message, id: q.id }) + '\n'),
        );
        return reply.type(NDJSON).send(stream);
      },
    );

    const conns = new Set<KatagoConnection>();
    // One timer for every connection: closes those whose unsent answers stay above the bound (clients that never read).
    const sweeper = setInterval(() => {
      for (const c of conns) c.checkStall();
    }, 250);
    sweeper.unref();
    app.addHook('onClose', async () => clearInterval(sweeper));

    app.get('/v1/katago', { websocket: true, schema: { hide: true } }, (socket: WebSocket, req: FastifyRequest) => {
      const c = new KatagoConnection(socket, req, ctx);
      conns.add(c);
      ctx.metrics.websockets++;
      socket.on('close', () => {
        conns.delete(c);
        ctx.metrics.websockets--;
        c.closed();
      });
    });
  };
}

/** One KataGo WebSocket client: its queue of queries, its limits and its backpressure. */
class KatagoConnection {
  private inFlight = 0;
  private queuedTurns = 0;
  private readonly waiting: ParsedQuery[] = [];
  // This connection's queries, so its terminate / terminate_all reach them, queued ones included.
  private readonly registry = new QueryRegistry();
  private readonly handles = new Map<ParsedQuery, ReturnType<QueryRegistry['track']>>();
  private readingPaused = false;
  private overSince = 0;
  private gone = false;
  /** This connection's lane in the engine's round-robin. */
  private readonly lane = {};

  constructor(
    private readonly socket: WebSocket,
    private readonly req: FastifyRequest,
    private readonly ctx: RouteContext,
  ) {
    socket.on('message', (data: Buffer, isBinary: boolean) => void this.onMessage(data, isBinary));
  }

  private send(obj: unknown): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(obj));
  }

  private refuseTurns(q: ParsedQuery, error: string): void {
    this.ctx.metrics.wsRefusedTurns += q.turns.length;
    for (const t of q.turns) this.send({ error, id: q.id, turnNumber: t });
  }

  private async onMessage(data: Buffer, isBinary: boolean): Promise<void> {
    let raw: unknown;
    try {
      raw = JSON.parse(isBinary ? data.toString('utf8') : String(data));
    } catch (err) {
      this.send({ error: `could not parse query as JSON: ${(err as Error).message}` });
      return;
    }
    const action =
      typeof raw === 'object' && raw !== null && !Array.isArray(raw)
        ? actionReply(raw as Record<string, unknown>, { registry: this.registry, models: () => modelsOf(this.ctx.engine) })
        : null;
    if (action) return this.send(action);
    const q = parseQuery(raw, this.ctx.maxMoves, this.ctx.maxTurns, { id: this.ctx.engine.model.id, hasOwnership: this.ctx.engine.hasOwnership });
    if ('error' in q) return this.send(q);
    if (this.ctx.rateCheck) {
      const verdict = await this.ctx.rateCheck(this.req);
      if (!verdict.allowed) return this.refuseTurns(q, verdict.detail);
    }
    const { maxQueuedTurns } = this.ctx.ws;
    if (this.queuedTurns + q.turns.length > maxQueuedTurns) {
      return this.refuseTurns(q, `this connection already has ${this.queuedTurns} turns waiting, at most ${maxQueuedTurns}; read the answers and send again`);
    }
    this.queuedTurns += q.turns.length;
    this.handles.set(q, this.registry.track(q.id));
    this.waiting.push(q);
    // Higher priority first; the sort is stable, so equal priorities keep their arrival order.
    this.waiting.sort((a, b) => queryPriority(b) - queryPriority(a));
    this.pump();
  }

  private pump(): void {
    while (!this.gone && this.inFlight < this.ctx.ws.maxQueries && this.waiting.length > 0) {
      const q = this.waiting.shift()!;
      this.inFlight++;
      const handle = this.handles.get(q)!;
      void analyzeQuery(this.ctx.engine, q, (obj) => this.send(obj), {
        policy: (b: Board) => this.ctx.engine.policy(b, { lane: this.lane }),
        lane: this.lane,
        ready: () => this.ready(),
        isTerminated: handle.isTerminated,
        gate: this.ctx.turnGate,
      })
        .catch((err: unknown) => {
          const { problem } = toProblem(err);
          this.send({ error: problem.detail, id: q.id });
        })
        .finally(() => {
          handle.done();
          this.handles.delete(q);
          this.inFlight--;
          this.queuedTurns -= q.turns.length;
          this.pump();
        });
    }
    this.updateReading();
  }

  // The socket is read only while this connection may start another query at once (nothing waiting, a free query
  // slot) and its unsent answers are within bound: a flooding client is held back by TCP, not queued in memory.
  private updateReading(): void {
    const hold = this.waiting.length > 0 || this.inFlight >= this.ctx.ws.maxQueries || this.socket.bufferedAmount > this.ctx.ws.maxBuffer;
    if (hold && !this.readingPaused && !this.gone) {
      this.readingPaused = true;
      this.socket.pause();
    } else if (!hold && this.readingPaused && !this.gone) {
      this.readingPaused = false;
      this.socket.resume();
    }
  }

  // Before each window of turns: wait while the client has not read what it was sent (checked every 25 ms).
  private async ready(): Promise<boolean> {
    while (!this.gone && this.socket.bufferedAmount > this.ctx.ws.maxBuffer) {
      this.updateReading();
      await new Promise((r) => setTimeout(r, 25));
    }
    return !this.gone;
  }

  /** Called by the sweeper: closes a connection whose unsent answers stayed above the bound too long. */
  checkStall(): void {
    if (this.gone) return;
    if (this.socket.bufferedAmount <= this.ctx.ws.maxBuffer) {
      this.overSince = 0;
      this.updateReading();
      return;
    }
    const now = Date.now();
    if (this.overSince === 0) this.overSince = now;
    else if (now - this.overSince > this.ctx.ws.stallTimeoutMs) {
      this.ctx.metrics.wsClosedStalled++;
      this.req.log.info({ buffered: this.socket.bufferedAmount }, 'closing a KataGo WebSocket that does not read its answers');
      this.gone = true;
      this.socket.terminate();
    }
  }

  closed(): void {
    this.gone = true;
    this.waiting.length = 0;
  }
}
