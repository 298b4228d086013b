// `tengen analysis`: KataGo's JSON analysis engine on stdin/stdout (one query per line in, one answer per line out),
// so tools that launch `katago analysis -model M -config C [-override-config K=V,…]` (KaTrain) can launch Tengen.
// KataGo's single-dash arguments are accepted and ignored (named on stderr); `maxVisits=N` in -override-config sets
// the default visits. stdout carries only protocol lines; logs go to stderr.
import type { Command } from 'commander';
import { parseNumber, resolveFlagOption, resolveOption } from '../../config.js';
import { createLogger } from '../../log.js';

interface AnalysisFlags {
  model?: string;
  backend?: string;
  runtime?: string;
  visits?: string;
  concurrency?: string;
}

// KataGo's flags that take a value; anything else starting with one dash is a switch.
const KATAGO_VALUE_FLAGS = new Set(['-model', '-config', '-override-config', '-analysis-threads', '-human-model']);

/** Splits KataGo-style arguments into ignored flags and the override-config entries (K=V, comma-separated). */
export function katagoArgs(args: readonly string[]): { ignored: string[]; overrides: Map<string, string> } {
  const ignored: string[] = [];
  const overrides = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (KATAGO_VALUE_FLAGS.has(a) && i + 1 < args.length) {
      const v = args[++i]!;
      if (a === '-override-config') {
        for (const kv of v.split(',')) {
          const eq = kv.indexOf('=');
          if (eq > 0) overrides.set(kv.slice(0, eq).trim(), kv.slice(eq + 1).trim());
        }
      }
      ignored.push(`${a} ${v}`);
    } else ignored.push(a);
  }
  return { ignored, overrides };
}

/** Registers `tengen analysis`. */
export function registerAnalysisCommand(program: Command): void {
  program
    .command('analysis')
    .description("KataGo's JSON analysis engine on stdin/stdout (KaTrain): one query per line in, one answer per line out")
    .option('--model <dir>', 'model folder (env TENGEN_MODEL, default models/default)')
    .option('--backend <name>', 'tfjs backend: auto, tensorflow, wasm or cpu (env TENGEN_BACKEND)')
    .option('--runtime <name>', 'inference runtime: tfjs, onnx (ONNX Runtime; tfjs if onnxruntime-node is missing) or auto (env TENGEN_RUNTIME, default auto here: one position at a time, ONNX Runtime answers ~7× faster than tfjs-node on models/default, bench/onnx.bench.ts)')
    .option('--visits <n>', 'visits per turn when a query has no maxVisits (env TENGEN_VISITS, default 200; -override-config maxVisits=N too)')
    .option('--concurrency <n>', 'turns searched at once, sharing forward passes (default 4)')
    .argument('[katago-args...]', "KataGo's -model, -config, -override-config, -analysis-threads …: accepted and ignored")
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (rest: string[], flags: AnalysisFlags) => {
      const logger = createLogger(process.env.LOG_LEVEL || 'warn', 'tengen-analysis');
      const { ignored, overrides } = katagoArgs(rest);
      if (ignored.length > 0) process.stderr.write(`tengen analysis: ignoring KataGo arguments: ${ignored.join(' ')} (Tengen takes --model DIR)\n`);
      const fromOverride = overrides.get('maxVisits');
      const visits = resolveFlagOption(flags.visits ?? fromOverride, '--visits', 'TENGEN_VISITS', 200, (raw) => parseNumber(raw, { min: 1, max: 1_000_000, integer: true }));
      const concurrency = resolveFlagOption(flags.concurrency, '--concurrency', 'TENGEN_ANALYSIS_CONCURRENCY', 4, (raw) => parseNumber(raw, { min: 1, max: 64, integer: true }));
      const modelDir = resolveOption(flags.model, 'TENGEN_MODEL', 'models/default', String);
      const { Engine, parseRuntime } = await import('../../engine/index.js');
      const { serveKatagoStdio } = await import('../../server/katago-stdio.js');
      const runtime = resolveFlagOption<string | undefined>(flags.runtime, '--runtime', 'TENGEN_RUNTIME', 'auto', parseRuntime);
      const engine = await Engine.load({
        modelDir,
        backend: resolveOption(flags.backend, 'TENGEN_BACKEND', undefined, String),
        ...(runtime === undefined ? {} : { runtime }),
        logger,
        maxBatch: 64,
        maxWaitMs: 1,
      });
      logger.info({ model: engine.model.id, visits, concurrency }, 'analysis engine ready');
      // KataGo prints this line on stderr once it accepts queries; some wrappers wait for it.
      process.stderr.write('Started, ready to begin handling requests\n');
      await serveKatagoStdio(process.stdin, process.stdout, {
        engine,
        defaultMaxVisits: visits,
        maxMoves: 1000,
        maxTurns: 1001,
        concurrency,
        models: () => [{ name: engine.model.id, internalName: engine.model.id, maxBatchSize: 64, usesHumanSLProfile: false, version: 0, usingFP16: false }],
      });
      await engine.close();
      process.stdout.write('', () => process.exit(0));
    });
}
