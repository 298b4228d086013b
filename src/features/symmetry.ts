// The 8 symmetries of the square (the dihedral group D4) acting on points, NHWC planes and policy vectors.
//
// Symmetry index s in 0..7 is a bit set applied in this order: bit 0 mirrors x (x → 18 − x), bit 1 mirrors y
// (y → 18 − y), then bit 2 transposes (x ↔ y). s = 0 is the identity. PASS (361) is fixed by every symmetry.
// A position P transformed by s has on transformPoint(p, s) what P has on p; so for planes
// dst[transformPoint(p, s)] = src[p], which makes encode(transform(P)) == transformPlanes(encode(P)).
import { NPOINTS, PASS, SIZE } from '../go/constants.js';

/** Number of symmetries of the square. */
export const SYMMETRY_COUNT = 8;

const MAX = SIZE - 1;

function rawTransform(p: number, s: number): number {
  let x = p % SIZE;
  let y = (p - x) / SIZE;
  if (s & 1) x = MAX - x;
  if (s & 2) y = MAX - y;
  if (s & 4) {
    const t = x;
    x = y;
    y = t;
  }
  return y * SIZE + x;
}

// Tables of (NPOINTS + 1) entries per symmetry so PASS maps through the same lookup without a branch.
const FORWARD = new Int16Array(SYMMETRY_COUNT * (NPOINTS + 1));
const INVERSE_OF = new Int8Array(SYMMETRY_COUNT);
const BACKWARD = new Int16Array(SYMMETRY_COUNT * (NPOINTS + 1));

for (let s = 0; s < SYMMETRY_COUNT; s++) {
  for (let p = 0; p < NPOINTS; p++) FORWARD[s * (NPOINTS + 1) + p] = rawTransform(p, s);
  FORWARD[s * (NPOINTS + 1) + PASS] = PASS;
}
// Found by search rather than by a formula so a mistake in the bit algebra cannot go unnoticed.
for (let s = 0; s < SYMMETRY_COUNT; s++) {
  INVERSE_OF[s] = -1;
  for (let t = 0; t < SYMMETRY_COUNT && INVERSE_OF[s] < 0; t++) {
    let ok = true;
    for (let p = 0; p < NPOINTS && ok; p++) ok = FORWARD[t * (NPOINTS + 1) + FORWARD[s * (NPOINTS + 1) + p]] === p;
    if (ok) INVERSE_OF[s] = t;
  }
  if (INVERSE_OF[s] < 0) throw new Error(`symmetry ${s} has no inverse (bug in symmetry.ts)`);
}
for (let s = 0; s < SYMMETRY_COUNT; s++) {
  BACKWARD.set(FORWARD.subarray(INVERSE_OF[s] * (NPOINTS + 1), (INVERSE_OF[s] + 1) * (NPOINTS + 1)), s * (NPOINTS + 1));
}

function checkSymmetry(s: number, where: string): void {
  if (!Number.isInteger(s) || s < 0 || s >= SYMMETRY_COUNT) {
    throw new Error(`${where}: symmetry ${s} is not an integer in 0..7`);
  }
}

function checkPoint(p: number, where: string): void {
  if (!Number.isInteger(p) || p < 0 || p > PASS) throw new Error(`${where}: point ${p} is not an integer in 0..361`);
}

/** Index of the symmetry that undoes s. */
export function inverseSymmetry(s: number): number {
  checkSymmetry(s, 'inverseSymmetry');
  return INVERSE_OF[s];
}

/** Image of point p (0..360, or PASS) under symmetry s; PASS maps to PASS. */
export function transformPoint(p: number, s: number): number {
  checkSymmetry(s, 'transformPoint');
  checkPoint(p, 'transformPoint');
  return FORWARD[s * (NPOINTS + 1) + p];
}

/** The point q such that transformPoint(q, s) === p (maps a prediction on a transformed board back). */
export function inversePoint(p: number, s: number): number {
  checkSymmetry(s, 'inversePoint');
  checkPoint(p, 'inversePoint');
  return BACKWARD[s * (NPOINTS + 1) + p];
}

/** Read-only table of transformPoint(p, s) for p in 0..361, for hot loops that cannot afford argument checks. */
export function symmetryTable(s: number): Int16Array {
  checkSymmetry(s, 'symmetryTable');
  return FORWARD.subarray(s * (NPOINTS + 1), (s + 1) * (NPOINTS + 1));
}

/**
 * Writes NHWC planes src (361 × planes from srcOffset) transformed by s into dst (from dstOffset):
 * dst[T(p)·planes + k] = src[p·planes + k]. src and dst ranges must not overlap.
 */
export function transformPlanes(
  src: Float32Array,
  dst: Float32Array,
  planes: number,
  s: number,
  srcOffset = 0,
  dstOffset = 0,
): void {
  checkSymmetry(s, 'transformPlanes');
  if (!Number.isInteger(planes) || planes <= 0) throw new Error(`transformPlanes: planes ${planes} is not a positive integer`);
  const len = NPOINTS * planes;
  if (srcOffset < 0 || srcOffset + len > src.length) {
    throw new Error(`transformPlanes: src has ${src.length} floats, needs ${len} from offset ${srcOffset}`);
  }
  if (dstOffset < 0 || dstOffset + len > dst.length) {
    throw new Error(`transformPlanes: dst has ${dst.length} floats, needs ${len} from offset ${dstOffset}`);
  }
  if (src.buffer === dst.buffer) {
    const a = src.byteOffset + srcOffset * 4;
    const b = dst.byteOffset + dstOffset * 4;
    if (a < b + len * 4 && b < a + len * 4) throw new Error('transformPlanes: src and dst ranges overlap');
  }
  const base = s * (NPOINTS + 1);
  if (s === 0) {
    dst.set(src.subarray(srcOffset, srcOffset + len), dstOffset);
    return;
  }
  for (let p = 0; p < NPOINTS; p++) {
    const from = srcOffset + p * planes;
    const to = dstOffset + FORWARD[base + p] * planes;
    for (let k = 0; k < planes; k++) dst[to + k] = src[from + k];
  }
}

/**
 * Writes policy vector src (361 points, or 362 with pass last) transformed by s into dst of the same length:
 * dst[T(p)] = src[p]; the pass entry is copied unchanged.
 */
export function transformPolicy(src: ArrayLike<number>, dst: { [i: number]: number; length: number }, s: number): void {
  checkSymmetry(s, 'transformPolicy');
  if (src.length !== NPOINTS && src.length !== NPOINTS + 1) {
    throw new Error(`transformPolicy: src length ${src.length} is neither 361 nor 362`);
  }
  if (dst.length !== src.length) throw new Error(`transformPolicy: dst length ${dst.length} != src length ${src.length}`);
  if ((src as unknown) === (dst as unknown)) throw new Error('transformPolicy: src and dst must be different arrays');
  const base = s * (NPOINTS + 1);
  for (let p = 0; p < NPOINTS; p++) dst[FORWARD[base + p]] = src[p];
  if (src.length === NPOINTS + 1) dst[PASS] = src[PASS];
}

/** Transforms a move label (0..360 or PASS) by s; an alias of transformPoint for readability at call sites. */
export function transformLabel(label: number, s: number): number {
  return transformPoint(label, s);
}
