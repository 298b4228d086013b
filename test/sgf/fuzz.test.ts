import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { SgfError, parseSgf, toGameRecord, GameRecordError, treesEqual, writeSgf } from '../../src/sgf/index.js';
import { hasSharedData, samples, sharedData } from './paths.js';

/** Runs the parser; anything thrown must be an SgfError. */
function parsesOrSgfError(input: string | Uint8Array, opts = {}): ReturnType<typeof parseSgf> | null {
  try {
    return parseSgf(input, opts);
  } catch (e) {
    if (!(e instanceof SgfError)) throw e;
    return null;
  }
}

const sgfAlphabet = fc.constantFrom('(', ')', ';', '[', ']', '\\', 'B', 'W', 'AB', 'aa', 'tt', ':', ' ', '\n', '\r', 'é', 'x');

describe('robustness', () => {
  it('random bytes never throw anything but SgfError, and bad games always come with positions', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const r = parsesOrSgfError(bytes);
        if (r) for (const e of r.errors) expect(e.line).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('random SGF-like text never throws, and whatever parses survives a write/parse round trip', () => {
    fc.assert(
      fc.property(fc.array(sgfAlphabet, { maxLength: 80 }), (parts) => {
        const r = parseSgf('(;' + parts.join(''));
        for (const e of r.errors) expect(e).toBeInstanceOf(SgfError);
        if (r.games.length > 0) {
          const back = parseSgf(writeSgf(r.games)).games;
          expect(back.length).toBe(r.games.length);
          back.forEach((g, k) => expect(treesEqual(g, r.games[k]!)).toBe(true));
        }
        // record extraction fails only with GameRecordError
        for (const g of r.games) {
          try {
            toGameRecord(g);
          } catch (e) {
            expect(e).toBeInstanceOf(GameRecordError);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('every truncation of a real collection parses the complete games before the cut and reports the cut one', () => {
    const text = readFileSync(path.join(samples, 'tom9d-2010-07-first20.sgf'), 'utf8').split('\n').slice(0, 6).join('\n');
    const full = parseSgf(text).games;
    expect(full.length).toBe(3);
    for (let cut = 0; cut < text.length; cut += 7) {
      const r = parseSgf(text.slice(0, cut));
      // games 0..k-1 complete, at most one error (the cut game)
      expect(r.errors.length).toBeLessThanOrEqual(1);
      r.games.forEach((g, k) => expect(treesEqual(g, full[k]!)).toBe(true));
    }
  });

  it.skipIf(!hasSharedData)('truncated and bit-flipped real files (bytes) never throw anything but SgfError', () => {
    const dir = path.join(sharedData, 'sgf-wild');
    const files = readdirSync(dir).filter((f) => f.endsWith('.sgf')).slice(0, 40);
    const bufs = files.map((f) => readFileSync(path.join(dir, f)));
    fc.assert(
      fc.property(fc.nat(bufs.length - 1), fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(255), (k, at, flip) => {
        const b = bufs[k]!;
        const cut = Math.floor(at * b.length);
        parsesOrSgfError(b.subarray(0, cut));
        const flipped = Uint8Array.from(b);
        flipped[cut % b.length] = flip;
        parsesOrSgfError(flipped);
      }),
      { numRuns: 300 },
    );
  });

  it('unterminated values, garbage between trees, unbalanced parentheses', () => {
    expect(parseSgf('(;C[abc\\]').errors[0]!.message).toMatch(/unterminated value of C/);
    const r = parseSgf('}{ (;B[aa]) ))) ]]] [[ (;W[bb]) ;;; (;B[cc]');
    expect(r.games.map((g) => Object.values(g.props)[0]![0])).toEqual(['aa', 'bb']);
    expect(r.errors.length).toBe(1); // the last, unclosed game
    expect(r.errors[0]!.gameIndex).toBe(2);
    expect(parseSgf(')))(((').errors[0]!.code).toBe('no-game');
  });

  it('refuses huge inputs and gzip bombs by the configured limits', () => {
    const big = '(;C[' + 'x'.repeat(2_000_000) + '])';
    expect(() => parseSgf(big, { maxBytes: 1_000_000 })).toThrow(/2000006 characters exceed maxBytes = 1000000/);
    const bomb = gzipSync(Buffer.from('(;C[' + ' '.repeat(5_000_000) + '])'));
    expect(bomb.length).toBeLessThan(100_000);
    expect(() => parseSgf(bomb, { maxBytes: 1_000_000 })).toThrow(/gunzipped size exceeds maxBytes = 1000000/);
    expect(parseSgf(bomb).games.length).toBe(1);
    expect(() => parseSgf(Uint8Array.from([0x1f, 0x8b, 1, 2, 3]))).toThrow(SgfError);
    const many = '(' + ';B[aa]'.repeat(1000) + ')';
    expect(() => parseSgf(many, { maxNodes: 999 })).toThrow(/maxNodes = 999/);
  });
});
