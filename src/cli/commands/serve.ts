// `tengen serve`: the HTTP API and web board (see README "HTTP API"). Flags > environment > defaults.
import type { Command } from 'commander';
import { resolveServerConfig, type ServerFlags } from '../../server/config.js';
import { missingModelMessage, serveUntilSignal } from '../../server/server.js';

/** Registers `tengen serve`. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve move suggestions over HTTP (REST, KataGo protocol, web board at /)')
    .option('--host <host>', 'interface to bind (env HOST, default 127.0.0.1)')
    .option('-p, --port <port>', 'port, 0 = any free one (env PORT, default 8080)')
    .option('-m, --model <dir>', 'model directory (env TENGEN_MODEL, default models/default)')
    .option('--backend <name>', 'tfjs backend: auto, tensorflow, wasm, cpu (env TENGEN_BACKEND)')
    .option('--log-level <level>', 'pino level (env LOG_LEVEL, default info)')
    .option('--body-limit <bytes>', 'largest request body (env TENGEN_BODY_LIMIT, default 1048576)')
    .option('--max-moves <n>', 'most moves per position or game (env TENGEN_MAX_MOVES, default 1000)')
    .option('--max-batch <n>', 'most positions per forward pass (env TENGEN_MAX_BATCH, default 64)')
    .option('--max-wait-ms <ms>', 'longest a request waits to share a pass (env TENGEN_MAX_WAIT_MS, default 2)')
    .option('--max-queue <n>', 'queued requests before 503 (env TENGEN_MAX_QUEUE, default 1024)')
    .option('--rate-limit <n>', 'requests per window per client, 0 = off (env TENGEN_RATE_LIMIT, default 0)')
    .option('--rate-limit-window-ms <ms>', 'rate-limit window (env TENGEN_RATE_LIMIT_WINDOW_MS, default 60000)')
    .option('--max-event-loop-delay-ms <ms>', 'shed load above this event-loop delay, 0 = off (env TENGEN_MAX_EVENT_LOOP_DELAY_MS, default 2000)')
    .option('--shutdown-timeout-ms <ms>', 'longest wait for in-flight requests at shutdown (env TENGEN_SHUTDOWN_TIMEOUT_MS, default 10000)')
    .action(async (flags: Record<string, string | undefined>) => {
      const mapped: ServerFlags = {
        host: flags.host,
        port: flags.port,
        modelDir: flags.model,
        backend: flags.backend,
        logLevel: flags.logLevel,
        bodyLimit: flags.bodyLimit,
        maxMoves: flags.maxMoves,
        maxBatch: flags.maxBatch,
        maxWaitMs: flags.maxWaitMs,
        maxQueue: flags.maxQueue,
        rateLimitMax: flags.rateLimit,
        rateLimitWindowMs: flags.rateLimitWindowMs,
        maxEventLoopDelayMs: flags.maxEventLoopDelayMs,
        shutdownTimeoutMs: flags.shutdownTimeoutMs,
      };
      const cfg = resolveServerConfig(mapped);
      const missing = missingModelMessage(cfg.modelDir);
      if (missing) {
        process.stderr.write(`tengen serve: ${missing}\n`);
        process.exitCode = 2;
        return;
      }
      await serveUntilSignal(cfg);
    });
}
