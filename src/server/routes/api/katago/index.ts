// KataGo analysis-engine protocol: POST /v1/katago-analysis (one query → NDJSON, one line per turn) and the same
// queries over a WebSocket at /v1/katago (one JSON object per message, answers in completion order, as KataGo does).
import { PassThrough } from 'node:stream';
import type { WebSocket } from '@fastify/websocket';
import type { RouteContext, ZodApp } from '../../../context.js';
import { actionReply, analyzeQuery, parseQuery } from '../../../katago.js';
import { toProblem } from '../../../problem.js';
import { KatagoQuery } from '../../../schemas/katago.js';

const NDJSON = 'application/x-ndjson';

/** Registers POST /v1/katago-analysis and GET /v1/katago (WebSocket). */
export function katagoRoutes(ctx: RouteContext) {
  return async (app: ZodApp): Promise<void> => {
    app.post(
      '/v1/katago-analysis',
      {
        schema: {
          summary: 'KataGo analysis-engine query (policy only); NDJSON, one line per analysed turn',
          tags: ['katago'],
          body: KatagoQuery,
        },
      },
      async (req, reply) => {
        const raw = req.body as Record<string, unknown>;
        const action = actionReply(raw);
        if (action) return reply.code('error' in action ? 400 : 200).type(NDJSON).send(JSON.stringify(action) + '\n');
        const q = parseQuery(raw, ctx.maxMoves);
        if ('error' in q) return reply.code(400).type(NDJSON).send(JSON.stringify(q) + '\n');
        const lines: string[] = [];
        let stream: PassThrough | null = null;
        let firstLine!: () => void;
        const first = new Promise<void>((resolve) => (firstLine = resolve));
        // Lines are buffered until the first turn is answered, so an overloaded engine still gets a 503 status.
        const done = analyzeQuery(ctx.engine, q, (obj) => {
          const line = JSON.stringify(obj) + '\n';
          if (stream) stream.write(line);
          else lines.push(line);
          firstLine();
        });
        await Promise.race([done, first]);
        stream = new PassThrough();
        for (const l of lines) stream.write(l);
        done.then(
          () => stream!.end(),
          (err: Error) => stream!.end(JSON.stringify({ error: err.message, id: q.id }) + '\n'),
        );
        return reply.type(NDJSON).send(stream);
      },
    );

    app.get('/v1/katago', { websocket: true, schema: { hide: true } }, (socket: WebSocket) => {
      socket.on('message', (data: Buffer, isBinary: boolean) => {
        const send = (obj: unknown): void => {
          if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(obj));
        };
        let raw: unknown;
        try {
          raw = JSON.parse(isBinary ? data.toString('utf8') : String(data));
        } catch (err) {
          send({ error: `could not parse query as JSON: ${(err as Error).message}` });
          return;
        }
        const action = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? actionReply(raw as Record<string, unknown>) : null;
        if (action) return send(action);
        const q = parseQuery(raw, ctx.maxMoves);
        if ('error' in q) return send(q);
        analyzeQuery(ctx.engine, q, send).catch((err: unknown) => {
          const { problem } = toProblem(err);
          send({ error: problem.detail, id: q.id });
        });
      });
    });
  };
}
