// Server configuration: flag > environment variable > default (see src/config.ts), validated with named errors.
import { parseMilliseconds, parseNonNegativeInt, parsePort, parsePositiveInt, resolveFlagOption } from '../config.js';

export interface ServerConfig {
  host: string;
  port: number;
  modelDir: string;
  backend: string | undefined;
  logLevel: string;
  bodyLimit: number;
  maxMoves: number;
  maxBatch: number;
  maxWaitMs: number;
  maxQueue: number;
  rateLimitMax: number;
  rateLimitWindowMs: number;
  maxEventLoopDelayMs: number;
  /** Longest a graceful shutdown waits for in-flight requests before closing sockets. */
  shutdownTimeoutMs: number;
}

/** Flags as commander gives them (strings, undefined when absent). */
export type ServerFlags = Partial<Record<keyof ServerConfig, string>>;

/** Resolves every server setting from flags, then `env`, then defaults; throws naming the flag or variable at fault. */
export function resolveServerConfig(flags: ServerFlags, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const pick = <T>(key: keyof ServerConfig, flagName: string, envName: string, fallback: T, parse: (raw: string) => T): T =>
    resolveFlagOption(flags[key], `--${flagName}`, envName, fallback, parse, env);
  const str = (s: string): string => s;
  return {
    host: pick('host', 'host', 'HOST', '127.0.0.1', str),
    port: pick('port', 'port', 'PORT', 8080, parsePort),
    modelDir: pick('modelDir', 'model', 'TENGEN_MODEL', 'models/default', str),
    backend: pick<string | undefined>('backend', 'backend', 'TENGEN_BACKEND', undefined, str),
    logLevel: pick('logLevel', 'log-level', 'LOG_LEVEL', 'info', str),
    bodyLimit: pick('bodyLimit', 'body-limit', 'TENGEN_BODY_LIMIT', 1024 * 1024, parsePositiveInt),
    maxMoves: pick('maxMoves', 'max-moves', 'TENGEN_MAX_MOVES', 1000, parsePositiveInt),
    maxBatch: pick('maxBatch', 'max-batch', 'TENGEN_MAX_BATCH', 64, parsePositiveInt),
    maxWaitMs: pick('maxWaitMs', 'max-wait-ms', 'TENGEN_MAX_WAIT_MS', 2, parseMilliseconds),
    maxQueue: pick('maxQueue', 'max-queue', 'TENGEN_MAX_QUEUE', 1024, parsePositiveInt),
    rateLimitMax: pick('rateLimitMax', 'rate-limit', 'TENGEN_RATE_LIMIT', 0, parseNonNegativeInt),
    rateLimitWindowMs: pick('rateLimitWindowMs', 'rate-limit-window-ms', 'TENGEN_RATE_LIMIT_WINDOW_MS', 60_000, parsePositiveInt),
    maxEventLoopDelayMs: pick('maxEventLoopDelayMs', 'max-event-loop-delay-ms', 'TENGEN_MAX_EVENT_LOOP_DELAY_MS', 2000, parseNonNegativeInt),
    shutdownTimeoutMs: pick('shutdownTimeoutMs', 'shutdown-timeout-ms', 'TENGEN_SHUTDOWN_TIMEOUT_MS', 10_000, parsePositiveInt),
  };
}
