// The engine's ONNX Runtime runtime (EngineOptions.runtime "onnx": the graph exported in memory from the loaded
// weights) gives the same evaluate() results as tfjs — policy, value and ownership, 1 and 8 symmetries, within 1e-4 —
// on this thread and through inference workers; how the runtime is chosen (flag > TENGEN_RUNTIME > default) and the
// fallback to tfjs, with one log line, when onnxruntime-node is missing. The ONNX part is skipped, with the reason,
// when onnxruntime-node is not installed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chooseRuntime, Engine, ONNX_BACKEND } from '../../src/engine/engine.js';
import { positionFromMoves } from '../../src/engine/position.js';
import type { Logger } from '../../src/log.js';
import { loadOnnxRuntime } from '../../src/model/onnx-runtime.js';
import { saveRandomModel } from '../../src/model/random-model.js';

const ort = await loadOnnxRuntime();
const skipReason = ort instanceof Error ? ort.message : null;
if (skipReason) console.warn(`test/engine/onnx-runtime.test.ts: ONNX Runtime part skipped (${skipReason})`);

const BOARDS = [
  [],
  ['Q16', 'D4', 'Q3'],
  ['pd', 'dp', 'pp', 'dd', 'fq', 'cn', 'qf', 'nc', 'pj', 'jp', 'cf', 'fc', 'kd', 'dj'],
  ['D4', 'D5', 'E5', 'E4', 'F4', 'D3', 'E3', 'C4', 'F5', 'E6', 'F6', 'C5', 'E7', 'D6', 'D7', 'B6', 'pass'],
].map((moves) => positionFromMoves({ moves }).board);

const maxAbs = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe.skipIf(skipReason !== null)('engine runtime onnx equals tfjs', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'tengen-onnx-engine-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  for (const block of ['plain', 'residual'] as const) {
    it(`${block} model with value and ownership heads: evaluate() within 1e-4, 1 and 8 symmetries, in-thread and through workers`, async () => {
      const dir = path.join(root, block);
      await saveRandomModel(dir, 'alphago49', { arch: { depth: 4, width: 12, block, valueHead: { channels: 4, hidden: 8 }, ownershipHead: true }, seed: 5, headScale: 8 });
      const tfjs = await Engine.load({ modelDir: dir, runtime: 'tfjs' });
      const onnx = await Engine.load({ modelDir: dir, runtime: 'onnx', onnxThreads: 2 });
      const pooled = await Engine.load({ modelDir: dir, runtime: 'onnx', inferenceWorkers: 2, maxBatch: 8 });
      try {
        expect([tfjs.runtime, onnx.runtime, pooled.runtime]).toEqual(['tfjs', 'onnx', 'onnx']);
        expect(onnx.backend).toBe(ONNX_BACKEND);
        expect(pooled.backend).toBe(ONNX_BACKEND);
        expect(tfjs.backend).not.toBe(ONNX_BACKEND);
        expect(onnx.stats()).toMatchObject({ runtime: 'onnx', backend: ONNX_BACKEND, workers: 0 });
        expect(pooled.stats()).toMatchObject({ runtime: 'onnx', workers: 2 });
        let worst = { policy: 0, value: 0, ownership: 0 };
        for (const sym of [1, 8] as const) {
          for (const board of BOARDS) {
            for (const komi of [7.5, 0.5]) {
              // Concurrent calls, so the batcher packs several positions into one pass as it does in service.
              const [a, b, c] = await Promise.all([tfjs.evaluate(board, { symmetries: sym, komi }), onnx.evaluate(board, { symmetries: sym, komi }), pooled.evaluate(board, { symmetries: sym, komi })]);
              for (const o of [b, c]) {
                worst = {
                  policy: Math.max(worst.policy, maxAbs(o.policy, a.policy)),
                  value: Math.max(worst.value, Math.abs(o.value! - a.value!)),
                  ownership: Math.max(worst.ownership, maxAbs(o.ownership!, a.ownership!)),
                };
              }
            }
          }
        }
        console.log(`engine onnx vs tfjs (${block}): max |Δ| policy ${worst.policy.toExponential(2)}, value ${worst.value.toExponential(2)}, ownership ${worst.ownership.toExponential(2)}`);
        expect(worst.policy).toBeLessThan(1e-4);
        expect(worst.value).toBeLessThan(1e-4);
        expect(worst.ownership).toBeLessThan(1e-4);
        // A batch the batcher fills: 20 concurrent positions through the pool agree with one-at-a-time tfjs.
        const many = await Promise.all(Array.from({ length: 20 }, (_, i) => pooled.evaluate(BOARDS[i % BOARDS.length]!, { komi: 7.5 })));
        for (const [i, e] of many.entries()) expect(maxAbs(e.policy, (await tfjs.evaluate(BOARDS[i % BOARDS.length]!, { komi: 7.5 })).policy)).toBeLessThan(1e-4);
      } finally {
        await Promise.all([tfjs.close(), onnx.close(), pooled.close()]);
      }
    }, 180_000);
  }

  // The shipped models (models/default and, where present, the earlier models/8x32 and models/8x32-policy).
  it.each(['models/default', 'models/8x32', 'models/8x32-policy'].filter((d) => existsSync(path.join(d, 'tengen.json'))))('%s through onnx: the same evaluation as tfjs within 1e-4', async (rel) => {
    const dir = path.resolve(rel);
    const tfjs = await Engine.load({ modelDir: dir, runtime: 'tfjs' });
    const onnx = await Engine.load({ modelDir: dir, runtime: 'onnx' });
    try {
      for (const sym of [1, 8] as const) {
        for (const board of BOARDS) {
          const [a, b] = await Promise.all([tfjs.evaluate(board, { symmetries: sym }), onnx.evaluate(board, { symmetries: sym })]);
          expect(b.value === null).toBe(a.value === null);
          expect(b.value === null).toBe(!tfjs.model.architecture.valueHead);
          if (a.value !== null) expect(Math.abs(b.value! - a.value)).toBeLessThan(1e-4);
          expect(b.ownership === null).toBe(!tfjs.model.architecture.ownershipHead);
          if (a.ownership !== null) expect(maxAbs(b.ownership!, a.ownership)).toBeLessThan(1e-4);
          expect(maxAbs(b.policy, a.policy)).toBeLessThan(1e-4);
        }
      }
    } finally {
      await Promise.all([tfjs.close(), onnx.close()]);
    }
  }, 120_000);
});

describe('choosing the runtime', () => {
  const logged: { level: string; msg: string }[] = [];
  const logger = {
    warn: (_o: unknown, msg: string) => logged.push({ level: 'warn', msg }),
    info: (_o: unknown, msg: string) => logged.push({ level: 'info', msg }),
  } as unknown as Logger;
  const missing = async (): Promise<Error> => new Error('onnxruntime-node is not installed');

  it('flag > TENGEN_RUNTIME > default (tfjs); bad names are errors naming their source', async () => {
    expect(await chooseRuntime('tfjs', undefined, { TENGEN_RUNTIME: 'onnx' })).toBe('tfjs');
    expect(await chooseRuntime(undefined, undefined, { TENGEN_RUNTIME: 'tfjs' })).toBe('tfjs');
    expect(await chooseRuntime(undefined, undefined, {})).toBe('tfjs');
    await expect(chooseRuntime('torch', undefined, {})).rejects.toThrow(/unknown runtime "torch" \(expected auto, tfjs, onnx\)/);
    await expect(chooseRuntime(undefined, undefined, { TENGEN_RUNTIME: 'gpu' })).rejects.toThrow(/environment variable TENGEN_RUNTIME="gpu": unknown runtime/);
  });

  it('onnx without onnxruntime-node: tfjs, with one warning naming why; auto: tfjs, one info line', async () => {
    logged.length = 0;
    expect(await chooseRuntime('onnx', logger, {}, missing)).toBe('tfjs');
    expect(logged).toEqual([{ level: 'warn', msg: 'runtime onnx unavailable (onnxruntime-node is not installed): serving with tfjs' }]);
    logged.length = 0;
    expect(await chooseRuntime('auto', logger, {}, missing)).toBe('tfjs');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.level).toBe('info');
  });

  it.skipIf(skipReason !== null)('onnx and auto pick ONNX Runtime when it loads', async () => {
    expect(await chooseRuntime('onnx', undefined, {})).toBe('onnx');
    expect(await chooseRuntime(undefined, undefined, { TENGEN_RUNTIME: 'auto' })).toBe('onnx');
  });
});
