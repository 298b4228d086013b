/**
 * Komi in points from a raw `KM[]` value, as real files spell it:
 * - `7.5`, `7.50`, `7.500000`, `7,5` → 7.5 (plain points; a decimal comma is accepted);
 * - an integer of magnitude ≥ 100 is Fox's komi × 100: `750` → 7.5, `650` → 6.5 (no real komi is ≥ 100);
 * - a quarter value (x.25 / x.75, after the step above) is komi in stones as Chinese rules count it
 *   (Fox `KM[375]` = 3.75 stones): points = 2 × stones → 7.5. Point komi is always a multiple of 0.5,
 *   so a quarter can only mean stones.
 * Returns null for an empty or non-numeric value (the caller keeps the raw value).
 */
export function normaliseKomi(raw: string): number | null {
  const s = raw.trim().replace(',', '.');
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(s)) return null;
  let k = Number(s);
  if (Number.isInteger(k) && Math.abs(k) >= 100 && !s.includes('.')) k /= 100;
  if (Number.isInteger(k * 4) && !Number.isInteger(k * 2)) k *= 2;
  return k === 0 ? 0 : k; // no -0
}
