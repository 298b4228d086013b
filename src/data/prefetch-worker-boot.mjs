// Plain-JS entry of the prefetch worker: registers tsx's TypeScript loader inside the worker thread (neither
// `--import tsx` nor vitest's transform reach worker threads on Node 20), then runs the real worker. A failure to
// load it is reported on the reply port, so a trainer blocked waiting for a batch hears of it.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
try {
  await import('./prefetch-worker.ts');
} catch (e) {
  const ctl = new Int32Array(workerData.ctl);
  workerData.replies.postMessage({ type: 'error', gen: -1, message: `failed to start: ${e instanceof Error ? e.message : String(e)}` });
  Atomics.add(ctl, 0, 1);
  Atomics.notify(ctl, 0);
}
