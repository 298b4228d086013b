// fast-check properties over random legal move sequences, checked against brute-force recomputation.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Board } from '../../src/go/board.js';
import { BLACK, EMPTY, NPOINTS, PASS, WHITE } from '../../src/go/constants.js';
import type { Player } from '../../src/go/constants.js';
import { floodChain, scratchHash, snapshot } from './helpers.js';

// Moves are drawn from a small corner region half of the time so that captures, kos and
// big merges actually happen; 999 stands for a pass.
const region = fc.constantFrom(5, 7, 19);
const moveSeeds = fc.array(fc.integer({ min: 0, max: 999 }), { minLength: 20, maxLength: 260, size: 'max' });

function seedToPoint(seed: number, width: number): number {
  if (seed >= 990) return PASS;
  const x = seed % width;
  const y = Math.floor(seed / width) % width;
  return y * 19 + x;
}

/** Plays the legal moves of a seed list (illegal ones are skipped), calling check after each. */
function replay(b: Board, seeds: number[], width: number, check?: (captured: number, before: number, mover: Player) => void): void {
  for (const seed of seeds) {
    const p = seedToPoint(seed, width);
    if (!b.isLegal(p)) continue;
    const mover = b.toPlay;
    const before = b.stoneCount(BLACK) + b.stoneCount(WHITE);
    const captured = p === PASS ? 0 : b.captureCountIfPlayed(p, mover);
    b.play(p);
    check?.(captured, before, mover);
  }
}

function checkChains(b: Board): void {
  for (let p = 0; p < NPOINTS; p++) {
    if (b.colorAt(p) === EMPTY) {
      expect(b.liberties(p)).toBe(0);
      continue;
    }
    const f = floodChain(b, p);
    expect(f.libs).toBeGreaterThan(0);
    expect(b.liberties(p)).toBe(f.libs);
    expect(b.chainSize(p)).toBe(f.stones.length);
    expect(b.chainId(p)).toBe(b.chainId(f.stones[0]));
  }
}

describe('board properties', () => {
  it('conserves stones modulo captures and keeps every chain alive with exact liberties and hash', () => {
    fc.assert(
      fc.property(moveSeeds, region, (seeds, width) => {
        const b = new Board();
        replay(b, seeds, width, (captured, before, mover) => {
          const after = b.stoneCount(BLACK) + b.stoneCount(WHITE);
          const lastIsPass = b.lastMove() === PASS;
          expect(after).toBe(lastIsPass ? before : before + 1 - captured);
          expect(b.toPlay).toBe(3 - mover);
          expect([b.hashLo, b.hashHi]).toEqual(scratchHash(b));
        });
        checkChains(b);
      }),
      { numRuns: 60 },
    );
  });

  it('undo restores the exact position, hash, toPlay, ko and ages at every step', () => {
    fc.assert(
      fc.property(moveSeeds, region, (seeds, width) => {
        const b = new Board();
        const snaps = [snapshot(b)];
        replay(b, seeds, width, () => snaps.push(snapshot(b)));
        for (let k = snaps.length - 1; k > 0; k--) {
          expect(snapshot(b)).toEqual(snaps[k]);
          b.undo();
        }
        expect(snapshot(b)).toEqual(snaps[0]);
        expect(() => b.undo()).toThrow(/no move to undo/);
      }),
      { numRuns: 40 },
    );
  });

  it('if-played queries match what play() actually does, without changing the board', () => {
    fc.assert(
      fc.property(moveSeeds, region, fc.integer({ min: 0, max: 360 }), (seeds, width, probeSeed) => {
        const b = new Board();
        replay(b, seeds, width);
        const before = snapshot(b);
        for (const color of [BLACK, WHITE] as Player[]) {
          for (let k = 0; k < 40; k++) {
            const p = (probeSeed + k * 37) % 361;
            const caps = b.captureCountIfPlayed(p, color);
            const libs = b.libertiesAfterPlay(p, color);
            const atari = b.selfAtariSizeIfPlayed(p, color);
            expect(snapshot(b)).toEqual(before);
            if (!b.isLegal(p, color)) {
              expect([caps, libs, atari]).toEqual([0, 0, 0]);
              continue;
            }
            const other = color === BLACK ? b.stoneCount(WHITE) : b.stoneCount(BLACK);
            b.play(p, color);
            const f = floodChain(b, p);
            expect(other - (color === BLACK ? b.stoneCount(WHITE) : b.stoneCount(BLACK))).toBe(caps);
            expect(libs).toBe(f.libs);
            expect(atari).toBe(f.libs === 1 ? f.stones.length : 0);
            b.undo();
            expect(snapshot(b)).toEqual(before);
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('legality agrees with play(): legal moves succeed, illegal ones throw and change nothing', () => {
    fc.assert(
      fc.property(moveSeeds, region, (seeds, width) => {
        const b = new Board();
        replay(b, seeds, width);
        const before = snapshot(b);
        for (let p = 0; p < 361; p += 3) {
          const r = b.legality(p);
          if (r === null) {
            b.play(p);
            b.undo();
          } else {
            expect(() => b.play(p)).toThrow(r);
          }
          expect(snapshot(b)).toEqual(before);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('clone and copyFrom give independent exact copies', () => {
    fc.assert(
      fc.property(moveSeeds, region, (seeds, width) => {
        const b = new Board();
        replay(b, seeds, width);
        const c = b.clone();
        expect(snapshot(c)).toEqual(snapshot(b));
        const before = snapshot(b);
        replay(c, seeds.slice(0, 30), 19);
        expect(snapshot(b)).toEqual(before);
        const d = new Board();
        d.copyFrom(b);
        while (d.historyLength > 0) d.undo();
        expect(d.stoneCount(BLACK) + d.stoneCount(WHITE)).toBe(0);
        expect(d.hashKey()).toBe(0);
      }),
      { numRuns: 20 },
    );
  });
});
