// `tengen data build <inputs...> --out DIR` (build a dataset), `data ownership DIR` (final-ownership targets),
// `data export` (record shards for TensorFlow) and `data info DIR` (validate and summarise).
import type { Command } from 'commander';
import { parseFlag, parseFraction, parseNonNegativeInt, parsePositiveInt, resolveFlagOption } from '../../config.js';
import { buildDataset, formatBuildSummary, DEFAULT_MIN_MOVES, DEFAULT_VAL_FRACTION } from '../../data/build.js';
import { openDataset } from '../../data/dataset.js';
import { fractionToPermille } from '../../data/hash.js';
import { createExportProgressBar, createProgressBar } from '../../data/progress.js';
import { DEFAULT_SHARD_SIZE, exportDataset, formatExportSummary } from '../../data/export.js';
import { buildOwnership } from '../../data/ownership.js';

interface BuildFlags {
  out: string;
  minMoves?: string;
  allowHandicap?: boolean;
  valFraction?: string;
  split?: string;
  force?: boolean;
  progress: boolean;
}

/** Registers `tengen data build`, `data ownership`, `data export` and `data info`. */
export function registerDataCommand(program: Command): void {
  const data = program.command('data');

  data
    .command('build')
    .description('build a dataset folder from .sgf / .sgf.gz files and folders (recursively)')
    .argument('<inputs...>', 'SGF files, .sgf.gz collections or folders')
    .requiredOption('-o, --out <dir>', 'output dataset folder (written atomically)')
    .option('--min-moves <n>', `drop games with fewer moves (env TENGEN_MIN_MOVES, default ${DEFAULT_MIN_MOVES})`)
    .option('--allow-handicap', 'keep handicap / setup-stone games (dropped by default)')
    .option('--val-fraction <f>', `fraction of games (by hash) in the validation split (env TENGEN_VAL_FRACTION, default ${DEFAULT_VAL_FRACTION})`)
    .option('--split <mode>', '"hash" (default: train/val by --val-fraction) or "all-val" (whole dataset is an evaluation set)')
    .option('--force', 'replace an existing output folder')
    .option('--no-progress', 'no progress bar on stderr')
    .action(async (inputs: string[], flags: BuildFlags) => {
      const minMoves = resolveFlagOption(flags.minMoves, '--min-moves', 'TENGEN_MIN_MOVES', DEFAULT_MIN_MOVES, parseNonNegativeInt);
      let valFraction = resolveFlagOption(flags.valFraction, '--val-fraction', 'TENGEN_VAL_FRACTION', DEFAULT_VAL_FRACTION, parseFraction);
      const split = flags.split ?? 'hash';
      if (split !== 'hash' && split !== 'all-val') throw new Error(`--split: expected "hash" or "all-val", got ${JSON.stringify(split)}`);
      if (split === 'all-val') valFraction = 1;
      const bar = flags.progress ? createProgressBar() : null;
      const stopSignals = new AbortController();
      const onSignal = (sig: NodeJS.Signals): void => stopSignals.abort(new Error(`interrupted by ${sig}`));
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const result = await buildDataset(inputs, flags.out, {
          minMoves,
          allowHandicap: flags.allowHandicap === true,
          valPermille: fractionToPermille(valFraction),
          overwrite: flags.force === true,
          onProgress: bar ? (e) => bar.update(e) : undefined,
          signal: stopSignals.signal,
        });
        bar?.stop();
        process.stdout.write(formatBuildSummary(result));
      } catch (err) {
        bar?.stop();
        if (stopSignals.signal.aborted) process.exitCode = 130;
        throw err;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });

  data
    .command('export')
    .description('encode a dataset\'s positions into fixed-length record shards for TensorFlow (python/tengen_tf)')
    .argument('<dataset>', 'dataset folder (from tengen data build)')
    .requiredOption('-o, --out <dir>', 'output folder (written atomically; an interrupted export resumes)')
    .option('--features <name>', 'feature set (default alphago49)', 'alphago49')
    .option('--split <split>', 'train, val or all (default train)', 'train')
    .option('--shard-size <n>', `positions per shard, whole games (default ${DEFAULT_SHARD_SIZE})`)
    .option('--max-positions <n>', 'export at most this many positions (first games of the seeded order)')
    .option('--seed <n>', 'seed of the game order (default 1)')
    .option('--force', 'replace an existing export or discard a partial one made with other options')
    .option('--no-progress', 'no progress bar on stderr')
    .action(async (dataset: string, f: { out: string; features: string; split: string; shardSize?: string; maxPositions?: string; seed?: string; force?: boolean; progress: boolean }) => {
      if (f.split !== 'train' && f.split !== 'val' && f.split !== 'all') throw new Error(`--split: expected train, val or all, got ${JSON.stringify(f.split)}`);
      const bar = f.progress ? createExportProgressBar() : null;
      const stop = new AbortController();
      const onSignal = (sig: NodeJS.Signals): void => stop.abort(new Error(`interrupted by ${sig} (rerun the same command to resume)`));
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const result = await exportDataset(dataset, f.out, {
          features: f.features,
          split: f.split,
          shardSize: f.shardSize === undefined ? undefined : parseFlag(f.shardSize, '--shard-size', parsePositiveInt),
          maxPositions: f.maxPositions === undefined ? undefined : parseFlag(f.maxPositions, '--max-positions', parsePositiveInt),
          seed: f.seed === undefined ? undefined : parseFlag(f.seed, '--seed', parseNonNegativeInt),
          force: f.force === true,
          onProgress: bar ? (e) => bar.update(e) : undefined,
          signal: stop.signal,
        });
        bar?.stop();
        process.stdout.write(formatExportSummary(result));
      } catch (err) {
        bar?.stop();
        if (stop.signal.aborted) process.exitCode = 130;
        throw err;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });

  data
    .command('ownership')
    .description('compute each game\'s final ownership by Monte-Carlo playouts (the ownership head\'s training target)')
    .argument('<dataset>', 'dataset folder (from tengen data build); writes ownership.bin and ownership.json into it')
    .option('--playouts <n>', 'random playouts per game (default 32)')
    .option('--seed <n>', 'seed of the playouts (default 1)')
    .option('--no-progress', 'no progress lines on stderr')
    .action((dir: string, f: { playouts?: string; seed?: string; progress: boolean }) => {
      const ds = openDataset(dir);
      const t0 = Date.now();
      const meta = buildOwnership(ds, {
        playouts: f.playouts === undefined ? undefined : parseFlag(f.playouts, '--playouts', parsePositiveInt),
        seed: f.seed === undefined ? undefined : parseFlag(f.seed, '--seed', parseNonNegativeInt),
        onProgress: f.progress ? (done, total) => { if (done % 4096 === 0 || done === total) process.stderr.write(`ownership ${done}/${total} games\n`); } : undefined,
      });
      process.stdout.write(`ownership of ${meta.games} games (${meta.playouts} playouts each, seed ${meta.seed}) written to ${ds.dir} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    });

  data
    .command('info')
    .description('validate a dataset folder (digests, index) and print its manifest summary')
    .argument('<dir>', 'dataset folder')
    .action((dir: string) => {
      const ds = openDataset(dir);
      const m = ds.manifest;
      const c = m.counts;
      process.stdout.write(
        [
          `dataset ${ds.dir} (format v${m.version}, content ${m.contentHash.slice(0, 16)})`,
          `games ${c.games} (train ${c.trainGames}, val ${c.valGames}); positions ${c.positions}; labelled ${c.labelledPositions} (train ${c.trainLabelled}, val ${c.valLabelled})`,
          `options: min moves ${m.options.minMoves}, handicap ${m.options.allowHandicap ? 'kept' : 'dropped'}, validation ${m.options.valPermille}/1000`,
          `dropped: ${Object.entries(m.dropped).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`,
          '',
        ].join('\n'),
      );
    });
}
