// Server configuration: flag > environment variable > default (see src/config.ts), validated with named errors.
// SERVER_OPTIONS is the one list of settings: `tengen serve` registers its flags from it and the README table
// documents the same names.
import os from 'node:os';
import { parseMilliseconds, parseNonNegativeInt, parseNumber, parsePort, parsePositiveInt, resolveFlagOption } from '../config.js';
import { INFERENCE_NICE, parseRuntime } from '../engine/index.js';

const parseNice = (raw: string): number => parseNumber(raw, { min: 0, max: 19, integer: true, expected: 'an integer in 0..19' });

export interface ServerConfig {
  host: string;
  port: number;
  modelDir: string;
  backend: string | undefined;
  /** Inference runtime: tfjs, onnx or auto (undefined: the engine's default). */
  runtime: string | undefined;
  logLevel: string;
  bodyLimit: number;
  maxMoves: number;
  /** Most positions analysed for one request (analyzeTurns of a KataGo query, moves of a /v1/analyze game). */
  maxTurns: number;
  /** KataGo turns searching at once across all clients (the rest wait in line, holding no boards). */
  maxSearchingTurns: number;
  maxBatch: number;
  maxWaitMs: number;
  maxQueue: number;
  /** Inference worker threads (0 = forward passes on the main thread). */
  inferenceWorkers: number;
  inferenceNice: number;
  rateLimitMax: number;
  rateLimitWindowMs: number;
  /** Proxies believed about the client address: false, true, a hop count, or comma-separated addresses/CIDRs. */
  trustProxy: boolean | number | string;
  maxEventLoopDelayMs: number;
  /** Longest a graceful shutdown waits for in-flight requests before closing sockets. */
  shutdownTimeoutMs: number;
  /** The request headers must arrive within this time (Node's headersTimeout). */
  headersTimeoutMs: number;
  /** The whole request, headers and body, must arrive within this time (Node's requestTimeout). */
  requestTimeoutMs: number;
  /** A socket with no traffic either way for this long is closed (Node's socket timeout). */
  idleTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long. */
  keepAliveTimeoutMs: number;
  /** Requests served on one keep-alive connection before it is closed (0 = unlimited). */
  maxRequestsPerSocket: number;
  /** Bytes of a refused body (413 and other early errors) read and discarded so the client sees the status. */
  drainLimit: number;
  /** KataGo WebSocket: queries of one connection analysed at the same time (more wait, unread, in the socket). */
  wsMaxQueries: number;
  /** KataGo WebSocket: turns one connection may have waiting; turns of queries past this are refused. */
  wsMaxQueuedTurns: number;
  /** KataGo WebSocket: unsent answer bytes of a connection above which its analysis pauses. */
  wsMaxBuffer: number;
  /** KataGo WebSocket: a connection whose unsent answers stay above wsMaxBuffer this long is closed. */
  wsStallTimeoutMs: number;
}

/** Flags as commander gives them (strings, undefined when absent). */
export type ServerFlags = Partial<Record<keyof ServerConfig, string>>;

export interface ServerOption {
  key: keyof ServerConfig;
  /** Long flag without dashes. */
  flag: string;
  short?: string;
  env: string;
  arg: string;
  fallback: () => unknown;
  parse: (raw: string) => unknown;
  help: string;
}

const str = (s: string): string => s;

/** `--trust-proxy`: true/false, a hop count, or comma-separated addresses/CIDRs (Fastify's trustProxy forms). */
export function parseTrustProxy(raw: string): boolean | number | string {
  const s = raw.trim();
  if (/^(true|false)$/i.test(s)) return s.toLowerCase() === 'true';
  if (/^\d+$/.test(s)) return Number(s);
  const parts = s.split(',').map((p) => p.trim());
  for (const p of parts) {
    if (!/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(p)) throw new Error(`expected true, false, a hop count or addresses/CIDRs, got ${JSON.stringify(raw)} ("${p}" is none of these)`);
  }
  return parts.join(',');
}
const MiB = 1024 * 1024;

/** Every `tengen serve` setting: flag, environment variable, default, meaning. */
export const SERVER_OPTIONS: readonly ServerOption[] = [
  { key: 'host', flag: 'host', env: 'HOST', arg: 'host', fallback: () => '127.0.0.1', parse: str, help: 'interface to bind' },
  { key: 'port', flag: 'port', short: 'p', env: 'PORT', arg: 'port', fallback: () => 8080, parse: parsePort, help: 'port, 0 = any free one' },
  { key: 'modelDir', flag: 'model', short: 'm', env: 'TENGEN_MODEL', arg: 'dir', fallback: () => 'models/default', parse: str, help: 'model directory' },
  { key: 'backend', flag: 'backend', env: 'TENGEN_BACKEND', arg: 'name', fallback: () => undefined, parse: str, help: 'tfjs backend: auto, tensorflow, wasm, cpu' },
  { key: 'runtime', flag: 'runtime', env: 'TENGEN_RUNTIME', arg: 'name', fallback: () => 'auto', parse: parseRuntime, help: 'inference runtime: tfjs, onnx (ONNX Runtime; tfjs if onnxruntime-node is missing) or auto (onnx when it loads)' },
  { key: 'logLevel', flag: 'log-level', env: 'LOG_LEVEL', arg: 'level', fallback: () => 'info', parse: str, help: 'pino level' },
  { key: 'bodyLimit', flag: 'body-limit', env: 'TENGEN_BODY_LIMIT', arg: 'bytes', fallback: () => MiB, parse: parsePositiveInt, help: 'largest request body (413 above)' },
  { key: 'maxMoves', flag: 'max-moves', env: 'TENGEN_MAX_MOVES', arg: 'n', fallback: () => 1000, parse: parsePositiveInt, help: 'most moves per position or game' },
  { key: 'maxTurns', flag: 'max-turns', env: 'TENGEN_MAX_TURNS', arg: 'n', fallback: () => 1000, parse: parsePositiveInt, help: 'most positions analysed per request (analyzeTurns, /v1/analyze moves)' },
  { key: 'maxSearchingTurns', flag: 'max-searching-turns', env: 'TENGEN_MAX_SEARCHING_TURNS', arg: 'n', fallback: () => 128, parse: parsePositiveInt, help: 'KataGo turns (HTTP and WebSocket) searching at once across all clients; the rest wait in line' },
  { key: 'maxBatch', flag: 'max-batch', env: 'TENGEN_MAX_BATCH', arg: 'n', fallback: () => 64, parse: parsePositiveInt, help: 'most positions per forward pass' },
  { key: 'maxWaitMs', flag: 'max-wait-ms', env: 'TENGEN_MAX_WAIT_MS', arg: 'ms', fallback: () => 2, parse: parseMilliseconds, help: 'longest a request waits to share a pass' },
  { key: 'maxQueue', flag: 'max-queue', env: 'TENGEN_MAX_QUEUE', arg: 'n', fallback: () => 1024, parse: parsePositiveInt, help: 'positions waiting for the engine before 503 / per-turn errors' },
  {
    key: 'inferenceWorkers',
    flag: 'inference-workers',
    env: 'TENGEN_INFERENCE_WORKERS',
    arg: 'n',
    fallback: () => os.availableParallelism(),
    parse: parseNonNegativeInt,
    help: 'inference worker threads, one per core by default; 0 = main thread',
  },
  {
    key: 'inferenceNice',
    flag: 'inference-nice',
    env: 'TENGEN_INFERENCE_NICE',
    arg: 'n',
    fallback: () => INFERENCE_NICE,
    parse: parseNice,
    help: 'how much lower the inference threads\' priority is than the request thread\'s (0..19; Linux)',
  },
  { key: 'rateLimitMax', flag: 'rate-limit', env: 'TENGEN_RATE_LIMIT', arg: 'n', fallback: () => 0, parse: parseNonNegativeInt, help: 'requests (and WebSocket queries) per window per client, 0 = off' },
  { key: 'rateLimitWindowMs', flag: 'rate-limit-window-ms', env: 'TENGEN_RATE_LIMIT_WINDOW_MS', arg: 'ms', fallback: () => 60_000, parse: parsePositiveInt, help: 'rate-limit window' },
  {
    key: 'trustProxy',
    flag: 'trust-proxy',
    env: 'TENGEN_TRUST_PROXY',
    arg: 'proxies',
    fallback: () => false,
    parse: parseTrustProxy,
    help: 'believe X-Forwarded-For from these proxies (true, a hop count, or addresses/CIDRs like 127.0.0.1,10.0.0.0/8) for rate limits and logs; default false',
  },
  { key: 'maxEventLoopDelayMs', flag: 'max-event-loop-delay-ms', env: 'TENGEN_MAX_EVENT_LOOP_DELAY_MS', arg: 'ms', fallback: () => 2000, parse: parseNonNegativeInt, help: 'shed load above this event-loop delay, 0 = off' },
  { key: 'shutdownTimeoutMs', flag: 'shutdown-timeout-ms', env: 'TENGEN_SHUTDOWN_TIMEOUT_MS', arg: 'ms', fallback: () => 10_000, parse: parsePositiveInt, help: 'longest wait for in-flight requests at shutdown' },
  { key: 'headersTimeoutMs', flag: 'headers-timeout-ms', env: 'TENGEN_HEADERS_TIMEOUT_MS', arg: 'ms', fallback: () => 10_000, parse: parsePositiveInt, help: 'request headers must arrive within this time (408)' },
  { key: 'requestTimeoutMs', flag: 'request-timeout-ms', env: 'TENGEN_REQUEST_TIMEOUT_MS', arg: 'ms', fallback: () => 30_000, parse: parsePositiveInt, help: 'the whole request, body included, must arrive within this time (408)' },
  { key: 'idleTimeoutMs', flag: 'idle-timeout-ms', env: 'TENGEN_IDLE_TIMEOUT_MS', arg: 'ms', fallback: () => 120_000, parse: parsePositiveInt, help: 'close a connection with no traffic for this long' },
  { key: 'keepAliveTimeoutMs', flag: 'keep-alive-timeout-ms', env: 'TENGEN_KEEP_ALIVE_TIMEOUT_MS', arg: 'ms', fallback: () => 5_000, parse: parsePositiveInt, help: 'close an idle keep-alive connection after this long' },
  { key: 'maxRequestsPerSocket', flag: 'max-requests-per-socket', env: 'TENGEN_MAX_REQUESTS_PER_SOCKET', arg: 'n', fallback: () => 10_000, parse: parseNonNegativeInt, help: 'requests per keep-alive connection, 0 = unlimited' },
  { key: 'drainLimit', flag: 'drain-limit', env: 'TENGEN_DRAIN_LIMIT', arg: 'bytes', fallback: () => 16 * MiB, parse: parseNonNegativeInt, help: 'body bytes read and discarded to deliver a 413 or other early error' },
  { key: 'wsMaxQueries', flag: 'ws-max-queries', env: 'TENGEN_WS_MAX_QUERIES', arg: 'n', fallback: () => 4, parse: parsePositiveInt, help: 'KataGo WebSocket: queries analysed at once per connection' },
  { key: 'wsMaxQueuedTurns', flag: 'ws-max-queued-turns', env: 'TENGEN_WS_MAX_QUEUED_TURNS', arg: 'n', fallback: () => 10_000, parse: parsePositiveInt, help: 'KataGo WebSocket: turns waiting per connection before refusing' },
  { key: 'wsMaxBuffer', flag: 'ws-max-buffer', env: 'TENGEN_WS_MAX_BUFFER', arg: 'bytes', fallback: () => 4 * MiB, parse: parsePositiveInt, help: 'KataGo WebSocket: unsent bytes above which a connection pauses' },
  { key: 'wsStallTimeoutMs', flag: 'ws-stall-timeout-ms', env: 'TENGEN_WS_STALL_TIMEOUT_MS', arg: 'ms', fallback: () => 10_000, parse: parsePositiveInt, help: 'KataGo WebSocket: close a connection that reads nothing this long while paused' },
];

/** Resolves every server setting from flags, then `env`, then defaults; throws naming the flag or variable at fault. */
export function resolveServerConfig(flags: ServerFlags, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const out: Record<string, unknown> = {};
  for (const o of SERVER_OPTIONS) out[o.key] = resolveFlagOption(flags[o.key], `--${o.flag}`, o.env, o.fallback(), o.parse, env);
  return out as unknown as ServerConfig;
}
