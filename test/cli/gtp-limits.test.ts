import { describe, expect, it } from 'vitest';
import { resolveSearchLimits } from '../../src/cli/commands/gtp.js';

describe('tengen gtp search limits (--visits, --time)', () => {
  const noEnv = {};
  it('searches 800 visits with a value head when nothing is asked', () => {
    expect(resolveSearchLimits(undefined, undefined, true, noEnv)).toEqual({ visits: 800, maxTimeSec: 0 });
  });
  it('plays the policy with a policy-only model when nothing is asked', () => {
    expect(resolveSearchLimits(undefined, undefined, false, noEnv)).toEqual({ visits: 0, maxTimeSec: 0 });
  });
  it('searches by time alone when a time and no visit count is asked', () => {
    expect(resolveSearchLimits(undefined, '1', true, noEnv)).toEqual({ visits: 0, maxTimeSec: 1 });
    expect(resolveSearchLimits(undefined, undefined, true, { TENGEN_TIME: '0.25' })).toEqual({ visits: 0, maxTimeSec: 0.25 });
  });
  it('keeps a visit count given beside the time, by flag or environment', () => {
    expect(resolveSearchLimits('400', '1', true, noEnv)).toEqual({ visits: 400, maxTimeSec: 1 });
    expect(resolveSearchLimits(undefined, '1', true, { TENGEN_VISITS: '300' })).toEqual({ visits: 300, maxTimeSec: 1 });
  });
  it('names the flag or variable of a bad value', () => {
    expect(() => resolveSearchLimits('-1', undefined, true, noEnv)).toThrow(/--visits: expected/);
    expect(() => resolveSearchLimits(undefined, 'soon', true, noEnv)).toThrow(/--time: expected/);
    expect(() => resolveSearchLimits(undefined, undefined, true, { TENGEN_TIME: 'x' })).toThrow(/TENGEN_TIME/);
  });
});
