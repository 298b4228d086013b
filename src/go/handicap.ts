// Fixed handicap placement of the GTP v2 specification (section 4.1.1) for 19×19.
import { gtpToPoint } from './coords.js';

const TABLE: Record<number, string> = {
  2: 'D4 Q16',
  3: 'D4 Q16 D16',
  4: 'D4 Q16 D16 Q4',
  5: 'D4 Q16 D16 Q4 K10',
  6: 'D4 Q16 D16 Q4 D10 Q10',
  7: 'D4 Q16 D16 Q4 D10 Q10 K10',
  8: 'D4 Q16 D16 Q4 D10 Q10 K4 K16',
  9: 'D4 Q16 D16 Q4 D10 Q10 K4 K16 K10',
};

/** Points of the GTP fixed handicap for n = 2..9 stones, in spec order; throws for any other n. */
export function fixedHandicapPoints(n: number): number[] {
  const v = Number.isInteger(n) ? TABLE[n] : undefined;
  if (v === undefined) throw new Error(`fixed handicap of ${n} stones is not defined; use 2 to 9`);
  return v.split(' ').map(gtpToPoint);
}
