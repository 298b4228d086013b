// Functional forward pass over flat parameter tensors, used for training (gradients via conv2dSame)
// and for evaluation inside the trainer. Mirrors buildModel() layer by layer; the test suite checks
// that both give the same probabilities.
import * as tf from '@tensorflow/tfjs';
import { BOARD, POINTS, type ArchConfig } from './config.js';
import { conv2dSame } from './conv-grad.js';
import { relu } from './native-relu.js';
import { layerSpecs, ownershipHeadSpecs, valueHeadSpecs } from './params.js';
import { BN_EPSILON } from './build.js';

export interface ForwardResult {
  /** [batch, 361] pre-softmax scores. */
  logits: tf.Tensor2D;
  /** [batch] value head output (tanh, side to move's expected result), null for a policy-only net. */
  value: tf.Tensor1D | null;
  /** [batch] the value head's pre-tanh activation z (value = tanh z, so P(win) = sigmoid(2z)); null likewise. */
  valueLogit: tf.Tensor1D | null;
  /** [batch, 361] the ownership head's pre-tanh activation (ownership = tanh, side to move's view); null without one. */
  ownershipLogit: tf.Tensor2D | null;
  /** Training mode only: per batch-norm layer, its batch mean and variance (in layer order). */
  batchStats: tf.Tensor1D[];
}

/**
 * Runs the network on x [N,19,19,planes]; `params` are tensors in canonical order (params.ts).
 * training=true normalises with batch statistics (and reports them), false with the moving ones.
 * nativeConv: use tfjs's own conv2d (and its registered gradients — native TensorFlow's kernels on tfjs-node)
 * instead of conv2dSame's forward-conv gradients that the WASM backend needs.
 */
export function forward(c: ArchConfig, params: readonly tf.Tensor[], x: tf.Tensor4D, training: boolean, nativeConv = false): ForwardResult {
  const conv = (h: tf.Tensor4D, k: tf.Tensor4D, inputGrad: boolean): tf.Tensor4D =>
    nativeConv ? tf.conv2d(h, k, 1, 'same') : conv2dSame(h, k, inputGrad);
  let p = 0;
  const next = (): tf.Tensor => {
    const t = params[p++];
    if (!t) throw new Error(`forward: parameter list too short (${params.length}) for ${c.depth}×${c.width} ${c.block}`);
    return t;
  };
  const batchStats: tf.Tensor1D[] = [];
  let h: tf.Tensor4D = x;
  let skip: tf.Tensor4D | null = null;
  let trunk: tf.Tensor4D = x;
  for (const l of layerSpecs(c)) {
    if (l.type === 'dense') throw new Error(`forward: dense layer ${l.name} in the trunk`);
    if (l.type === 'conv' && l.name === 'policy') trunk = h;
    if (l.type === 'conv') {
      if (nativeConv) {
        // One fused op (conv + bias; TensorFlow's _FusedConv2D) and its registered gradient, then a relu whose
        // gradient is TensorFlow's ReluGrad (the fused op's relu gradient is tfjs's slower dy · step(y)).
        const filter = next() as tf.Tensor4D;
        const bias = l.bias ? (next() as tf.Tensor1D) : undefined;
        h = tf.fused.conv2d({ x: h, filter, strides: 1, pad: 'same', bias, activation: 'linear' });
        if (l.relu) h = relu(h);
      } else {
        h = conv(h, next() as tf.Tensor4D, h !== x);
        if (l.bias) h = tf.add(h, next()) as tf.Tensor4D;
        if (l.relu) h = tf.relu(h) as tf.Tensor4D;
      }
    } else if (l.type === 'bn') {
      const gamma = next() as tf.Tensor1D;
      const beta = next() as tf.Tensor1D;
      const movingMean = next() as tf.Tensor1D;
      const movingVar = next() as tf.Tensor1D;
      if (training) {
        const { mean, variance } = tf.moments(h, [0, 1, 2]);
        batchStats.push(mean as tf.Tensor1D, variance as tf.Tensor1D);
        h = tf.batchNorm(h, mean, variance, beta, gamma, BN_EPSILON) as tf.Tensor4D;
      } else {
        h = tf.batchNorm(h, movingMean, movingVar, beta, gamma, BN_EPSILON);
      }
      if (l.relu) h = tf.relu(h) as tf.Tensor4D;
    } else if (l.type === 'residual-start') {
      skip = h;
    } else {
      h = tf.add(h, skip as tf.Tensor4D) as tf.Tensor4D;
      if (l.relu) h = tf.relu(h) as tf.Tensor4D;
      skip = null;
    }
  }
  let value: tf.Tensor1D | null = null;
  let valueLogit: tf.Tensor1D | null = null;
  if (c.valueHead) {
    let v: tf.Tensor = trunk;
    for (const l of valueHeadSpecs(c)) {
      if (l.type === 'conv') {
        v = tf.relu(tf.add(conv(v as tf.Tensor4D, next() as tf.Tensor4D, true), next()));
        v = tf.mean(v, [1, 2]); // global mean: [N, channels]
      } else if (l.type === 'dense') {
        v = tf.add(tf.matMul(v as tf.Tensor2D, next() as tf.Tensor2D), next());
        if (l.activation === 'tanh') valueLogit = tf.reshape(v, [-1]) as tf.Tensor1D;
        v = l.activation === 'relu' ? tf.relu(v) : tf.tanh(v);
      }
    }
    value = tf.reshape(v, [-1]) as tf.Tensor1D;
  }
  let ownershipLogit: tf.Tensor2D | null = null;
  for (const l of ownershipHeadSpecs(c)) {
    if (l.type !== 'conv') continue;
    ownershipLogit = tf.reshape(tf.add(conv(trunk, next() as tf.Tensor4D, true), next()), [-1, POINTS]) as tf.Tensor2D;
  }
  if (p !== params.length) throw new Error(`forward: ${params.length} parameters given, architecture uses ${p}`);
  return { logits: tf.reshape(h, [-1, POINTS]) as tf.Tensor2D, value, valueLogit, ownershipLogit, batchStats };
}

/** Mean softmax cross-entropy of logits [N,361] against point labels (int32 [N]). */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => softCrossEntropy(logits, tf.oneHot(labels, POINTS) as tf.Tensor2D));
}

/** Mean softmax cross-entropy of logits [N,361] against target distributions [N,361]: −mean Σ p·log q. */
export function softCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), 1))) as tf.Scalar);
}

/**
 * The value loss: binary cross-entropy of P(win) = (tanh z + 1) / 2 = sigmoid(2z) against targets in {-1, +1}, computed
 * from the pre-tanh z as softplus(−2·z·t) so that a saturated, wrong prediction still gets a gradient (MSE through
 * tanh does not: the head stalls at ±1 when the trunk's features are large, as a plain net's are). A target of 0 means
 * "no value target" (unknown, void or drawn game) and is left out; 0 when no position has a target.
 */
export function valueLoss(valueLogit: tf.Tensor1D, targets: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const mask = tf.cast(tf.notEqual(targets, 0), 'float32');
    const ce = tf.mul(tf.softplus(tf.mul(tf.mul(valueLogit, targets), -2)), mask);
    return tf.div(tf.sum(ce), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
  });
}

/**
 * The ownership loss: per point, binary cross-entropy of P(side to move owns it) = sigmoid(2z) against the soft
 * target (t + 1) / 2, t in [-1, 1] (data/ownership.ts), computed stably as softplus(2z) − z·(1 + t); mean over points
 * and positions (its minimum is the targets' entropy, not 0). Its weight in the total loss is the caller's (KataGo's 1.5 per point-mean).
 */
export function ownershipLoss(ownershipLogit: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const z2 = tf.mul(ownershipLogit, 2);
    return tf.mean(tf.sub(tf.softplus(z2), tf.mul(z2, tf.div(tf.add(targets, 1), 2)))) as tf.Scalar;
  });
}

/** Shape check for an input batch: size×19×19×planes floats. */
export function inputShape(size: number, planes: number): [number, number, number, number] {
  return [size, BOARD, BOARD, planes];
}
