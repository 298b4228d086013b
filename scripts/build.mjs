// `npm run build` (and npm's `prepare`, so `npm ci` runs it): compiles src/ to dist/ with tsc and copies the files
// tsc does not emit (worker boot files, the web board), so `tengen` starts without compiling TypeScript.
// tsc emits without type-checking (`noCheck`): types never change the emitted JavaScript (isolatedModules), so
// the build takes a few seconds and `npm ci` cannot fail over a type error; `npm run typecheck` is the check. Without TypeScript
// (`npm ci --omit=dev`) it builds nothing and says so; bin/tengen.js then runs the sources through tsx.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src');
// `--out DIR` builds elsewhere (the build test does, so it never touches the dist/ that bin/tengen.js runs).
const outFlag = process.argv.indexOf('--out');
const dist = outFlag > 0 ? path.resolve(process.argv[outFlag + 1]) : path.join(root, 'dist');
// Taken before tsc reads a file: a source saved during the build is newer than the stamp, so bin/tengen.js
// treats the build as stale rather than run code older than the sources.
const started = Date.now();

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  process.stderr.write('tengen build: typescript is not installed (production install?); tengen will run the sources through tsx\n');
  process.exit(0);
}
const t0 = performance.now();
const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--outDir', dist, '--tsBuildInfoFile', path.join(dist, '.tsbuildinfo')], {
  stdio: 'inherit',
});
// tsc exits 2 when it reported errors but wrote every file, 1 when it wrote nothing.
if (r.status !== 0 && r.status !== 2) {
  process.stderr.write(`tengen build: tsc failed (${r.status ?? r.signal}); tengen will run the sources through tsx\n`);
  process.exit(1);
}
if (r.status === 2) process.stderr.write('tengen build: errors above; JavaScript was emitted anyway\n');

let copied = 0;
for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || entry.name.endsWith('.ts') || entry.name.endsWith('.md')) continue;
  const from = path.join(entry.parentPath ?? entry.path, entry.name);
  const to = path.join(dist, path.relative(src, from));
  mkdirSync(path.dirname(to), { recursive: true });
  cpSync(from, to);
  copied++;
}
if (!existsSync(path.join(dist, 'cli/main.js'))) {
  process.stderr.write(`tengen build: ${dist}/cli/main.js was not written\n`);
  process.exit(1);
}
writeFileSync(path.join(dist, '.build-stamp'), `${started}\n`);
process.stderr.write(`tengen build: ${path.relative(root, dist) || dist}/ in ${((performance.now() - t0) / 1000).toFixed(1)} s (${copied} assets copied)\n`);
