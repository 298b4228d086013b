/** What went wrong, machine-readable, so callers can count and branch on error kinds. */
export type SgfErrorCode =
  | 'syntax' // malformed SGF text: the message says what was expected
  | 'no-game' // no `(;` game tree anywhere in the input
  | 'limit' // input larger than maxBytes or more nodes than maxNodes
  | 'gzip' // corrupt gzip stream
  | 'input'; // wrong input type

/**
 * A problem found while reading SGF text. `line` and `column` are 1-based positions in the
 * decoded text (0 when unknown), `gameIndex` the 0-based index of the game tree in the
 * collection (-1 when the problem is not inside a game), `offset` the 0-based character offset.
 */
export class SgfError extends Error {
  override readonly name = 'SgfError';
  constructor(
    message: string,
    readonly code: SgfErrorCode,
    readonly line: number,
    readonly column: number,
    readonly gameIndex: number,
    readonly offset: number,
  ) {
    super(line > 0 ? `${message} (line ${line}, column ${column}${gameIndex >= 0 ? `, game ${gameIndex}` : ''})` : message);
  }
}

/** 1-based line and column of character `offset` in `text`; a CR LF pair counts as one line break. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
