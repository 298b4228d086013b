// Feature encoder throughput on real games: replays every game of ../shared/data/tom9d/dev (--quick: the first
// file, first 300 games) and encodes every position (before each move). Cases are interleaved over rounds and the
// best time kept (3 rounds with --quick, 2 otherwise). Prints positions/s for replay alone, basic, alphago48
// without ladders and the full alphago48, encode-only rates (replay time subtracted) and ratios.
// Usage: npx tsx bench/features.bench.ts [--quick]
import { gunzipSync } from 'node:zlib';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Board } from '../src/go/board.js';
import { PASS } from '../src/go/constants.js';
import { Alphago48Encoder } from '../src/features/alphago48.js';
import { basic } from '../src/features/basic.js';

const quick = process.argv.includes('--quick');
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dev = path.resolve(repoRoot, '../shared/data/tom9d/dev');
if (!existsSync(dev)) {
  console.error(`features.bench: ${dev} not found (see /work/shared/data/README.md)`);
  process.exit(1);
}

function readGames(): Int16Array[] {
  const files = readdirSync(dev).filter((f) => f.endsWith('.sgf.gz')).sort();
  const games: Int16Array[] = [];
  for (const f of quick ? files.slice(0, 1) : files) {
    const text = gunzipSync(readFileSync(path.join(dev, f))).toString('utf8');
    for (const line of text.split('\n')) {
      if (!line.startsWith(';')) continue;
      const moves: number[] = [];
      for (const m of line.matchAll(/;[BW]\[([a-s]{2})?\]/g)) {
        moves.push(m[1] ? (m[1].charCodeAt(1) - 97) * 19 + (m[1].charCodeAt(0) - 97) : PASS);
      }
      games.push(Int16Array.from(moves));
      if (quick && games.length >= 300) return games;
    }
  }
  return games;
}

const games = readGames();
const positions = games.reduce((n, g) => n + g.length, 0);
const board = new Board();
// The Tom server played simple ko: one dev game repeats a whole-board position (see src/go/README.md).
board.superko = false;
const enc = new Alphago48Encoder();
const out48 = new Float32Array(361 * 48);
const out9 = new Float32Array(361 * 9);
let sink = 0;

function run(encode: ((b: Board) => void) | null): number {
  const t0 = process.hrtime.bigint();
  for (const g of games) {
    board.reset();
    for (let i = 0; i < g.length; i++) {
      if (encode) encode(board);
      board.play(g[i], board.toPlay);
    }
  }
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

const cases: Array<[string, ((b: Board) => void) | null]> = [
  ['replay only', null],
  ['basic', (b) => { basic.encode(b, out9); sink += out9[4]; }],
  ['alphago48 (no ladders)', (b) => { enc.ladders = false; enc.encode(b, out48); sink += out48[44]; }],
  ['alphago48', (b) => { enc.ladders = true; enc.encode(b, out48); sink += out48[44]; }],
];
run((b) => { enc.encode(b, out48); basic.encode(b, out9); }); // warm-up (JIT)
// Cases interleaved over rounds, best time kept: the machine is shared, so the minimum is the least noisy.
const rounds = quick ? 3 : 2;
const secs = new Map<string, number>();
for (let r = 0; r < rounds; r++) {
  for (const [name, fn] of cases) secs.set(name, Math.min(secs.get(name) ?? Infinity, run(fn)));
}
const replay = secs.get('replay only')!;
const full = secs.get('alphago48')!;

console.log(`\n${games.length} games, ${positions} positions${quick ? ' (--quick)' : ''}, one core, best of ${rounds} rounds\n`);
console.log('| case | seconds | positions/s (with replay) | positions/s (encode only) | encode time vs alphago48 |');
console.log('|---|---:|---:|---:|---:|');
for (const [name] of cases) {
  const s = secs.get(name)!;
  const enc = s - replay;
  const encRate = name === 'replay only' ? '—' : Math.round(positions / enc).toLocaleString('en-US');
  const ratio = name === 'replay only' ? '—' : ((s - replay) / (full - replay)).toFixed(2);
  console.log(`| ${name} | ${s.toFixed(2)} | ${Math.round(positions / s).toLocaleString('en-US')} | ${encRate} | ${ratio} |`);
}
const lad = full - secs.get('alphago48 (no ladders)')!;
console.log(`\nladder planes: ${((lad / (full - replay)) * 100).toFixed(1)}% of alphago48 encode time; ` +
  `alphago48 is ${((full - replay) / (secs.get('basic')! - replay)).toFixed(1)}× the encode time of basic. (sink ${sink})`);
