// Content hashes of games and the hash-based train/validation split.
//
// The split depends only on a game's own entries (setup stones + moves), never on input order, file names or the
// other games, so a rebuild with more, fewer or reordered inputs never moves a game across the split, and exact
// duplicates (which share the hash) always land on the same side.
import { createHash } from 'node:crypto';

/** 16-hex-char (64-bit) sha256 prefix of the packed entries' little-endian bytes. */
export function gameHash(entries: Uint16Array, length = entries.length): string {
  const bytes = new Uint8Array(entries.buffer, entries.byteOffset, length * 2);
  if (!LITTLE_ENDIAN) {
    const copy = new Uint8Array(length * 2);
    for (let i = 0; i < length; i++) {
      copy[2 * i] = entries[i] & 0xff;
      copy[2 * i + 1] = entries[i] >> 8;
    }
    return createHash('sha256').update(copy).digest('hex').slice(0, 16);
  }
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

/** 0..999 bucket of a game hash: the first 32 bits of the hash modulo 1000. */
export function splitBucket(hash: string): number {
  if (!/^[0-9a-f]{8}/.test(hash)) throw new Error(`splitBucket: "${hash}" is not a hex game hash`);
  return parseInt(hash.slice(0, 8), 16) % 1000;
}

/** Whether a game with this hash belongs to the validation split for valPermille (0..1000). */
export function isValidationHash(hash: string, valPermille: number): boolean {
  return splitBucket(hash) < valPermille;
}

/** Converts a validation fraction 0..1 into the permille used by the split (rounded to the nearest 1/1000). */
export function fractionToPermille(fraction: number): number {
  if (typeof fraction !== 'number' || !Number.isFinite(fraction) || fraction < 0 || fraction > 1) {
    throw new Error(`validation fraction ${fraction} is not a number in 0..1`);
  }
  return Math.round(fraction * 1000);
}

export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
