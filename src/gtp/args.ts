// Argument parsing for GTP commands: every failure is a GtpError whose message says which argument is
// wrong and why, sent back as `? syntax error: …`.
import { BLACK, WHITE, type Player } from '../go/constants.js';
import { gtpToPoint } from '../go/coords.js';
import { GtpError } from './protocol.js';

/** Throws unless `args` has between min and max entries. */
export function expectArgs(args: readonly string[], min: number, max: number, usage: string): void {
  if (args.length < min || args.length > max) {
    throw new GtpError(`syntax error: expected ${usage}, got ${args.length} argument${args.length === 1 ? '' : 's'}`);
  }
}

/** `b`, `black`, `w`, `white` in any case → BLACK / WHITE. */
export function parseGtpColor(raw: string | undefined): Player {
  const s = (raw ?? '').toLowerCase();
  if (s === 'b' || s === 'black') return BLACK;
  if (s === 'w' || s === 'white') return WHITE;
  throw new GtpError(`syntax error: invalid color "${raw ?? ''}" (expected b, black, w or white)`);
}

/** A GTP vertex in any case or `pass` → point / PASS. */
export function parseGtpVertex(raw: string | undefined): number {
  try {
    return gtpToPoint(raw ?? '');
  } catch (err) {
    throw new GtpError(`syntax error: ${(err as Error).message}`);
  }
}

/** A whole number ≥ min. */
export function parseGtpInt(raw: string | undefined, what: string, min = 0): number {
  if (raw === undefined || !/^[+-]?\d+$/.test(raw)) throw new GtpError(`syntax error: ${what} must be a whole number, got "${raw ?? ''}"`);
  const n = Number(raw);
  if (n < min) throw new GtpError(`syntax error: ${what} must be at least ${min}, got ${n}`);
  return n;
}

/** A finite decimal number. */
export function parseGtpFloat(raw: string | undefined, what: string): number {
  const n = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(n)) throw new GtpError(`syntax error: ${what} must be a number, got "${raw ?? ''}"`);
  return n;
}
