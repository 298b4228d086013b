// Architecture, forward/layers-model agreement, save/load round trip and load-time validation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { archFromSpec, presetConfig, validateArchConfig, type ArchConfig } from '../../src/model/config.js';
import { paramSpecs, initParams, countTrainable } from '../../src/model/params.js';
import { buildModel, setParams } from '../../src/model/build.js';
import { forward } from '../../src/model/forward.js';
import { saveModel, loadModel } from '../../src/model/io.js';
import { selectBackend } from '../../src/model/backend.js';
import { seededUniform } from '../../src/random.js';

let tmp: string;
beforeAll(async () => {
  await selectBackend('cpu');
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tengen-model-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const meta = {
  featureSet: { name: 'basic', version: 1, planes: 3 },
  dataManifestHash: 'abc123',
  steps: 7,
  positionsSeen: 448,
  metrics: { top1: 0.25 },
  backend: 'cpu',
  wallClockSeconds: 1.5,
};

describe('architecture', () => {
  it('counts parameters of a 2×8 plain net by hand', () => {
    // conv0 5·5·3·8 + 8 = 608; conv1, conv2: 3·3·8·8 + 8 = 584 each; policy 8 + 1 = 9 → 1785
    const c: ArchConfig = { depth: 2, width: 8, block: 'plain', planes: 3 };
    expect(countTrainable(paramSpecs(c))).toBe(608 + 584 * 2 + 9);
  });
  it('residual net: no conv biases, batch norm per conv, even depth', () => {
    const c: ArchConfig = { depth: 2, width: 4, block: 'residual', planes: 2 };
    const kinds = paramSpecs(c).map((s) => `${s.layer}/${s.kind}`);
    expect(kinds).toContain('res1_bn2/movingVariance');
    expect(kinds.filter((k) => k.endsWith('/bias'))).toEqual(['policy/bias']);
    expect(() => validateArchConfig({ depth: 3, width: 4, block: 'residual', planes: 2 })).toThrow(/even/);
  });
  it('rejects unknown presets and bad fields by name', () => {
    expect(() => presetConfig('huge', 9)).toThrow(/unknown model preset "huge"/);
    expect(() => presetConfig('toString', 9)).toThrow(/unknown model preset "toString"/); // not an inherited property
    expect(() => validateArchConfig({ depth: 2, width: 0, block: 'plain', planes: 9 })).toThrow(/"width"/);
    expect(() => validateArchConfig({ depth: 2, width: 8, block: 'dense', planes: 9 })).toThrow(/"block"/);
  });
  it('architecture specs: a preset name or DEPTHxWIDTH[r]', () => {
    expect(archFromSpec('small', 48)).toEqual(presetConfig('small', 48));
    expect(archFromSpec('6x64', 48)).toEqual({ depth: 6, width: 64, block: 'plain', planes: 48 });
    expect(archFromSpec('12x128r', 48)).toEqual({ depth: 12, width: 128, block: 'residual', planes: 48 });
    expect(() => archFromSpec('constructor', 48)).toThrow(/expected a preset/);
    expect(() => archFromSpec('6by64', 48)).toThrow(/expected a preset .* or DEPTHxWIDTH\[r\]/);
    expect(() => archFromSpec('3x64r', 48)).toThrow(/even/);
  });
  it('has no pooling and outputs a softmax over 361 points', () => {
    const m = buildModel(presetConfig('tiny', 9));
    expect(m.layers.some((l) => /pool/i.test(l.getClassName()))).toBe(false);
    expect(m.outputs[0].shape).toEqual([null, 361]);
    m.dispose();
  });
});

for (const block of ['plain', 'residual'] as const) {
  describe(`${block}: functional forward == layers model`, () => {
    it('gives the same probabilities (inference mode)', () => {
      const c: ArchConfig = { depth: 2, width: 6, block, planes: 3 };
      const params = initParams(c, seededUniform(42));
      // Non-trivial batch-norm statistics so that inference-mode normalisation is exercised.
      paramSpecs(c).forEach((s, i) => {
        if (s.kind === 'movingMean') params[i].fill(0.1);
        if (s.kind === 'movingVariance') params[i].fill(2);
        if (s.kind === 'beta') params[i].fill(-0.05);
      });
      const model = buildModel(c);
      setParams(model, c, params);
      const x = tf.randomUniform([2, 19, 19, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
      const a = (model.predict(x) as tf.Tensor).dataSync();
      const pt = params.map((p, i) => tf.tensor(p, paramSpecs(c)[i].shape));
      const b = tf.softmax(forward(c, pt, x, false).logits).dataSync();
      let maxDiff = 0;
      for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
      expect(maxDiff).toBeLessThan(1e-6);
      // Rows are distributions over the 361 points.
      let sum = 0;
      for (let i = 0; i < 361; i++) sum += a[i];
      expect(sum).toBeCloseTo(1, 5);
      model.dispose();
    });
  });
}

describe('save/load', () => {
  const c: ArchConfig = { depth: 2, width: 4, block: 'residual', planes: 3 };
  const params = initParams(c, seededUniform(7));

  it('round-trips weights and metadata', async () => {
    const dir = path.join(tmp, 'm1');
    await saveModel(dir, c, params, meta);
    for (const f of ['model.json', 'weights.bin', 'tengen.json']) expect(existsSync(path.join(dir, f))).toBe(true);
    const loaded = await loadModel(dir);
    expect(loaded.meta.architecture).toEqual(c);
    expect(loaded.meta.steps).toBe(7);
    expect(loaded.meta.featureSet).toEqual(meta.featureSet);
    expect(loaded.params.length).toBe(params.length);
    loaded.params.forEach((p, i) => expect(Array.from(p)).toEqual(Array.from(params[i])));
    // model.json uses only standard Keras layer classes.
    const topo = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')).modelTopology;
    const classes = new Set<string>((topo.model_config ?? topo).config.layers.map((l: { class_name: string }) => l.class_name));
    expect([...classes].sort()).toEqual(['Activation', 'Add', 'BatchNormalization', 'Conv2D', 'Flatten', 'InputLayer']);
    loaded.model.dispose();
  });

  it('overwrites atomically and leaves no temp dirs', async () => {
    const dir = path.join(tmp, 'm2');
    await saveModel(dir, c, params, meta);
    await saveModel(dir, c, params, { ...meta, steps: 9 });
    expect((await loadModel(dir)).meta.steps).toBe(9);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(tmp).filter((n) => n.startsWith('m2'))).toEqual(['m2']);
  });

  it('names the file and field when something is wrong', async () => {
    const dir = path.join(tmp, 'm3');
    await saveModel(dir, c, params, meta);
    const tj = path.join(dir, 'tengen.json');
    const good = readFileSync(tj, 'utf8');
    const edit = (f: (o: Record<string, unknown>) => void): void => {
      const o = JSON.parse(good);
      f(o);
      writeFileSync(tj, JSON.stringify(o));
    };
    edit((o) => delete o.steps);
    await expect(loadModel(dir)).rejects.toThrow(/tengen\.json: field "steps" is missing/);
    edit((o) => ((o.featureSet as { planes: number }).planes = 48));
    await expect(loadModel(dir)).rejects.toThrow(/featureSet\.planes \(48\) does not match architecture\.planes \(3\)/);
    edit((o) => (o.architecture = { depth: 4, width: 4, block: 'residual', planes: 3 }));
    await expect(loadModel(dir)).rejects.toThrow(/does not match tengen\.json field "architecture"/);
    edit((o) => (o.weightAverage = { horizon: 0, samples: 3 }));
    await expect(loadModel(dir)).rejects.toThrow(/tengen\.json: field "weightAverage" must be \{horizon, samples\}/);
    edit((o) => (o.weightAverage = { horizon: 2000, samples: 30 }));
    const averaged = await loadModel(dir);
    expect(averaged.meta.weightAverage).toEqual({ horizon: 2000, samples: 30 });
    averaged.model.dispose();
    edit((o) => (o.initFrom = { model: 'runs/a/best', steps: -1, positionsSeen: 10, wallClockSeconds: 1, dataManifestHash: null }));
    await expect(loadModel(dir)).rejects.toThrow(/tengen\.json: field "initFrom" must be \{model, steps, positionsSeen/);
    edit((o) => (o.initFrom = { model: 'runs/a/best', steps: 5, positionsSeen: 10, wallClockSeconds: 1, dataManifestHash: null }));
    const restarted = await loadModel(dir);
    expect(restarted.meta.initFrom).toEqual({ model: 'runs/a/best', steps: 5, positionsSeen: 10, wallClockSeconds: 1, dataManifestHash: null });
    restarted.model.dispose();
    edit((o) => (o.formatVersion = 99));
    await expect(loadModel(dir)).rejects.toThrow(/formatVersion 99 is not supported/);
    writeFileSync(tj, '{ not json');
    await expect(loadModel(dir)).rejects.toThrow(/tengen\.json: corrupt JSON/);
    writeFileSync(tj, good);
    const wb = path.join(dir, 'weights.bin');
    writeFileSync(wb, readFileSync(wb).subarray(0, 100));
    await expect(loadModel(dir)).rejects.toThrow(/weights\.bin: 100 bytes/);
    rmSync(path.join(dir, 'model.json'));
    await expect(loadModel(dir)).rejects.toThrow(/model\.json: file is missing/);
    await expect(loadModel(path.join(tmp, 'nope'))).rejects.toThrow(/does not exist/);
  });
});
