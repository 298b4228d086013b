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

/** Parses a positive integer or throws a message naming the problem. */
export function parsePositiveInt(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`expected a positive integer, got ${JSON.stringify(raw)}`);
  return n;
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
