// The shared option parsers of src/config.ts: accepted values, boundaries, and the messages of bad input.
import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  parseDuration,
  parseFlag,
  parseFraction,
  parseMilliseconds,
  parseNonNegativeInt,
  parseNonNegativeNumber,
  parseNumber,
  parseOnOff,
  parsePort,
  parsePositiveInt,
  resolveFlagOption,
  resolveOption,
} from '../src/config.js';

describe('parseNumber', () => {
  it('accepts finite decimals, signs, exponents and surrounding blanks', () => {
    expect(parseNumber('2.5')).toBe(2.5);
    expect(parseNumber('-7')).toBe(-7);
    expect(parseNumber('1e3')).toBe(1000);
    expect(parseNumber(' 4 ')).toBe(4);
  });

  it('rejects blank, non-numeric and infinite text with the raw value in the message', () => {
    expect(() => parseNumber('')).toThrow('expected a number, got ""');
    expect(() => parseNumber('   ')).toThrow('expected a number, got "   "');
    expect(() => parseNumber('abc')).toThrow('expected a number, got "abc"');
    expect(() => parseNumber('Infinity')).toThrow('expected a number, got "Infinity"');
    expect(() => parseNumber('3x')).toThrow('got "3x"');
  });

  it('keeps both bounds inclusive', () => {
    const rule = { min: -2, max: 3 };
    expect(parseNumber('-2', rule)).toBe(-2);
    expect(parseNumber('3', rule)).toBe(3);
    expect(() => parseNumber('-2.001', rule)).toThrow('expected a number in -2..3, got "-2.001"');
    expect(() => parseNumber('3.5', rule)).toThrow('expected a number in -2..3, got "3.5"');
  });

  it('describes the rule it enforces', () => {
    expect(() => parseNumber('1.5', { integer: true })).toThrow('expected an integer, got "1.5"');
    expect(() => parseNumber('100', { min: 200, integer: true })).toThrow('expected an integer >= 200, got "100"');
    expect(() => parseNumber('0.5', { min: 1 })).toThrow('expected a number >= 1, got "0.5"');
    expect(() => parseNumber('9', { max: 8 })).toThrow('expected a number <= 8, got "9"');
    expect(() => parseNumber('9', { max: 8, expected: 'at most eight' })).toThrow('expected at most eight, got "9"');
  });
});

describe('named number parsers', () => {
  it('parsePositiveInt: 1 and up, whole numbers only', () => {
    expect(parsePositiveInt('1')).toBe(1);
    expect(parsePositiveInt('64')).toBe(64);
    for (const bad of ['0', '-1', '2.5', '', 'x']) expect(() => parsePositiveInt(bad)).toThrow(`expected a positive integer, got ${JSON.stringify(bad)}`);
  });

  it('parseNonNegativeInt: 0 and up, whole numbers only', () => {
    expect(parseNonNegativeInt('0')).toBe(0);
    expect(parseNonNegativeInt('12')).toBe(12);
    for (const bad of ['-1', '0.5', '', 'ten']) expect(() => parseNonNegativeInt(bad)).toThrow(`expected a non-negative integer, got ${JSON.stringify(bad)}`);
  });

  it('parseNonNegativeNumber: fractions allowed, negatives not', () => {
    expect(parseNonNegativeNumber('0')).toBe(0);
    expect(parseNonNegativeNumber('0.0001')).toBe(0.0001);
    expect(() => parseNonNegativeNumber('-0.1')).toThrow('expected a non-negative number, got "-0.1"');
  });

  it('parseFraction: 0..1 inclusive', () => {
    expect(parseFraction('0')).toBe(0);
    expect(parseFraction('0.05')).toBe(0.05);
    expect(parseFraction('1')).toBe(1);
    expect(() => parseFraction('2')).toThrow('expected a fraction in 0..1, got "2"');
    expect(() => parseFraction('-0.1')).toThrow('expected a fraction in 0..1, got "-0.1"');
  });

  it('parseOnOff: on/off, true/false, yes/no, 1/0 in any case', () => {
    for (const v of ['on', 'TRUE', 'yes', '1', ' On ']) expect(parseOnOff(v)).toBe(true);
    for (const v of ['off', 'False', 'NO', '0']) expect(parseOnOff(v)).toBe(false);
    expect(() => parseOnOff('maybe')).toThrow('expected on or off, got "maybe"');
    expect(() => resolveFlagOption('sometimes', '--early-stop', 'TENGEN_EARLY_STOP', true, parseOnOff, {})).toThrow(/--early-stop.*expected on or off, got "sometimes"/);
    expect(resolveFlagOption(undefined, '--early-stop', 'TENGEN_EARLY_STOP', true, parseOnOff, { TENGEN_EARLY_STOP: 'off' })).toBe(false);
  });

  it('parsePort: integers 0..65535', () => {
    expect(parsePort('0')).toBe(0);
    expect(parsePort('65535')).toBe(65535);
    for (const bad of ['65536', '-1', '80.5', 'http']) expect(() => parsePort(bad)).toThrow(`expected a port number 0..65535, got ${JSON.stringify(bad)}`);
  });

  it('parseMilliseconds: non-negative, fractions allowed', () => {
    expect(parseMilliseconds('0')).toBe(0);
    expect(parseMilliseconds('2.5')).toBe(2.5);
    expect(() => parseMilliseconds('-1')).toThrow('expected a number of milliseconds ≥ 0, got "-1"');
  });

  it('parseDuration: units add up to seconds', () => {
    expect(parseDuration('90')).toBe(90);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('2m5s')).toBe(125);
    expect(() => parseDuration('5 minutes')).toThrow('got "5 minutes"');
  });
  it('formatDuration writes what parseDuration reads back', () => {
    expect([0, 3, 45.54, 60, 125, 3600, 3630, 7500, 7205].map(formatDuration)).toEqual(['0s', '3s', '45.5s', '1m', '2m5s', '1h', '1h0m30s', '2h5m', '2h0m5s']);
    for (const s of [3, 45.5, 125, 3630, 7500, 7205, 86_399]) expect(parseDuration(formatDuration(s))).toBe(s);
  });
});

describe('flag and environment resolution', () => {
  it('parseFlag prefixes the flag name to the parser message', () => {
    expect(parseFlag('8', '--batch', parsePositiveInt)).toBe(8);
    expect(() => parseFlag('0', '--batch', parsePositiveInt)).toThrow('--batch: expected a positive integer, got "0"');
  });

  it('resolveFlagOption: flag beats environment beats default', () => {
    const env = { N: '5' };
    expect(resolveFlagOption('3', '--n', 'N', 9, parsePositiveInt, env)).toBe(3);
    expect(resolveFlagOption(undefined, '--n', 'N', 9, parsePositiveInt, env)).toBe(5);
    expect(resolveFlagOption(undefined, '--n', 'N', 9, parsePositiveInt, {})).toBe(9);
    // An empty variable counts as unset.
    expect(resolveFlagOption(undefined, '--n', 'N', 9, parsePositiveInt, { N: '' })).toBe(9);
  });

  it('resolveFlagOption names the flag or the variable that holds the bad value', () => {
    expect(() => resolveFlagOption('-3', '--n', 'N', 9, parsePositiveInt, { N: '5' })).toThrow('--n: expected a positive integer, got "-3"');
    expect(() => resolveFlagOption(undefined, '--n', 'N', 9, parsePositiveInt, { N: 'many' })).toThrow(
      'environment variable N="many": expected a positive integer, got "many"',
    );
    // A bad variable is not read when the flag is given.
    expect(resolveFlagOption('2', '--n', 'N', 9, parsePositiveInt, { N: 'many' })).toBe(2);
  });

  it('resolveOption keeps an already-parsed flag as is', () => {
    expect(resolveOption<number>(0, 'N', 9, parsePositiveInt, { N: '5' })).toBe(0);
    expect(resolveOption<string | undefined>(undefined, undefined, undefined, String, {})).toBeUndefined();
  });
});
