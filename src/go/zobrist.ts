// Zobrist keys for positional hashing: 64 bits per (colour, cell) as two int32 halves, from a fixed
// seed so hashes are identical across runs and processes (tests and datasets may store them).
import { NCELLS } from './layout.js';

/** mulberry32: a fixed-seed stream of int32 values (also GTP's `--seed` sampler, so both stay one generator). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) | 0;
  };
}

/** Low 32 bits of the key of colour c (1 or 2) on internal cell i, at index c * NCELLS + i. */
export const ZOBRIST_LO: Int32Array = new Int32Array(3 * NCELLS);
/** High 32 bits, same indexing as ZOBRIST_LO. */
export const ZOBRIST_HI: Int32Array = new Int32Array(3 * NCELLS);

const rand = mulberry32(0x7e463e11);
for (let k = NCELLS; k < 3 * NCELLS; k++) {
  ZOBRIST_LO[k] = rand();
  ZOBRIST_HI[k] = rand();
}

/** 52-bit safe-integer key from the two halves (20 high bits of hi, all 32 of lo). */
export function hashKeyOf(lo: number, hi: number): number {
  return (hi & 0xfffff) * 4294967296 + (lo >>> 0);
}
