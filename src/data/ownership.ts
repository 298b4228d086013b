// Ownership targets of a dataset: for every game, who owns each point at the end, estimated by Monte-Carlo
// playouts from the game's final position (go/ownership.ts). They are the dense auxiliary target that teaches a
// trunk territory (KataGo's ownership head): one game result is one noisy bit per position, the final ownership is
// 361 mostly predictable ones, and a value head on such a trunk learns from far fewer positions.
//
// Files, beside the dataset's own (the dataset's identity, contentHash, is unchanged by them):
//   ownership.bin   Int8, gameCount × 361, Black's view: round(127 × mean ownership), +127 = Black in every playout
//   ownership.json  { format, version, contentHash, games, playouts, seed } — a stale or foreign file is refused
// Built by `tengen data ownership <dataset>`; ~16 ms a game at 32 playouts on one core.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NPOINTS } from '../go/constants.js';
import { MonteCarloOwnership } from '../go/ownership.js';
import type { Dataset } from './dataset.js';
import { entryColor, entryPoint } from './format.js';
import { Random } from '../random.js';
import { Replayer } from './replay.js';

export const OWNERSHIP_FILE = 'ownership.bin';
export const OWNERSHIP_META = 'ownership.json';
const FORMAT = 'tengen-ownership';
const VERSION = 1;

/** ownership.json: what the targets were computed from and how. */
export interface OwnershipMeta {
  format: typeof FORMAT;
  version: number;
  contentHash: string;
  games: number;
  playouts: number;
  seed: number;
}

export interface OwnershipBuildOptions {
  /** Random playouts per game (default 32). */
  playouts?: number;
  /** Seed of the playouts (default 1). */
  seed?: number;
  /** Called every 256 games and at the end. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** Computes the final ownership of every game of `ds` and writes ownership.bin/.json into its folder (atomically). */
export function buildOwnership(ds: Dataset, options: OwnershipBuildOptions = {}): OwnershipMeta {
  const playouts = options.playouts ?? 32;
  const seed = options.seed ?? 1;
  if (!Number.isInteger(playouts) || playouts < 1 || playouts > 4096) throw new Error(`ownership: playouts ${playouts} is not an integer in 1..4096`);
  const rng = new Random(seed);
  const mc = new MonteCarloOwnership(() => rng.nextFloat());
  const replayer = new Replayer(ds);
  const { komi } = ds.outcomes();
  const n = ds.gameCount;
  const out = new Int8Array(n * NPOINTS);
  for (let g = 0; g < n; g++) {
    options.signal?.throwIfAborted();
    const moves = ds.moveCount(g);
    const first = ds.gameStart(g) + ds.setupCount(g);
    if (moves > 0) {
      // Replay to the last move, then play it: the position the game ended in.
      const last = replayer.seek(first + moves - 1);
      const board = replayer.board.clone(); // once a game; the replayer's board must stay at its cursor
      board.play(entryPoint(last), entryColor(last) as 1 | 2);
      const est = mc.estimate(board, Number.isNaN(komi[g]) ? 0 : komi[g], playouts);
      for (let p = 0; p < NPOINTS; p++) out[g * NPOINTS + p] = Math.round(127 * est.ownership[p]);
    }
    if (options.onProgress && ((g + 1) % 256 === 0 || g + 1 === n)) options.onProgress(g + 1, n);
  }
  const meta: OwnershipMeta = { format: FORMAT, version: VERSION, contentHash: ds.manifest.contentHash, games: n, playouts, seed };
  const bin = join(ds.dir, OWNERSHIP_FILE);
  writeFileSync(bin + '.partial', out);
  renameSync(bin + '.partial', bin);
  writeFileSync(join(ds.dir, OWNERSHIP_META), JSON.stringify(meta, null, 2) + '\n');
  return meta;
}

/**
 * The ownership targets of `ds` (Int8, gameCount × 361, Black's view ×127), or null if the folder has none; throws
 * naming the file when they belong to another dataset or have the wrong size.
 */
export function readOwnership(ds: Dataset): Int8Array | null {
  const metaPath = join(ds.dir, OWNERSHIP_META);
  const binPath = join(ds.dir, OWNERSHIP_FILE);
  if (!existsSync(metaPath) || !existsSync(binPath)) return null;
  let meta: OwnershipMeta;
  try {
    meta = JSON.parse(readFileSync(metaPath, 'utf8')) as OwnershipMeta;
  } catch (err) {
    throw new Error(`${metaPath}: not JSON: ${(err as Error).message}`);
  }
  if (meta.format !== FORMAT || meta.version !== VERSION) throw new Error(`${metaPath}: not a ${FORMAT} v${VERSION} file`);
  if (meta.contentHash !== ds.manifest.contentHash || meta.games !== ds.gameCount) {
    throw new Error(`${metaPath}: computed for dataset ${String(meta.contentHash).slice(0, 16)} (${meta.games} games), this is ${ds.manifest.contentHash.slice(0, 16)} (${ds.gameCount}); rerun tengen data ownership`);
  }
  const buf = readFileSync(binPath);
  if (buf.byteLength !== ds.gameCount * NPOINTS) throw new Error(`${binPath}: ${buf.byteLength} bytes, expected ${ds.gameCount * NPOINTS}`);
  return new Int8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
