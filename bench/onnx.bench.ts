// Does a second inference runtime pay for its weight? The forward pass alone (positions encoded beforehand, all
// outputs read back to JavaScript, as the engine does) on ONNX Runtime (onnxruntime-node; the graph exported in
// memory by src/model/onnx-export.ts; intra-op threads 1 and 2, no spinning, as the engine runs it) against tfjs on
// native TensorFlow (tfjs-node, backend "tensorflow"; TensorFlow's own thread pool), for models/default and random
// 6×64 and 10×64 residual nets. Batch 1 latency (p50, p90) and batch 16 (a search round) and 64 (a full serving pass)
// throughput, and the CPU time the process spent per pass / per position (all its threads: process.cpuUsage), which
// a busy machine disturbs less than wall time. Runtimes are interleaved A/B/A/B in rounds in one process, so a shared
// machine's noise hits both.
//   npx tsx bench/onnx.bench.ts [--quick] [--rounds N] [--spin] [--models dir,dir] [--archs 6x64r,10x64r]
// --spin lets ONNX Runtime's idle threads spin (its own default; lower latency, a core burnt between passes).
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { positionFromMoves } from '../src/engine/index.js';
import { getFeatureSet } from '../src/features/registry.js';
import { selectBackend } from '../src/model/backend.js';
import { archFromSpec, describeArch } from '../src/model/config.js';
import { loadModel } from '../src/model/io.js';
import { loadOnnxRuntime, OnnxNet, onnxRuntimeVersion } from '../src/model/onnx-runtime.js';
import { saveRandomModel } from '../src/model/random-model.js';
import { devMoveLists } from './dev-positions.js';

const repo = path.resolve(import.meta.dirname, '..');
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const spin = argv.includes('--spin');
const opt = (name: string, dflt: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : dflt;
};
const modelDirs = opt('--models', path.join(repo, 'models/default')).split(',').filter(Boolean);
const archs = opt('--archs', '6x64r,10x64r').split(',').filter(Boolean);
const ROUNDS = Number(opt('--rounds', quick ? '1' : '3'));
const B1 = quick ? 30 : 100; // batch-1 passes per runner per round
const PASSES: Record<number, number> = { 16: quick ? 4 : 16, 64: quick ? 2 : 6 }; // passes per batch size per round
const WARMUP = 5;

type Runner = { name: string; run: (x: Float32Array, rows: number) => Promise<void>; close: () => Promise<void> };

function tfjsRunner(net: tf.LayersModel, planes: number): Runner {
  return {
    name: `tfjs ${tf.getBackend()}`,
    run: async (x, rows) => {
      const outs = tf.tidy(() => {
        const y = net.predict(tf.tensor4d(x.subarray(0, rows * 361 * planes), [rows, 19, 19, planes]));
        return Array.isArray(y) ? y : [y];
      });
      try {
        for (const t of outs) await t.data();
      } finally {
        tf.dispose(outs);
      }
    },
    close: async () => void net.dispose(),
  };
}

function onnxRunner(net: OnnxNet): Runner {
  return { name: `onnx ${net.threads}t`, run: async (x, rows) => void (await net.run(x, rows)), close: () => net.release() };
}

interface Tally {
  b1: number[];
  b1Cpu: number;
  pos: Record<number, number>;
  ms: Record<number, number>;
  cpu: Record<number, number>;
}

/** CPU milliseconds of this process (user + system, all threads) since `from`. */
const cpuMs = (from: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
};

const pct = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

async function bench(label: string, dir: string, inputs: Map<string, Float32Array>): Promise<string[]> {
  const loaded = await loadModel(dir);
  const c = loaded.meta.architecture;
  const x = inputs.get(loaded.meta.featureSet.name)!;
  const runners: Runner[] = [tfjsRunner(loaded.model, c.planes)];
  for (const threads of [1, 2]) runners.push(onnxRunner(await OnnxNet.create(c, loaded.params, { threads, spin })));
  const tallies = runners.map((): Tally => ({ b1: [], b1Cpu: 0, pos: { 16: 0, 64: 0 }, ms: { 16: 0, 64: 0 }, cpu: { 16: 0, 64: 0 } }));
  const rowLen = 361 * c.planes;
  const positions = x.length / rowLen;
  try {
    for (const r of runners) for (let i = 0; i < WARMUP; i++) for (const n of [1, 16, 64]) await r.run(x, n);
    for (let round = 0; round < ROUNDS; round++) {
      // A/B/A/B: each runner in turn, batch 1, then 16, then 64, within the round.
      for (const [k, r] of runners.entries()) {
        const t = tallies[k]!;
        const c1 = process.cpuUsage();
        for (let i = 0; i < B1; i++) {
          const off = ((round * B1 + i) % positions) * rowLen;
          const t0 = performance.now();
          await r.run(x.subarray(off, off + rowLen), 1);
          t.b1.push(performance.now() - t0);
        }
        t.b1Cpu += cpuMs(c1);
        for (const n of [16, 64]) {
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          for (let p = 0; p < PASSES[n]!; p++) {
            const off = ((p * n) % Math.max(1, positions - n)) * rowLen;
            await r.run(x.subarray(off, off + n * rowLen), n);
          }
          t.ms[n]! += performance.now() - t0;
          t.cpu[n]! += cpuMs(c0);
          t.pos[n]! += PASSES[n]! * n;
        }
      }
    }
  } finally {
    for (const r of runners) await r.close();
  }
  const rate = (t: Tally, n: number): number => t.pos[n]! / (t.ms[n]! / 1000);
  const base = tallies[0]!;
  const rows: string[] = [];
  runners.forEach((r, k) => {
    const t = tallies[k]!;
    const ratio = k === 0 ? '' : ` (${(pct(base.b1, 0.5) / pct(t.b1, 0.5)).toFixed(1)}×)`;
    const tput = (n: number): string => `${rate(t, n).toFixed(0)}${k === 0 ? '' : ` (${(rate(t, n) / rate(base, n)).toFixed(1)}×)`}`;
    const cpu1 = (x: Tally): number => x.b1Cpu / x.b1.length;
    const cpuPos = (x: Tally, n: number): number => (1000 * x.cpu[n]!) / x.pos[n]!; // µs per position
    const cpuCol = (v: number, b: number, digits: number): string => `${v.toFixed(digits)}${k === 0 ? '' : ` (${(b / v).toFixed(1)}×)`}`;
    rows.push(
      `| ${label} | ${r.name} | ${pct(t.b1, 0.5).toFixed(2)}${ratio} | ${pct(t.b1, 0.9).toFixed(2)} | ${cpuCol(cpu1(t), cpu1(base), 2)} | ${tput(16)} | ` +
        `${cpuCol(cpuPos(t, 16), cpuPos(base, 16), 0)} | ${tput(64)} | ${cpuCol(cpuPos(t, 64), cpuPos(base, 64), 0)} |`,
    );
  });
  return rows;
}

const ort = await loadOnnxRuntime();
if (ort instanceof Error) {
  console.error(`bench/onnx.bench.ts: ${ort.message}; nothing to compare`);
  process.exit(2);
}
const backend = await selectBackend('tensorflow');
const tmp = mkdtempSync(path.join(tmpdir(), 'tengen-onnx-bench-'));
try {
  const boards = devMoveLists(repo, 128, 20, 140).map((moves) => positionFromMoves({ moves }).board);
  const inputs = new Map<string, Float32Array>();
  for (const name of ['alphago48', 'alphago49', 'basic']) {
    const fs = getFeatureSet(name);
    const a = new Float32Array(boards.length * 361 * fs.planes);
    boards.forEach((b, i) => fs.encode(b, a, i * 361 * fs.planes, 7.5));
    inputs.set(name, a);
  }
  console.log(
    `Forward pass only (inputs encoded beforehand, outputs read back), ${boards.length} mid-game tom9d/dev positions; tfjs ${tf.version.tfjs} on ${backend.name} ` +
      `vs onnxruntime-node ${await onnxRuntimeVersion()} (intra-op threads 1 and 2, spinning ${spin ? 'on' : 'off'}); ${ROUNDS} interleaved rounds of ` +
      `${B1} batch-1 passes, ${PASSES[16]} passes of 16 and ${PASSES[64]} of 64 per runtime. Ratios: ONNX Runtime over tfjs (higher = faster).\n`,
  );
  console.log('| model | runtime | batch-1 p50 ms | p90 ms | batch-1 CPU ms/pass | batch-16 positions/s | batch-16 CPU µs/position | batch-64 positions/s | batch-64 CPU µs/position |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const dir of modelDirs) for (const row of await bench(path.relative(repo, path.resolve(dir)) || dir, path.resolve(dir), inputs)) console.log(row);
  const fs = getFeatureSet('alphago48');
  for (const spec of archs) {
    const arch = archFromSpec(spec, fs.planes);
    const dir = path.join(tmp, spec);
    await saveRandomModel(dir, fs.name, { arch, seed: 12345 });
    for (const row of await bench(`${describeArch(arch).replace(/ \(\d+ planes\)$/, '')} (random)`, dir, inputs)) console.log(row);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
