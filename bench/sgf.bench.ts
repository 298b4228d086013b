/**
 * SGF parsing speed: Tengen's `parseSgf` vs `@sabaki/sgf` `parse` on the same decoded strings
 * (the tom9d/dev collections, gunzipped outside the timed part).
 * Usage: npx tsx bench/sgf.bench.ts [--quick]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSgf } from '../src/sgf/index.js';

// @sabaki/sgf ships no types; a non-literal specifier keeps tsc from looking for them.
const sabakiName = '@sabaki/sgf';
const sabakiParse = ((await import(sabakiName)) as { default: { parse: (s: string) => unknown[] } }).default.parse;
const quick = process.argv.includes('--quick');
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.resolve(repo, '../shared/data/tom9d/dev');
let files = readdirSync(dir).filter((f) => f.endsWith('.sgf.gz')).sort();
if (quick) files = files.slice(0, 2);
const texts = files.map((f) => gunzipSync(readFileSync(path.join(dir, f))).toString('utf8'));
const bytes = texts.map((t) => Buffer.from(t, 'utf8'));
const mb = bytes.reduce((s, b) => s + b.length, 0) / 1e6;
const games = texts.reduce((s, t) => s + parseSgf(t).games.length, 0);

function time(fn: () => number, rounds: number): number {
  fn(); // warm-up
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    const n = fn();
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    if (n !== games) throw new Error(`parsed ${n} games, expected ${games}`);
    best = Math.min(best, dt);
  }
  return best;
}

const rounds = quick ? 2 : 5;
const ours = time(() => texts.reduce((s, t) => s + parseSgf(t).games.length, 0), rounds);
const oursBytes = time(() => bytes.reduce((s, b) => s + parseSgf(b).games.length, 0), rounds);
const sabaki = time(() => texts.reduce((s, t) => s + sabakiParse(t).length, 0), Math.max(1, rounds - 2));

const row = (name: string, t: number): string =>
  `| ${name} | ${(games / t).toFixed(0)} | ${(mb / t).toFixed(1)} | ${(sabaki / t).toFixed(2)}× |`;
console.log(`SGF parse, ${files.length} tom9d/dev files, ${games} games, ${mb.toFixed(1)} MB (best of ${rounds})\n`);
console.log('| parser | games/s | MB/s | vs @sabaki/sgf |');
console.log('|---|---:|---:|---:|');
console.log(row('tengen parseSgf(string)', ours));
console.log(row('tengen parseSgf(bytes) incl. charset + decode', oursBytes));
console.log(row('@sabaki/sgf parse(string)', sabaki));
