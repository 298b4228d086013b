// Learning curves: validation top-1 and top-5 against positions seen, one colour per run (top-1 solid, top-5
// dashed, for a run with a value head its value accuracy dotted, for a run with a weight average its top-1 dash-dot), drawn as an SVG string and rasterised to PNG by resvg (a prebuilt binary inside its npm package, no
// system libraries; text uses the system's fonts).
import { Resvg } from '@resvg/resvg-js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TENGEN_JSON, validateMetadata, type InitFromRecord } from '../model/metadata.js';

export interface CurvePoint {
  step: number;
  positions: number;
  top1: number;
  top5: number | null;
  /** Value accuracy (valValueAccuracy) of a run with a value head, else null. */
  value: number | null;
  /** Top-1 of the weight average (avgTop1, `tengen train --average-horizon`), else null. */
  avgTop1?: number | null;
}

export interface RunCurve {
  /** Legend label: the run folder's name (and, for a warm restart drawn after its start, where it starts). */
  name: string;
  file: string;
  points: CurvePoint[];
  /**
   * For a run started from a saved model (`initFrom` in the run's checkpoint/ or best/ tengen.json): that model and
   * the positions behind it. Unless drawn from zero, the run's points are shifted right by `positions`, so a warm
   * restart continues the curve of the run it started from.
   */
  initFrom?: { model: string; positions: number; shifted: boolean };
}

export interface PlotOptions {
  width: number;
  height: number;
  title: string;
}

/** Run colours (Tableau 10), exported so tests can look for them in the rendered pixels. */
export const RUN_COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f'];

const FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';

/** Validation points of a metrics.jsonl text (lines without valTop1 are skipped); throws naming file and line. */
export function parseMetrics(text: string, file: string): CurvePoint[] {
  const points: CurvePoint[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(line) as Record<string, unknown>;
    } catch (err) {
      throw new Error(`${file}:${i + 1}: not JSON (${(err as Error).message})`);
    }
    if (rec === null || typeof rec !== 'object') throw new Error(`${file}:${i + 1}: expected a JSON object`);
    if (rec.valTop1 === undefined) continue;
    const num = (k: string): number => {
      const v = rec[k];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${file}:${i + 1}: field "${k}" must be a finite number, got ${JSON.stringify(v)}`);
      return v;
    };
    points.push({
      step: num('step'),
      positions: num('positionsSeen'),
      top1: num('valTop1'),
      top5: rec.valTop5 === undefined ? null : num('valTop5'),
      value: rec.valValueAccuracy === undefined ? null : num('valValueAccuracy'),
      avgTop1: rec.avgTop1 === undefined ? null : num('avgTop1'),
    });
  }
  return points;
}

/** The `initFrom` of a run folder's checkpoint/ (else best/) tengen.json, or null (none, unreadable or not a model). */
export function runInitFrom(runDir: string): InitFromRecord | null {
  for (const sub of ['checkpoint', 'best']) {
    const f = path.join(runDir, sub, TENGEN_JSON);
    if (!existsSync(f)) continue;
    try {
      return validateMetadata(JSON.parse(readFileSync(f, 'utf8')), f).initFrom ?? null;
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * Reads RUN/metrics.jsonl; the run is named after its folder. A warm restart (see RunCurve.initFrom) is shifted to
 * continue after the positions of the model it started from, unless `fromZero`. Throws naming the file if missing or
 * without validation lines.
 */
export function readMetricsFile(file: string, opts: { fromZero?: boolean } = {}): RunCurve {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`--metrics ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const points = parseMetrics(text, file);
  if (points.length === 0) throw new Error(`--metrics ${file}: no validation lines (valTop1); was the run trained with --val-positions 0?`);
  const dir = path.dirname(path.resolve(file));
  const name = path.basename(dir);
  const init = runInitFrom(dir);
  if (!init) return { name, file, points };
  const shifted = !opts.fromZero;
  const initFrom = { model: init.model, positions: init.positionsSeen, shifted };
  if (!shifted) return { name, file, points, initFrom };
  return {
    name: `${name} (from ${formatCount(init.positionsSeen)})`,
    file,
    points: points.map((p) => ({ ...p, positions: p.positions + init.positionsSeen })),
    initFrom,
  };
}

/** Round tick step (1, 2 or 5 × 10^k) giving about `target` intervals over `span`. */
export function niceStep(span: number, target: number): number {
  if (!(span > 0)) return 1;
  const raw = span / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/** Compact count label: 0, 750, 12k, 1.5M, 2G. */
export function formatCount(n: number): string {
  const units: [number, string][] = [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [v, u] of units) if (Math.abs(n) >= v) return `${+(n / v).toFixed(2)}${u}`;
  return `${+n.toFixed(2)}`;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The curves drawn for each run: what they show, the value read from a point, and the dash pattern ('' = solid). */
const SERIES: readonly { label: string; get: (p: CurvePoint) => number | null; dashed: string }[] = [
  { label: 'top-1', get: (p) => p.top1, dashed: '' },
  { label: 'top-5', get: (p) => p.top5, dashed: '8 5' },
  { label: 'value accuracy', get: (p) => p.value, dashed: '2 4' },
  { label: 'top-1 of the weight average', get: (p) => p.avgTop1 ?? null, dashed: '10 4 2 4' },
];

/** Colour of the legend's dash-pattern rows when runs are told apart by colour alone. */
const KEY_GREY = '#555555';

/**
 * Legend rows. One run: a row per curve ("run top-5"). Several runs: one row per run (its colour, solid) and one per
 * kind of curve drawn (its dash pattern, in grey), so the legend grows with runs + kinds, not runs × kinds, and stays
 * in the corner instead of covering the curves.
 */
function legendRows(runs: readonly RunCurve[], used: ReadonlySet<string>): { label: string; colour: string; dashed: string }[] {
  const kinds = SERIES.filter((s) => used.has(s.label));
  if (runs.length === 1) return kinds.map((s) => ({ label: `${runs[0].name} ${s.label}`, colour: RUN_COLOURS[0], dashed: s.dashed }));
  return [
    ...runs.map((r, i) => ({ label: r.name, colour: RUN_COLOURS[i % RUN_COLOURS.length], dashed: '' })),
    ...kinds.map((s) => ({ label: s.label, colour: KEY_GREY, dashed: s.dashed })),
  ];
}

/** The chart as an SVG document of opts.width × opts.height pixels. */
export function learningCurveSvg(runs: readonly RunCurve[], opts: PlotOptions): string {
  if (runs.length === 0) throw new Error('learningCurveSvg: no runs to plot');
  const { width: W, height: H } = opts;
  const m = { left: 72, right: 32, top: 48, bottom: 64 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  if (pw < 50 || ph < 50) throw new Error(`learningCurveSvg: ${W}×${H} leaves no room for the plot`);
  let xMax = 0;
  let yMax = 0;
  for (const r of runs) {
    for (const p of r.points) {
      xMax = Math.max(xMax, p.positions);
      yMax = Math.max(yMax, p.top1, p.top5 ?? 0, p.value ?? 0, p.avgTop1 ?? 0);
    }
  }
  const xStep = niceStep(xMax || 1, 6);
  const xTop = Math.max(xStep, Math.ceil((xMax || 1) / xStep) * xStep);
  // Accuracy in percent; the axis ends at the next 10% above the best value (at most 100).
  const yTop = Math.min(100, Math.max(10, Math.ceil((yMax * 100 + 1e-9) / 10) * 10));
  const yStep = niceStep(yTop, 8);
  const sx = (v: number): number => m.left + (v / xTop) * pw;
  const sy = (pctv: number): number => m.top + ph - (pctv / yTop) * ph;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${FONT}">`);
  out.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${W / 2}" y="30" font-size="18" font-weight="bold" text-anchor="middle" fill="#222222">${esc(opts.title)}</text>`);
  // Grid and ticks.
  for (let v = 0; v <= xTop + xStep * 1e-9; v += xStep) {
    const x = sx(v).toFixed(1);
    out.push(`<line x1="${x}" y1="${m.top}" x2="${x}" y2="${m.top + ph}" stroke="#e3e3e3" stroke-width="1"/>`);
    out.push(`<text x="${x}" y="${m.top + ph + 18}" font-size="12" text-anchor="middle" fill="#333333">${formatCount(v)}</text>`);
  }
  for (let v = 0; v <= yTop + yStep * 1e-9; v += yStep) {
    const y = sy(v).toFixed(1);
    out.push(`<line x1="${m.left}" y1="${y}" x2="${m.left + pw}" y2="${y}" stroke="#e3e3e3" stroke-width="1"/>`);
    out.push(`<text x="${m.left - 8}" y="${(sy(v) + 4).toFixed(1)}" font-size="12" text-anchor="end" fill="#333333">${+v.toFixed(2)}</text>`);
  }
  out.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#555555" stroke-width="1"/>`);
  out.push(`<text x="${m.left + pw / 2}" y="${H - 16}" font-size="14" text-anchor="middle" fill="#222222">positions seen</text>`);
  out.push(
    `<text x="18" y="${m.top + ph / 2}" font-size="14" text-anchor="middle" fill="#222222" transform="rotate(-90 18 ${m.top + ph / 2})">validation accuracy (%)</text>`,
  );
  // Curves.
  const used = new Set<string>();
  runs.forEach((r, i) => {
    const colour = RUN_COLOURS[i % RUN_COLOURS.length];
    const pts = [...r.points].sort((a, b) => a.positions - b.positions);
    for (const s of SERIES) {
      const xy = pts.flatMap((p) => {
        const v = s.get(p);
        return v === null ? [] : [`${sx(p.positions).toFixed(1)},${sy(100 * v).toFixed(1)}`];
      });
      if (xy.length === 0) continue;
      used.add(s.label);
      const dash = s.dashed ? ` stroke-dasharray="${s.dashed}"` : '';
      out.push(`<polyline points="${xy.join(' ')}" fill="none" stroke="${colour}" stroke-width="2.5" stroke-linejoin="round"${dash}/>`);
      // Markers only when they stay apart; a lone point needs one to be visible at all.
      if (xy.length <= 40) for (const c of xy) {
        const [cx, cy] = c.split(',');
        out.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="${colour}"/>`);
      }
    }
  });
  const legend = legendRows(runs, used);
  // Legend in the lower right corner of the plot, where rising curves rarely are.
  const rowH = 20;
  const lw = 44 + Math.max(...legend.map((l) => l.label.length)) * 7.5;
  const lh = legend.length * rowH + 10;
  const lx = m.left + pw - lw - 10;
  const ly = m.top + ph - lh - 10;
  out.push(`<rect x="${lx.toFixed(1)}" y="${ly.toFixed(1)}" width="${lw.toFixed(1)}" height="${lh}" fill="#ffffff" fill-opacity="0.9" stroke="#999999"/>`);
  legend.forEach((l, i) => {
    const y = ly + 5 + rowH * i + rowH / 2;
    const dash = l.dashed ? ` stroke-dasharray="${l.dashed}"` : '';
    out.push(`<line x1="${(lx + 8).toFixed(1)}" y1="${y.toFixed(1)}" x2="${(lx + 36).toFixed(1)}" y2="${y.toFixed(1)}" stroke="${l.colour}" stroke-width="2.5"${dash}/>`);
    out.push(`<text x="${(lx + 42).toFixed(1)}" y="${(y + 4).toFixed(1)}" font-size="12" fill="#222222">${esc(l.label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Rasterises an SVG document to PNG bytes at its own size. */
export function svgToPng(svg: string): Buffer {
  const r = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, background: '#ffffff' });
  return r.render().asPng();
}

/** Writes the chart to `out`: SVG text if it ends in .svg, else PNG. */
export async function writeLearningCurve(runs: readonly RunCurve[], out: string, opts: PlotOptions): Promise<{ file: string; width: number; height: number }> {
  const svg = learningCurveSvg(runs, opts);
  const bytes = out.toLowerCase().endsWith('.svg') ? svg : svgToPng(svg);
  try {
    writeFileSync(out, bytes);
  } catch (err) {
    throw new Error(`--out ${out}: cannot write (${(err as Error).message})`);
  }
  return { file: out, width: opts.width, height: opts.height };
}

/**
 * Calibration plot of a value head (reliability diagram): per bin of predicted win probability, the observed share of
 * wins (dots, area ∝ positions) against the diagonal of perfect calibration; one series per entry (e.g. value head and
 * a baseline), in RUN_COLOURS order.
 */
export function calibrationSvg(series: readonly { label: string; bins: readonly { predicted: number; observed: number; positions: number }[] }[], title: string): string {
  const W = 640, H = 560, L = 70, R = 20, T = 50, B = 60;
  const x = (p: number): number => L + p * (W - L - R);
  const y = (p: number): number => H - B - p * (H - T - B);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans" font-size="13">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="28" text-anchor="middle" font-size="15">${esc(title)}</text>`,
  ];
  for (let k = 0; k <= 10; k++) {
    const v = k / 10;
    parts.push(`<line x1="${x(v)}" y1="${y(0)}" x2="${x(v)}" y2="${y(1)}" stroke="#eeeeee"/>`, `<line x1="${x(0)}" y1="${y(v)}" x2="${x(1)}" y2="${y(v)}" stroke="#eeeeee"/>`);
    parts.push(`<text x="${x(v)}" y="${y(0) + 18}" text-anchor="middle">${v.toFixed(1)}</text>`, `<text x="${x(0) - 8}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(1)}</text>`);
  }
  parts.push(`<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#999999" stroke-dasharray="6 4"/>`);
  parts.push(`<text x="${W / 2}" y="${H - 18}" text-anchor="middle">predicted win probability of the side to move</text>`);
  parts.push(`<text x="18" y="${H / 2}" text-anchor="middle" transform="rotate(-90 18 ${H / 2})">observed share of wins</text>`);
  const most = Math.max(1, ...series.flatMap((s) => s.bins.map((b) => b.positions)));
  series.forEach((s, i) => {
    const colour = RUN_COLOURS[i % RUN_COLOURS.length];
    const pts = s.bins.filter((b) => b.positions > 0);
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts.map((b) => `${x(b.predicted).toFixed(1)},${y(b.observed).toFixed(1)}`).join(' ')}"/>`);
    for (const b of pts) parts.push(`<circle cx="${x(b.predicted).toFixed(1)}" cy="${y(b.observed).toFixed(1)}" r="${(3 + 9 * Math.sqrt(b.positions / most)).toFixed(1)}" fill="${colour}" fill-opacity="0.6"/>`);
    parts.push(`<rect x="${L + 12}" y="${T + 8 + i * 22}" width="14" height="14" fill="${colour}"/>`, `<text x="${L + 32}" y="${T + 20 + i * 22}">${esc(s.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
