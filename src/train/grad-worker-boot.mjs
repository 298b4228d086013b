// Plain-JS entry of the gradient worker: registers tsx's TypeScript loader inside the worker thread,
// then loads the real worker. (`execArgv: ['--import', 'tsx']` does not take effect in worker threads
// on Node 20, and vitest's transform does not reach workers either.)
import { register } from 'tsx/esm/api';

register();
await import('./grad-worker.ts');
