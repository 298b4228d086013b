// Start-up time of the `tengen` command as a GUI sees it: `tengen --help` until exit, and `tengen gtp` until the
// first answer (`protocol_version`), without a model (`--fake-policy`) and with the shipped model (whose answer
// waits for the model load). Each case spawns a fresh `node bin/tengen.js`, so it measures module loading, not JIT.
// `--before DIR` adds another checkout's bin/tengen.js (e.g. a `git worktree` of an older commit with node_modules
// linked in) and runs the two side by side, A/B/A/B, so a loaded machine colours both alike.
// Usage: npx tsx bench/startup.bench.ts [--quick] [--before DIR] [--runs N]
// Goals (issue 15, quiet machine): --help ≤ 0.3 s; gtp first answer ≤ 1 s plus the model load.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const valueOf = (flag: string): string | undefined => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const runs = Number(valueOf('--runs') ?? (quick ? 3 : 7));
const before = valueOf('--before');

interface Variant {
  label: string;
  root: string;
}
const variants: Variant[] = [];
if (before) {
  if (!existsSync(path.join(before, 'bin/tengen.js'))) throw new Error(`--before ${before}: no bin/tengen.js there`);
  variants.push({ label: `before (${path.basename(before)})`, root: path.resolve(before) });
}
variants.push({ label: 'this checkout', root: here });

interface Case {
  name: string;
  args: string[];
  /** Run `node args` instead of `node bin/tengen.js args` (the floor: Node's own start-up). */
  bare?: boolean;
  /** Text sent on stdin; the clock stops at the first line starting with "=" (or at exit without one). */
  stdin?: string;
}
const cases: Case[] = [
  { name: 'node -e 0 (floor: Node itself)', args: ['-e', 'console.log("Usage")'], bare: true },
  { name: 'tengen --help (until exit)', args: ['--help'] },
  { name: 'tengen gtp --fake-policy (first answer)', args: ['gtp', '--fake-policy'], stdin: 'protocol_version\n' },
  { name: 'tengen gtp, shipped model (first answer)', args: ['gtp', '--model', path.join(here, 'models/default')], stdin: 'protocol_version\n' },
];

/** Milliseconds from spawn to exit (no stdin) or to the first GTP answer (stdin given). */
function timeOnce(v: Variant, c: Case): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, c.bare ? c.args : [path.join(v.root, 'bin/tengen.js'), ...c.args], {
      cwd: v.root,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'error' },
    });
    let out = '';
    let err = '';
    let done = false;
    const finish = (ms: number | Error): void => {
      if (done) return;
      done = true;
      if (ms instanceof Error) reject(ms);
      else resolve(ms);
      if (c.stdin) child.stdin.end('quit\n');
    };
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (c.stdin && /^=/m.test(out)) finish(performance.now() - t0);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => finish(e));
    child.on('exit', (code) => {
      if (c.stdin) finish(new Error(`${v.label} ${c.name}: exited ${code} before answering\n${err}`));
      else if (code !== 0 || !out.includes('Usage')) finish(new Error(`${v.label} ${c.name}: exit ${code}\n${err}`));
      else finish(performance.now() - t0);
    });
    if (c.stdin) child.stdin.write(c.stdin);
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

console.log(`load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} on ${os.cpus().length} cores; ${runs} runs per cell, interleaved; medians (min–max) in seconds\n`);
const header = ['case', ...variants.map((v) => v.label)];
if (variants.length === 2) header.push('after / before');
console.log(`| ${header.join(' | ')} |`);
console.log(`|---|${variants.map(() => '---:|').join('')}${variants.length === 2 ? '---:|' : ''}`);
for (const c of cases) {
  const times: number[][] = variants.map(() => []);
  // One untimed run each warms the OS file cache alike.
  for (const v of variants) await timeOnce(v, c);
  for (let r = 0; r < runs; r++) for (let i = 0; i < variants.length; i++) times[i]!.push(await timeOnce(variants[i]!, c));
  const cells = times.map((t) => `${(median(t) / 1000).toFixed(2)} (${(Math.min(...t) / 1000).toFixed(2)}–${(Math.max(...t) / 1000).toFixed(2)})`);
  if (variants.length === 2) cells.push(`${(median(times[1]!) / median(times[0]!)).toFixed(2)}×`);
  console.log(`| ${c.name} | ${cells.join(' | ')} |`);
}
console.log(`\nload average after: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
