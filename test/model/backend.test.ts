// Backend selection: explicit choice, environment override, fallback order and clear errors.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { selectBackend, parseBackend } from '../../src/model/backend.js';

describe('selectBackend', () => {
  it('auto skips the uninstalled native backend and runs wasm', async () => {
    const c = await selectBackend(undefined, {});
    expect(c.name).toBe('wasm');
    expect(c.skipped.map((s) => s.name)).toEqual(['tensorflow']);
    expect(tf.getBackend()).toBe('wasm');
  });
  it('TENGEN_BACKEND overrides auto, the flag overrides TENGEN_BACKEND', async () => {
    expect((await selectBackend(undefined, { TENGEN_BACKEND: 'cpu' })).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect((await selectBackend('wasm', { TENGEN_BACKEND: 'cpu' })).name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });
  it('an explicitly requested backend that cannot load is an error naming it and its source', async () => {
    await expect(selectBackend('tensorflow', {})).rejects.toThrow(/backend "tensorflow" \(from --backend\) failed to load/);
    await expect(selectBackend(undefined, { TENGEN_BACKEND: 'tensorflow' })).rejects.toThrow(/from TENGEN_BACKEND/);
    expect(() => parseBackend('gpu')).toThrow(/unknown backend "gpu"/);
  });
});
