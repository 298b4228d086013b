// One inference worker thread (see inference-pool.ts): selects its own tfjs backend, loads the model (with runtime
// onnx, exports it to an ONNX Runtime session of its own and frees the tfjs copy), warms it up, then runs forward
// passes on request. Inputs and outputs live in SharedArrayBuffers owned by the pool; each output
// row is the policy (361 probabilities) followed, when outLen > 361, by the value head's output (0 without one).
import * as tf from '@tensorflow/tfjs';
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { NPOINTS } from '../go/constants.js';
import { selectBackend } from '../model/backend.js';
import { loadModel } from '../model/io.js';
import { ONNX_BACKEND, OnnxNet } from '../model/onnx-runtime.js';
import type { FromWorker, InferenceWorkerData, ToWorker } from './inference-pool.js';
import { packOutputRows } from './output-rows.js';

const data = workerData as InferenceWorkerData;
const port = parentPort!;
let input = new Float32Array(data.input);
let output = new Float32Array(data.output);
const planes = data.rowLen / NPOINTS;
const post = (m: FromWorker): void => port.postMessage(m);

// The ONNX session's input: a copy of the shared buffer (ONNX Runtime does not take shared memory), reused from pass
// to pass. A fresh slice per pass (1–4.5 MB) made V8 run a full mark-compact of this thread's heap about once a second
// under load, on the external-memory growth alone.
let scratch = new Float32Array(0);

async function runOnnx(net: OnnxNet, rows: number): Promise<void> {
  const n = rows * data.rowLen;
  if (scratch.length < n) scratch = new Float32Array(Math.max(n, input.length));
  scratch.set(input.subarray(0, n));
  // One pass at a time per worker: the pool sends the next 'run' only after this one's 'done', so reuse is safe.
  const o = await net.run(scratch.subarray(0, n), rows);
  packOutputRows(o.policy, o.value, rows, output, data.outLen, o.ownership);
}

function runTfjs(net: tf.LayersModel, rows: number): void {
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

/**
 * Lowers this thread's scheduling priority by `nice` (Linux: setpriority on the thread id), before the backend
 * starts, so the threads TensorFlow or ONNX Runtime create from here inherit it. The main thread, which parses
 * requests and answers /healthz, then wins the cores whenever both are runnable. Returns false where unsupported.
 */
function lowerThreadPriority(nice: number): boolean {
  if (nice === 0) return true;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid)) return false;
    setPriority(tid, Math.min(19, getPriority(tid) + nice));
    return true;
  } catch {
    return false;
  }
}

try {
  lowerThreadPriority(data.nice);
  const backend = await selectBackend(data.backend);
  const { model, meta, params } = await loadModel(data.modelDir);
  let net: tf.LayersModel | OnnxNet = model;
  if (data.runtime === 'onnx') {
    try {
      net = await OnnxNet.create(meta.architecture, params, { threads: data.onnxThreads });
    } finally {
      model.dispose();
    }
  }
  const run = async (rows: number): Promise<void> => (net instanceof OnnxNet ? runOnnx(net, rows) : runTfjs(net, rows));
  // The first passes compile kernels and size buffers: done here so no request pays for them.
  await run(1);
  await run(Math.max(1, data.warmRows));
  port.on('message', (m: ToWorker) => {
    if (m.type === 'run') {
      run(m.rows).then(
        () => post({ type: 'done', rows: m.rows }),
        (err: unknown) => post({ type: 'error', message: (err as Error).message }),
      );
    } else if (m.type === 'buffers') {
      input = new Float32Array(m.input);
      output = new Float32Array(m.output);
    } else if (m.type === 'close') {
      if (net instanceof OnnxNet) void net.release().finally(() => port.close());
      else {
        net.dispose();
        port.close();
      }
    }
  });
  post({ type: 'ready', backend: net instanceof OnnxNet ? ONNX_BACKEND : backend.name });
} catch (err) {
  post({ type: 'error', message: (err as Error).message });
}
