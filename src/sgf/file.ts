import { readFile, stat } from 'node:fs/promises';
import { readFileSync, statSync } from 'node:fs';
import type { ParseOptions } from './types.js';
import { DEFAULT_MAX_BYTES } from './types.js';
import { SgfError } from './errors.js';
import { parseSgf, type ParseResult } from './parse.js';

function checkSize(path: string, size: number, opts: ParseOptions): void {
  // A compressed file larger than the limit cannot unpack below it: refuse before reading it.
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  if (size > maxBytes) {
    throw new SgfError(`${path}: file of ${size} bytes exceeds maxBytes = ${maxBytes}`, 'limit', 0, 0, -1, 0);
  }
}

/** Reads and parses an SGF file; `.sgf.gz` (or any gzip'ed content) is recognised by its magic bytes. */
export async function readSgfFile(path: string, opts: ParseOptions = {}): Promise<ParseResult> {
  checkSize(path, (await stat(path)).size, opts);
  return parseSgf(await readFile(path), opts);
}

/** Synchronous `readSgfFile`, for CLI tools and tests. */
export function readSgfFileSync(path: string, opts: ParseOptions = {}): ParseResult {
  checkSize(path, statSync(path).size, opts);
  return parseSgf(readFileSync(path), opts);
}
