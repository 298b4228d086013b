// Value figures of `tengen eval`: accuracy (ties count half), log-loss, the area-count baseline and calibration bins,
// checked on hand-computed cases.
import { describe, expect, it } from 'vitest';
import { ValueAccumulator } from '../../src/eval/value.js';

describe('ValueAccumulator', () => {
  it('scores the head and the baseline per phase, with ties as half a hit', () => {
    const acc = new ValueAccumulator();
    // phase, P(win), area margin, won
    acc.add(0, 0.9, 5, true); // head right, baseline right
    acc.add(0, 0.2, 3, true); // head wrong, baseline right
    acc.add(1, 0.5, 0, false); // both tie: half each
    acc.add(2, 0.3, -4, false); // both right
    const r = acc.result();
    expect(r.positions).toBe(4);
    expect(r.phases.map((p) => p.positions)).toEqual([2, 1, 1]);
    expect(r.phases[0]!.accuracy.rate).toBeCloseTo(0.5, 12);
    expect(r.phases[0]!.baseline.accuracy.rate).toBeCloseTo(1, 12);
    expect(r.phases[1]!.accuracy.rate).toBeCloseTo(0.5, 12);
    expect(r.phases[1]!.baseline.accuracy.rate).toBeCloseTo(0.5, 12);
    expect(r.overall.accuracy.rate).toBeCloseTo((1 + 0 + 0.5 + 1) / 4, 12);
    expect(r.overall.baseline.accuracy.rate).toBeCloseTo((1 + 1 + 0.5 + 1) / 4, 12);
    const ll = -(Math.log(0.9) + Math.log(0.2) + Math.log(0.5) + Math.log(0.7)) / 4;
    expect(r.overall.logLoss).toBeCloseTo(ll, 12);
    expect(r.overall.accuracy.lo).toBeLessThan(r.overall.accuracy.rate);
    expect(r.overall.accuracy.hi).toBeGreaterThan(r.overall.accuracy.rate);
  });

  it('fits the baseline scale and fills calibration bins with mean prediction and observed wins', () => {
    const acc = new ValueAccumulator();
    for (let i = 0; i < 100; i++) acc.add(1, 0.75, i % 4 === 0 ? -2 : 2, i % 4 !== 0); // 75% wins at 0.75
    for (let i = 0; i < 50; i++) acc.add(1, 0.05, -10, i === 0); // 2% wins at 0.05
    const r = acc.result();
    const bins = r.calibration;
    expect(bins).toHaveLength(10);
    expect(bins[7]).toMatchObject({ positions: 100 });
    expect(bins[7]!.predicted).toBeCloseTo(0.75, 12);
    expect(bins[7]!.observed).toBeCloseTo(0.75, 12);
    expect(bins[0]).toMatchObject({ positions: 50, observed: 0.02 });
    expect(bins[5]!.positions).toBe(0);
    expect(Number.isNaN(bins[5]!.observed)).toBe(true);
    // The margin separates wins perfectly except one: the best logistic scale is the sharpest on the grid that
    // does not pay too much for that one miss, and its log-loss is below the coin's ln 2.
    expect(r.overall.baseline.logLoss).toBeLessThan(Math.log(2));
    expect(r.overall.baseline.scale).toBeGreaterThan(0);
  });
});
