// Toy data with a known rule, for tests, smoke runs (`--data synthetic:stone`) and benchmarks.
//   stone:    one stone on plane 0 at a random point; the label is that point.
//   adjacent: one stone on plane 0 at a random point with x < 18; the label is the point to its right.
//   noise:    random 0/1 planes, random labels (for speed measurements; nothing to learn).
import { POINTS, BOARD } from '../model/config.js';
import { Random } from '../random.js';
import type { Batch, BatchSource, ValidationSource } from './types.js';

export type SyntheticRule = 'stone' | 'adjacent' | 'noise';
export const SYNTHETIC_RULES: SyntheticRule[] = ['stone', 'adjacent', 'noise'];

function fill(rule: SyntheticRule, rng: Random, planes: number, inputs: Float32Array, labels: Int32Array, i: number): void {
  const per = POINTS * planes;
  const base = i * per;
  inputs.fill(0, base, base + per);
  if (rule === 'noise') {
    for (let k = 0; k < per; k++) inputs[base + k] = rng.nextUint32() & 1;
    labels[i] = rng.nextInt(POINTS);
    return;
  }
  const y = rng.nextInt(BOARD);
  const x = rule === 'adjacent' ? rng.nextInt(BOARD - 1) : rng.nextInt(BOARD);
  const p = y * BOARD + x;
  inputs[base + p * planes] = 1;
  if (planes > 1) {
    // A constant "ones" plane (as real feature sets have) lets the net see the board edge.
    for (let q = 0; q < POINTS; q++) inputs[base + q * planes + 1] = 1;
  }
  labels[i] = rule === 'adjacent' ? p + 1 : p;
}

/** Parses a rule name; throws naming the accepted ones. */
export function parseRule(raw: string): SyntheticRule {
  if ((SYNTHETIC_RULES as string[]).includes(raw)) return raw as SyntheticRule;
  throw new Error(`unknown synthetic rule ${JSON.stringify(raw)} (expected ${SYNTHETIC_RULES.join(', ')})`);
}

/** Endless seeded training stream; its cursor (RNG state + count) makes resumed runs see the same data. */
export class SyntheticSource implements BatchSource {
  private readonly rng: Random;
  private inputs = new Float32Array(0);
  private labels = new Int32Array(0);
  private served = 0;
  readonly manifestHash = null;

  constructor(
    readonly rule: SyntheticRule,
    readonly planes: number,
    seed: number,
    readonly positions?: number,
  ) {
    if (planes < 1) throw new Error(`synthetic source: planes must be >= 1, got ${planes}`);
    this.rng = new Random(seed ^ 0x5eed);
  }

  /** See BatchSource.next. */
  next(batchSize: number): Batch {
    const per = POINTS * this.planes;
    if (this.labels.length < batchSize) {
      this.inputs = new Float32Array(batchSize * per);
      this.labels = new Int32Array(batchSize);
    }
    for (let i = 0; i < batchSize; i++) fill(this.rule, this.rng, this.planes, this.inputs, this.labels, i);
    this.served += batchSize;
    return { inputs: this.inputs, labels: this.labels, size: batchSize };
  }

  /** See BatchSource.getCursor. */
  getCursor(): unknown {
    return { rng: this.rng.getState(), served: this.served };
  }

  /**
   * See BatchSource.setCursor. Cursors saved before src/random.ts (xoshiro128** state) still load: any 4 words are
   * a valid sfc32 state, so such a run resumes on a deterministic stream, different from the one it would have drawn.
   */
  setCursor(c: unknown): void {
    const o = c as { rng?: unknown; served?: unknown };
    if (typeof o !== 'object' || o === null || !Number.isInteger(o.served)) throw new Error(`synthetic source: bad cursor ${JSON.stringify(c)}`);
    this.rng.setState(o.rng);
    this.served = o.served as number;
  }
}

/** A fixed set of `count` positions drawn from `seed`, visited in the same order on every pass. */
export class SyntheticValidation implements ValidationSource {
  private readonly inputs: Float32Array;
  private readonly labels: Int32Array;

  constructor(
    rule: SyntheticRule,
    readonly planes: number,
    readonly count: number,
    seed: number,
  ) {
    const rng = new Random(seed ^ 0xfa11);
    this.inputs = new Float32Array(count * POINTS * planes);
    this.labels = new Int32Array(count);
    for (let i = 0; i < count; i++) fill(rule, rng, planes, this.inputs, this.labels, i);
  }

  /** Yields consecutive batches of the fixed positions. */
  *batches(batchSize: number): Iterable<Batch> {
    const per = POINTS * this.planes;
    for (let s = 0; s < this.count; s += batchSize) {
      const n = Math.min(batchSize, this.count - s);
      yield { inputs: this.inputs.subarray(s * per, (s + n) * per), labels: this.labels.subarray(s, s + n), size: n };
    }
  }
}
