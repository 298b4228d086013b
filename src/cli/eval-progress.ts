// The progress bars of commands that sample positions through `runEval` (`tengen eval`, `tengen model
// calibrate-value`): the build of SGF inputs, then the positions scored. stderr only; stdout holds the report.
import cliProgress from 'cli-progress';
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
