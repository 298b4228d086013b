// `tengen doctor`: the backend auto-selection picks, TensorFlow's version behind a native backend, the second
// inference runtime (ONNX Runtime) or why it is missing, threads and CPU features.
import { describe, expect, it } from 'vitest';
import { BACKEND_NAMES } from '../../src/model/backend.js';
import { doctor } from '../../src/model/doctor.js';
import { loadOnnxRuntime } from '../../src/model/onnx-runtime.js';

describe('tengen doctor', () => {
  it('describes the stack as the commands see it', async () => {
    const r = await doctor();
    expect(BACKEND_NAMES).toContain(r.backend);
    if (r.backend === 'tensorflow') expect(r.tensorflow?.version).toMatch(/^2\.\d+\.\d+/);
    else expect(r.tensorflow).toBeNull();
    const ort = await loadOnnxRuntime();
    if (ort instanceof Error) expect(r.onnxRuntime).toEqual({ version: null, unavailable: ort.message });
    else {
      expect(r.onnxRuntime.unavailable).toBeNull();
      expect(r.onnxRuntime.version).toMatch(/^\d+\.\d+/);
    }
    expect(r.threads.cpus).toBeGreaterThan(0);
    expect(Array.isArray(r.cpu.features)).toBe(true);
    expect(r.node).toBe(process.version);
  }, 60_000);
});
