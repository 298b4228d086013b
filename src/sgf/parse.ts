import type { ParseOptions, SgfNode } from './types.js';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_NODES } from './types.js';
import { SgfError } from './errors.js';
import { decodeSgfBytes } from './charset.js';
import { gunzipLimited, isGzip } from './gzip.js';
import { scanSgf } from './scanner.js';

/** Outcome of `parseSgf`: the good games, one error per bad game, and how the bytes were decoded. */
export interface ParseResult {
  games: SgfNode[];
  errors: SgfError[];
  /** Position of each of `games` among all game trees in the input (bad ones count too). */
  gameIndexes: number[];
  /** Encoding used for byte input ('string' for string input). */
  encoding: string;
  /** Invalid bytes were replaced by U+FFFD while decoding. */
  lossy: boolean;
}

/**
 * Parses an SGF collection from text or bytes (bytes may be gzip'ed; the charset comes from
 * `CA[]` or detection). Never throws for malformed games: they are left out and reported in
 * `errors`. Throws SgfError only for whole-input problems: size over `maxBytes`, more nodes than
 * `maxNodes`, corrupt gzip, wrong input type.
 */
export function parseSgf(input: string | Uint8Array, opts: ParseOptions = {}): ParseResult {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxNodes = opts.maxNodes ?? DEFAULT_MAX_NODES;
  let text: string;
  let encoding = 'string';
  let lossy = false;
  if (typeof input === 'string') {
    if (input.length > maxBytes) {
      throw new SgfError(`input too large: ${input.length} characters exceed maxBytes = ${maxBytes}`, 'limit', 0, 0, -1, 0);
    }
    text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  } else if (input instanceof Uint8Array) {
    let bytes = input;
    if (isGzip(bytes)) bytes = gunzipLimited(bytes, maxBytes);
    if (bytes.length > maxBytes) {
      throw new SgfError(`input too large: ${bytes.length} bytes exceed maxBytes = ${maxBytes}`, 'limit', 0, 0, -1, 0);
    }
    const decoded = decodeSgfBytes(bytes, opts.encoding);
    text = decoded.text;
    encoding = decoded.encoding;
    lossy = decoded.lossy;
  } else {
    throw new SgfError(`parseSgf: input must be a string or Uint8Array, got ${typeof input}`, 'input', 0, 0, -1, 0);
  }
  const scan = scanSgf(text, maxNodes);
  if (scan.games.length === 0 && scan.errors.length === 0) {
    scan.errors.push(new SgfError("no game tree found: expected '(;'", 'no-game', 1, 1, -1, 0));
  }
  return { games: scan.games, errors: scan.errors, gameIndexes: scan.gameIndexes, encoding, lossy };
}

/**
 * Parses input that must hold exactly one well-formed game (HTTP uploads, GTP loadsgf) and returns
 * its root; throws the first SgfError if any game is malformed, or if there is no game.
 */
export function parseSgfGame(input: string | Uint8Array, opts: ParseOptions = {}): SgfNode {
  const r = parseSgf(input, opts);
  if (r.errors.length > 0) throw r.errors[0]!;
  return r.games[0]!;
}
