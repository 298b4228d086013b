// The one seeded random generator of Tengen (sfc32: 4 × 32-bit words, passes PractRand to many TB, fast in JS),
// with a serialisable state so a resumed run draws exactly what it would have drawn without the interruption.
// Every seeded draw goes through it: dataset exports and the loader's sampling cursor, ownership playouts
// (`tengen data ownership`), training initialisation and synthetic data, Zobrist keys, GTP `--seed` sampling,
// search and KataGo-handler playouts, random models, and the fake policy's per-position noise.
// The streams are those of the former `data/prng.ts` bit for bit: ownership.bin files, exports and loader cursors
// built before this module existed stay reproducible. Changing the algorithm or the seeding changes all of them.
// Written by hand (a dozen lines) because it must be fast in hot loops and its exact stream is part of file formats.

/** A generator state: 4 unsigned 32-bit integers (as stored in loader cursors and training checkpoints). */
export type RandomState = [number, number, number, number];

export class Random {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  /** Seeds from any 32-bit integer (taken modulo 2^32), or restores a saved state. */
  constructor(seed: number | readonly number[] = 1) {
    if (Array.isArray(seed)) this.setState(seed);
    else this.seed(seed as number);
  }

  /** Resets the generator to the stream of this seed (taken modulo 2^32). */
  seed(seed: number): void {
    if (!Number.isFinite(seed)) throw new Error(`Random.seed: seed ${seed} is not a finite number`);
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    // Warm-up so nearby seeds give unrelated streams.
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  /** Next uniform integer in 0 .. 2^32-1. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1) with 53 random bits (two draws). */
  nextFloat(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in 0 .. n-1 (n ≥ 1, n ≤ 2^32); unbiased by rejection. */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 0x100000000) throw new Error(`Random.nextInt: bound ${n} is not an integer in 1..2^32`);
    const limit = 0x100000000 - (0x100000000 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** A copy of the internal state; pass it to setState (or the constructor) to continue the same stream. */
  getState(): RandomState {
    return [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0];
  }

  /**
   * Restores a state from getState; throws if it is not 4 integers in 0..2^32-1. Any such state is valid for sfc32
   * (its counter word keeps even an all-zero state moving), so a 4-word state saved by another generator loads too.
   */
  setState(state: unknown): void {
    if (!Array.isArray(state) || state.length !== 4 || !state.every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff)) {
      throw new Error(`Random.setState: expected 4 integers in 0..2^32-1, got ${JSON.stringify(state)}`);
    }
    this.a = state[0] | 0;
    this.b = state[1] | 0;
    this.c = state[2] | 0;
    this.d = state[3] | 0;
  }
}

/** A uniform [0, 1) function drawing from a new generator seeded with `seed` (for APIs that take `() => number`). */
export function seededUniform(seed: number): () => number {
  const rng = new Random(seed);
  return () => rng.nextFloat();
}
