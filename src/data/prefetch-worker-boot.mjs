// Plain-JS entry of the prefetch worker: runs prefetch-worker.js in the compiled build, prefetch-worker.ts (through
// tsx) next to the sources (see ../worker-boot.mjs). A failure to load it is reported on the reply port, so a
// trainer blocked waiting for a batch hears of it.
import { workerData } from 'node:worker_threads';
import { importWorker } from '../worker-boot.mjs';

try {
  await importWorker(import.meta.url, 'prefetch-worker');
} catch (e) {
  const ctl = new Int32Array(workerData.ctl);
  workerData.replies.postMessage({ type: 'error', gen: -1, message: `failed to start: ${e instanceof Error ? e.message : String(e)}` });
  Atomics.add(ctl, 0, 1);
  Atomics.notify(ctl, 0);
}
