// Shared shape of a feature set: a named, versioned encoder of a Board into NHWC planes.
import type { Board } from '../go/board.js';

/** What a model records about the features it was trained on. */
export interface FeatureSetId {
  readonly name: string;
  readonly version: number;
  readonly planes: number;
}

/** A feature encoder. Layout NHWC: out[offset + (y*19 + x) * planes + k], from the view of board.toPlay. */
export interface FeatureSet extends FeatureSetId {
  /** One name per plane, in plane order (planeNames.length === planes). */
  readonly planeNames: readonly string[];
  /**
   * Overwrites out[offset .. offset + 361*planes) with the planes of board; board is left unchanged. `komi` (white's,
   * default 7.5) is read only by sets with a komi plane (alphago49).
   */
  encode(board: Board, out: Float32Array, offset?: number, komi?: number): void;
}

/** A named contiguous range of planes [start, end) — used to document and test the layout. */
export interface PlaneRange {
  readonly family: string;
  readonly start: number;
  readonly end: number;
}

/** Expands plane ranges into one name per plane ("family" for width-1 ranges, "family[i]" otherwise). */
export function planeNamesOf(ranges: readonly PlaneRange[], labels: Readonly<Record<string, readonly string[]>> = {}): string[] {
  const names: string[] = [];
  for (const r of ranges) {
    const width = r.end - r.start;
    const own = labels[r.family];
    for (let i = 0; i < width; i++) {
      names.push(width === 1 ? r.family : `${r.family}:${own ? own[i] : String(i)}`);
    }
  }
  return names;
}

/** Throws if out cannot hold 361*planes floats from offset. */
export function checkOutput(setName: string, planes: number, out: Float32Array, offset: number): void {
  if (!(out instanceof Float32Array)) throw new Error(`${setName}.encode: out must be a Float32Array`);
  if (!Number.isInteger(offset) || offset < 0) throw new Error(`${setName}.encode: offset ${offset} is not a non-negative integer`);
  const need = 361 * planes;
  if (offset + need > out.length) {
    throw new Error(`${setName}.encode: out has ${out.length} floats, needs ${need} from offset ${offset}`);
  }
}
