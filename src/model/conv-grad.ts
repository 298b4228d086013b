// Stride-1 `same` convolution whose gradients are themselves forward convolutions.
// Why: tfjs-backend-wasm has no Conv2DBackpropFilter kernel and its Conv2DBackpropInput is ~10× slower
// than its forward Conv2D, while the forward conv is well optimised (XNNPACK). Both gradients of a
// stride-1 `same` convolution are forward convolutions of re-arranged tensors:
//   dx = conv(dy, flip_hw(transpose_io(f)))                         `same` padding
//   df = transpose(conv(x^T [C,H,W,N], dy^T [H,W,N,O], pad k/2), [kh,kw,C,O])
// tf.customGrad makes tfjs use these instead of its built-in gradient; this op is not fused with
// bias/activation, so the fused conv's own gradient (which ignores registered ones) never runs.
import * as tf from '@tensorflow/tfjs';

/** Input gradient of a stride-1 `same` conv (odd kernel): dx [N,H,W,C] from dy [N,H,W,O] and filter [kh,kw,C,O]. */
export function convInputGrad(dy: tf.Tensor4D, filter: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = filter.shape;
    // [kh,kw,C,O] → [kh,kw,O,C], then flip both spatial axes.
    let f = tf.transpose(filter, [0, 1, 3, 2]);
    if (kh > 1 || kw > 1) f = tf.reverse(f, [0, 1]);
    return tf.conv2d(dy, f as tf.Tensor4D, 1, 'same');
  });
}

/** Filter gradient of a stride-1 `same` conv (odd kernel): df [kh,kw,C,O] from input x [N,H,W,C] and dy [N,H,W,O]. */
export function convFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, kh: number, kw: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const o = dy.shape[3];
    if (kh === 1 && kw === 1) {
      // A 1×1 filter gradient is a plain matmul: [C, NHW] × [NHW, O].
      const xm = tf.reshape(x, [n * h * w, c]);
      const dym = tf.reshape(dy, [n * h * w, o]);
      return tf.reshape(tf.matMul(xm, dym, true, false), [1, 1, c, o]);
    }
    const xt = tf.transpose(x, [3, 1, 2, 0]) as tf.Tensor4D; // [C,H,W,N]: batch becomes channels
    const dyt = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // [H,W,N,O]: used as the filter
    const ph = (kh - 1) / 2;
    const pw = (kw - 1) / 2;
    const out = tf.conv2d(xt, dyt, 1, [[0, 0], [ph, ph], [pw, pw], [0, 0]]); // [C,kh,kw,O]
    return tf.transpose(out, [1, 2, 0, 3]);
  });
}

function makeConv(inputGrad: boolean): (x: tf.Tensor4D, f: tf.Tensor4D) => tf.Tensor4D {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x4, f4, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([x4, f4]);
    return {
      value: tf.conv2d(x4, f4, 1, 'same'),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sf] = saved as [tf.Tensor4D, tf.Tensor4D];
        const dy4 = dy as tf.Tensor4D;
        // The network input needs no gradient: zeros instead of a conv (saves ~9% of a 6×64 step).
        const dx = inputGrad ? convInputGrad(dy4, sf) : tf.zerosLike(sx);
        return [dx, convFilterGrad(sx, dy4, sf.shape[0], sf.shape[1])];
      },
    };
    // customGrad's typings only allow Tensor|GradSaveFunc arguments; the casts above recover the ranks.
  }) as unknown as (x: tf.Tensor4D, f: tf.Tensor4D) => tf.Tensor4D;
}

const convWithInputGrad = makeConv(true);
const convFilterGradOnly = makeConv(false);

/**
 * Stride-1 `same` conv2d (NHWC, odd kernel) whose gradients are computed with forward convolutions;
 * inputGrad=false (for the network input) returns a zero input gradient instead of computing it.
 */
export function conv2dSame(x: tf.Tensor4D, filter: tf.Tensor4D, inputGrad = true): tf.Tensor4D {
  const [kh, kw, c] = filter.shape;
  if (kh % 2 !== 1 || kw % 2 !== 1) throw new Error(`conv2dSame: kernel must have odd size, got ${kh}×${kw}`);
  if (x.shape[3] !== c) throw new Error(`conv2dSame: input has ${x.shape[3]} channels but the filter expects ${c}`);
  return inputGrad ? convWithInputGrad(x, filter) : convFilterGradOnly(x, filter);
}
