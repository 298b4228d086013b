// `tengen plot`: learning curves of training runs (val top-1, top-5 and value accuracy against positions seen) as PNG or SVG.
import type { Command } from 'commander';
import { parseFlag, parseNumber } from '../../config.js';
import { readMetricsFile, writeLearningCurve } from '../../eval/plot.js';

interface PlotFlags {
  metrics: string[];
  out: string;
  title?: string;
  width: string;
  height: string;
  fromZero?: boolean;
}

/** Registers `tengen plot`. */
export function registerPlotCommand(program: Command): void {
  program
    .command('plot')
    .requiredOption('--metrics <files...>', 'RUN/metrics.jsonl files, one line per run (legend: the run folder name)')
    .requiredOption('--out <file>', 'output .png (or .svg)')
    .option('--title <text>', 'chart title', 'Validation accuracy')
    .option('--width <px>', 'image width', '1000')
    .option('--height <px>', 'image height', '600')
    .option('--from-zero', 'draw a warm-started run (tengen train --init-from) from 0, not after the positions of the model it started from')
    .action(async (f: PlotFlags) => {
      const runs = f.metrics.map((file) => readMetricsFile(file, { fromZero: f.fromZero === true }));
      const written = await writeLearningCurve(runs, f.out, {
        title: f.title ?? 'Validation accuracy',
        width: parseFlag(f.width, '--width', (raw) => parseNumber(raw, { min: 200, integer: true })),
        height: parseFlag(f.height, '--height', (raw) => parseNumber(raw, { min: 150, integer: true })),
      });
      process.stdout.write(`${written.file}: ${written.width}×${written.height}, ${runs.map((r) => `${r.name} (${r.points.length} points)`).join(', ')}\n`);
    });
}
