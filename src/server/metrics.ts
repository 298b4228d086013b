// Prometheus text exposition, hand-rolled (no metrics library is installed): request counters and a latency
// histogram per route, the engine's batching counters, batch-size histogram and queue depth, WebSocket gauges and
// counters, and process figures (RSS, heap, event-loop lag).
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { BATCH_BUCKETS, type EngineStats } from '../engine/index.js';

/** Latency histogram bounds in seconds. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

interface Series {
  count: number;
  sum: number;
  buckets: Float64Array;
}

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly latency = new Map<string, Series>();
  private readonly started = Date.now();
  private loop: IntervalHistogram | null = null;
  /** KataGo WebSocket connections open now. */
  websockets = 0;
  /** Turns refused on WebSockets (rate limit, per-connection queue bound). */
  wsRefusedTurns = 0;
  /** WebSocket connections closed because they did not read their answers. */
  wsClosedStalled = 0;

  /** Starts sampling event-loop delay (stop() ends it). */
  start(): void {
    if (this.loop) return;
    this.loop = monitorEventLoopDelay({ resolution: 10 });
    this.loop.enable();
  }

  stop(): void {
    this.loop?.disable();
    this.loop = null;
  }

  /** Records one answered request: route pattern (not the raw URL, to bound cardinality), method, status, seconds. */
  observe(route: string, method: string, status: number, seconds: number): void {
    const key = `route="${esc(route)}",method="${esc(method)}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const lk = `route="${esc(route)}",method="${esc(method)}"`;
    let s = this.latency.get(lk);
    if (!s) {
      s = { count: 0, sum: 0, buckets: new Float64Array(LATENCY_BUCKETS.length) };
      this.latency.set(lk, s);
    }
    s.count++;
    s.sum += seconds;
    for (let i = 0; i < LATENCY_BUCKETS.length; i++) if (seconds <= LATENCY_BUCKETS[i]!) s.buckets[i]!++;
  }

  /** The whole exposition text (format 0.0.4). */
  render(engine: EngineStats | null, turns: { active: number; waiting: number } | null = null): string {
    const out: string[] = [];
    out.push('# HELP tengen_http_requests_total HTTP requests answered, by route, method and status.');
    out.push('# TYPE tengen_http_requests_total counter');
    for (const [k, v] of this.requests) out.push(`tengen_http_requests_total{${k}} ${v}`);
    out.push('# HELP tengen_http_request_duration_seconds Time from request start to response end.');
    out.push('# TYPE tengen_http_request_duration_seconds histogram');
    for (const [k, s] of this.latency) {
      LATENCY_BUCKETS.forEach((b, i) => out.push(`tengen_http_request_duration_seconds_bucket{${k},le="${b}"} ${s.buckets[i]}`));
      out.push(`tengen_http_request_duration_seconds_bucket{${k},le="+Inf"} ${s.count}`);
      out.push(`tengen_http_request_duration_seconds_sum{${k}} ${s.sum}`);
      out.push(`tengen_http_request_duration_seconds_count{${k}} ${s.count}`);
    }
    out.push('# HELP tengen_uptime_seconds Seconds since the server started.');
    out.push('# TYPE tengen_uptime_seconds gauge');
    out.push(`tengen_uptime_seconds ${(Date.now() - this.started) / 1000}`);
    const mem = process.memoryUsage();
    const gauge = (name: string, help: string, v: number): void => void out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${v}`);
    gauge('process_resident_memory_bytes', 'Resident set size of the server process (inference workers included).', mem.rss);
    gauge('nodejs_heap_used_bytes', 'V8 heap in use on the main thread.', mem.heapUsed);
    gauge('nodejs_external_memory_bytes', 'Memory of C++ objects bound to JS objects (tensors, buffers).', mem.external);
    if (this.loop) {
      // Since the previous scrape: the main thread's worst and 99th-percentile delay (what inference must not cause).
      const ns = (v: number): number => (Number.isFinite(v) ? v / 1e9 : 0);
      gauge('nodejs_eventloop_lag_p99_seconds', 'Event-loop delay, 99th percentile since the previous scrape.', ns(this.loop.percentile(99)));
      gauge('nodejs_eventloop_lag_max_seconds', 'Event-loop delay, maximum since the previous scrape.', ns(this.loop.max));
      this.loop.reset();
    }
    gauge('tengen_websocket_connections', 'KataGo WebSocket connections open now.', this.websockets);
    if (turns) {
      gauge('tengen_katago_turns_searching', 'KataGo turns (HTTP and WebSocket) searching now (at most --max-searching-turns).', turns.active);
      gauge('tengen_katago_turns_waiting', 'KataGo turns waiting for a search slot.', turns.waiting);
    }
    out.push('# HELP tengen_websocket_refused_turns_total Turns refused on WebSockets (rate limit, per-connection queue bound).');
    out.push('# TYPE tengen_websocket_refused_turns_total counter', `tengen_websocket_refused_turns_total ${this.wsRefusedTurns}`);
    out.push('# HELP tengen_websocket_stalled_closed_total WebSocket connections closed because they did not read their answers.');
    out.push('# TYPE tengen_websocket_stalled_closed_total counter', `tengen_websocket_stalled_closed_total ${this.wsClosedStalled}`);
    if (engine) {
      const lbl = `model="${esc(engine.model)}",backend="${esc(engine.backend)}"`;
      out.push('# HELP tengen_engine_ready 1 when the model is loaded and warmed up.');
      out.push('# TYPE tengen_engine_ready gauge');
      out.push(`tengen_engine_ready{${lbl}} ${engine.ready ? 1 : 0}`);
      const counters: [string, string, number][] = [
        ['tengen_engine_requests_total', 'Policy requests accepted by the engine.', engine.requests],
        ['tengen_engine_positions_total', 'Positions evaluated (8 per request with symmetry averaging).', engine.rows],
        ['tengen_engine_batches_total', 'Forward passes run.', engine.batches],
        ['tengen_engine_rejected_total', 'Requests refused because the queue was full.', engine.rejected],
        ['tengen_engine_forward_seconds_total', 'Time spent in forward passes.', engine.forwardSeconds],
      ];
      for (const [name, help, v] of counters) out.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${v}`);
      out.push('# HELP tengen_engine_queue_depth Requests waiting for a forward pass.');
      out.push('# TYPE tengen_engine_queue_depth gauge');
      out.push(`tengen_engine_queue_depth ${engine.queueDepth}`);
      const workers = (engine as EngineStats & { workers?: number }).workers;
      if (workers !== undefined) {
        out.push('# HELP tengen_engine_inference_workers Inference worker threads (0 = forward passes on the main thread).');
        out.push('# TYPE tengen_engine_inference_workers gauge', `tengen_engine_inference_workers ${workers}`);
      }
      out.push('# HELP tengen_engine_batch_size Positions per forward pass.');
      out.push('# TYPE tengen_engine_batch_size histogram');
      let cum = 0;
      BATCH_BUCKETS.forEach((b, i) => {
        if (i < BATCH_BUCKETS.length - 1) {
          cum += engine.batchSizeHistogram[i] ?? 0;
          out.push(`tengen_engine_batch_size_bucket{le="${b}"} ${cum}`);
        }
      });
      out.push(`tengen_engine_batch_size_bucket{le="+Inf"} ${engine.batches}`);
      out.push(`tengen_engine_batch_size_sum ${engine.rows}`);
      out.push(`tengen_engine_batch_size_count ${engine.batches}`);
    }
    return out.join('\n') + '\n';
  }
}
