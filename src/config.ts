// One config story for every command: command-line flag > environment variable > default.
// Commands declare their options once (see src/cli/commands/*) and resolve them here.

/** Returns the flag value if given, else the parsed environment variable, else the default. */
export function resolveOption<T>(
  flag: T | undefined,
  envName: string | undefined,
  fallback: T,
  parse: (raw: string) => T = (raw) => raw as unknown as T,
  env: NodeJS.ProcessEnv = process.env,
): T {
  if (flag !== undefined) return flag;
  if (envName !== undefined) {
    const raw = env[envName];
    if (raw !== undefined && raw !== '') {
      try {
        return parse(raw);
      } catch (err) {
        throw new Error(`environment variable ${envName}=${JSON.stringify(raw)}: ${(err as Error).message}`);
      }
    }
  }
  return fallback;
}

/** Runs `parse` on a flag's text; any error message is prefixed with the flag name (e.g. `--batch: ...`). */
export function parseFlag<T>(raw: string, flag: string, parse: (raw: string) => T): T {
  try {
    return parse(raw);
  } catch (err) {
    throw new Error(`${flag}: ${(err as Error).message}`);
  }
}

/** Flag text (parsed, errors name the flag) > environment variable (errors name the variable) > default. */
export function resolveFlagOption<T>(
  raw: string | undefined,
  flag: string,
  envName: string | undefined,
  fallback: T,
  parse: (raw: string) => T,
  env: NodeJS.ProcessEnv = process.env,
): T {
  return resolveOption(raw === undefined ? undefined : parseFlag(raw, flag, parse), envName, fallback, parse, env);
}

export interface NumberRule {
  /** Smallest accepted value (inclusive). */
  min?: number;
  /** Largest accepted value (inclusive). */
  max?: number;
  /** Reject values with a fractional part. */
  integer?: boolean;
  /** What the message says was expected, e.g. "a port number 0..65535" (default: built from the rule). */
  expected?: string;
}

function describe(rule: NumberRule): string {
  const kind = rule.integer ? 'integer' : 'number';
  const { min, max } = rule;
  if (min !== undefined && max !== undefined) return `${rule.integer ? 'an' : 'a'} ${kind} in ${min}..${max}`;
  if (min === 0) return `a non-negative ${kind}`;
  if (min === 1 && rule.integer) return 'a positive integer';
  if (min !== undefined) return `${rule.integer ? 'an' : 'a'} ${kind} >= ${min}`;
  if (max !== undefined) return `${rule.integer ? 'an' : 'a'} ${kind} <= ${max}`;
  return `${rule.integer ? 'an' : 'a'} ${kind}`;
}

/** Parses a finite decimal number within `rule` or throws `expected <rule>, got "<raw>"`; blank text is rejected. */
export function parseNumber(raw: string, rule: NumberRule = {}): number {
  const n = Number(raw);
  const ok =
    raw.trim() !== '' &&
    (rule.integer ? Number.isInteger(n) : Number.isFinite(n)) &&
    (rule.min === undefined || n >= rule.min) &&
    (rule.max === undefined || n <= rule.max);
  if (!ok) throw new Error(`expected ${rule.expected ?? describe(rule)}, got ${JSON.stringify(raw)}`);
  return n;
}

/** Parses an integer ≥ 1 (counts, sizes). */
export function parsePositiveInt(raw: string): number {
  return parseNumber(raw, { min: 1, integer: true });
}

/** Parses an integer ≥ 0 (counts where 0 means none or off). */
export function parseNonNegativeInt(raw: string): number {
  return parseNumber(raw, { min: 0, integer: true });
}

/** Parses a finite number ≥ 0 (rates, coefficients, epochs). */
export function parseNonNegativeNumber(raw: string): number {
  return parseNumber(raw, { min: 0 });
}

/** Parses a fraction in 0..1 inclusive. */
export function parseFraction(raw: string): number {
  return parseNumber(raw, { min: 0, max: 1, expected: 'a fraction in 0..1' });
}

/** Parses a switch: on/off, true/false, yes/no or 1/0 (any case). */
export function parseOnOff(raw: string): boolean {
  const v = raw.trim().toLowerCase();
  if (['on', 'true', 'yes', '1'].includes(v)) return true;
  if (['off', 'false', 'no', '0'].includes(v)) return false;
  throw new Error(`expected on or off, got ${JSON.stringify(raw)}`);
}

/** Parses a TCP port 0..65535 (0 = any free port). */
export function parsePort(raw: string): number {
  return parseNumber(raw, { min: 0, max: 65535, integer: true, expected: 'a port number 0..65535' });
}

/** Parses a number of milliseconds ≥ 0 (fractions allowed). */
export function parseMilliseconds(raw: string): number {
  return parseNumber(raw, { min: 0, expected: 'a number of milliseconds ≥ 0' });
}

/** A number of seconds as parseDuration reads it back: `45.5s`, `15m`, `2h5m`, `1h0m30s` (whole seconds from a minute). */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds * 10) / 10}s`;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
  return `${h ? `${h}h` : ''}${m || (h && s) ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}

/** Parses a duration such as `90s`, `15m`, `2h`, `1h30m` or a plain number of seconds; returns seconds. */
export function parseDuration(raw: string): number {
  const s = raw.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const re = /(\d+(?:\.\d+)?)\s*(h|m|s)/gy;
  let total = 0;
  let pos = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1);
    pos = re.lastIndex;
  }
  if (pos !== s.length || pos === 0) throw new Error(`expected a duration like 90s, 15m, 2h or 1h30m, got ${JSON.stringify(raw)}`);
  return total;
}
