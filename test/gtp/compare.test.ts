// Paired comparison of two match folders (`tengen match --compare`) and the exact sign test behind it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareMatches, formatComparison, readMatchFolder } from '../../src/gtp/compare.js';
import { signTest } from '../../src/stats.js';

describe('signTest (exact two-sided binomial, p = 1/2)', () => {
  it('matches hand-computed tails', () => {
    // 2 * sum_{k<=6} C(22,k) / 2^22 = 2 * 110056 / 4194304
    expect(signTest(16, 22)).toBeCloseTo((2 * 110056) / 4194304, 12);
    expect(signTest(6, 22)).toBeCloseTo((2 * 110056) / 4194304, 12);
    // 2 * (1 + 11 + 55 + 165) / 2048
    expect(signTest(8, 11)).toBeCloseTo((2 * 232) / 2048, 12);
    expect(signTest(0, 5)).toBeCloseTo(2 / 32, 12);
    expect(signTest(5, 10)).toBe(1);
    expect(signTest(0, 0)).toBe(1);
    // Large n: no overflow, and a 600/1000 split is far out in the tail.
    expect(signTest(600, 1000)).toBeLessThan(1e-9);
    expect(signTest(600, 1000)).toBeGreaterThan(0);
  });
  it('refuses impossible counts', () => {
    expect(() => signTest(3, 2)).toThrow(/0 <= x <= n/);
    expect(() => signTest(1.5, 4)).toThrow(/integers/);
  });
});

describe('compareMatches: engine A of two folders, game by game', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'tengen-compare-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const opening = (k: number): string => (k % 2 ? ';B[pd];W[dd]' : ';B[dp];W[pp]');
  /** A folder whose games have these results; engine A is Black in odd games. `opening` names game k's opening. */
  function folder(name: string, results: string[], opts: { openings?: boolean; pathPrefix?: string; playerA?: string } = {}): string {
    const dir = path.join(tmp, name);
    mkdirSync(dir, { recursive: true });
    results.forEach((re, i) => {
      const k = Math.floor(i / 2) + 1; // games 2k-1 and 2k share an opening
      const a = opts.playerA ?? 'Tengen';
      const [pb, pw] = i % 2 === 0 ? [a, 'GNU Go'] : ['GNU Go', a];
      const note = opts.openings === false ? '' : `; opening: the first 2 moves of ${opts.pathPrefix ?? ''}dev/x.sgf#${k}`;
      const moves = opts.openings === false ? '' : opening(k);
      writeFileSync(path.join(dir, `game-${String(i + 1).padStart(3, '0')}.sgf`), `(;GM[1]FF[4]SZ[19]KM[7.5]PB[${pb}]PW[${pw}]RE[${re}]GC[score: test${note}]${moves};B[qq])`);
    });
    return dir;
  }

  it('counts both / only first / only second / neither from each game\'s winner and colour', () => {
    // Game 1: A is Black; game 2: A is White.        A won in first:  game1 yes, game2 yes, game3 no, game4 no, game5 yes, game6 draw
    const first = folder('first', ['B+R', 'W+3.5', 'W+10.5', 'B+0.5', 'B+2.5', '0']);
    //                                                A won in second: game1 no,  game2 yes, game3 yes, game4 no, game5 yes, game6 yes
    const second = folder('second', ['W+R', 'W+R', 'B+1.5', 'B+R', 'B+R', 'W+1.5'], { pathPrefix: '/abs/path/' });
    const c = compareMatches(readMatchFolder(first), readMatchFolder(second));
    expect(c.paired).toEqual([1, 2, 3, 4, 5, 6]);
    expect([c.both, c.onlyFirst, c.onlySecond, c.neither, c.undecided]).toEqual([2, 1, 1, 1, 1]);
    expect(c.p).toBe(1);
    const text = formatComparison(c);
    expect(text).toContain('both won 2, only the first 1, only the second 1, neither 1; 1 with a draw or no result in either (left out)');
    expect(text).toMatch(/\| first: .*first \| Tengen \| GNU Go \| 3 \|/);
    expect(text).toMatch(/\| second: .*second \| Tengen \| GNU Go \| 4 \|/);
  });

  it('lists the games only one folder has and leaves them out', () => {
    const a = readMatchFolder(folder('long', ['B+R', 'W+R', 'B+R', 'W+R']));
    const b = readMatchFolder(folder('short', ['W+R', 'B+R']));
    const c = compareMatches(a, b);
    expect(c.paired).toEqual([1, 2]);
    expect(c.onlyInFirst).toEqual([3, 4]);
    expect([c.both, c.onlyFirst, c.onlySecond, c.neither]).toEqual([0, 2, 0, 0]);
    expect(signTest(2, 2)).toBe(0.5);
    expect(formatComparison(c)).toContain('only in the first folder (not compared): games 3–4');
  });

  it('refuses folders that did not play the same openings, naming the game', () => {
    const a = readMatchFolder(folder('with', ['B+R', 'W+R']));
    const b = readMatchFolder(folder('without', ['B+R', 'W+R'], { openings: false }));
    expect(() => compareMatches(a, b)).toThrow(/game 1 opens with dev\/x\.sgf#1 \(b q16 w d16\) in .*with but the empty board in .*without/);
  });

  it('names what it cannot read', () => {
    expect(() => readMatchFolder(path.join(tmp, 'nowhere'))).toThrow(/folder .*nowhere does not exist/);
    mkdirSync(path.join(tmp, 'empty'));
    expect(() => readMatchFolder(path.join(tmp, 'empty'))).toThrow(/no game-NNN\.sgf files in .*empty/);
    const bad = folder('bad', ['B+R']);
    writeFileSync(path.join(bad, 'game-002.sgf'), '(;GM[1]SZ[19');
    expect(() => readMatchFolder(bad)).toThrow(/cannot read .*game-002\.sgf/);
  });
});
