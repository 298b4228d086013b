// Plain-JS entry of the prefetch worker. In the compiled build (dist/) it runs prefetch-worker.js; next to the
// sources it registers tsx's TypeScript loader inside the worker thread (neither `--import tsx` nor vitest's
// transform reach worker threads on Node 20), then runs prefetch-worker.ts. A failure to load it is reported on
// the reply port, so a trainer blocked waiting for a batch hears of it.
import { existsSync } from 'node:fs';
import { workerData } from 'node:worker_threads';

try {
  const compiled = new URL('./prefetch-worker.js', import.meta.url);
  if (existsSync(compiled)) await import(compiled.href);
  else {
    const { register } = await import('tsx/esm/api');
    register();
    await import('./prefetch-worker.ts');
  }
} catch (e) {
  const ctl = new Int32Array(workerData.ctl);
  workerData.replies.postMessage({ type: 'error', gen: -1, message: `failed to start: ${e instanceof Error ? e.message : String(e)}` });
  Atomics.add(ctl, 0, 1);
  Atomics.notify(ctl, 0);
}
