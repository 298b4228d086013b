// The ONNX export (src/model/onnx-export.ts) run by ONNX Runtime gives the tfjs model's outputs: policy, value and
// ownership within 1e-4 on real positions, for plain and residual random models (batch norm with non-trivial moving
// statistics included), with and without value and ownership heads, and for the shipped models/default. Skipped,
// with the reason, when onnxruntime-node is not installed (it is an optional dependency).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Command } from 'commander';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registerModelCommand } from '../../src/cli/commands/model.js';
import { positionFromMoves } from '../../src/engine/position.js';
import { getFeatureSet } from '../../src/features/registry.js';
import { selectBackend } from '../../src/model/backend.js';
import { presetConfig, type ArchConfig } from '../../src/model/config.js';
import { loadModel, saveModel } from '../../src/model/io.js';
import { exportOnnx } from '../../src/model/onnx-export.js';
import { loadOnnxRuntime, OnnxNet } from '../../src/model/onnx-runtime.js';
import { initParams, paramSpecs } from '../../src/model/params.js';
import { saveRandomModel } from '../../src/model/random-model.js';
import { seededUniform } from '../../src/random.js';

const ort = await loadOnnxRuntime();
const skipReason = ort instanceof Error ? ort.message : null;
if (skipReason) console.warn(`test/model/onnx.test.ts: skipped (${skipReason})`);

const SHIPPED = ['models/default', 'models/8x32', 'models/8x32-policy'].filter((d) => existsSync(path.join(d, 'tengen.json')));
const GAMES: string[][] = [
  [],
  ['Q16', 'D4', 'Q4', 'D16', 'R10', 'C10', 'K17'],
  ['pd', 'dp', 'pp', 'dd', 'fq', 'cn', 'qf', 'nc', 'pj', 'jp', 'cf', 'fc', 'kd', 'dj', 'qn', 'nq', 'pass'],
  ['D4', 'D5', 'E5', 'E4', 'F4', 'D3', 'E3', 'C4', 'F5', 'E6', 'F6', 'C5', 'E7', 'D6', 'D7', 'B6', 'R16', 'Q3'],
];

const maxAbs = (a: Float32Array, b: Float32Array): number => {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
};

/** Encodes every position of GAMES (both komi 7.5 and, for komi-plane sets, 0.5) as one NHWC batch. */
function batch(featureSet: string): { x: Float32Array; rows: number } {
  const fs = getFeatureSet(featureSet);
  const boards = GAMES.map((moves) => positionFromMoves({ moves }).board);
  const rows = boards.length * 2;
  const x = new Float32Array(rows * 361 * fs.planes);
  boards.forEach((b, i) => {
    fs.encode(b, x, 2 * i * 361 * fs.planes, 7.5);
    fs.encode(b, x, (2 * i + 1) * 361 * fs.planes, 0.5);
  });
  return { x, rows };
}

/** tfjs (loadModel(dir).model.predict) and ONNX Runtime outputs of a saved model on the test batch: the largest |Δ| per output. */
async function compare(dir: string, threads = 1): Promise<{ policy: number; value: number | null; ownership: number | null }> {
  const loaded = await loadModel(dir);
  const { x, rows } = batch(loaded.meta.featureSet.name);
  const c = loaded.meta.architecture;
  const outs = tf.tidy(() => {
    const y = loaded.model.predict(tf.tensor4d(x, [rows, 19, 19, c.planes]));
    return Array.isArray(y) ? y : [y];
  });
  const want = outs.map((t) => t.dataSync() as Float32Array);
  tf.dispose(outs);
  loaded.model.dispose();
  const net = await OnnxNet.create(c, loaded.params, { threads });
  try {
    const got = await net.run(x, rows);
    expect(got.policy.length).toBe(rows * 361);
    // The policy is a distribution per row.
    for (let r = 0; r < rows; r++) expect(got.policy.subarray(r * 361, (r + 1) * 361).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 4);
    expect(got.value === null).toBe(!c.valueHead);
    expect(got.ownership === null).toBe(!c.ownershipHead);
    return {
      policy: maxAbs(got.policy, want[0]!),
      value: got.value ? maxAbs(got.value, want[1]!) : null,
      ownership: got.ownership ? maxAbs(got.ownership, want[2]!) : null,
    };
  } finally {
    await net.release();
  }
}

describe.skipIf(skipReason !== null)('ONNX export run by ONNX Runtime equals tfjs', () => {
  let tmp: string;
  beforeAll(async () => {
    await selectBackend();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'tengen-onnx-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const cases: { name: string; preset: string; arch: Partial<ArchConfig>; features: string }[] = [
    { name: 'plain 4×16', preset: 'tiny', arch: { depth: 4, width: 16 }, features: 'alphago48' },
    { name: 'residual 4×16', preset: 'tiny', arch: { depth: 4, width: 16, block: 'residual' }, features: 'alphago48' },
    { name: 'plain + value head', preset: 'tiny', arch: { depth: 2, width: 12, valueHead: { channels: 4, hidden: 8 } }, features: 'basic' },
    { name: 'plain + value + ownership heads', preset: 'tiny', arch: { valueHead: { channels: 4, hidden: 8 }, ownershipHead: true }, features: 'alphago49' },
    { name: 'residual + value + ownership heads', preset: 'tiny', arch: { depth: 4, width: 16, block: 'residual', valueHead: { channels: 4, hidden: 8 }, ownershipHead: true }, features: 'alphago48' },
  ];
  for (const k of cases) {
    it(`random ${k.name}: policy, value, ownership within 1e-4`, async () => {
      const dir = path.join(tmp, k.name.replace(/\W+/g, '-'));
      await saveRandomModel(dir, k.features, { preset: k.preset, arch: k.arch, seed: 11, headScale: 8 });
      const d = await compare(dir);
      console.log(`onnx vs tfjs, random ${k.name}: max |Δ| policy ${d.policy.toExponential(2)}, value ${d.value?.toExponential(2) ?? '-'}, ownership ${d.ownership?.toExponential(2) ?? '-'}`);
      expect(d.policy).toBeLessThan(1e-4);
      if (k.arch.valueHead) expect(d.value).toBeLessThan(1e-4);
      else expect(d.value).toBeNull();
      if (k.arch.ownershipHead) expect(d.ownership).toBeLessThan(1e-4);
      else expect(d.ownership).toBeNull();
    });
  }

  it('the stem input padded to the NCHWc block (49 → 56 or 64 planes) gives the unpadded graph\'s outputs; a multiple of the block is left alone', async () => {
    if (ort instanceof Error) throw ort;
    const dir = path.join(tmp, 'pad');
    const { config, params } = await saveRandomModel(dir, 'alphago49', { arch: { valueHead: { channels: 4, hidden: 8 }, ownershipHead: true }, seed: 5, headScale: 8 });
    const { x, rows } = batch('alphago49');
    const outs = [];
    for (const channelBlock of [1, 8, 16]) {
      const bytes = exportOnnx(config, params, { channelBlock });
      expect(Buffer.from(bytes).includes(Buffer.from('planes_padded'))).toBe(channelBlock > 1);
      const s = await ort.InferenceSession.create(bytes);
      outs.push(await s.run({ planes: new ort.Tensor('float32', x, [rows, 19, 19, config.planes]) }));
      await s.release();
    }
    for (const o of outs.slice(1)) {
      for (const k of ['policy', 'value', 'ownership']) expect(maxAbs(o[k]!.data as Float32Array, outs[0]![k]!.data as Float32Array)).toBeLessThan(1e-5);
    }
    const c48 = { ...config, planes: 48 };
    const p48 = initParams(c48, seededUniform(4));
    expect(Buffer.from(exportOnnx(c48, p48, { channelBlock: 8 })).includes(Buffer.from('planes_padded'))).toBe(false);
    expect(() => exportOnnx(c48, p48, { channelBlock: 0 })).toThrow(/channelBlock must be an integer in 1\.\.64, got 0/);
  });

  it('residual with trained-looking batch norm statistics and biases (2 threads): within 1e-4', async () => {
    const fs = getFeatureSet('alphago48');
    const c: ArchConfig = { depth: 6, width: 24, block: 'residual', planes: fs.planes, valueHead: { channels: 6, hidden: 10 }, ownershipHead: true };
    const params = initParams(c, seededUniform(3));
    paramSpecs(c).forEach((s, i) => {
      const a = params[i]!;
      for (let j = 0; j < a.length; j++) {
        if (s.kind === 'movingVariance') a[j] = 0.5 + ((j * 7 + i) % 11) / 10;
        else if (s.kind === 'movingMean') a[j] = Math.sin(j + i) * 0.3;
        else if (s.kind === 'gamma') a[j] = 0.8 + Math.cos(j * 3 + i) * 0.3;
        else if (s.kind === 'beta' || s.kind === 'bias') a[j] = Math.cos(j + 2 * i) * 0.2;
      }
    });
    const dir = path.join(tmp, 'bn');
    await saveModel(dir, c, params, {
      featureSet: { name: fs.name, version: fs.version, planes: fs.planes },
      dataManifestHash: null,
      steps: 0,
      positionsSeen: 0,
      metrics: {},
      backend: 'cpu',
      wallClockSeconds: 0,
    });
    const d = await compare(dir, 2);
    console.log(`onnx vs tfjs, residual 6×24 with batch-norm statistics: max |Δ| policy ${d.policy.toExponential(2)}, value ${d.value!.toExponential(2)}, ownership ${d.ownership!.toExponential(2)}`);
    expect(d.policy).toBeLessThan(1e-4);
    expect(d.value!).toBeLessThan(1e-4);
    expect(d.ownership!).toBeLessThan(1e-4);
  });

  it('`tengen model export-onnx DIR --out FILE` writes the graph ONNX Runtime loads from disk, with the same outputs', async () => {
    const dir = path.join(tmp, 'cli');
    const { config, params } = await saveRandomModel(dir, 'alphago49', { arch: { valueHead: { channels: 4, hidden: 8 }, ownershipHead: true }, seed: 2, headScale: 8 });
    const file = path.join(tmp, 'cli.onnx');
    const program = new Command().exitOverride();
    registerModelCommand(program);
    const written: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => written.push(String(chunk)) > 0) as typeof process.stdout.write;
    try {
      await program.parseAsync(['node', 'tengen', 'model', 'export-onnx', dir, '--out', file]);
    } finally {
      process.stdout.write = write;
    }
    expect(written.join('')).toMatch(/^wrote .*cli\.onnx \([\d,]+ bytes, ONNX opset 17\): 2×8 plain \+ value head 4\/8 \+ ownership head/);
    expect(written.join('')).toMatch(/outputs policy \[N,361\] \(softmax\), value \[N,1\] \(tanh\), ownership \[N,361\] \(tanh\)/);
    if (ort instanceof Error) throw ort;
    const fromDisk = await ort.InferenceSession.create(readFileSync(file));
    const { x, rows } = batch('alphago49');
    const got = await fromDisk.run({ planes: new ort.Tensor('float32', x, [rows, 19, 19, config.planes]) });
    await fromDisk.release();
    const net = await OnnxNet.create(config, params);
    const want = await net.run(x, rows);
    await net.release();
    // Within float rounding, not bit-equal: OnnxNet pads the stem to this CPU's NCHWc block (8, or 16 with AVX-512),
    // the file to the default 8.
    expect(maxAbs(got.policy!.data as Float32Array, want.policy)).toBeLessThan(1e-6);
    expect(maxAbs(got.ownership!.data as Float32Array, want.ownership!)).toBeLessThan(1e-6);
  });

  // The shipped models (models/default, and the earlier nets models/8x32 and models/8x32-policy where present): every head
  // the model has within 1e-4 (compare() checks that the heads present are the heads tengen.json declares).
  it.each(SHIPPED)('%s: every head within 1e-4', async (dir) => {
    const d = await compare(path.resolve(dir));
    console.log(`onnx vs tfjs, ${dir}: max |Δ| policy ${d.policy.toExponential(2)}, value ${d.value?.toExponential(2) ?? '-'}, ownership ${d.ownership?.toExponential(2) ?? '-'}`);
    expect(d.policy).toBeLessThan(1e-4);
    if (d.value !== null) expect(d.value).toBeLessThan(1e-4);
    if (d.ownership !== null) expect(d.ownership).toBeLessThan(1e-4);
  });
});

describe('ONNX export errors name what is wrong', () => {
  const c = presetConfig('tiny', 6);
  const params = initParams(c, seededUniform(1));

  it('a wrong number of parameter arrays, a wrong size and a non-finite weight', () => {
    expect(() => exportOnnx(c, params.slice(1))).toThrow(/has 8 parameter arrays, got 7/);
    const short = params.map((p, i) => (i === 2 ? p.subarray(1) : p));
    expect(() => exportOnnx(c, short)).toThrow(/parameter 2 \(conv1\/kernel\) needs 576 floats/);
    const bad = params.map((p) => p.slice());
    bad[1]![0] = Number.NaN;
    expect(() => exportOnnx(c, bad)).toThrow(/parameter 1 \(conv0\/bias\) contains NaN/);
  });

  it('an architecture it cannot express', () => {
    expect(() => exportOnnx({ ...c, block: 'dense' as never }, params)).toThrow(/onnx export: architecture: field "block" must be "plain" or "residual"/);
    expect(() => exportOnnx({ ...c, depth: 3, block: 'residual' }, params)).toThrow(/field "depth" must be even/);
  });

  it('writes an ONNX ModelProto (starts with ir_version, names the producer)', () => {
    const bytes = exportOnnx(c, params);
    expect(bytes[0]).toBe(0x08); // field 1 (ir_version), varint
    expect(Buffer.from(bytes).includes(Buffer.from('tengen'))).toBe(true);
  });
});
