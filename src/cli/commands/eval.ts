// `tengen eval`: a model's figures on a fixed seeded sample of a dataset or SGF input.
import type { Command } from 'commander';
import { parseFlag, parseNonNegativeInt, parsePositiveInt, resolveOption } from '../../config.js';
import { addSampleOptions, parseSplit, runSampled } from '../sampling.js';
import { formatReport } from '../../eval/format.js';
import { calibrationSvg, svgToPng } from '../../eval/plot.js';
import { writeFile } from 'node:fs/promises';
import { evaluationRecord, runEval } from '../../eval/run.js';
import { recordEvaluation } from '../../model/record-evaluation.js';

interface EvalFlags {
  model?: string[];
  data: string[];
  sample?: string;
  positions?: string;
  seed: string;
  symmetries: string;
  batch: string;
  split: string;
  backend?: string;
  legal: boolean;
  json?: boolean;
  record?: boolean;
  calibrationPlot?: string;
  progress: boolean;
}

/** Registers `tengen eval`. */
export function registerEvalCommand(program: Command): void {
  addSampleOptions(
    program
      .command('eval')
      .option('--model <dirs...>', 'model directory (model.json, weights.bin, tengen.json); several = an ensemble (softmaxes and values averaged); env TENGEN_MODEL, default models/default'),
  )
    .option('--sample <n>', 'positions in the sample (the whole split if larger; default 50000)')
    .option('--positions <n>', 'alias of --sample')
    .option('--seed <n>', 'seed of the sample (0 = the trainer\'s default --val-seed)', '0')
    .option('--symmetries <n>', '1, or 8 to average the softmax over the 8 board symmetries', '1')
    .option('--no-legal', 'skip the legal-masked top-1 row')
    .option('--json', 'print the report as JSON')
    .option('--record', "store the figures in the model's tengen.json (\"evaluations\"; replaces the same data/seed/sample/symmetries)")
    .option('--calibration-plot <file.png>', 'value-head models: write the calibration plot (head and area-count baseline) as PNG')
    .action(async (f: EvalFlags) => {
      const symmetries = parseFlag(f.symmetries, '--symmetries', parsePositiveInt);
      if (symmetries !== 1 && symmetries !== 8) throw new Error(`--symmetries: expected 1 or 8, got ${JSON.stringify(f.symmetries)}`);
      const split = parseSplit(f.split);
      const sample = resolveSampleFlag(f.sample, f.positions);
      const models = f.model ?? [resolveOption(undefined, 'TENGEN_MODEL', 'models/default', String)];
      if (f.record && models.length > 1) throw new Error(`--record: an ensemble of ${models.length} models has no one tengen.json to record in; evaluate each model alone to record it`);
      const report = await runSampled(f.progress, 'eval', (hooks) =>
        runEval({
          modelDir: models,
          data: f.data,
          positions: sample,
          seed: parseFlag(f.seed, '--seed', parseNonNegativeInt),
          symmetries,
          batch: parseFlag(f.batch, '--batch', parsePositiveInt),
          split,
          backend: f.backend,
          legal: f.legal,
          ...hooks,
        }),
      );
      process.stdout.write(f.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report));
      if (f.calibrationPlot) {
        if (!report.value) throw new Error(`--calibration-plot: ${report.ensemble ? 'a member of the ensemble' : report.model.dir} has no value head`);
        const label = report.ensemble ? `ensemble of ${report.ensemble.map((m) => m.id).join(' + ')}` : `${report.model.id} value head`;
        await writeFile(f.calibrationPlot, svgToPng(calibrationSvg([{ label, bins: report.value.calibration }], `Value calibration: ${report.value.positions} dev positions`)));
        process.stderr.write(`calibration plot written to ${f.calibrationPlot}\n`);
      }
      if (f.record) {
        const n = await recordEvaluation(report.model.dir, evaluationRecord(report), report.model.weightsSha256);
        process.stderr.write(`recorded in ${report.model.dir}/tengen.json (${n} evaluation${n === 1 ? '' : 's'})\n`);
      }
    });
}

/** The sample size from --sample and its alias --positions (default 50000); both given must agree. */
function resolveSampleFlag(sample: string | undefined, positions: string | undefined): number {
  const a = sample === undefined ? undefined : parseFlag(sample, '--sample', parsePositiveInt);
  const b = positions === undefined ? undefined : parseFlag(positions, '--positions', parsePositiveInt);
  if (a !== undefined && b !== undefined && a !== b) throw new Error(`--sample ${a} and --positions ${b} disagree (--positions is an alias of --sample)`);
  return a ?? b ?? 50000;
}
