// Opening a dataset folder: validates manifest, format version, file sizes, digests and index consistency, and
// exposes the games as typed arrays (no per-game objects) for the loader.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PASS } from '../go/constants.js';
import { winnerOfResult } from '../go/score.js';
import {
  FLAG_VALIDATION,
  FORMAT_NAME,
  FORMAT_VERSION,
  GAMES_FILE,
  IDX_FLAGS,
  IDX_MOVES,
  IDX_SETUP,
  IDX_START,
  INDEX_FIELDS,
  INDEX_FILE,
  MANIFEST_FILE,
  MOVES_FILE,
  entryColor,
  entryIsSetup,
  entryPoint,
  type GameMeta,
  type Manifest,
} from './format.js';
import { LITTLE_ENDIAN } from './hash.js';
import { contentHashOf } from './writer.js';

export type Split = 'train' | 'val' | 'all';

export interface OpenOptions {
  /** Check the sha256 of every data file against the manifest (default true; ~30 ms per 16 MB). */
  verify?: boolean;
}

/** An opened dataset. Games are numbered 0..gameCount-1 in file order; entries index into `entries`. */
export class Dataset {
  private readonly labelled = new Map<Split, Uint32Array>();
  private meta: GameMeta[] | null = null;
  private outcomeCache: { winner: Uint8Array; komi: Float32Array } | null = null;

  constructor(
    readonly dir: string,
    readonly manifest: Manifest,
    /** Packed entries (setup stones then moves, game after game), see format.ts. */
    readonly entries: Uint16Array,
    /** INDEX_FIELDS Uint32 per game: first entry, setup count, move count, flags. */
    readonly index: Uint32Array,
  ) {}

  get gameCount(): number {
    return this.index.length / INDEX_FIELDS;
  }
  /** Index in `entries` of game g's first entry. */
  gameStart(g: number): number {
    return this.index[g * INDEX_FIELDS + IDX_START];
  }
  /** Number of setup-stone entries of game g (they come first). */
  setupCount(g: number): number {
    return this.index[g * INDEX_FIELDS + IDX_SETUP];
  }
  /** Number of moves (passes included) of game g. */
  moveCount(g: number): number {
    return this.index[g * INDEX_FIELDS + IDX_MOVES];
  }
  /** Whether game g is in the validation split. */
  isValidation(g: number): boolean {
    return (this.index[g * INDEX_FIELDS + IDX_FLAGS] & FLAG_VALIDATION) !== 0;
  }

  /** The game owning entry e (binary search over the index). */
  gameOfEntry(e: number): number {
    let lo = 0;
    let hi = this.gameCount - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.index[mid * INDEX_FIELDS + IDX_START] <= e) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * Entry indices of every move of the split that is on the board (passes excluded: a 361-way classifier cannot
   * predict them), ascending. This is the population training samples uniformly and evaluation samples from.
   */
  labelledPositions(split: Split): Uint32Array {
    const cached = this.labelled.get(split);
    if (cached) return cached;
    const c = this.manifest.counts;
    const n = split === 'train' ? c.trainLabelled : split === 'val' ? c.valLabelled : c.labelledPositions;
    const out = new Uint32Array(n);
    let k = 0;
    const { entries } = this;
    for (let g = 0; g < this.gameCount; g++) {
      const val = this.isValidation(g);
      if (split === 'train' ? val : split === 'val' ? !val : false) continue;
      const first = this.gameStart(g) + this.setupCount(g);
      const end = first + this.moveCount(g);
      for (let e = first; e < end; e++) {
        if (entryPoint(entries[e]) === PASS) continue;
        if (k >= n) throw new Error(`dataset ${this.dir}: more labelled ${split} positions than the manifest's ${n}`);
        out[k++] = e;
      }
    }
    if (k !== n) throw new Error(`dataset ${this.dir}: ${k} labelled ${split} positions, the manifest says ${n}`);
    this.labelled.set(split, out);
    return out;
  }

  /**
   * Per game: the winner (BLACK, WHITE, or 0 when RE names none: draw, void, unknown) and white's komi (NaN when the
   * record has none), from games.jsonl (computed on first call).
   */
  outcomes(): { winner: Uint8Array; komi: Float32Array } {
    if (this.outcomeCache) return this.outcomeCache;
    const games = this.games();
    const winner = new Uint8Array(games.length);
    const komi = new Float32Array(games.length);
    games.forEach((g, i) => {
      winner[i] = winnerOfResult(g.result);
      komi[i] = typeof g.komi === 'number' && Number.isFinite(g.komi) ? g.komi : NaN;
    });
    this.outcomeCache = { winner, komi };
    return this.outcomeCache;
  }

  /** Per-game metadata from games.jsonl (read on first call). */
  games(): GameMeta[] {
    if (this.meta) return this.meta;
    const lines = readFileSync(join(this.dir, GAMES_FILE), 'utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    if (lines.length !== this.gameCount) {
      throw new Error(`dataset ${this.dir}: ${GAMES_FILE} has ${lines.length} lines for ${this.gameCount} games`);
    }
    this.meta = lines.map((l, i) => {
      try {
        return JSON.parse(l) as GameMeta;
      } catch (err) {
        throw new Error(`dataset ${this.dir}: ${GAMES_FILE} line ${i + 1} is not JSON: ${(err as Error).message}`);
      }
    });
    return this.meta;
  }
}

function fail(dir: string, what: string): never {
  throw new Error(`dataset ${dir}: ${what}`);
}

function readTyped(dir: string, name: string, bytesPer: 2 | 4): Uint8Array {
  const buf = readFileSync(join(dir, name));
  if (buf.length % bytesPer !== 0) fail(dir, `${name} has ${buf.length} bytes, not a multiple of ${bytesPer} (corrupt)`);
  if (buf.byteOffset % bytesPer === 0) return buf;
  return new Uint8Array(buf); // copy to an aligned buffer
}

/**
 * Opens and validates a dataset folder; throws an Error naming the problem for a missing, partial (interrupted
 * build), corrupt or newer-format dataset.
 */
export function openDataset(dirArg: string, options: OpenOptions = {}): Dataset {
  const dir = resolve(dirArg);
  if (!LITTLE_ENDIAN) throw new Error('openDataset: big-endian hosts are not supported (the format is little-endian)');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) fail(dirArg, 'no such folder');
  const manifestPath = join(dir, MANIFEST_FILE);
  if (!existsSync(manifestPath)) {
    fail(dirArg, `no ${MANIFEST_FILE}: not a dataset, or a partial one left by an interrupted build (rebuild it)`);
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  } catch (err) {
    fail(dirArg, `${MANIFEST_FILE} is not valid JSON: ${(err as Error).message}`);
  }
  if (manifest === null || typeof manifest !== 'object' || manifest.format !== FORMAT_NAME) {
    fail(dirArg, `${MANIFEST_FILE} is not a ${FORMAT_NAME} manifest`);
  }
  if (manifest.version !== FORMAT_VERSION) {
    fail(dirArg, `format version ${manifest.version} is not supported (this build reads version ${FORMAT_VERSION})`);
  }
  if (!manifest.files || !manifest.counts) fail(dirArg, `${MANIFEST_FILE} lacks "files" or "counts"`);
  for (const name of [MOVES_FILE, INDEX_FILE, GAMES_FILE]) {
    const want = manifest.files[name];
    if (!want) fail(dirArg, `${MANIFEST_FILE} does not list ${name}`);
    const path = join(dir, name);
    if (!existsSync(path)) fail(dirArg, `${name} is missing`);
    const size = statSync(path).size;
    if (size !== want.bytes) fail(dirArg, `${name} has ${size} bytes, the manifest says ${want.bytes} (truncated or corrupt)`);
  }
  const movesBytes = readTyped(dir, MOVES_FILE, 2);
  const indexBytes = readTyped(dir, INDEX_FILE, 4);
  if (options.verify ?? true) {
    const check = (name: string, bytes: Uint8Array): void => {
      const got = createHash('sha256').update(bytes).digest('hex');
      if (got !== manifest.files[name].sha256) fail(dirArg, `${name} sha256 ${got} does not match the manifest (corrupt)`);
    };
    check(MOVES_FILE, movesBytes);
    check(INDEX_FILE, indexBytes);
    check(GAMES_FILE, readFileSync(join(dir, GAMES_FILE)));
    if (contentHashOf(manifest.files) !== manifest.contentHash) fail(dirArg, 'contentHash does not match the file digests');
  }
  const entries = new Uint16Array(movesBytes.buffer, movesBytes.byteOffset, movesBytes.length / 2);
  const index = new Uint32Array(indexBytes.buffer, indexBytes.byteOffset, indexBytes.length / 4);
  if (index.length % INDEX_FIELDS !== 0) fail(dirArg, `${INDEX_FILE} length is not a whole number of records`);
  const ds = new Dataset(dir, manifest, entries, index);
  checkIndex(ds, dirArg);
  return ds;
}

/** Index and entries must agree with each other and with the manifest counts. */
function checkIndex(ds: Dataset, dirArg: string): void {
  const c = ds.manifest.counts;
  if (ds.gameCount !== c.games) fail(dirArg, `${INDEX_FILE} has ${ds.gameCount} games, the manifest says ${c.games}`);
  let expect = 0;
  let val = 0;
  let positions = 0;
  const { entries } = ds;
  for (let g = 0; g < ds.gameCount; g++) {
    const start = ds.gameStart(g);
    const setup = ds.setupCount(g);
    const moves = ds.moveCount(g);
    if (start !== expect) fail(dirArg, `game ${g} starts at entry ${start}, expected ${expect} (corrupt index)`);
    if (start + setup + moves > entries.length) fail(dirArg, `game ${g} runs past the end of ${MOVES_FILE}`);
    for (let e = start; e < start + setup; e++) {
      if (!entryIsSetup(entries[e])) fail(dirArg, `game ${g} entry ${e - start}: expected a setup stone`);
    }
    for (let e = start + setup; e < start + setup + moves; e++) {
      const v = entries[e];
      const color = entryColor(v);
      if (entryIsSetup(v) || (color !== 1 && color !== 2) || entryPoint(v) > PASS) {
        fail(dirArg, `game ${g} move ${e - start - setup + 1}: bad entry 0x${v.toString(16)}`);
      }
    }
    if (ds.isValidation(g)) val++;
    positions += moves;
    expect = start + setup + moves;
  }
  if (expect !== entries.length) fail(dirArg, `${MOVES_FILE} has ${entries.length} entries, the index covers ${expect}`);
  if (val !== c.valGames) fail(dirArg, `${val} validation games in the index, the manifest says ${c.valGames}`);
  if (positions !== c.positions) fail(dirArg, `${positions} positions in the index, the manifest says ${c.positions}`);
}
