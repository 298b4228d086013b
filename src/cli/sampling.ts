// What the commands that sample positions through `runEval` share (`tengen eval`, `tengen model calibrate-value`):
// the dataset and sample flags, their parsing, and the run wrapper (progress bars for the build of SGF inputs and
// the positions scored, on stderr only since stdout holds the report; SIGINT/SIGTERM abort between batches, exit 130).
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import type { Split } from '../data/dataset.js';
import { createProgressBar } from '../data/progress.js';
import type { BuildProgressEvent } from '../data/progress.js';

export interface EvalProgress {
  onBuildProgress?: (e: BuildProgressEvent) => void;
  onProgress?: (done: number, total: number) => void;
  stop(): void;
}

/** Bars labelled `label` on stderr when `enabled` and stderr is a terminal; otherwise no callbacks. */
export function evalProgressBars(enabled: boolean, label: string): EvalProgress {
  if (!enabled || process.stderr.isTTY !== true) return { stop: () => {} };
  const buildBar = createProgressBar();
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `${label} [{bar}] {value}/{total} positions | ETA {eta_formatted}`, hideCursor: null, fps: 5, etaBuffer: 20 },
    cliProgress.Presets.shades_classic,
  );
  let barStarted = false;
  return {
    onBuildProgress: (e) => buildBar.update(e),
    onProgress: (done, total) => {
      buildBar.stop();
      if (!barStarted) {
        bar.start(total, done);
        barStarted = true;
      } else bar.update(done);
    },
    stop: () => {
      buildBar.stop();
      bar.stop();
    },
  };
}

/** Adds --data (required), --split, --batch, --backend and --no-progress, as `tengen eval` and `calibrate-value` share them. */
export function addSampleOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--data <paths...>', 'one dataset folder, or SGF inputs (.sgf/.sgf.gz files or folders) built together into a temporary all-val dataset')
    .option('--split <name>', 'split of a dataset folder: val | train | all', 'val')
    .option('--batch <n>', 'boards per forward pass (positions × symmetries)', '256')
    .option('--backend <name>', 'auto | tensorflow | wasm | cpu (env TENGEN_BACKEND)')
    .option('--no-progress', 'no progress bar on stderr');
}

/** The --split flag's value as a Split; throws naming the flag. */
export function parseSplit(raw: string): Split {
  if (raw !== 'val' && raw !== 'train' && raw !== 'all') throw new Error(`--split: expected val, train or all, got ${JSON.stringify(raw)}`);
  return raw;
}

/** Runs `fn` with progress callbacks and an abort signal tied to SIGINT/SIGTERM (exit code 130 when aborted); the bars stop before `fn`'s result is returned or its error rethrown. */
export async function runSampled<T>(progressEnabled: boolean, label: string, fn: (hooks: Omit<EvalProgress, 'stop'> & { signal: AbortSignal }) => Promise<T>): Promise<T> {
  const progress = evalProgressBars(progressEnabled, label);
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await fn({ onBuildProgress: progress.onBuildProgress, onProgress: progress.onProgress, signal: abort.signal });
  } catch (err) {
    if (abort.signal.aborted) process.exitCode = 130;
    throw err;
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
