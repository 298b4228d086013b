// GTP v2 wire format (gtp2spec-draft2, sections 2.2–2.3 and 3): preprocessing of one input line into a
// command, and the exact framing of responses. Pure functions, no I/O, so the framing is testable alone.

/** One parsed command line: optional numeric id, lower-cased name, whitespace-split arguments. */
export interface GtpCommand {
  id: number | null;
  name: string;
  args: string[];
}

/** A handler's verdict: success text (may be multi-line) or failure message. */
export type GtpResult = { ok: true; text: string } | { ok: false; text: string };

/** Success result. */
export function success(text = ''): GtpResult {
  return { ok: true, text };
}

/** Failure result with the message sent after `?`. */
export function failure(text: string): GtpResult {
  return { ok: false, text };
}

/** A failure a handler throws to stop early; the dispatcher turns it into `? message`. */
export class GtpError extends Error {
  override readonly name = 'GtpError';
}

// Spec 3.1: remove every control character except HT and LF, turn HT into a space, drop comments.
// DEL (127) counts as a control character too.
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/g;

/**
 * Preprocesses one input line (without its LF) per the spec and parses it; returns null for lines the
 * spec says to ignore (empty, whitespace-only or comment-only). Never throws.
 */
export function parseCommandLine(raw: string): GtpCommand | null {
  return parseTokens(raw);
}

/** The id of a line's first token when it is one (used for over-long lines, of which only the start is kept). */
export function leadingId(start: string): number | null {
  const cmd = parseTokens(start.replace(/\s+\S*$/, ' '));
  return cmd?.id ?? null;
}

function parseTokens(raw: string): GtpCommand | null {
  let s = raw.replace(CONTROL, '').replace(/\t/g, ' ');
  const hash = s.indexOf('#');
  if (hash >= 0) s = s.slice(0, hash);
  const tokens = s.split(' ').filter((t) => t !== '');
  if (tokens.length === 0) return null;
  let id: number | null = null;
  // An id is an unsigned integer token; anything else in first position is the command name.
  if (/^\d+$/.test(tokens[0]!)) {
    const n = Number(tokens[0]);
    if (Number.isSafeInteger(n)) {
      id = n;
      tokens.shift();
    }
  }
  if (tokens.length === 0) return { id, name: '', args: [] };
  return { id, name: tokens[0]!.toLowerCase(), args: tokens.slice(1) };
}

/** The `=id` / `?id` prefix of a response (no space, no text); streaming commands write it on its own line. */
export function responseHead(ok: boolean, id: number | null): string {
  return (ok ? '=' : '?') + (id === null ? '' : String(id));
}

/**
 * Frames a complete response: `=id text\n\n` or `?id text\n\n`, with the space after the status even when the
 * text is empty (`= \n\n`), as GnuGo, Leela Zero and KataGo answer and strict parsers expect. Empty lines inside
 * multi-line text would end the response early, so they are replaced by a line holding one space; trailing
 * newlines are removed.
 */
export function formatResponse(ok: boolean, id: number | null, text: string): string {
  // Responses stay ASCII for old controllers: the rules core's messages say "19×19".
  const body = text
    .replace(/\r/g, '')
    .replace(/×/g, 'x')
    .replace(/\n+$/, '')
    .split('\n')
    .map((l, i) => (i > 0 && l.trim() === '' ? ' ' : l))
    .join('\n');
  const head = responseHead(ok, id);
  return `${head} ${body}\n\n`;
}
