// Internal padded layout of the board (KataGo style): a 21×21 grid with a wall ring, so neighbour
// steps are fixed offsets and no bounds checks are needed in the hot loops. Only board.ts and its
// helpers use internal indices; the public API speaks in points p = y * 19 + x.
import { NPOINTS, SIZE } from './constants.js';

/** Stride of the padded grid. */
export const W = SIZE + 2;
/** Cells of the padded grid, walls included. */
export const NCELLS = W * W;
/** Colour code of the wall ring. */
export const WALL = 3;

/** Neighbour offsets (up, left, right, down) and diagonal offsets in the padded grid. */
export const ADJ0 = -W, ADJ1 = -1, ADJ2 = 1, ADJ3 = W;
/** The same four neighbour offsets for loops over k = 0..3: ADJ[k] (a small packed array, as fast as the constants). */
export const ADJ: readonly number[] = [ADJ0, ADJ1, ADJ2, ADJ3];
export const DIAG0 = -W - 1, DIAG1 = -W + 1, DIAG2 = W - 1, DIAG3 = W + 1;

/** Internal cell of each point (length 361). */
export const E2I: Int16Array = new Int16Array(NPOINTS);
/** Point of each internal cell, -1 for walls (length 441). */
export const I2E: Int16Array = new Int16Array(NCELLS).fill(-1);
for (let p = 0; p < NPOINTS; p++) {
  const x = p % SIZE;
  const y = (p - x) / SIZE;
  const i = (y + 1) * W + (x + 1);
  E2I[p] = i;
  I2E[i] = p;
}
