// Zobrist keys for positional hashing: 64 bits per (colour, cell) as two int32 halves, drawn from the one
// generator (src/random.ts) with a fixed seed, so hashes are identical across runs and processes. Nothing stores
// them on disk (datasets hash with sha256; KataGo's `thisHash` is only reported): changing the keys is safe.
import { Random } from '../random.js';
import { NCELLS } from './layout.js';

/** Low 32 bits of the key of colour c (1 or 2) on internal cell i, at index c * NCELLS + i. */
export const ZOBRIST_LO: Int32Array = new Int32Array(3 * NCELLS);
/** High 32 bits, same indexing as ZOBRIST_LO. */
export const ZOBRIST_HI: Int32Array = new Int32Array(3 * NCELLS);

const rng = new Random(0x7e463e11);
for (let k = NCELLS; k < 3 * NCELLS; k++) {
  ZOBRIST_LO[k] = rng.nextUint32() | 0;
  ZOBRIST_HI[k] = rng.nextUint32() | 0;
}

/** 52-bit safe-integer key from the two halves (20 high bits of hi, all 32 of lo). */
export function hashKeyOf(lo: number, hi: number): number {
  return (hi & 0xfffff) * 4294967296 + (lo >>> 0);
}
