import { gunzipSync } from 'node:zlib';
import { SgfError } from './errors.js';

/** True when `bytes` starts with the gzip magic number 1F 8B. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Gunzips `bytes`, refusing to produce more than `maxBytes` (so a gzip bomb costs nothing).
 * Throws SgfError 'limit' over the limit and 'gzip' for a corrupt stream.
 */
export function gunzipLimited(bytes: Uint8Array, maxBytes: number): Uint8Array {
  try {
    return gunzipSync(bytes, { maxOutputLength: Math.max(1, maxBytes) });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new SgfError(`input too large: gunzipped size exceeds maxBytes = ${maxBytes}`, 'limit', 0, 0, -1, 0);
    }
    throw new SgfError(`corrupt gzip data: ${err.message}`, 'gzip', 0, 0, -1, 0);
  }
}
