// The human-readable `tengen eval` report: a header naming model, data and sample, then a markdown table of the
// figures and one of top-1/5/10 per game phase.
import type { EvalModelInfo, EvalReport } from './run.js';
import type { Proportion } from './score.js';

const pct = (x: number): string => (100 * x).toFixed(2);

const cell = (p: Proportion): string => (p.n === 0 ? '–' : `${pct(p.rate)}% (${pct(p.lo)}–${pct(p.hi)})`);

function accuracyRow(name: string, p: Proportion): string {
  return `| ${name} | ${pct(p.rate)}% | ${pct(p.lo)}–${pct(p.hi)}% | ${p.hits} / ${p.n} |`;
}

const rateCell = (x: { rate: number; lo: number; hi: number }): string => `${pct(x.rate)}% (${pct(x.lo)}–${pct(x.hi)})`;

// The value table (value-head models): the head against the area-count baseline, by phase, and the calibration bins.
function valueLines(r: EvalReport): string[] {
  const v = r.value;
  if (!v) return [];
  return [
    '',
    `value head: ${v.positions} positions whose game names a winner; baseline = area count of the board with komi (log-loss: sigmoid(margin/scale), scale fitted on this sample)`,
    '',
    '| phase (moves) | positions | value accuracy (95% CI) | value log-loss | baseline accuracy (95% CI) | baseline log-loss |',
    '|---|---:|---:|---:|---:|---:|',
    ...[...v.phases, v.overall].map(
      (p) => `| ${p.name} | ${p.positions} | ${rateCell(p.accuracy)} | ${p.logLoss.toFixed(4)} | ${rateCell(p.baseline.accuracy)} | ${p.baseline.logLoss.toFixed(4)} (scale ${p.baseline.scale}) |`,
    ),
    '',
    '| predicted win probability | positions | mean predicted | observed wins |',
    '|---|---:|---:|---:|',
    ...v.calibration.map((b) => `| ${b.lo.toFixed(1)}–${b.hi.toFixed(1)} | ${b.positions} | ${b.positions ? b.predicted.toFixed(3) : '–'} | ${b.positions ? b.observed.toFixed(3) : '–'} |`),
  ];
}

function modelLine(m: EvalModelInfo): string {
  return (
    `${m.id} (${m.architecture}, ${m.featureSet.name}@v${m.featureSet.version}, ${m.steps} steps, ${m.positionsSeen} positions seen` +
    `${m.initFrom ? ` after the ${m.initFrom.positionsSeen} of ${m.initFrom.model}` : ''}, weights sha256 ${m.weightsSha256})`
  );
}

/** Renders an EvalReport as text (header lines + markdown table), ending with a newline. */
export function formatReport(r: EvalReport): string {
  const f = r;
  const lines = [
    ...(r.ensemble
      ? [`ensemble of ${r.ensemble.length} models (softmaxes${r.value ? ' and values' : ''} averaged):`, ...r.ensemble.map((m) => `  ${modelLine(m)}`)]
      : [`model   ${modelLine(r.model)}`]),
    `data    ${r.data.inputs.join(' ')}${r.data.builtFromSgf ? ' (SGF built into a temporary all-val dataset)' : ''}: ` +
      `${r.data.games} games, contentHash ${r.data.contentHash.slice(0, 16)}`,
    `sample  ${r.sample.count} of ${r.sample.population} labelled "${r.sample.split}" positions, seed ${r.sample.seed}, ` +
      `symmetries ${r.symmetries}`,
    '',
    '| metric | value | 95% CI | count |',
    '|---|---:|---:|---:|',
    accuracyRow('top-1', f.top1),
    accuracyRow('top-5', f.top5),
    accuracyRow('top-10', f.top10),
    ...(f.top1Legal ? [accuracyRow('top-1 (legal)', f.top1Legal)] : []),
    `| log-loss | ${f.logLoss.mean.toFixed(4)} | ${f.logLoss.lo.toFixed(4)}–${f.logLoss.hi.toFixed(4)} | sd ${f.logLoss.sd.toFixed(3)} |`,
    '',
    '| phase (moves) | positions | top-1 (95% CI) | top-5 (95% CI) | top-10 (95% CI) |',
    '|---|---:|---:|---:|---:|',
    ...f.phases.map((p) => `| ${p.name} | ${p.positions} | ${cell(p.top1)} | ${cell(p.top5)} | ${cell(p.top10)} |`),
    ...valueLines(r),
    '',
    `${f.positions} positions in ${f.seconds.toFixed(1)} s (${f.positionsPerSecond.toFixed(0)} positions/s, ${r.backend}, batch ${r.batch})`,
    `note: ${r.note}; a position's phase is the number of the move played from it (1-based, passes counted); CIs: Wilson (accuracies), normal approximation (log-loss)`,
  ];
  return lines.join('\n') + '\n';
}
