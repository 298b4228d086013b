#!/usr/bin/env node
// Entry point of the `tengen` command. It runs the compiled JavaScript in dist/, which `npm ci` builds (the
// `prepare` script, scripts/build.mjs), so a command starts without compiling TypeScript. Where dist/ is missing
// or older than a file in src/ (a checkout being edited, or an install that skipped scripts), it runs the
// sources through tsx instead, so it never runs code older than the sources; `npm run build` makes it fast again.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';

const src = new URL('../src/', import.meta.url);
const stamp = new URL('../dist/.build-stamp', import.meta.url);

/** True when dist/ was built after the last change to any file in src/. */
function buildIsFresh() {
  if (!existsSync(stamp)) return false;
  if (!existsSync(src)) return true; // an install without sources: dist/ is all there is
  const builtAt = Number(readFileSync(stamp, 'utf8'));
  for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = `${entry.parentPath ?? entry.path}/${entry.name}`;
    if (statSync(file).mtimeMs > builtAt) return false;
  }
  return true;
}

if (buildIsFresh()) {
  await import('../dist/cli/main.js');
} else {
  if (process.stderr.isTTY && existsSync(stamp)) process.stderr.write('tengen: src/ changed since the last build; running the sources through tsx (`npm run build` for a fast start)\n');
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
