// Plain-JS entry of the gradient worker. In the compiled build (dist/) it loads grad-worker.js; next to the
// sources it registers tsx's TypeScript loader inside the worker thread, then loads grad-worker.ts.
// (`execArgv: ['--import', 'tsx']` does not take effect in worker threads on Node 20, and vitest's transform
// does not reach workers either.)
import { existsSync } from 'node:fs';

const compiled = new URL('./grad-worker.js', import.meta.url);
if (existsSync(compiled)) await import(compiled.href);
else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./grad-worker.ts');
}
