// Plain-JS entry of the gradient worker: loads grad-worker.js in the compiled build, grad-worker.ts (through tsx)
// next to the sources; see ../worker-boot.mjs.
import { importWorker } from '../worker-boot.mjs';

await importWorker(import.meta.url, 'grad-worker');
