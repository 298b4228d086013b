// How a worker thread loads its TypeScript module, for the plain-JS boot files next to each worker: the compiled
// sibling (`name.js`, in dist/) when there is one, else the source (`name.ts`) through tsx's loader registered
// inside the thread (neither `--import tsx` nor vitest's transform reach worker threads on Node 20).
import { existsSync } from 'node:fs';

/** Imports module `name` from the folder of `base` (the boot file's import.meta.url): compiled .js, else .ts via tsx. */
export async function importWorker(base, name) {
  const compiled = new URL(`./${name}.js`, base);
  if (existsSync(compiled)) return import(compiled.href);
  const { register } = await import('tsx/esm/api');
  register();
  return import(new URL(`./${name}.ts`, base).href);
}
