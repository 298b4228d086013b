// The 8 symmetries on points, planes and policies, with hand-computed images.
import { describe, expect, it } from 'vitest';
import {
  inversePoint,
  inverseSymmetry,
  transformLabel,
  transformPlanes,
  transformPoint,
  transformPolicy,
} from '../../src/features/symmetry.js';
import { pt } from './helpers.js';

describe('transformPoint', () => {
  it('maps (3,5) as worked out by hand for all 8 symmetries', () => {
    // bit 0: x → 18 − x, bit 1: y → 18 − y, bit 2: then swap x and y.
    const expected: Array<[number, number]> = [
      [3, 5], // 0 identity
      [15, 5], // 1 mirror x
      [3, 13], // 2 mirror y
      [15, 13], // 3 rotate 180°
      [5, 3], // 4 transpose
      [5, 15], // 5 mirror x then transpose
      [13, 3], // 6 mirror y then transpose
      [13, 15], // 7 rotate 180° then transpose
    ];
    for (let s = 0; s < 8; s++) expect(transformPoint(pt(3, 5), s)).toBe(pt(...expected[s]));
  });

  it('fixes PASS and the centre; inversePoint undoes transformPoint for every point', () => {
    for (let s = 0; s < 8; s++) {
      expect(transformPoint(361, s)).toBe(361);
      expect(transformLabel(361, s)).toBe(361);
      expect(transformPoint(pt(9, 9), s)).toBe(pt(9, 9));
      for (let p = 0; p < 361; p++) {
        expect(inversePoint(transformPoint(p, s), s)).toBe(p);
        expect(transformPoint(p, inverseSymmetry(s))).toBe(inversePoint(p, s));
      }
    }
  });

  it('the 8 maps are distinct permutations closed under composition (a group)', () => {
    const maps = Array.from({ length: 8 }, (_, s) => Array.from({ length: 361 }, (_, p) => transformPoint(p, s)));
    const keys = new Set(maps.map((m) => m.join(',')));
    expect(keys.size).toBe(8);
    for (const m of maps) expect(new Set(m).size).toBe(361);
    for (const a of maps) for (const b of maps) expect(keys.has(a.map((q) => b[q]).join(','))).toBe(true);
    // Mirrors and the 180° rotation are their own inverses; the two 90° rotations (5 and 6) swap.
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(inverseSymmetry)).toEqual([0, 1, 2, 3, 4, 6, 5, 7]);
  });

  it('rejects bad symmetries and points with a message naming them', () => {
    expect(() => transformPoint(0, 8)).toThrow(/symmetry 8/);
    expect(() => transformPoint(362, 1)).toThrow(/point 362/);
    expect(() => inversePoint(-1, 1)).toThrow(/point -1/);
  });
});

describe('transformPlanes and transformPolicy', () => {
  it('moves every plane value of a point to the image point (NHWC, 2 planes, offsets)', () => {
    const src = new Float32Array(3 + 361 * 2);
    src[3 + pt(0, 0) * 2] = 1; // plane 0 at the top-left corner
    src[3 + pt(4, 1) * 2 + 1] = 7; // plane 1 at (4,1)
    const dst = new Float32Array(361 * 2 + 1);
    transformPlanes(src, dst, 2, 1, 3, 1); // mirror x
    expect(dst[1 + pt(18, 0) * 2]).toBe(1);
    expect(dst[1 + pt(14, 1) * 2 + 1]).toBe(7);
    expect(dst.reduce((a, v) => a + v, 0)).toBe(8);
    transformPlanes(src, dst, 2, 6, 3, 1); // mirror y then transpose: (x, y) → (18 − y, x)
    expect(dst[1 + pt(18, 0) * 2]).toBe(1);
    expect(dst[1 + pt(17, 4) * 2 + 1]).toBe(7);
  });

  it('rejects short or overlapping buffers', () => {
    const a = new Float32Array(361 * 2);
    expect(() => transformPlanes(a, new Float32Array(10), 2, 1)).toThrow(/dst has 10 floats/);
    expect(() => transformPlanes(a, a, 2, 1)).toThrow(/overlap/);
    expect(() => transformPlanes(a, new Float32Array(722), 0, 1)).toThrow(/planes 0/);
  });

  it('policy of 361 and of 362 (pass kept last and unchanged)', () => {
    const p361 = new Float32Array(361);
    p361[pt(2, 0)] = 0.5;
    const out361 = new Float32Array(361);
    transformPolicy(p361, out361, 3); // 180°: (2,0) → (16,18)
    expect(out361[pt(16, 18)]).toBe(0.5);
    const p362 = Array.from({ length: 362 }, (_, i) => i);
    const out362 = new Array<number>(362).fill(-1);
    transformPolicy(p362, out362, 4);
    expect(out362[361]).toBe(361);
    expect(out362[pt(5, 3)]).toBe(pt(3, 5));
    expect(() => transformPolicy(new Float32Array(360), new Float32Array(360), 0)).toThrow(/length 360/);
  });
});
