// One inference worker thread (see inference-pool.ts): selects its own tfjs backend, loads the model, warms it up,
// then runs forward passes on request. Inputs and outputs live in SharedArrayBuffers owned by the pool; each output
// row is the policy (361 probabilities) followed, when outLen > 361, by the value head's output (0 without one).
import * as tf from '@tensorflow/tfjs';
import { parentPort, workerData } from 'node:worker_threads';
import { NPOINTS } from '../go/constants.js';
import { selectBackend } from '../model/backend.js';
import { loadModel } from '../model/io.js';
import type { FromWorker, InferenceWorkerData, ToWorker } from './inference-pool.js';
import { packOutputRows } from './output-rows.js';

const data = workerData as InferenceWorkerData;
const port = parentPort!;
let input = new Float32Array(data.input);
let output = new Float32Array(data.output);
const planes = data.rowLen / NPOINTS;
const post = (m: FromWorker): void => port.postMessage(m);

function run(net: tf.LayersModel, rows: number): void {
  const outs = tf.tidy(() => {
    // A copy: the backend may keep the array it is given, and the pool refills this buffer for the next pass.
    const x = tf.tensor4d(input.slice(0, rows * data.rowLen), [rows, 19, 19, planes]);
    const y = net.predict(x);
    return Array.isArray(y) ? y : [y];
  });
  try {
    const policy = outs[0]!.dataSync() as Float32Array;
    const value = outs.length > 1 ? (outs[1]!.dataSync() as Float32Array) : null;
    const ownership = outs.length > 2 ? (outs[2]!.dataSync() as Float32Array) : null;
    packOutputRows(policy, value, rows, output, data.outLen, ownership);
  } finally {
    for (const t of outs) t.dispose();
  }
}

try {
  const backend = await selectBackend(data.backend);
  const { model } = await loadModel(data.modelDir);
  // The first passes compile kernels and size buffers: done here so no request pays for them.
  run(model, 1);
  run(model, Math.max(1, data.warmRows));
  port.on('message', (m: ToWorker) => {
    if (m.type === 'run') {
      try {
        run(model, m.rows);
        post({ type: 'done', rows: m.rows });
      } catch (err) {
        post({ type: 'error', message: (err as Error).message });
      }
    } else if (m.type === 'buffers') {
      input = new Float32Array(m.input);
      output = new Float32Array(m.output);
    } else if (m.type === 'close') {
      model.dispose();
      port.close();
    }
  });
  post({ type: 'ready', backend: backend.name });
} catch (err) {
  post({ type: 'error', message: (err as Error).message });
}
