/**
 * The SGF text scanner: one pass over char codes, building plain `SgfNode` trees.
 *
 * Why hand-written rather than regex tokens or a parser generator: (1) speed — no regex per token,
 * no per-char string building, values are `slice`d and the most common short strings (property names,
 * two-letter coordinates) come from lookup tables, so a move node costs two small allocations;
 * (2) exact error positions — every error names the offset (turned into line:column) and what was
 * expected; (3) no recursion — variation nesting lives in explicit stacks (parallel arrays), so
 * 100,000 nested `(` parse without touching the call stack. `@sabaki/sgf` gives none of these guarantees.
 *
 * It works on the already-decoded string (see charset.ts for why decoding comes first).
 */
import type { SgfNode } from './types.js';
import { SgfError, lineColumnAt } from './errors.js';

const LPAREN = 40;
const RPAREN = 41;
const SEMI = 59;
const LBRACK = 91;
const RBRACK = 93;
const BSLASH = 92;
const CR = 13;
const LF = 10;

// Interned strings for the hot cases: property names of 1–2 upper-case letters and 2-letter
// lower-case values (coordinates), so `;B[qd]` allocates no string at all.
const ONE_UPPER: string[] = [];
const TWO_UPPER: string[] = [];
const TWO_LOWER: string[] = [];
for (let a = 0; a < 26; a++) {
  ONE_UPPER[a] = String.fromCharCode(65 + a);
  for (let b = 0; b < 26; b++) {
    TWO_UPPER[a * 26 + b] = String.fromCharCode(65 + a, 65 + b);
    TWO_LOWER[a * 26 + b] = String.fromCharCode(97 + a, 97 + b);
  }
}

/** Result of scanning: the well-formed games in input order, and one error per malformed game. */
export interface ScanResult {
  games: SgfNode[];
  errors: SgfError[];
  /** Index of each entry of `games` among all game trees of the collection (bad ones included). */
  gameIndexes: number[];
  nodeCount: number;
}

/** Appends a child; the first child gets an exact-size array (most nodes have exactly one). */
function addChild(parent: SgfNode, child: SgfNode): void {
  if (parent.children.length === 0) parent.children = [child];
  else parent.children.push(child);
}

/** Removes SGF escapes from text[start, end): `\x` → `x`, backslash + newline (soft line break) → nothing. */
function unescapeValue(text: string, start: number, end: number): string {
  let out = '';
  let seg = start;
  let k = start;
  while (k < end) {
    if (text.charCodeAt(k) !== BSLASH) {
      k++;
      continue;
    }
    out += text.slice(seg, k);
    const next = k + 1;
    const c = text.charCodeAt(next);
    if (c === LF || c === CR) {
      // Soft line break: \n, \r, \r\n and \n\r all count as one newline.
      const pair = c === LF ? CR : LF;
      seg = next + 1 < end && text.charCodeAt(next + 1) === pair ? next + 2 : next + 1;
    } else {
      seg = next; // the escaped character starts the next literal segment
    }
    k = seg === next ? next + 1 : seg;
  }
  return out + text.slice(seg, end);
}

/**
 * Parses every game tree of an SGF collection in `text`. Malformed games are skipped and reported
 * in `errors` (with line, column, game index); text outside game trees is ignored. Throws
 * `SgfError` (code 'limit') only when more than `maxNodes` nodes would be created.
 */
export function scanSgf(text: string, maxNodes: number): ScanResult {
  const n = text.length;
  const games: SgfNode[] = [];
  const gameIndexes: number[] = [];
  const errors: SgfError[] = [];
  // Per open '(' level: the node the level's first node hangs under (null: it is the game root),
  // the last node of the level's sequence, whether a sub-tree was already closed at this level,
  // and where the '(' was (for "unterminated" messages).
  const parents: (SgfNode | null)[] = [];
  const tails: (SgfNode | null)[] = [];
  const closedChild: boolean[] = [];
  const opens: number[] = [];
  let depth = 0;
  let gameIndex = -1;
  let gameRoot: SgfNode | null = null;
  let nodeCount = 0;
  let i = 0;

  // Errors come in increasing offset order, so line/column are tracked incrementally (O(n) overall).
  let posOffset = 0;
  let posLine = 1;
  let posLineStart = 0;
  const error = (message: string, offset: number, code: 'syntax' | 'limit' = 'syntax'): SgfError => {
    if (offset < posOffset) {
      const at = lineColumnAt(text, offset); // out of order (not expected): compute from scratch
      return new SgfError(message, code, at.line, at.column, gameIndex, offset);
    }
    const end = Math.min(offset, n);
    for (let k = posOffset; k < end; k++) {
      const c = text.charCodeAt(k);
      if (c === LF || (c === CR && text.charCodeAt(k + 1) !== LF)) {
        posLine++;
        posLineStart = k + 1;
      }
    }
    if (end > posOffset) posOffset = end;
    return new SgfError(message, code, posLine, offset - posLineStart + 1, gameIndex, offset);
  };
  const describe = (offset: number): string => {
    if (offset >= n) return 'end of input';
    const ch = text[offset]!;
    const code = ch.charCodeAt(0);
    return code < 32 || code === 127 ? `character U+${code.toString(16).padStart(4, '0')}` : `'${ch}'`;
  };

  // Skips the rest of a broken game tree: balances parentheses, stepping over bracketed values.
  const recover = (): void => {
    while (i < n && depth > 0) {
      const c = text.charCodeAt(i);
      if (c === LBRACK) {
        i++;
        while (i < n) {
          const v = text.charCodeAt(i);
          if (v === RBRACK) break;
          i += v === BSLASH ? 2 : 1;
        }
      } else if (c === LPAREN) depth++;
      else if (c === RPAREN) depth--;
      i++;
    }
    depth = 0;
    gameRoot = null;
  };

  outer: while (i < n) {
    let c = text.charCodeAt(i);
    if (depth === 0) {
      // Outside game trees: skip anything (mail headers, garbage) until '(' ws* ';'.
      if (c !== LPAREN) {
        i++;
        continue;
      }
      let j = i + 1;
      while (j < n && text.charCodeAt(j) <= 32) j++;
      if (j >= n || text.charCodeAt(j) !== SEMI) {
        i++;
        continue;
      }
      gameIndex++;
      depth = 1;
      parents[0] = null;
      tails[0] = null;
      closedChild[0] = false;
      opens[0] = i;
      gameRoot = null;
      i = j;
      continue;
    }
    if (c <= 32) {
      i++;
      continue;
    }
    const level = depth - 1;
    if (c === SEMI) {
      if (closedChild[level]) {
        errors.push(error("unexpected ';' after a variation: expected '(' or ')'", i));
        recover();
        continue;
      }
      if (++nodeCount > maxNodes) {
        throw error(`too many nodes: the input has more than maxNodes = ${maxNodes} nodes`, i, 'limit');
      }
      const node: SgfNode = { props: {}, children: [] };
      const tail = tails[level];
      if (tail !== null) addChild(tail, node);
      else {
        const parent = parents[level];
        if (parent !== null) addChild(parent, node);
        else gameRoot = node;
      }
      tails[level] = node;
      i++;
      const props = node.props;
      // Properties of this node.
      for (;;) {
        while (i < n && (c = text.charCodeAt(i)) <= 32) i++;
        if (i >= n) continue outer;
        const upper0 = c - 65;
        if (!((upper0 >= 0 && upper0 < 26) || (c >= 97 && c <= 122))) continue outer;
        const identStart = i;
        let uppers = 0;
        let lower = false;
        let code = 0;
        for (; i < n; i++) {
          const d = text.charCodeAt(i) - 65;
          if (d >= 0 && d < 26) {
            uppers++;
            code = code * 26 + d;
          } else if (d >= 32 && d < 58) lower = true;
          else break;
        }
        let ident: string;
        if (lower) {
          // FF[3] long names such as `AddBlack`: the upper-case letters are the identifier.
          ident = text.slice(identStart, i).replace(/[a-z]+/g, '');
          if (ident === '') {
            errors.push(error(`property name '${text.slice(identStart, i)}' has no upper-case letter`, identStart));
            recover();
            continue outer;
          }
        } else if (uppers === 1) ident = ONE_UPPER[code]!;
        else if (uppers === 2) ident = TWO_UPPER[code]!;
        else ident = text.slice(identStart, i);
        while (i < n && (c = text.charCodeAt(i)) <= 32) i++;
        if (i >= n || c !== LBRACK) {
          errors.push(error(`expected '[' after property name ${ident}, found ${describe(i)}`, i));
          recover();
          continue outer;
        }
        let values: string[] | undefined = props[ident];
        // Values: '[' ... ']' repeated, whitespace allowed in between.
        while (c === LBRACK) {
          const open = i;
          const start = ++i;
          let escaped = false;
          while (i < n) {
            c = text.charCodeAt(i);
            if (c === RBRACK) break;
            if (c === BSLASH) {
              escaped = true;
              i += 2;
            } else i++;
          }
          if (i >= n) {
            errors.push(error(`unterminated value of ${ident}: expected ']' before end of input`, open));
            i = n;
            depth = 0;
            gameRoot = null;
            continue outer;
          }
          let value: string;
          const len = i - start;
          if (escaped) value = unescapeValue(text, start, i);
          else if (len === 2) {
            const a = text.charCodeAt(start) - 97;
            const b = text.charCodeAt(start + 1) - 97;
            value = a >= 0 && a < 26 && b >= 0 && b < 26 ? TWO_LOWER[a * 26 + b]! : text.slice(start, i);
          } else value = len === 0 ? '' : text.slice(start, i);
          // Exact-size arrays: push() on an empty array reserves 17 slots, and there is one per node.
          if (values === undefined) {
            values = [value];
            props[ident] = values;
          } else values.push(value);
          i++;
          while (i < n && (c = text.charCodeAt(i)) <= 32) i++;
          if (i >= n) continue outer;
        }
      }
    } else if (c === LPAREN) {
      if (tails[level] === null) {
        errors.push(error("expected ';' before '(': a game tree must start with a node", i));
        recover();
        continue;
      }
      parents[depth] = tails[level];
      tails[depth] = null;
      closedChild[depth] = false;
      opens[depth] = i;
      depth++;
      i++;
    } else if (c === RPAREN) {
      if (tails[level] === null) {
        errors.push(error("empty game tree: expected ';' before ')'", i));
        recover();
        continue;
      }
      depth--;
      i++;
      if (depth === 0) {
        games.push(gameRoot!);
        gameIndexes.push(gameIndex);
        gameRoot = null;
      } else closedChild[depth - 1] = true;
    } else {
      errors.push(error(`unexpected ${describe(i)}: expected ';', '(' or ')'`, i));
      recover();
    }
  }
  if (depth > 0) {
    const open = lineColumnAt(text, opens[depth - 1]!);
    errors.push(
      error(
        `unexpected end of input: expected ')' to close the game tree opened at line ${open.line}, column ${open.column}`,
        n,
      ),
    );
  }
  return { games, errors, gameIndexes, nodeCount };
}
