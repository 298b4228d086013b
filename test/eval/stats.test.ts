// Confidence intervals and per-position scoring, against values worked out by hand.
import { describe, expect, it } from 'vitest';
import { wilson } from '../../src/stats.js';
import { meanInterval } from '../../src/eval/stats.js';
import { ScoreAccumulator, softmaxInto } from '../../src/eval/score.js';
import { rankOf } from '../../src/stats.js';

describe('wilson (src/stats.ts)', () => {
  it('5 of 10: centre 0.5, half-width 1.96/1.38415 × sqrt(0.025 + 0.0096) = 0.2634', () => {
    const { lo, hi } = wilson(5, 10);
    expect(lo).toBeCloseTo(0.2366, 4);
    expect(hi).toBeCloseTo(0.7634, 4);
  });
  it('0 of 10: [0, z²/(n + z²)] = [0, 3.8415/13.8415]', () => {
    const { lo, hi } = wilson(0, 10);
    expect(lo).toBe(0);
    expect(hi).toBeCloseTo(0.27753, 5);
  });
  it('10 of 10 mirrors 0 of 10; n = 0 is vacuous; nonsense is refused', () => {
    const { lo, hi } = wilson(10, 10);
    expect(lo).toBeCloseTo(1 - 0.27753, 5);
    expect(hi).toBe(1);
    expect(wilson(0, 0)).toEqual({ lo: 0, hi: 1 });
    expect(() => wilson(11, 10)).toThrow(/successes=11, n=10/);
  });
});

describe('meanInterval', () => {
  it('1, 2, 3, 4: mean 2.5, sd sqrt(5/3) = 1.2910, half-width 1.96 × 1.2910 / 2 = 1.2651', () => {
    const r = meanInterval(10, 30, 4);
    expect(r.mean).toBe(2.5);
    expect(r.sd).toBeCloseTo(1.29099, 5);
    expect(r.lo).toBeCloseTo(1.23486, 4);
    expect(r.hi).toBeCloseTo(3.76514, 4);
  });
  it('a single value has sd 0; no value gives NaN', () => {
    expect(meanInterval(2, 4, 1)).toEqual({ mean: 2, sd: 0, lo: 2, hi: 2 });
    expect(Number.isNaN(meanInterval(0, 0, 0).mean)).toBe(true);
  });
});

function policy(entries: Record<number, number>): Float64Array {
  const p = new Float64Array(361);
  for (const [k, v] of Object.entries(entries)) p[Number(k)] = v;
  return p;
}

describe('scoring', () => {
  it('rankOf counts more probable points, ties going to the lower index', () => {
    const p = policy({ 3: 0.3, 7: 0.3, 100: 0.4 });
    expect(rankOf(p, 100)).toBe(0);
    expect(rankOf(p, 3)).toBe(1); // only 100 beats it; 7 ties but has a higher index
    expect(rankOf(p, 7)).toBe(2); // 100, and 3 by the tie rule
    expect(rankOf(p, 0)).toBe(3); // the three above; every other zero point has a higher index
    expect(rankOf(p, 360)).toBe(360);
  });
  it('softmaxInto normalises exactly and returns the log normaliser', () => {
    const logits = new Float32Array(361);
    logits[5] = Math.log(3); // e^ln3 = 3, 360 others weigh 1: total 363
    const out = new Float64Array(361);
    const lse = softmaxInto(logits, 0, out);
    // ln 3 rounded to float32 moves the values in the 10th decimal.
    expect(out[5]).toBeCloseTo(3 / 363, 9);
    expect(out[6]).toBeCloseTo(1 / 363, 9);
    expect(lse).toBeCloseTo(Math.log(363), 6);
  });
  it('accumulates three hand-made positions', () => {
    const acc = new ScoreAccumulator();
    const legal = new Uint8Array(361).fill(1);
    // 1: label 10 is the argmax (p 0.5): top-1, top-5, loss ln 2.
    acc.add(policy({ 10: 0.5, 11: 0.25, 12: 0.25 }), 10, legal);
    // 2: label 12 is 3rd (0.2 < 0.4, 0.3): top-5 only; with 20 and 21 illegal it is the legal argmax. loss −ln 0.2.
    const legal2 = new Uint8Array(361).fill(1);
    legal2[20] = legal2[21] = 0;
    acc.add(policy({ 20: 0.4, 21: 0.3, 12: 0.2, 13: 0.1 }), 12, legal2);
    // 3: label 0 has probability 0 and rank ≥ 5: a miss everywhere; loss capped at −ln(1e-300).
    acc.add(policy({ 1: 0.2, 2: 0.2, 3: 0.2, 4: 0.2, 5: 0.2 }), 0, legal);
    const r = acc.result();
    expect(r.positions).toBe(3);
    expect([r.top1.hits, r.top5.hits, r.top1Legal?.hits]).toEqual([1, 2, 2]);
    expect(r.top1.rate).toBeCloseTo(1 / 3, 12);
    expect(r.logLoss.mean).toBeCloseTo((Math.log(2) - Math.log(0.2) + 300 * Math.log(10)) / 3, 9);
    expect(() => acc.add(policy({}), 361, null)).toThrow(/label 361/);
  });
});
