// On-disk layout of a Tengen dataset folder (format version 1). Everything here is shared by the writer and the
// loader so the two can never disagree about a bit.
//
//   moves.bin    Uint16 LE entries, game after game: first the setup stones, then the moves.
//                entry = point (bits 0..8, 0..360 or PASS = 361) | colour << 9 (bits 9..10) | SETUP_FLAG (bit 11)
//   index.bin    Uint32 LE records of INDEX_FIELDS per game: [first entry, setup count, move count, flags]
//                flags bit 0 = validation split
//   games.jsonl  one GameMeta JSON object per game, same order as index.bin
//   manifest.json  written last: its presence is what marks the folder complete
import { PASS } from '../go/constants.js';

export const FORMAT_NAME = 'tengen-dataset';
export const FORMAT_VERSION = 1;

export const MOVES_FILE = 'moves.bin';
export const INDEX_FILE = 'index.bin';
export const GAMES_FILE = 'games.jsonl';
export const MANIFEST_FILE = 'manifest.json';

export const INDEX_FIELDS = 4;
export const IDX_START = 0;
export const IDX_SETUP = 1;
export const IDX_MOVES = 2;
export const IDX_FLAGS = 3;
export const FLAG_VALIDATION = 1;

const POINT_MASK = 0x1ff;
const COLOR_SHIFT = 9;
export const SETUP_FLAG = 1 << 11;

/** Packs a move or setup stone into one Uint16 entry; point 0..361, colour 0..2 (0 only for setup AE). */
export function packEntry(point: number, color: number, setup: boolean): number {
  if (!Number.isInteger(point) || point < 0 || point > PASS) throw new Error(`packEntry: point ${point} is not in 0..361`);
  if (color !== 0 && color !== 1 && color !== 2) throw new Error(`packEntry: colour ${color} is not 0, 1 or 2`);
  return point | (color << COLOR_SHIFT) | (setup ? SETUP_FLAG : 0);
}

/** The point (0..361) of a packed entry. */
export function entryPoint(e: number): number {
  return e & POINT_MASK;
}

/** The colour (0..2) of a packed entry. */
export function entryColor(e: number): number {
  return (e >> COLOR_SHIFT) & 3;
}

/** Whether a packed entry is a setup stone rather than a move. */
export function entryIsSetup(e: number): boolean {
  return (e & SETUP_FLAG) !== 0;
}

/** Per-game metadata line of games.jsonl. */
export interface GameMeta {
  /** Content hash of the game's entries (hex, 16 chars); also decides the split. */
  hash: string;
  split: 'train' | 'val';
  /** Input file relative to the input argument it came from, and the game's index inside that file. */
  source: string;
  sourceIndex: number;
  moves: number;
  setup: number;
  komi: number | null;
  handicap: number;
  result: string | null;
  players: { black: string | null; white: string | null };
  ranks: { black: string | null; white: string | null };
  date: string | null;
  gameName: string | null;
}

/** Options a dataset was built with (recorded in the manifest). */
export interface BuildOptions {
  /** Games with fewer moves (passes included) are dropped as `too_short`. */
  minMoves: number;
  /** Keep handicap / setup-stone games instead of dropping them as `handicap_or_setup`. */
  allowHandicap: boolean;
  /** Games with splitKey(hash) % 1000 < valPermille go to the validation split (1000 = everything). */
  valPermille: number;
}

export interface FileDigest {
  bytes: number;
  sha256: string;
}

/** manifest.json: written last, so a folder without it is never mistaken for a dataset. */
export interface Manifest {
  format: typeof FORMAT_NAME;
  version: number;
  createdAt: string;
  options: BuildOptions;
  inputs: string[];
  split: { method: string; valPermille: number };
  counts: {
    files: number;
    gamesRead: number;
    games: number;
    trainGames: number;
    valGames: number;
    /** One position per move, passes included. */
    positions: number;
    /** Positions whose move is on the board (passes excluded): what the 361-way classifier trains on. */
    labelledPositions: number;
    trainLabelled: number;
    valLabelled: number;
    setupStones: number;
  };
  dropped: Record<string, number>;
  files: Record<string, FileDigest>;
  /** sha256 over the three data files' digests: identifies the data a model was trained on. */
  contentHash: string;
}
