// The forward-conv gradients of conv2dSame must equal tfjs's built-in conv gradients (cpu backend) and
// finite differences, on both cpu and wasm.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { conv2dSame, convFilterGrad } from '../../src/model/conv-grad.js';
import { selectBackend } from '../../src/model/backend.js';

function rand(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

// A non-symmetric weighting of the output so that the loss depends on every output position differently.
function lossOf(y: tf.Tensor, w: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(y, w)) as tf.Scalar;
}

const cases: { name: string; x: number[]; f: number[] }[] = [
  { name: '3×3', x: [2, 5, 6, 3], f: [3, 3, 3, 4] },
  { name: '5×5', x: [3, 7, 7, 2], f: [5, 5, 2, 3] },
  { name: '1×1', x: [2, 4, 4, 5], f: [1, 1, 5, 1] },
];

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`conv2dSame gradients on ${backend}`, () => {
    for (const c of cases) {
      it(`matches the built-in cpu gradient (${c.name})`, async () => {
        await selectBackend('cpu');
        const xv = rand(c.x, 1).dataSync();
        const fv = rand(c.f, 2).dataSync();
        const outShape = [c.x[0], c.x[1], c.x[2], c.f[3]];
        const wv = rand(outShape, 3).dataSync();
        const ref = tf.grads((x: tf.Tensor, f: tf.Tensor) =>
          lossOf(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same'), tf.tensor(wv, outShape)),
        )([tf.tensor(xv, c.x), tf.tensor(fv, c.f)]);
        const refX = ref[0].dataSync().slice();
        const refF = ref[1].dataSync().slice();

        await selectBackend(backend);
        const got = tf.grads((x: tf.Tensor, f: tf.Tensor) =>
          lossOf(conv2dSame(x as tf.Tensor4D, f as tf.Tensor4D), tf.tensor(wv, outShape)),
        )([tf.tensor(xv, c.x), tf.tensor(fv, c.f)]);
        expect(maxAbsDiff(got[0], tf.tensor(refX, c.x))).toBeLessThan(1e-4);
        expect(maxAbsDiff(got[1], tf.tensor(refF, c.f))).toBeLessThan(1e-4);
        // The reference must not be trivially zero, or the comparison proves nothing.
        expect(Math.max(...Array.from(refF, Math.abs))).toBeGreaterThan(0.1);
      });
    }

    it('matches finite differences of the forward conv', async () => {
      await selectBackend(backend);
      const xs = [1, 4, 5, 2];
      const fs = [3, 3, 2, 2];
      const xv = Float32Array.from(rand(xs, 4).dataSync());
      const fv = Float32Array.from(rand(fs, 5).dataSync());
      const wv = Float32Array.from(rand([1, 4, 5, 2], 6).dataSync());
      const f64 = (xa: Float32Array, fa: Float32Array): number =>
        tf.tidy(() => lossOf(tf.conv2d(tf.tensor4d(xa, xs as [number, number, number, number]), tf.tensor4d(fa, fs as [number, number, number, number]), 1, 'same'), tf.tensor(wv, [1, 4, 5, 2])).dataSync()[0]);
      const [gx, gf] = tf.grads((x: tf.Tensor, f: tf.Tensor) => lossOf(conv2dSame(x as tf.Tensor4D, f as tf.Tensor4D), tf.tensor(wv, [1, 4, 5, 2])))([
        tf.tensor(xv, xs),
        tf.tensor(fv, fs),
      ]);
      const gxv = gx.dataSync();
      const gfv = gf.dataSync();
      const eps = 1e-2; // the loss is linear in each argument, so a large step has no truncation error
      for (const i of [0, 7, 13, 39]) {
        const a = xv.slice(); a[i] += eps;
        const b = xv.slice(); b[i] -= eps;
        expect((f64(a, fv) - f64(b, fv)) / (2 * eps)).toBeCloseTo(gxv[i], 2);
      }
      for (const i of [0, 5, 17, 35]) {
        const a = fv.slice(); a[i] += eps;
        const b = fv.slice(); b[i] -= eps;
        expect((f64(xv, a) - f64(xv, b)) / (2 * eps)).toBeCloseTo(gfv[i], 2);
      }
    });
  });
}

describe('conv2dSame without input gradient (network input)', () => {
  it('returns a zero input gradient and the same filter gradient', async () => {
    await selectBackend('wasm');
    const x = rand([2, 5, 5, 3], 8);
    const f = rand([5, 5, 3, 2], 9);
    const w = rand([2, 5, 5, 2], 10);
    const [gx0, gf0] = tf.grads((a: tf.Tensor, b: tf.Tensor) => lossOf(conv2dSame(a as tf.Tensor4D, b as tf.Tensor4D, false), w))([x, f]);
    const [gx1, gf1] = tf.grads((a: tf.Tensor, b: tf.Tensor) => lossOf(conv2dSame(a as tf.Tensor4D, b as tf.Tensor4D), w))([x, f]);
    expect(tf.max(tf.abs(gx0)).dataSync()[0]).toBe(0);
    expect(tf.max(tf.abs(gx1)).dataSync()[0]).toBeGreaterThan(0);
    expect(maxAbsDiff(gf0, gf1)).toBe(0);
  });
});

describe('convFilterGrad by hand', () => {
  it('1 channel, 1×3 board, 3×3 kernel: df[a][b] = sum x[i+a-1][j+b-1]·dy[i][j]', async () => {
    await selectBackend('cpu');
    // x = [1,2,3] in one row, dy = [1,0,-1]; middle kernel row only sees the board row (others are padding):
    // df[1][0] = x[-1]·1 + x[0]·0 + x[1]·(-1) = 0 + 0 - 2 = -2
    // df[1][1] = 1·1 + 2·0 + 3·(-1) = -2
    // df[1][2] = 2·1 + 3·0 + pad·(-1) = 2
    const x = tf.tensor4d([1, 2, 3], [1, 1, 3, 1]);
    const dy = tf.tensor4d([1, 0, -1], [1, 1, 3, 1]);
    const df = convFilterGrad(x, dy, 3, 3).dataSync();
    expect(Array.from(df)).toEqual([0, 0, 0, -2, -2, 2, 0, 0, 0]);
  });
});
