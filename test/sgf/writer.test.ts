import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { escapeSgfValue, parseSgf, writeSgf, type SgfNode } from '../../src/sgf/index.js';

// Values mix the characters that need care: ] and \ (escaped), newlines (\n, \r\n, \r: kept verbatim),
// brackets, parentheses, semicolons, colons and non-ASCII text including astral characters.
const tricky = fc.constantFrom(']', '\\', '\n', '\r\n', '\r', '[', '(', ')', ';', ':', ' ', '围棋', 'é', '🀄', 'tt');
const value = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.array(fc.oneof(tricky, fc.string({ maxLength: 3 })), { maxLength: 6 }).map((parts) => parts.join('')),
);
const ident = fc.stringMatching(/^[A-Z]{1,4}$/);
const props = fc.dictionary(ident, fc.array(value, { minLength: 1, maxLength: 3 }), { maxKeys: 4 });

const { tree } = fc.letrec<{ tree: SgfNode }>((tie) => ({
  tree: fc.record({
    props,
    children: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.constant([]), fc.array(tie('tree'), { maxLength: 3 })),
  }) as fc.Arbitrary<SgfNode>,
}));

describe('writeSgf', () => {
  it('round-trips: parseSgf(writeSgf(games)).games deep-equals games (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(tree, { minLength: 1, maxLength: 3 }), (games) => {
        const r = parseSgf(writeSgf(games));
        expect(r.errors).toEqual([]);
        expect(r.games).toEqual(games);
      }),
      { numRuns: 300 },
    );
  });

  it('escapes only ] and \\', () => {
    expect(escapeSgfValue('a]b\\c\n:')).toBe('a\\]b\\\\c\n:');
    expect(escapeSgfValue('plain')).toBe('plain');
  });

  it('writes variations in parentheses after the fork node', () => {
    const g: SgfNode = {
      props: { SZ: ['19'] },
      children: [
        { props: { B: ['pd'] }, children: [{ props: { W: ['dd'] }, children: [] }, { props: { W: ['dp'] }, children: [] }] },
      ],
    };
    expect(writeSgf(g)).toBe('(;SZ[19]\n;B[pd]\n(;W[dd])\n(;W[dp]))\n');
  });

  it('rejects property names it cannot write and properties without values', () => {
    expect(() => writeSgf({ props: { b: ['aa'] }, children: [] })).toThrow(/property name 'b'/);
    expect(() => writeSgf({ props: { B: [] }, children: [] })).toThrow(/property B has no values/);
  });
});
