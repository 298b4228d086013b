// KataGo's analysis engine over stdin/stdout (`tengen analysis`), as `katago analysis` runs it for KaTrain and other
// tools: one JSON query per input line, one JSON response per output line, answers as they finish. Queries are split
// into turns that run `concurrency` at a time (their searches share forward passes), highest priority first, ties in
// arrival order. At end of input the queued turns are finished before the promise resolves, as KataGo does.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Engine } from '../engine/index.js';
import type { Evaluator } from '../search/evaluator.js';
import { QueryRegistry, actionReply, analyzeQuery, parseQuery, type ParsedQuery } from './katago.js';

export interface StdioOptions {
  engine: Engine;
  /** Policy + value for the search (default: from the engine). */
  evaluator?: Evaluator;
  /** Visits per turn when a query gives no maxVisits. */
  defaultMaxVisits: number;
  maxMoves: number;
  maxTurns: number;
  /** Turns searched at once (default 4). */
  concurrency?: number;
  /** query_models answer. */
  models: () => Record<string, unknown>[];
}

interface TurnJob {
  q: ParsedQuery;
  index: number;
  priority: number;
  seq: number;
  handle: { isTerminated(turn: number): boolean; done(): void };
  remaining: { n: number };
}

/** Serves the KataGo analysis protocol on `input` / `output` until end of input and every accepted turn is answered. */
export async function serveKatagoStdio(input: Readable, output: Writable, opts: StdioOptions): Promise<void> {
  const registry = new QueryRegistry();
  const queue: TurnJob[] = [];
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  let running = 0;
  let seq = 0;
  let ended = false;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const send = (obj: unknown): void => {
    output.write(JSON.stringify(obj) + '\n');
  };
  const maybeFinish = (): void => {
    if (ended && running === 0 && queue.length === 0) finish();
  };

  const pump = (): void => {
    while (running < concurrency && queue.length > 0) {
      // Highest priority first, then arrival order.
      let best = 0;
      for (let i = 1; i < queue.length; i++) {
        const a = queue[i]!, b = queue[best]!;
        if (a.priority > b.priority || (a.priority === b.priority && a.seq < b.seq)) best = i;
      }
      const job = queue.splice(best, 1)[0]!;
      running++;
      const sub: ParsedQuery = { ...job.q, turns: [job.q.turns[job.index]!], priorities: [job.priority], warnings: [] };
      void analyzeQuery(opts.engine, sub, send, {
        ...(opts.evaluator ? { evaluator: opts.evaluator } : {}),
        defaultMaxVisits: opts.defaultMaxVisits,
        isTerminated: (t) => job.handle.isTerminated(t),
      })
        .catch((err: unknown) => send({ error: (err as Error).message, id: job.q.id, turnNumber: sub.turns[0] }))
        .finally(() => {
          running--;
          if (--job.remaining.n === 0) job.handle.done();
          pump();
          maybeFinish();
        });
    }
  };

  const onLine = (line: string): void => {
    if (line.trim() === '') return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (err) {
      send({ error: `Could not parse JSON: ${(err as Error).message}` });
      return;
    }
    if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
      const action = actionReply(raw as Record<string, unknown>, { registry, models: opts.models });
      if (action) {
        send(action);
        return;
      }
    }
    const q = parseQuery(raw, opts.maxMoves, opts.maxTurns, { id: opts.engine.model.id, hasOwnership: opts.engine.hasOwnership });
    if ('error' in q) {
      send(q);
      return;
    }
    for (const w of q.warnings) send(w);
    const handle = registry.track(q.id);
    const remaining = { n: q.turns.length };
    if (q.turns.length === 0) handle.done();
    for (let i = 0; i < q.turns.length; i++) queue.push({ q, index: i, priority: q.priorities[i]!, seq: seq++, handle, remaining });
    pump();
  };

  const rl = createInterface({ input, crlfDelay: Infinity });
  rl.on('line', onLine);
  await new Promise<void>((resolve) => rl.once('close', resolve));
  ended = true;
  maybeFinish();
  await finished;
}
