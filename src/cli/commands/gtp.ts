// `tengen gtp`: the GTP v2 engine on stdin/stdout for Sabaki, Lizzie, GoGui, KaTrain, gtp2ogs and match
// tools. stdout carries GTP only; logs go to stderr (LOG_LEVEL, default "warn" here to keep GUIs quiet).
import type { Command } from 'commander';
import { parseFlag, parseNumber, parseOnOff, resolveFlagOption, resolveOption } from '../../config.js';
import { createLogger } from '../../log.js';
import { FakePolicy, type PolicySource } from '../../gtp/policy-source.js';
import { serveGtp } from '../../gtp/serve.js';
import { GtpSession } from '../../gtp/session.js';

interface GtpFlags {
  model?: string;
  backend?: string;
  runtime?: string;
  temperature?: string;
  seed?: string;
  symmetries?: string;
  komi?: string;
  name?: string;
  fakePolicy?: boolean;
  visits?: string;
  time?: string;
  policyOnly?: boolean;
  resignThreshold?: string;
  batch?: string;
  earlyStop?: string;
}

/** Registers `tengen gtp`. */
export function registerGtpCommand(program: Command): void {
  program
    .command('gtp')
    .option('--model <dir>', 'model folder (env TENGEN_MODEL, default models/default)')
    .option('--backend <name>', 'tfjs backend: auto, tensorflow, wasm or cpu (env TENGEN_BACKEND)')
    .option('--runtime <name>', 'inference runtime: tfjs, onnx (ONNX Runtime; tfjs if onnxruntime-node is missing) or auto (env TENGEN_RUNTIME, default auto here: one position at a time, ONNX Runtime answers ~7× faster than tfjs-node on models/default, bench/onnx.bench.ts)')
    .option('--temperature <t>', '0 = always the most probable move (default); > 0 samples policy^(1/t) (env TENGEN_TEMPERATURE)')
    .option('--seed <n>', 'seed of the sampling generator (env TENGEN_SEED, default 1)')
    .option('--symmetries <n>', '1 (default) or 8: average the policy over the 8 board symmetries (env TENGEN_SYMMETRIES)')
    .option('--komi <k>', 'komi until the controller sets one (default 7.5)')
    .option('--name <name>', 'answer to the GTP `name` command (default Tengen)')
    .option('--fake-policy', 'no model: a deterministic line-preference policy, for protocol tests and demos')
    .option('--visits <n>', 'search visits per move; 0 = play the policy, or with --time search by time alone (env TENGEN_VISITS; default 800 with a value head and no --time, else 0)')
    .option('--time <s>', 'most seconds per move (env TENGEN_TIME; the clock from time_settings/time_left may allow less)')
    .option('--policy-only', "no search at all: today's policy play and policy-only analysis")
    .option('--resign-threshold <p>', 'resign below this winrate after 100+ visits; 0 = never (env TENGEN_RESIGN, default 0.05 with a value head)')
    .option('--early-stop <on|off>', 'genmove stops searching once no other move can overtake the most visited one within its visits and time; the rest stays on the clock (env TENGEN_EARLY_STOP, default on)')
    .option('--batch <n>', 'leaves per search round, sharing one forward pass (env TENGEN_SEARCH_BATCH, default 16)')
    .action(async (flags: GtpFlags) => {
      const logger = createLogger(process.env.LOG_LEVEL || 'warn', 'tengen-gtp');
      const temperature = resolveFlagOption(flags.temperature, '--temperature', 'TENGEN_TEMPERATURE', 0, (raw) => parseNumber(raw, { min: 0, max: 100 }));
      const seed = resolveFlagOption(flags.seed, '--seed', 'TENGEN_SEED', 1, (raw) => parseNumber(raw, { min: 0, max: 2 ** 32 - 1, integer: true }));
      const symmetries = resolveOption(flags.symmetries, 'TENGEN_SYMMETRIES', '1', String);
      if (symmetries !== '1' && symmetries !== '8') throw new Error(`--symmetries: expected 1 or 8, got ${JSON.stringify(symmetries)}`);
      let source: PolicySource;
      let hasValue = false;
      if (flags.fakePolicy) source = new FakePolicy();
      else {
        const modelDir = resolveOption(flags.model, 'TENGEN_MODEL', 'models/default', String);
        // Imported here: the engine brings tfjs, which --fake-policy does not need.
        const { loadEngineSource } = await import('../../gtp/engine-source.js');
        const { parseRuntime } = await import('../../engine/index.js');
        const es = await loadEngineSource(
          modelDir,
          resolveOption(flags.backend, 'TENGEN_BACKEND', undefined, String),
          logger,
          symmetries === '8' ? 8 : 1,
          resolveFlagOption<string | undefined>(flags.runtime, '--runtime', 'TENGEN_RUNTIME', 'auto', parseRuntime),
        );
        hasValue = es.hasValue;
        source = es;
      }
      // A policy-only model has no value head: its search would lean on a crude nearest-stone estimate, so it
      // plays the policy unless --visits or --time asks for a search.
      const { visits, maxTimeSec } = resolveSearchLimits(flags.visits, flags.time, hasValue);
      const resignThreshold = resolveFlagOption(flags.resignThreshold, '--resign-threshold', 'TENGEN_RESIGN', hasValue ? 0.05 : 0, (raw) => parseNumber(raw, { min: 0, max: 0.5 }));
      const earlyStop = resolveFlagOption(flags.earlyStop, '--early-stop', 'TENGEN_EARLY_STOP', true, parseOnOff);
      const batchSize = resolveFlagOption(flags.batch, '--batch', 'TENGEN_SEARCH_BATCH', 16, (raw) => parseNumber(raw, { min: 1, max: 256, integer: true }));
      const session = new GtpSession(source, {
        name: flags.name ?? 'Tengen',
        version: '0.1.0',
        temperature,
        seed,
        symmetries: symmetries === '8' ? 8 : 1,
        komi: flags.komi === undefined ? 7.5 : parseFlag(flags.komi, '--komi', (raw) => parseNumber(raw, { min: -1000, max: 1000 })),
        // A policy-only model without --visits/--time analyses with the policy too (its search would value leaves by
        // the crude fallback estimate); --visits or --time turn the search on for both.
        search: { visits, maxTimeSec, resignThreshold, earlyStop, policyOnly: flags.policyOnly === true || (!hasValue && visits === 0 && maxTimeSec === 0), params: { batchSize } },
        logger,
      });
      logger.info({ source: source.name, hasValue, visits, maxTimeSec, policyOnly: flags.policyOnly === true }, 'GTP engine ready');
      await serveGtp(session, process.stdin, process.stdout);
      await source.close?.();
      // stdin may still be open (quit before EOF) and tfjs may hold timers: exit once stdout is flushed.
      process.stdout.write('', () => process.exit(0));
    });
}

/**
 * The search limits of `tengen gtp`: `--visits`/TENGEN_VISITS and `--time`/TENGEN_TIME (0 = none). Asked for a time
 * and no visit count, the search uses the time (visits 0 = no visit cap), as Leela Zero does; otherwise a model with
 * a value head searches 800 visits and a policy-only model plays its policy (visits 0, no time).
 */
export function resolveSearchLimits(
  visitsFlag: string | undefined,
  timeFlag: string | undefined,
  hasValue: boolean,
  env: NodeJS.ProcessEnv = process.env,
): { visits: number; maxTimeSec: number } {
  const maxTimeSec = resolveFlagOption(timeFlag, '--time', 'TENGEN_TIME', 0, (raw) => parseNumber(raw, { min: 0, max: 86_400 }), env);
  const visits = resolveFlagOption(visitsFlag, '--visits', 'TENGEN_VISITS', hasValue && maxTimeSec === 0 ? 800 : 0, (raw) => parseNumber(raw, { min: 0, max: 10_000_000, integer: true }), env);
  return { visits, maxTimeSec };
}
