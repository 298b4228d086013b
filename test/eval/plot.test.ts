// tengen plot: metrics parsing, axis helpers and the rendered PNG (size, and the run colours on the pixels).
import { writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatCount, niceStep, parseMetrics, readMetricsFile, RUN_COLOURS, writeLearningCurve, learningCurveSvg } from '../../src/eval/plot.js';
import { decodePng } from './png-decode.js';
import { tempDir } from './fixtures.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function writeRun(name: string, n: number, scale: number): string {
  const dir = path.join(tmp.dir, name);
  mkdirSync(dir, { recursive: true });
  const lines: string[] = [];
  for (let i = 1; i <= n; i++) {
    // A training-only line between validations, as the trainer never writes but a hand-edited file might.
    lines.push(JSON.stringify({ step: i * 100 - 50, positionsSeen: i * 6400 - 3200, trainLoss: 3 }));
    const t1 = scale * (0.4 - 0.3 * Math.exp(-i / 5));
    lines.push(JSON.stringify({ step: i * 100, positionsSeen: i * 6400, valTop1: t1, valTop5: Math.min(0.95, 1.8 * t1), valLoss: 2.5 }));
  }
  const file = path.join(dir, 'metrics.jsonl');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** Pixels whose RGB is within `tol` (per channel) of the hex colour. */
function countNear(rgba: Uint8Array, hex: string, tol = 12): number {
  const r = parseInt(hex.slice(1, 3), 16), g = parseInt(hex.slice(3, 5), 16), b = parseInt(hex.slice(5, 7), 16);
  let n = 0;
  for (let i = 0; i < rgba.length; i += 4) {
    if (Math.abs(rgba[i] - r) <= tol && Math.abs(rgba[i + 1] - g) <= tol && Math.abs(rgba[i + 2] - b) <= tol) n++;
  }
  return n;
}

describe('metrics parsing', () => {
  it('keeps validation lines only, in file order, with positions and both accuracies', () => {
    const text = [
      '{"step":1,"positionsSeen":64,"trainLoss":5}',
      '',
      '{"step":2,"positionsSeen":128,"valTop1":0.1,"valTop5":0.3}',
      '{"step":3,"positionsSeen":192,"valTop1":0.2}',
      '{"step":4,"positionsSeen":256,"valTop1":0.25,"valTop5":0.5,"valValueAccuracy":0.55}',
      '{"step":5,"positionsSeen":320,"valTop1":0.3,"avgTop1":0.32}',
    ].join('\n');
    expect(parseMetrics(text, 'm.jsonl')).toEqual([
      { step: 2, positions: 128, top1: 0.1, top5: 0.3, value: null, avgTop1: null },
      { step: 3, positions: 192, top1: 0.2, top5: null, value: null, avgTop1: null },
      { step: 4, positions: 256, top1: 0.25, top5: 0.5, value: 0.55, avgTop1: null },
      { step: 5, positions: 320, top1: 0.3, top5: null, value: null, avgTop1: 0.32 },
    ]);
  });
  it('draws the weight average\'s top-1 (dash-dot) only for a run that has one', () => {
    const run = (name: string, avg: boolean) => ({ name, file: name, points: [1, 2].map((k) => ({ step: k, positions: 64 * k, top1: 0.1 * k, top5: null, value: null, avgTop1: avg ? 0.12 * k : null })) });
    const svg = learningCurveSvg([run('plain', false), run('averaged', true)], { width: 800, height: 500, title: 't' });
    expect(svg.match(/stroke-dasharray="10 4 2 4"/g)).toHaveLength(2); // one polyline + its legend line
    const avgCurves = [...svg.matchAll(/<polyline [^>]*stroke="(#[0-9a-f]{6})"[^>]*stroke-dasharray="10 4 2 4"/g)].map((m) => m[1]);
    expect(avgCurves).toEqual([RUN_COLOURS[1]]); // the second run's colour: "averaged"
    // Several runs: a legend row per run and per kind of curve, not per run × kind.
    expect(svg).toContain('>averaged<');
    expect(svg).toContain('>top-1 of the weight average<');
    expect(svg).not.toContain('averaged top-1');
  });
  it('keeps the legend off the curves of four runs with all four kinds of curve at the default size', () => {
    // Rising curves as training gives them: top-1 38 → 45%, top-5 70 → 77%, value 60 → 66%, the average just above top-1.
    const runs = [0, 1, 2, 3].map((k) => ({
      name: `own-6x64-run${k} (from ${k}M)`,
      file: `r${k}`,
      points: Array.from({ length: 60 }, (_, j) => {
        const f = (k * 60 + j) / 240;
        return { step: j, positions: 7e6 * f, top1: 0.38 + 0.07 * f, top5: 0.7 + 0.07 * f, value: 0.6 + 0.06 * f, avgTop1: 0.385 + 0.07 * f };
      }),
    }));
    const svg = learningCurveSvg(runs, { width: 1000, height: 600, title: 't' });
    const box = svg.match(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="#ffffff" fill-opacity/);
    expect(box).not.toBeNull();
    const [x, y, w, h] = box!.slice(1).map(Number);
    expect(svg.match(/<text x="[\d.]+" y="[\d.]+" font-size="12" fill="#222222">/g)).toHaveLength(8); // 4 runs + 4 kinds
    const inside = [...svg.matchAll(/<polyline points="([^"]+)"/g)]
      .flatMap((m) => m[1].split(' ').map((c) => c.split(',').map(Number)))
      .filter(([px, py]) => px >= x && px <= x + w && py >= y && py <= y + h);
    expect(inside).toEqual([]);
  });
  it('continues a warm restart after the positions of the model it started from (its tengen.json initFrom), or from 0 if asked', () => {
    const file = writeRun('restart', 3, 1);
    const ck = path.join(path.dirname(file), 'checkpoint');
    mkdirSync(ck, { recursive: true });
    const meta = {
      format: 'tengen-model',
      formatVersion: 1,
      architecture: { depth: 2, width: 8, block: 'plain', planes: 2 },
      featureSet: { name: 'synthetic', version: 1, planes: 2 },
      dataManifestHash: null,
      steps: 300,
      positionsSeen: 19200,
      metrics: {},
      backend: 'cpu',
      date: '2026-12-03T00:00:00.000Z',
      wallClockSeconds: 1,
      initFrom: { model: 'runs/first/best', steps: 1000, positionsSeen: 2944000, wallClockSeconds: 9, dataManifestHash: null },
    };
    writeFileSync(path.join(ck, 'tengen.json'), JSON.stringify(meta));
    const shifted = readMetricsFile(file);
    expect(shifted.points.map((p) => p.positions)).toEqual([2950400, 2956800, 2963200]);
    expect(shifted.name).toBe('restart (from 2.94M)');
    expect(shifted.initFrom).toEqual({ model: 'runs/first/best', positions: 2944000, shifted: true });
    const zero = readMetricsFile(file, { fromZero: true });
    expect(zero.points.map((p) => p.positions)).toEqual([6400, 12800, 19200]);
    expect(zero.name).toBe('restart');
    // A run without initFrom is drawn as written.
    expect(readMetricsFile(writeRun('plain-run', 2, 1)).points.map((p) => p.positions)).toEqual([6400, 12800]);
  });
  it('names file and line of a corrupt line or field', () => {
    expect(() => parseMetrics('{"step":1}\n{oops', 'run/metrics.jsonl')).toThrow(/run\/metrics\.jsonl:2: not JSON/);
    expect(() => parseMetrics('{"step":1,"positionsSeen":"x","valTop1":0.1}', 'f')).toThrow(/f:1: field "positionsSeen"/);
  });
  it('refuses a missing file and a file without validation lines', () => {
    expect(() => readMetricsFile(path.join(tmp.dir, 'nope.jsonl'))).toThrow(/no such file/);
    const f = path.join(tmp.dir, 'noval.jsonl');
    writeFileSync(f, '{"step":1,"positionsSeen":64}\n');
    expect(() => readMetricsFile(f)).toThrow(/no validation lines/);
  });
});

describe('axis helpers', () => {
  it('niceStep picks 1/2/5 × 10^k', () => {
    expect(niceStep(1_900_000, 6)).toBe(500_000); // raw 316,667 → 5 × 10^5
    expect(niceStep(100, 8)).toBe(20); // raw 12.5 → 2 × 10^1
    expect(niceStep(45, 8)).toBe(10); // raw 5.625 → 10
  });
  it('formatCount abbreviates', () => {
    expect([0, 750, 12_000, 1_500_000, 2e9].map(formatCount)).toEqual(['0', '750', '12k', '1.5M', '2G']);
  });
});

describe('rendered chart', () => {
  it('is a PNG of the requested size with each run\'s colour on it and no unused run colour', async () => {
    const a = readMetricsFile(writeRun('runA', 30, 1));
    const b = readMetricsFile(writeRun('runB', 12, 0.8));
    expect(a.name).toBe('runA');
    expect(a.points).toHaveLength(30);
    const out = path.join(tmp.dir, 'curve.png');
    await writeLearningCurve([a, b], out, { width: 640, height: 400, title: 'test' });
    const png = decodePng(readFileSync(out));
    expect([png.width, png.height]).toEqual([640, 400]);
    expect(countNear(png.rgba, RUN_COLOURS[0])).toBeGreaterThan(200);
    expect(countNear(png.rgba, RUN_COLOURS[1])).toBeGreaterThan(100);
    expect(countNear(png.rgba, RUN_COLOURS[2])).toBe(0);
    // Mostly white background: the chart is not blank or black.
    expect(countNear(png.rgba, '#ffffff', 2)).toBeGreaterThan(640 * 400 * 0.5);
  });
  it('writes SVG text for a .svg name, with legend labels escaped', async () => {
    const a = readMetricsFile(writeRun('r<&>', 3, 1));
    const out = path.join(tmp.dir, 'curve.svg');
    await writeLearningCurve([a], out, { width: 500, height: 300, title: 'A & B' });
    const svg = readFileSync(out, 'utf8');
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('A &amp; B');
    expect(svg).toContain('r&lt;&amp;&gt; top-5');
    expect(svg).not.toContain('value accuracy');
    const v = path.join(tmp.dir, 'value', 'metrics.jsonl');
    mkdirSync(path.dirname(v), { recursive: true });
    writeFileSync(v, '{"step":1,"positionsSeen":64,"valTop1":0.3,"valTop5":0.6,"valValueAccuracy":0.52}\n{"step":2,"positionsSeen":128,"valTop1":0.31,"valTop5":0.62,"valValueAccuracy":0.56}\n');
    await writeLearningCurve([readMetricsFile(v)], out, { width: 500, height: 300, title: 'v' });
    expect(readFileSync(out, 'utf8')).toMatch(/stroke-dasharray="2 4"[^>]*\/>[\s\S]*value value accuracy/);
  });
  it('names the output file it cannot write', async () => {
    const a = readMetricsFile(writeRun('runC', 2, 1));
    await expect(writeLearningCurve([a], path.join(tmp.dir, 'no-such-dir', 'c.png'), { width: 400, height: 300, title: '' })).rejects.toThrow(/--out .*no-such-dir\/c\.png: cannot write/);
  });
  it('refuses no runs and a size with no room for the plot', () => {
    expect(() => learningCurveSvg([], { width: 500, height: 300, title: '' })).toThrow(/no runs/);
    const a = { name: 'x', file: 'x', points: [{ step: 1, positions: 1, top1: 0.1, top5: null, value: null }] };
    expect(() => learningCurveSvg([a], { width: 100, height: 100, title: '' })).toThrow(/no room/);
  });
});
