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
  return new Scanner(text, maxNodes).scan();
}

/** How error messages name the character at `offset`: `'x'`, `character U+0001` or `end of input`. */
function describeAt(text: string, offset: number): string {
  if (offset >= text.length) return 'end of input';
  const ch = text[offset]!;
  const code = ch.charCodeAt(0);
  return code < 32 || code === 127 ? `character U+${code.toString(16).padStart(4, '0')}` : `'${ch}'`;
}

/**
 * Turns offsets into line:column. Errors come in increasing offset order, so lines are counted
 * incrementally from the last position asked for (O(n) over the whole scan).
 */
class LineCounter {
  private offset = 0;
  private line = 1;
  private lineStart = 0;

  constructor(private readonly text: string) {}

  /** The 1-based line and column of `offset`. */
  locate(offset: number): { line: number; column: number } {
    const text = this.text;
    if (offset < this.offset) return lineColumnAt(text, offset); // out of order (not expected): count from scratch
    const end = Math.min(offset, text.length);
    for (let k = this.offset; k < end; k++) {
      const c = text.charCodeAt(k);
      if (c === LF || (c === CR && text.charCodeAt(k + 1) !== LF)) {
        this.line++;
        this.lineStart = k + 1;
      }
    }
    if (end > this.offset) this.offset = end;
    return { line: this.line, column: offset - this.lineStart + 1 };
  }
}

/**
 * The scan's state: the cursor, the open '(' levels of the current game tree, and the results.
 * Each method reads one construct and leaves `i` just past it; on a syntax error it records the
 * error and skips the rest of the game tree (`fail`), leaving `depth` at 0.
 */
class Scanner {
  private readonly n: number;
  private i = 0;
  private readonly games: SgfNode[] = [];
  private readonly gameIndexes: number[] = [];
  private readonly errors: SgfError[] = [];
  private nodeCount = 0;
  private gameIndex = -1;
  private gameRoot: SgfNode | null = null;
  // Per open '(' level: the node the level's first node hangs under (null: it is the game root),
  // the last node of the level's sequence, whether a sub-tree was already closed at this level,
  // and where the '(' was (for "unterminated" messages). Parallel arrays: no recursion, no allocation per level.
  private depth = 0;
  private readonly parents: (SgfNode | null)[] = [];
  private readonly tails: (SgfNode | null)[] = [];
  private readonly closedChild: boolean[] = [];
  private readonly opens: number[] = [];
  private readonly lines: LineCounter;

  constructor(
    private readonly text: string,
    private readonly maxNodes: number,
  ) {
    this.n = text.length;
    this.lines = new LineCounter(text);
  }

  /** Scans the whole collection: find a game tree, read it, repeat; then report a tree left open at the end. */
  scan(): ScanResult {
    while (this.findGameStart()) this.scanGameTree();
    if (this.depth > 0) {
      const open = lineColumnAt(this.text, this.opens[this.depth - 1]!);
      this.errors.push(
        this.error(
          `unexpected end of input: expected ')' to close the game tree opened at line ${open.line}, column ${open.column}`,
          this.n,
        ),
      );
    }
    return { games: this.games, errors: this.errors, gameIndexes: this.gameIndexes, nodeCount: this.nodeCount };
  }

  /**
   * Outside game trees: skips anything (mail headers, garbage) until '(' ws* ';', opens level 0 there and
   * returns true with `i` on the ';'; returns false at the end of the input.
   */
  private findGameStart(): boolean {
    const text = this.text;
    const n = this.n;
    for (let i = this.i; i < n; i++) {
      if (text.charCodeAt(i) !== LPAREN) continue;
      let j = i + 1;
      while (j < n && text.charCodeAt(j) <= 32) j++;
      if (j >= n || text.charCodeAt(j) !== SEMI) continue;
      this.gameIndex++;
      this.depth = 1;
      this.parents[0] = null;
      this.tails[0] = null;
      this.closedChild[0] = false;
      this.opens[0] = i;
      this.gameRoot = null;
      this.i = j;
      return true;
    }
    this.i = n;
    return false;
  }

  /** Reads tokens of the current game tree until it closes, fails, or the input ends. */
  private scanGameTree(): void {
    const text = this.text;
    const n = this.n;
    while (this.depth > 0 && this.i < n) {
      const c = text.charCodeAt(this.i);
      if (c <= 32) this.i++;
      else if (c === SEMI) this.scanNode();
      else if (c === LPAREN) this.openVariation();
      else if (c === RPAREN) this.closeTree();
      else this.fail(`unexpected ${describeAt(text, this.i)}: expected ';', '(' or ')'`, this.i);
    }
  }

  /** ';' and the node's properties: the node is appended to the current level's sequence. */
  private scanNode(): void {
    const level = this.depth - 1;
    if (this.closedChild[level]) {
      this.fail("unexpected ';' after a variation: expected '(' or ')'", this.i);
      return;
    }
    if (++this.nodeCount > this.maxNodes) {
      throw this.error(`too many nodes: the input has more than maxNodes = ${this.maxNodes} nodes`, this.i, 'limit');
    }
    const node: SgfNode = { props: {}, children: [] };
    const tail = this.tails[level];
    if (tail !== null) addChild(tail, node);
    else {
      const parent = this.parents[level];
      if (parent !== null) addChild(parent, node);
      else this.gameRoot = node;
    }
    this.tails[level] = node;
    this.i++;
    this.scanProperties(node.props);
  }

  /** Properties `IDENT[value]…` until something that is not a letter (or the game fails). */
  private scanProperties(props: SgfNode['props']): void {
    const text = this.text;
    const n = this.n;
    for (;;) {
      let i = this.i;
      let c = 0;
      while (i < n && (c = text.charCodeAt(i)) <= 32) i++;
      this.i = i;
      if (i >= n || !((c >= 65 && c <= 90) || (c >= 97 && c <= 122))) return;
      const ident = this.scanIdent();
      if (ident === null) return;
      i = this.i;
      while (i < n && (c = text.charCodeAt(i)) <= 32) i++;
      this.i = i;
      if (i >= n || c !== LBRACK) {
        this.fail(`expected '[' after property name ${ident}, found ${describeAt(text, i)}`, i);
        return;
      }
      this.scanValues(props, ident);
    }
  }

  /** A property name (upper-case letters; FF[3] lower-case letters are dropped), interned when short; null after failing. */
  private scanIdent(): string | null {
    const text = this.text;
    const n = this.n;
    const start = this.i;
    let i = start;
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
    this.i = i;
    if (lower) {
      // FF[3] long names such as `AddBlack`: the upper-case letters are the identifier.
      const ident = text.slice(start, i).replace(/[a-z]+/g, '');
      if (ident === '') {
        this.fail(`property name '${text.slice(start, i)}' has no upper-case letter`, start);
        return null;
      }
      return ident;
    }
    if (uppers === 1) return ONE_UPPER[code]!;
    if (uppers === 2) return TWO_UPPER[code]!;
    return text.slice(start, i);
  }

  /** Values '[' … ']' repeated, whitespace allowed in between, appended to `props[ident]`; `i` is on the first '['. */
  private scanValues(props: SgfNode['props'], ident: string): void {
    const text = this.text;
    const n = this.n;
    let values: string[] | undefined = props[ident];
    let i = this.i;
    let c = LBRACK;
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
        this.errors.push(this.error(`unterminated value of ${ident}: expected ']' before end of input`, open));
        this.i = n;
        this.depth = 0;
        this.gameRoot = null;
        return;
      }
      const value = escaped ? unescapeValue(text, start, i) : plainValue(text, start, i);
      // Exact-size arrays: push() on an empty array reserves 17 slots, and there is one per node.
      if (values === undefined) {
        values = [value];
        props[ident] = values;
      } else values.push(value);
      i++;
      while (i < n && (c = text.charCodeAt(i)) <= 32) i++;
      if (i >= n) break;
    }
    this.i = i;
  }

  /** '(' opens a variation under the current level's last node. */
  private openVariation(): void {
    const level = this.depth - 1;
    if (this.tails[level] === null) {
      this.fail("expected ';' before '(': a game tree must start with a node", this.i);
      return;
    }
    const depth = this.depth;
    this.parents[depth] = this.tails[level];
    this.tails[depth] = null;
    this.closedChild[depth] = false;
    this.opens[depth] = this.i;
    this.depth = depth + 1;
    this.i++;
  }

  /** ')' closes the current level; closing level 0 completes the game. */
  private closeTree(): void {
    if (this.tails[this.depth - 1] === null) {
      this.fail("empty game tree: expected ';' before ')'", this.i);
      return;
    }
    this.depth--;
    this.i++;
    if (this.depth === 0) {
      this.games.push(this.gameRoot!);
      this.gameIndexes.push(this.gameIndex);
      this.gameRoot = null;
    } else this.closedChild[this.depth - 1] = true;
  }

  /** Records a syntax error at `offset` and skips the rest of the game tree. */
  private fail(message: string, offset: number): void {
    this.errors.push(this.error(message, offset));
    this.recover();
  }

  /** An SgfError at `offset` of the current game, with line and column. */
  private error(message: string, offset: number, code: 'syntax' | 'limit' = 'syntax'): SgfError {
    const at = this.lines.locate(offset);
    return new SgfError(message, code, at.line, at.column, this.gameIndex, offset);
  }

  /** Skips the rest of a broken game tree: balances parentheses, stepping over bracketed values. */
  private recover(): void {
    const text = this.text;
    const n = this.n;
    let i = this.i;
    let depth = this.depth;
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
    this.i = i;
    this.depth = 0;
    this.gameRoot = null;
  }
}

/** text[start, end) without escapes; two lower-case letters (coordinates) come from the interned table. */
function plainValue(text: string, start: number, end: number): string {
  const len = end - start;
  if (len === 2) {
    const a = text.charCodeAt(start) - 97;
    const b = text.charCodeAt(start + 1) - 97;
    return a >= 0 && a < 26 && b >= 0 && b < 26 ? TWO_LOWER[a * 26 + b]! : text.slice(start, end);
  }
  return len === 0 ? '' : text.slice(start, end);
}
