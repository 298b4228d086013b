// Serving with ONNX Runtime does not load TensorFlow's native library: tfjs only reads the model files there, on its
// pure-JS backend (engine.ts `loaderBackend`; 80–300 MB of RSS saved in `tengen serve`).
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine, loaderBackend } from '../../src/engine/engine.js';
import { positionFromMoves } from '../../src/engine/position.js';
import { loadOnnxRuntime } from '../../src/model/onnx-runtime.js';
import { saveRandomModel } from '../../src/model/random-model.js';

const ort = await loadOnnxRuntime();
const skipReason = ort instanceof Error ? ort.message : null;
if (skipReason) console.warn(`test/engine/loader-backend.test.ts: the engine part skipped (${skipReason})`);

describe('the tfjs backend that loads the model', () => {
  it('under ONNX Runtime, auto means cpu, or the backend this thread already runs', () => {
    expect(loaderBackend('onnx')).toBe('cpu');
    expect(loaderBackend('onnx', 'tensorflow')).toBe('tensorflow');
    expect(loaderBackend('onnx', 'wasm')).toBe('wasm');
    // Not a tfjs backend Tengen selects (e.g. webgl in a browser build): cpu.
    expect(loaderBackend('onnx', 'webgl')).toBe('cpu');
  });

  it('under tfjs, auto keeps its meaning (the fastest backend runs the model)', () => {
    expect(loaderBackend('tfjs')).toBeUndefined();
    expect(loaderBackend('tfjs', 'wasm')).toBeUndefined();
  });
});

describe.skipIf(skipReason !== null)('an ONNX engine with inference workers', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'tengen-loader-backend-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('serves without loading TensorFlow into the process', async () => {
    const dir = path.join(root, 'm');
    await saveRandomModel(dir, 'alphago49', { arch: { depth: 2, width: 8, block: 'plain', valueHead: { channels: 2, hidden: 4 } }, seed: 3 });
    const engine = await Engine.load({ modelDir: dir, runtime: 'onnx', inferenceWorkers: 2, maxBatch: 8 });
    try {
      const ev = await engine.evaluate(positionFromMoves({ moves: ['D4', 'Q16'] }).board);
      expect(ev.policy.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      expect(engine.backend).toBe('onnxruntime');
      expect(tf.getBackend()).toBe('cpu');
      // The native library's file is not mapped into this process (Linux, where /proc shows the mappings).
      if (existsSync('/proc/self/maps')) expect(readFileSync('/proc/self/maps', 'utf8')).not.toMatch(/libtensorflow/);
    } finally {
      await engine.close();
    }
  });
});
