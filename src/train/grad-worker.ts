// worker_threads entry: one tfjs instance (own WASM heap) computing gradients for its slice of each batch.
// Parameters and the batch arrive through SharedArrayBuffers owned by the pool (no per-step cloning);
// results go back as one transferred Float32Array.
import { parentPort, workerData } from 'node:worker_threads';
import { selectBackend } from '../model/backend.js';
import type { ArchConfig } from '../model/config.js';
import { POINTS } from '../model/config.js';
import { paramSpecs, sizeOf } from '../model/params.js';
import { LocalGradEngine, type LossWeights } from './grad-engine.js';

export interface WorkerInit {
  config: ArchConfig;
  backend?: string;
  paramsSab: SharedArrayBuffer;
  weights?: LossWeights;
}

export type WorkerRequest =
  | { type: 'step' | 'eval'; id: number; inputsSab: SharedArrayBuffer; labelsSab: SharedArrayBuffer; valuesSab: SharedArrayBuffer | null; start: number; size: number };

export type WorkerReply =
  | { type: 'ready'; backend: string }
  | { type: 'step'; id: number; packed: Float32Array; loss: number; correct: number; size: number; computeMs: number }
  | { type: 'eval'; id: number; lossSum: number; top1: number; top5: number; size: number; valueCount: number; valueSqSum: number; valueCorrect: number }
  | { type: 'error'; id: number; message: string };

const port = parentPort;
if (!port) throw new Error('grad-worker.ts must run as a worker thread');
const init = workerData as WorkerInit;
const specs = paramSpecs(init.config);
const params: Float32Array[] = [];
{
  let off = 0;
  for (const s of specs) {
    const n = sizeOf(s.shape);
    params.push(new Float32Array(init.paramsSab, off * 4, n));
    off += n;
  }
}

try {
  const choice = await selectBackend(init.backend);
  const engine = new LocalGradEngine(init.config, choice.name, init.weights);
  const planes = init.config.planes;
  port.on('message', async (m: WorkerRequest) => {
    try {
      const per = POINTS * planes;
      const batch = {
        inputs: new Float32Array(m.inputsSab, m.start * per * 4, m.size * per),
        labels: new Int32Array(m.labelsSab, m.start * 4, m.size),
        values: m.valuesSab ? new Float32Array(m.valuesSab, m.start * 4, m.size) : undefined,
        size: m.size,
      };
      if (m.type === 'eval') {
        const r = await engine.evaluate(params, batch);
        port.postMessage({ type: 'eval', id: m.id, ...r } satisfies WorkerReply);
        return;
      }
      const t0 = performance.now();
      const r = await engine.computeGradients(params, batch);
      // Pack grads then batch-norm stats into one buffer so a single transfer carries them.
      let total = 0;
      for (const a of r.grads) total += a.length;
      for (const a of r.bnStats) total += a.length;
      const packed = new Float32Array(total);
      let off = 0;
      for (const a of r.grads) packed.set(a, (off += a.length) - a.length);
      for (const a of r.bnStats) packed.set(a, (off += a.length) - a.length);
      port.postMessage({ type: 'step', id: m.id, packed, loss: r.loss, correct: r.correct, size: r.size, computeMs: performance.now() - t0 } satisfies WorkerReply, [packed.buffer]);
    } catch (err) {
      port.postMessage({ type: 'error', id: m.id, message: (err as Error).message } satisfies WorkerReply);
    }
  });
  port.postMessage({ type: 'ready', backend: choice.name } satisfies WorkerReply);
} catch (err) {
  port.postMessage({ type: 'error', id: -1, message: (err as Error).message } satisfies WorkerReply);
}
