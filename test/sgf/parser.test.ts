import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  SgfError,
  countNodes,
  mainLine,
  parseSgf,
  parseSgfGame,
  readSgfFile,
  readSgfFileSync,
  variationLine,
  treesEqual,
  walkTree,
  writeSgf,
  type SgfNode,
} from '../../src/sgf/index.js';
import { samples, tricky } from './paths.js';

const n = (props: Record<string, string[]>, ...children: SgfNode[]): SgfNode => ({ props, children });
const moves = (line: SgfNode[]): string[] =>
  line.filter((x) => x.props.B || x.props.W).map((x) => (x.props.B ? 'B' + x.props.B[0] : 'W' + x.props.W![0]));

describe('parseSgf: syntax', () => {
  it('parses a sequence into a chain of first children', () => {
    const r = parseSgf('(;FF[4]SZ[19];B[pd];W[dp])');
    expect(r.errors).toEqual([]);
    expect(r.games).toEqual([n({ FF: ['4'], SZ: ['19'] }, n({ B: ['pd'] }, n({ W: ['dp'] })))]);
  });

  it('keeps escapes, soft line breaks, hard newlines and unknown properties as written in the file', () => {
    const g = readSgfFileSync(tricky('escapes.sgf')).games[0]!;
    expect(g.props.C).toEqual(['a ] b \\ c softbreak']);
    expect(g.props.GN).toEqual(['x:y']);
    expect(g.children[0]!.props.C).toEqual(['two\nlines']);
    // all four soft-break spellings
    const r = parseSgf('(;C[a\\\nb\\\r\nc\\\rd\\\n\re]XX[1][2])');
    expect(r.games[0]!.props).toEqual({ C: ['abcde'], XX: ['1', '2'] });
  });

  it('reads passes B[] and B[tt] verbatim', () => {
    const g = readSgfFileSync(tricky('escapes.sgf')).games[0]!;
    expect(moves(mainLine(g))).toEqual(['Bpd', 'Wtt', 'B']);
  });

  it('maps FF[3] long lower-case names to their capitals and allows whitespace everywhere between tokens', () => {
    const g = readSgfFileSync(tricky('ff3-lowercase.sgf')).games[0]!;
    expect(g.props).toEqual({ GM: ['1'], FF: ['3'], SZ: ['19'], AB: ['pd', 'dp'], PB: ['Old Timer'] });
    expect(moves(mainLine(g))).toEqual(['Wqq', 'Btt']);
  });

  it('merges a property repeated in one node', () => {
    expect(parseSgf('(;AB[aa]AW[bb]AB[cc])').games[0]!.props).toEqual({ AB: ['aa', 'cc'], AW: ['bb'] });
  });

  it('builds the variation tree; mainLine follows first children; variationLine picks at forks', () => {
    const g = readSgfFileSync(tricky('variations.sgf')).games[0]!;
    // (;FF[4]SZ[19];B[pd](;W[dp];B[pp])(;W[dd](;B[pp])(;B[dp];W[pp])))
    expect(g.children[0]!.children.map((c) => c.props.W![0])).toEqual(['dp', 'dd']);
    expect(moves(mainLine(g))).toEqual(['Bpd', 'Wdp', 'Bpp']);
    expect(moves(variationLine(g, [1]))).toEqual(['Bpd', 'Wdd', 'Bpp']);
    expect(moves(variationLine(g, [1, 1]))).toEqual(['Bpd', 'Wdd', 'Bdp', 'Wpp']);
    expect(() => variationLine(g, [2])).toThrow(/fork 0 .* has 2 children, index 2/);
    expect(() => variationLine(g, [0, 0])).toThrow(/only 1 forks/);
    expect(countNodes(g)).toBe(8);
  });

  it('reads a collection and ignores text outside game trees', () => {
    const r = parseSgf('header text (not a game)\n(;GN[a])garbage ) ] [ \n(;GN[b]) trailing');
    expect(r.errors).toEqual([]);
    expect(r.games.map((g) => g.props.GN![0])).toEqual(['a', 'b']);
    expect(r.gameIndexes).toEqual([0, 1]);
  });

  it('reads the tom9d sample, plain and gzip-compressed, to the same 20 games', async () => {
    const plain = readSgfFileSync(`${samples}/tom9d-2010-07-first20.sgf`);
    const gz = await readSgfFile(`${samples}/tom9d-2010-07-first20.sgf.gz`);
    expect(plain.games.length).toBe(20);
    expect(gz.games).toEqual(plain.games);
    const text = readFileSync(`${samples}/tom9d-2010-07-first20.sgf`, 'utf8');
    const firstLine = text.split('\n')[1]!; // ;B[..];W[..]… of game 0
    expect(mainLine(plain.games[0]!).length - 1).toBe(firstLine.split(';').length - 1);
  });
});

describe('parseSgf: errors', () => {
  const errorOf = (src: string): SgfError => {
    const r = parseSgf(src);
    expect(r.errors.length).toBe(1);
    return r.errors[0]!;
  };

  it('names line, column and what was expected', () => {
    const e = errorOf('(;FF[4]\n;B[pd]XY;W[dd])');
    expect(e).toBeInstanceOf(SgfError);
    expect([e.line, e.column, e.gameIndex, e.code]).toEqual([2, 9, 0, 'syntax']);
    expect(e.message).toMatch(/expected '\[' after property name XY, found ';'/);
  });

  it('reports an unterminated value at its opening bracket', () => {
    const e = errorOf('(;FF[4]\n  C[never closed');
    expect([e.line, e.column]).toEqual([2, 4]);
    expect(e.message).toMatch(/unterminated value of C: expected '\]'/);
  });

  it('reports an unclosed game tree at end of input, naming where it was opened', () => {
    const e = errorOf('\n\n  (;B[aa](;W[bb])');
    expect(e.message).toMatch(/expected '\)' to close the game tree opened at line 3, column 3/);
    expect([e.line, e.column]).toEqual([3, 18]);
  });

  it('rejects nodes after a variation, empty trees, stray characters and names without capitals', () => {
    expect(errorOf('(;B[aa](;W[bb]);B[cc])').message).toMatch(/after a variation: expected '\(' or '\)'/);
    expect(errorOf('(;B[aa]())').message).toMatch(/empty game tree/);
    expect(errorOf('(;B[aa]#)').message).toMatch(/unexpected '#': expected ';', '\(' or '\)'/);
    expect(errorOf('(;foo[1])').message).toMatch(/property name 'foo' has no upper-case letter/);
  });

  it('keeps the good games of a collection and reports the bad one with its index', () => {
    const r = readSgfFileSync(tricky('collection-one-bad.sgf'));
    expect(r.games.map((g) => g.props.GN![0])).toEqual(['one', 'three']);
    expect(r.gameIndexes).toEqual([0, 2]);
    expect(r.errors.map((e) => [e.gameIndex, e.line])).toEqual([[1, 2]]);
  });

  it('reports an input without a game tree', () => {
    const e = errorOf('just text; no SGF here');
    expect(e.code).toBe('no-game');
  });

  it('parseSgfGame throws the first error or returns the single game', () => {
    expect(() => parseSgfGame('(;B[aa]')).toThrow(SgfError);
    expect(parseSgfGame('(;B[aa])')).toEqual(n({ B: ['aa'] }));
  });

  it('enforces maxBytes and maxNodes with errors naming the limit', () => {
    expect(() => parseSgf('(;B[aa])', { maxBytes: 5 })).toThrow(/exceed maxBytes = 5/);
    expect(() => parseSgf(new TextEncoder().encode('(;B[aa])'), { maxBytes: 5 })).toThrow(/exceed maxBytes = 5/);
    expect(() => parseSgf('(;B[aa];W[bb];B[cc])', { maxNodes: 2 })).toThrow(/more than maxNodes = 2/);
    expect(parseSgf('(;B[aa];W[bb])', { maxNodes: 2 }).games.length).toBe(1);
    try {
      parseSgf('(;B[aa];W[bb];B[cc])', { maxNodes: 2 });
    } catch (e) {
      expect((e as SgfError).code).toBe('limit');
    }
  });

  it('rejects non-text input with an SgfError', () => {
    expect(() => parseSgf(42 as unknown as string)).toThrow(/must be a string or Uint8Array, got number/);
  });
});

describe('deep nesting without recursion', () => {
  const DEPTH = 100_000;
  const deep = (): string => {
    const open: string[] = [];
    for (let i = 0; i < DEPTH; i++) open.push(i % 2 ? '(;W[bb]' : '(;B[aa]');
    return open.join('') + ')'.repeat(DEPTH);
  };
  const bushy = (): string => {
    // every level forks: (;B[aa](;W[bb])(;B[aa](;W[bb])(;…)))
    let s = '';
    for (let i = 0; i < DEPTH; i++) s += '(;B[aa](;W[bb])';
    return s + ')'.repeat(DEPTH);
  };

  it('parses, walks and writes 100,000 nested single variations', () => {
    const r = parseSgf(deep());
    expect(r.errors.length).toBe(0);
    const g = r.games[0]!;
    expect(mainLine(g).length).toBe(DEPTH);
    let maxDepth = 0;
    walkTree(g, (_n, d) => {
      maxDepth = Math.max(maxDepth, d);
    });
    expect(maxDepth).toBe(DEPTH - 1);
    // toEqual recurses: use the iterative comparison for deep trees
    expect(treesEqual(parseSgf(writeSgf(g)).games[0]!, g)).toBe(true);
  });

  it('parses, walks and writes 100,000 nested forks', () => {
    const g = parseSgf(bushy()).games[0]!;
    expect(countNodes(g)).toBe(2 * DEPTH);
    // the main line takes the first child W[bb] at the root fork and stops
    expect(mainLine(g).length).toBe(2);
    const path = new Array<number>(DEPTH - 1).fill(1);
    expect(variationLine(g, path).length).toBe(DEPTH + 1);
    const back = parseSgf(writeSgf(g)).games[0]!;
    expect(countNodes(back)).toBe(2 * DEPTH);
    expect(treesEqual(back, g)).toBe(true);
    back.children[1]!.children[1]!.props.B = ['ab'];
    expect(treesEqual(back, g)).toBe(false);
  });
});
