// Backend selection: explicit choice, environment override, fallback order and clear errors.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { selectBackend, parseBackend } from '../../src/model/backend.js';
import { nativeLoads } from '../native-available.js';

const native = nativeLoads();

describe('selectBackend', () => {
  it('auto takes native TensorFlow when it loads, else skips it (with its reason) and runs wasm', async () => {
    const c = await selectBackend(undefined, {});
    if (native) {
      expect(c).toEqual({ name: 'tensorflow', skipped: [] });
      expect(tf.getBackend()).toBe('tensorflow');
    } else {
      expect(c.name).toBe('wasm');
      expect(c.skipped.map((s) => s.name)).toEqual(['tensorflow']);
      expect(tf.getBackend()).toBe('wasm');
    }
  });
  it('TENGEN_BACKEND overrides auto, the flag overrides TENGEN_BACKEND', async () => {
    expect((await selectBackend(undefined, { TENGEN_BACKEND: 'cpu' })).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect((await selectBackend('wasm', { TENGEN_BACKEND: 'cpu' })).name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });
  it('autoAs replaces the auto chain; a backend named by flag or TENGEN_BACKEND still wins over it', async () => {
    expect((await selectBackend(undefined, {}, 'cpu')).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect((await selectBackend('auto', {}, 'wasm')).name).toBe('wasm');
    expect((await selectBackend(undefined, { TENGEN_BACKEND: ' Auto ' }, 'cpu')).name).toBe('cpu');
    expect((await selectBackend(undefined, { TENGEN_BACKEND: 'wasm' }, 'cpu')).name).toBe('wasm');
    expect((await selectBackend('cpu', { TENGEN_BACKEND: 'wasm' }, 'wasm')).name).toBe('cpu');
    await expect(selectBackend('gpu', {}, 'cpu')).rejects.toThrow(/unknown backend "gpu"/);
  });
  it.skipIf(native)('an explicitly requested backend that cannot load is an error naming it and its source', async () => {
    await expect(selectBackend('tensorflow', {})).rejects.toThrow(/backend "tensorflow" \(from --backend\) failed to load/);
    await expect(selectBackend(undefined, { TENGEN_BACKEND: 'tensorflow' })).rejects.toThrow(/from TENGEN_BACKEND/);
  });
  it('an unknown backend name is an error naming the accepted ones', () => {
    expect(() => parseBackend('gpu')).toThrow(/unknown backend "gpu"/);
  });
});

describe('preferOneDnn', () => {
  it('turns oneDNN on when TF_ENABLE_ONEDNN_OPTS is unset, and leaves a user setting alone', async () => {
    const { preferOneDnn, oneDnnEnabled } = await import('../../src/model/backend.js');
    const saved = process.env.TF_ENABLE_ONEDNN_OPTS;
    try {
      delete process.env.TF_ENABLE_ONEDNN_OPTS;
      preferOneDnn();
      expect(process.env.TF_ENABLE_ONEDNN_OPTS).toBe('1');
      expect(oneDnnEnabled()).toBe(true);
      process.env.TF_ENABLE_ONEDNN_OPTS = '0';
      preferOneDnn();
      expect(process.env.TF_ENABLE_ONEDNN_OPTS).toBe('0');
      expect(oneDnnEnabled()).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.TF_ENABLE_ONEDNN_OPTS;
      else process.env.TF_ENABLE_ONEDNN_OPTS = saved;
    }
  });
});
