// The value head's temperature fit (src/eval/calibrate.ts): recovers a known scale from synthetic results, leaves a
// calibrated head alone, and refuses data without a finite positive optimum.
import { describe, expect, it } from 'vitest';
import { fitValueScale, scaledLogLoss, valueLogit } from '../../src/eval/calibrate.js';
import { Random } from '../../src/random.js';

/** n seeded positions: logits x ~ N(0, 2²), results won ~ Bernoulli(sigmoid(k·x)), values v = tanh(x/2) (so 2·atanh v = x). */
function synthetic(k: number, n = 20000, seed = 11): { values: Float64Array; won: Uint8Array; x: Float64Array } {
  const rng = new Random(seed);
  const values = new Float64Array(n);
  const won = new Uint8Array(n);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = 1 - rng.nextFloat();
    x[i] = 2 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextFloat());
    values[i] = Math.tanh(x[i]! / 2);
    won[i] = rng.nextFloat() < 1 / (1 + Math.exp(-k * x[i]!)) ? 1 : 0;
  }
  return { values, won, x };
}

describe('fitValueScale', () => {
  it.each([1.7, 0.6])('recovers k = %s within ±0.05 from 20,000 positions, at the minimum of the log-loss', (k) => {
    const { values, won, x } = synthetic(k);
    const fit = fitValueScale(values, won);
    expect(Math.abs(fit.scale - k)).toBeLessThan(0.05);
    expect(fit.positions).toBe(20000);
    expect(fit.logLossAfter).toBeLessThan(fit.logLossBefore);
    // A minimum: nudging k either way costs log-loss.
    expect(scaledLogLoss(x, won, fit.scale * 1.001)).toBeGreaterThan(fit.logLossAfter);
    expect(scaledLogLoss(x, won, fit.scale / 1.001)).toBeGreaterThan(fit.logLossAfter);
    expect(fit.accuracyAfter).toBe(fit.accuracyBefore);
  });

  it('returns ≈ 1 on results drawn with k = 1 (an already calibrated head), and the log-loss barely moves', () => {
    const { values, won } = synthetic(1, 20000, 5);
    const fit = fitValueScale(values, won);
    expect(Math.abs(fit.scale - 1)).toBeLessThan(0.05);
    expect(fit.logLossBefore - fit.logLossAfter).toBeLessThan(1e-3);
  });

  it('converges from far off (k = 25) and handles saturated values (exactly ±1)', () => {
    const { values, won } = synthetic(25, 5000, 3);
    const fit = fitValueScale(values, won);
    expect(fit.scale).toBeGreaterThan(15);
    expect(fit.scale).toBeLessThan(40);
    expect(Number.isFinite(valueLogit(1))).toBe(true);
    expect(valueLogit(-1)).toBe(-valueLogit(1));
    const sat = fitValueScale([1, -1, 0.5, -0.5, 1, 0.2], [1, 0, 0, 1, 1, 1]);
    expect(sat.scale).toBeGreaterThan(0);
    expect(Number.isFinite(sat.logLossAfter)).toBe(true);
  });

  it('refuses no positions, values that do not favour the winners, and separable data', () => {
    expect(() => fitValueScale([], [])).toThrow(/no positions/);
    expect(() => fitValueScale([0.5, -0.5], [0, 1])).toThrow(/do not favour the side that won/);
    expect(() => fitValueScale([0.5, -0.5, 0.1], [1, 0, 1])).toThrow(/no finite optimum/);
    expect(() => fitValueScale([0.5], [1, 0])).toThrow(/1 values but 2 results/);
  });
});
