// `npm run bench [-- name... --quick]`: runs every bench/*.bench.ts (or those whose name matches) one after
// another, each in its own process so that one benchmark's JIT and heap state do not colour the next.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const dir = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flags = args.filter((a) => a.startsWith('-'));
const names = args.filter((a) => !a.startsWith('-'));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => names.length === 0 || names.some((n) => f.includes(n)))
  .sort();

if (files.length === 0) {
  process.stderr.write(`no benchmark matches ${names.join(', ')}\n`);
  process.exit(2);
}
let failed = 0;
for (const f of files) {
  process.stdout.write(`\n## ${f}\n\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, f), ...flags], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
