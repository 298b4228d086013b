// Board speed on real games: Tengen replay vs @sabaki/go-board, and the feature encoder's query load.
// Usage: npx tsx bench/board.bench.ts [--quick]   (--quick: one dev file, shorter timings)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import GoBoardImport from '@sabaki/go-board';
import { Board } from '../src/go/board.js';
import { BLACK, PASS } from '../src/go/constants.js';
import type { Player } from '../src/go/constants.js';

// CommonJS package (module.exports = GoBoard) whose typings declare an ES default export.
const GoBoard = GoBoardImport as unknown as typeof GoBoardImport.default;

const quick = process.argv.includes('--quick');
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const devDir = path.resolve(repoRoot, '../shared/data/tom9d/dev');
if (!fs.existsSync(devDir)) {
  console.error(`no data at ${devDir}; see ../shared/data/README.md`);
  process.exit(1);
}

// ---- extract moves outside the timed parts: per game, colour * 512 + point
const files = fs.readdirSync(devDir).filter((f) => f.endsWith('.sgf.gz')).sort();
const games: Int16Array[] = [];
for (const f of quick ? files.slice(0, 1) : files) {
  const text = zlib.gunzipSync(fs.readFileSync(path.join(devDir, f))).toString('utf8');
  for (const line of text.split('\n')) {
    if (!line.startsWith(';')) continue;
    const moves: number[] = [];
    for (const m of line.matchAll(/;([BW])\[([a-s]{2})?\]/g)) {
      const p = m[2] ? (m[2].charCodeAt(1) - 97) * 19 + (m[2].charCodeAt(0) - 97) : PASS;
      moves.push((m[1] === 'B' ? 1 : 2) * 512 + p);
    }
    games.push(Int16Array.from(moves));
  }
}
const totalMoves = games.reduce((n, g) => n + g.length, 0);

// The Tom server used simple ko, and a few records repeat a whole position (dev: tom-101654758,
// move 109). Find them before timing and replay those with superko off.
const needsSimpleKo = new Uint8Array(games.length);
{
  const b = new Board();
  games.forEach((g, gi) => {
    b.reset();
    try {
      for (let k = 0; k < g.length; k++) b.play(g[k] & 511, (g[k] >> 9) as Player);
    } catch {
      needsSimpleKo[gi] = 1;
    }
  });
}
const simpleKoGames = needsSimpleKo.reduce((n, v) => n + v, 0);

function replayTengen(b: Board, gs: Int16Array[]): number {
  let n = 0;
  for (let gi = 0; gi < gs.length; gi++) {
    const g = gs[gi];
    b.reset();
    b.superko = needsSimpleKo[gi] === 0;
    for (let k = 0; k < g.length; k++) {
      const v = g[k];
      b.play(v & 511, (v >> 9) as Player);
    }
    n += g.length;
  }
  return n;
}

function replaySabaki(gs: Int16Array[]): number {
  let n = 0;
  for (const g of gs) {
    let board = GoBoard.fromDimensions(19);
    for (let k = 0; k < g.length; k++) {
      const p = g[k] & 511;
      if (p !== PASS) board = board.makeMove((g[k] >> 9) === BLACK ? 1 : -1, [p % 19, (p - (p % 19)) / 19]);
    }
    n += g.length;
  }
  return n;
}

/**
 * Runs fn until this process has spent `seconds` of CPU time (at least once) and returns units per CPU-second: the
 * bench is single-threaded, so CPU time measures the code, and a busy machine (a training run beside it) slows the
 * wall clock but hardly this figure.
 */
function rate(seconds: number, fn: () => number): number {
  let units = 0;
  const c0 = process.cpuUsage();
  let used = 0;
  do {
    units += fn();
    const c = process.cpuUsage(c0);
    used = (c.user + c.system) / 1e6;
  } while (used < seconds);
  return units / used;
}

// Replay with, at every `stride`-th position, the four per-point queries the encoder makes for the mover.
function replayWithQueries(b: Board, gs: Int16Array[], stride: number, onePass: boolean): [number, number] {
  let positions = 0, queries = 0, sink = 0;
  for (let gi = 0; gi < gs.length; gi++) {
    const g = gs[gi];
    b.reset();
    b.superko = needsSimpleKo[gi] === 0;
    for (let k = 0; k < g.length; k++) {
      if (k % stride === 0) {
        const c = b.toPlay;
        for (let p = 0; p < 361; p++) {
          if (b.colorAt(p) !== 0) continue;
          if (onePass) {
            if (b.preview(p, c, 8) === null) sink += b.previewCaptures + b.previewLiberties + b.previewChainSize;
          } else {
            if (b.isLegal(p, c)) sink++;
            sink += b.captureCountIfPlayed(p, c) + b.libertiesAfterPlay(p, c, 8) + b.selfAtariSizeIfPlayed(p, c);
          }
          queries++;
        }
        positions++;
      }
      const v = g[k];
      b.play(v & 511, (v >> 9) as Player);
    }
  }
  if (sink === -1) console.log(sink);
  return [positions, queries];
}

const board = new Board();
const secs = quick ? 1 : 3;
replayTengen(board, games.slice(0, 200)); // warm-up for the JIT
const tengenRate = rate(secs, () => replayTengen(board, games));

// @sabaki/go-board clones the board on every move, so it gets a fixed slice of the same games.
const sabakiGames = games.slice(0, quick ? 60 : 300);
replaySabaki(sabakiGames.slice(0, 10));
const sabakiRate = rate(secs, () => replaySabaki(sabakiGames));

const sample = games.slice(0, quick ? 100 : 400);
let qPositions = 0, qPoints = 0;
const queryRate = rate(secs, () => {
  const [pos, q] = replayWithQueries(board, sample, 10, false);
  qPositions += pos;
  qPoints += q;
  return pos;
});
const pointsPerPosition = qPoints / qPositions;
const previewRate = rate(secs, () => replayWithQueries(board, sample, 10, true)[0]);

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
console.log(`\nBoard benchmark (${quick ? 'quick, ' : ''}${games.length} games, ${fmt(totalMoves)} moves from ${quick ? files[0] : `${files.length} dev files`}; node ${process.version})\n`);
console.log('| case | rate | ratio |');
console.log('|---|---:|---:|');
console.log(`| (a) Tengen Board replay, superko on (off for ${simpleKoGames} game(s) that repeat a position) | ${fmt(tengenRate)} moves per CPU-second | ${(tengenRate / sabakiRate).toFixed(1)}× sabaki |`);
console.log(`| (b) @sabaki/go-board replay (${sabakiGames.length} games) | ${fmt(sabakiRate)} moves per CPU-second | 1.0× |`);
console.log(`| (c) replay + isLegal/captureCount/libertiesAfterPlay/selfAtari on every empty point (every 10th position) | ${fmt(queryRate)} positions per CPU-second (${fmt(queryRate * pointsPerPosition)} points) | |`);
console.log(`| (d) same load through one preview() per point | ${fmt(previewRate)} positions per CPU-second (${fmt(previewRate * pointsPerPosition)} points) | ${(previewRate / queryRate).toFixed(2)}× (c) |`);
console.log(`\ngoal: (a) ≥ 2,000,000 moves per CPU-second and ≥ 20× (b): ${tengenRate >= 2e6 && tengenRate / sabakiRate >= 20 ? 'met' : 'NOT met'}`);
