// Result strings for area scores.

/** 'B+3.5', 'W+0.5' or '0' from area counts and white's komi; throws on a non-finite komi. */
export function formatScore(black: number, white: number, komi: number): string {
  if (!Number.isFinite(komi)) throw new Error(`komi ${komi} is not a finite number`);
  const d = black - white - komi;
  if (d === 0) return '0';
  // Round away float noise (e.g. 0.49999999) that komi arithmetic can leave.
  const v = Math.round(Math.abs(d) * 1e6) / 1e6;
  return (d > 0 ? 'B+' : 'W+') + String(v);
}

/**
 * The winner named by an SGF RE value: BLACK for `B+…` (any margin or reason: B+3.5, B+R, B+Resign, B+T, B+F), WHITE
 * for `W+…`, 0 for anything else (draw `0`/`Draw`, `Void`, `?`, empty or missing).
 */
export function winnerOfResult(re: string | null | undefined): 0 | 1 | 2 {
  if (!re) return 0;
  const s = re.trim().toUpperCase();
  if (s.startsWith('B+')) return 1;
  if (s.startsWith('W+')) return 2;
  return 0;
}
