// Plain-JS entry of an inference worker: runs inference-worker.js in the compiled build, inference-worker.ts (through
// tsx) next to the sources (see ../worker-boot.mjs). A failure to load it is reported to the pool, which names it.
import { parentPort } from 'node:worker_threads';
import { importWorker } from '../worker-boot.mjs';

try {
  await importWorker(import.meta.url, 'inference-worker');
} catch (e) {
  parentPort.postMessage({ type: 'error', message: `failed to start: ${e instanceof Error ? e.message : String(e)}` });
}
