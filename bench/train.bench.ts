// Training throughput (positions/s) per preset: wasm in-thread vs 2 worker threads, and cpu for reference; with
// --native, Tengen's native-TensorFlow trainer (ResidentTrainer: state in tf.Variables, TensorFlow's own gradients)
// against Keras on TensorFlow 2.21 (bench/keras_reference.py, same net, batch, optimizer), interleaved A/B/A/B in one
// sitting so machine load hits both alike.
// Usage: npx tsx bench/train.bench.ts [--quick] [--batch 64] [--planes 48] [--presets tiny,small,default,6x64,12x128r] [--cpu]
//        npx tsx bench/train.bench.ts --native [--rounds 2] [--presets default,6x64,12x64r,10x128r]
// Full optimiser steps on random 48-plane inputs; no I/O.
import * as tf from '@tensorflow/tfjs';
import { archFromSpec } from '../src/model/config.js';
import { buildModel, setParams } from '../src/model/build.js';
import { initParams, paramSpecs, countTrainable } from '../src/model/params.js';
import { preferOneDnn, selectBackend } from '../src/model/backend.js';
import { LocalGradEngine, type GradEngine } from '../src/train/grad-engine.js';
import { WorkerPoolEngine } from '../src/train/worker-pool.js';
import { Optimizer } from '../src/train/optimizer.js';
import { SyntheticSource } from '../src/train/synthetic.js';
import { seededUniform } from '../src/random.js';
import { ResidentTrainer } from '../src/train/native-engine.js';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const batch = opt('--batch', 64);
const planes = opt('--planes', 48);
// Measure for about this long per cell (after one warm-up step), at least 2 steps.
const seconds = quick ? 4 : 20;

let overheadMs = 0;
let stepMs = 0;

async function measure(engine: GradEngine, preset: string): Promise<number> {
  const arch = archFromSpec(preset, planes);
  const params = initParams(arch, seededUniform(1));
  const o = new Optimizer({ kind: 'adam', momentum: 0, weightDecay: 1e-4 }, paramSpecs(arch));
  const src = new SyntheticSource('noise', planes, 2);
  const step = async (): Promise<void> => {
    const r = await engine.computeGradients(params, src.next(batch));
    o.step(params, r.grads, 1e-3);
  };
  await step();
  let n = 0;
  overheadMs = 0;
  const t0 = performance.now();
  while (n < 2 || performance.now() - t0 < seconds * 1000) {
    const s0 = performance.now();
    await step();
    // Pool overhead: step wall time not covered by the slowest worker's compute (staging, transfer, Adam).
    if (engine instanceof WorkerPoolEngine) overheadMs += performance.now() - s0 - Math.max(...engine.lastComputeMs);
    n++;
  }
  stepMs = (performance.now() - t0) / n;
  overheadMs /= n;
  return (n * batch) / ((performance.now() - t0) / 1000);
}

/** p50 latency (ms) of one position through the layers model (inference path of the engine). */
function latencyP50(preset: string): number {
  const arch = archFromSpec(preset, planes);
  const m = buildModel(arch);
  setParams(m, arch, initParams(arch, seededUniform(3)));
  const x = tf.randomUniform([1, 19, 19, planes]);
  const times: number[] = [];
  for (let i = 0; i < (quick ? 13 : 53); i++) {
    const t0 = performance.now();
    const y = m.predict(x) as tf.Tensor;
    y.dataSync();
    y.dispose();
    if (i >= 3) times.push(performance.now() - t0);
  }
  m.dispose();
  x.dispose();
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

/** Positions/s of Tengen's native trainer on one preset, over about `seconds` after one warm-up step. */
async function measureNative(preset: string): Promise<number> {
  const arch = archFromSpec(preset, planes);
  const rt = new ResidentTrainer(arch, { kind: 'adam', momentum: 0, weightDecay: 1e-4 }, initParams(arch, seededUniform(1)), null);
  const src = new SyntheticSource('noise', planes, 2);
  try {
    rt.step(src.next(batch), 1e-3);
    let n = 0;
    const t0 = performance.now();
    while (n < 2 || performance.now() - t0 < seconds * 1000) {
      rt.step(src.next(batch), 1e-3);
      n++;
    }
    return (n * batch) / ((performance.now() - t0) / 1000);
  } finally {
    rt.dispose();
  }
}

/** Positions/s of the Keras reference (python), or NaN with the reason on stderr when it cannot run here. */
function measureKeras(preset: string): number {
  const py = process.env.TENGEN_PYTHON ?? 'python3';
  const r = spawnSync(py, [fileURLToPath(new URL('./keras_reference.py', import.meta.url)), '--net', preset, '--planes', String(planes), '--batch', String(batch), '--threads', '2', '--seconds', String(seconds)], { encoding: 'utf8' });
  try {
    return (JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as { positionsPerSecond: number }).positionsPerSecond;
  } catch {
    process.stderr.write(`keras reference failed for ${preset}: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}\n`);
    return NaN;
  }
}

if (args.includes('--native')) {
  const ni = args.indexOf('--presets');
  const nets = ni >= 0 ? args[ni + 1].split(',') : ['default', '6x64', '12x64r', '10x128r'];
  const rounds = opt('--rounds', 2);
  preferOneDnn(); // as `tengen train` does
  await selectBackend('tensorflow');
  console.log(`\nNative training throughput, batch ${batch}, ${planes} planes, Adam, positions/s; ${rounds} rounds of Tengen then Keras per net, ${seconds}s per cell\n`);
  console.log('| net | params | Tengen native (rounds) | Keras TF 2.21, 2 threads (rounds) | Tengen / Keras (medians) |');
  console.log('|---|---:|---:|---:|---:|');
  const median = (a: number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1]!;
  for (const p of nets) {
    const t: number[] = [];
    const k: number[] = [];
    for (let r = 0; r < rounds; r++) {
      t.push(await measureNative(p));
      k.push(measureKeras(p));
    }
    const arch = archFromSpec(p, planes);
    console.log(`| ${p} | ${countTrainable(paramSpecs(arch))} | ${t.map((x) => x.toFixed(0)).join(', ')} | ${k.map((x) => x.toFixed(0)).join(', ')} | ${(median(t) / median(k)).toFixed(2)}× |`);
  }
  process.exit(0);
}

const pi = args.indexOf('--presets');
const presets = (pi >= 0 ? args[pi + 1].split(',') : ['tiny', 'small', 'default']).map((name) => archFromSpec(name, planes) && name);
// Rows print as they finish, so a long run shows its results even if it is cut short.
console.log(`\nTraining throughput, batch ${batch}, ${planes} planes, Adam, positions/s (${quick ? 'quick' : 'full'} run, ${seconds}s per cell)\n`);
console.log('| preset | arch | params | wasm 1 thread | wasm 2 workers | 2w / 1 | cpu 1 thread | wasm predict 1 pos p50 ms | 2w pool overhead |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
const allCpu = args.includes('--cpu');
await selectBackend('wasm');
for (const p of presets) {
  const arch = archFromSpec(p, planes);
  const lat = latencyP50(p);
  const one = await measure(new LocalGradEngine(arch, 'wasm'), p);
  const pool = await WorkerPoolEngine.create(arch, 2, 'wasm');
  const two = await measure(pool, p);
  const overheadPct = (100 * overheadMs) / stepMs;
  await pool.close();
  let cpu = NaN;
  // cpu is ~30× slower than wasm: only the tiny net (and small in a full run) as a reference, unless --cpu.
  if (allCpu || p === 'tiny' || (!quick && p === 'small')) {
    await selectBackend('cpu');
    cpu = await measure(new LocalGradEngine(arch, 'cpu'), p);
    await selectBackend('wasm');
  }
  console.log(
    `| ${p} | ${arch.depth}×${arch.width} ${arch.block} | ${countTrainable(paramSpecs(arch))} | ${one.toFixed(1)} | ${two.toFixed(1)} | ${(two / one).toFixed(2)}× | ${Number.isNaN(cpu) ? '–' : cpu.toFixed(1)} | ${lat.toFixed(1)} | ${overheadPct.toFixed(1)}% |`,
  );
  process.stderr.write(`${p} done\n`);
}

