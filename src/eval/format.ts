// The human-readable `tengen eval` report: a header naming model, data and sample, then a markdown table.
import type { EvalReport } from './run.js';
import type { Proportion } from './score.js';

const pct = (x: number): string => (100 * x).toFixed(2);

function accuracyRow(name: string, p: Proportion): string {
  return `| ${name} | ${pct(p.rate)}% | ${pct(p.lo)}–${pct(p.hi)}% | ${p.hits} / ${p.n} |`;
}

/** Renders an EvalReport as text (header lines + markdown table), ending with a newline. */
export function formatReport(r: EvalReport): string {
  const f = r.figures;
  const lines = [
    `model   ${r.model.id} (${r.model.architecture}, ${r.model.featureSet.name}@v${r.model.featureSet.version}, ` +
      `${r.model.steps} steps, ${r.model.positionsSeen} positions seen, weights sha256 ${r.model.weightsSha256})`,
    `data    ${r.data.input}${r.data.builtFromSgf ? ' (SGF built into a temporary all-val dataset)' : ''}: ` +
      `${r.data.games} games, contentHash ${r.data.contentHash.slice(0, 16)}`,
    `sample  ${r.sample.count} of ${r.sample.population} labelled "${r.sample.split}" positions, seed ${r.sample.seed}, ` +
      `symmetries ${r.symmetries}`,
    '',
    '| metric | value | 95% CI | count |',
    '|---|---:|---:|---:|',
    accuracyRow('top-1', f.top1),
    accuracyRow('top-5', f.top5),
    ...(f.top1Legal ? [accuracyRow('top-1 (legal)', f.top1Legal)] : []),
    `| log-loss | ${f.logLoss.mean.toFixed(4)} | ${f.logLoss.lo.toFixed(4)}–${f.logLoss.hi.toFixed(4)} | sd ${f.logLoss.sd.toFixed(3)} |`,
    '',
    `${f.positions} positions in ${f.seconds.toFixed(1)} s (${f.positionsPerSecond.toFixed(0)} positions/s, ${r.backend}, batch ${r.batch})`,
    `note: ${r.note}; CIs: Wilson (accuracies), normal approximation (log-loss)`,
  ];
  return lines.join('\n') + '\n';
}
