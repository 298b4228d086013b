// Registry, compatibility check and plane layouts (no overlap, no gap, names match ranges).
import { describe, expect, it } from 'vitest';
import { ALPHAGO48_RANGES } from '../../src/features/alphago48.js';
import { BASIC_RANGES } from '../../src/features/basic.js';
import { assertFeatureSetCompatible, featureSetNames, getFeatureSet } from '../../src/features/registry.js';
import type { PlaneRange } from '../../src/features/types.js';

function coverage(ranges: readonly PlaneRange[], planes: number): number[] {
  const owners = new Array<number>(planes).fill(0);
  for (const r of ranges) {
    expect(r.start).toBeLessThan(r.end);
    for (let k = r.start; k < r.end; k++) owners[k]++;
  }
  return owners;
}

describe('registry', () => {
  it('knows basic, alphago48 and alphago49 with their sizes', () => {
    expect(featureSetNames().sort()).toEqual(['alphago48', 'alphago49', 'basic']);
    expect(getFeatureSet('alphago48')).toMatchObject({ name: 'alphago48', version: 1, planes: 48 });
    expect(getFeatureSet('alphago49')).toMatchObject({ name: 'alphago49', version: 1, planes: 49 });
    expect(getFeatureSet('basic')).toMatchObject({ name: 'basic', version: 1, planes: 9 });
    expect(() => getFeatureSet('alphago50')).toThrow(/unknown feature set "alphago50" \(known: .*alphago48/);
  });

  it('layouts: every plane owned by exactly one range, names in plane order', () => {
    for (const [name, ranges] of [['alphago48', ALPHAGO48_RANGES], ['basic', BASIC_RANGES]] as const) {
      const set = getFeatureSet(name);
      expect(coverage(ranges, set.planes)).toEqual(new Array(set.planes).fill(1));
      expect(ranges[ranges.length - 1].end).toBe(set.planes);
      expect(set.planeNames).toHaveLength(set.planes);
      expect(new Set(set.planeNames).size).toBe(set.planes);
      for (const r of ranges) {
        for (let k = r.start; k < r.end; k++) expect(set.planeNames[k].split(':')[0]).toBe(r.family);
      }
    }
    const names = getFeatureSet('alphago48').planeNames;
    expect(names[4]).toBe('turns_since:1');
    expect(names[11]).toBe('turns_since:>=8');
    expect(names[20]).toBe('capture_size:0');
    expect(names[44]).toBe('ladder_capture');
    expect(names[47]).toBe('zeros');
  });

  it('assertFeatureSetCompatible accepts equal ids and names every mismatch', () => {
    const a = getFeatureSet('alphago48');
    expect(() => assertFeatureSetCompatible({ name: 'alphago48', version: 1, planes: 48 }, a)).not.toThrow();
    expect(() => assertFeatureSetCompatible({ name: 'alphago48', version: 0, planes: 48 }, a)).toThrow(
      /mismatch.*version 0 != 1/,
    );
    expect(() => assertFeatureSetCompatible({ name: 'basic', version: 1, planes: 9 }, a)).toThrow(
      /name "basic" != "alphago48"; planes 9 != 48/,
    );
    expect(() => assertFeatureSetCompatible(null as never, a)).toThrow(/records no feature set/);
  });
});
