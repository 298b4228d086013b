// The Keras-compatible tfjs layers model (standard Conv2D / BatchNormalization / Add / Flatten /
// softmax layers only, so model.json converts to Keras as is). Used for inference and for saving;
// training uses the functional forward in ./forward.ts over the same parameters.
import * as tf from '@tensorflow/tfjs';
import { BOARD, type ArchConfig } from './config.js';
import { layerSpecs, ownershipHeadSpecs, paramSpecs, sizeOf, valueHeadSpecs, OWNERSHIP_FLAT, OWNERSHIP_OUTPUT, VALUE_POOL, VALUE_FC2 } from './params.js';

export const INPUT_NAME = 'planes';
export const LOGITS_LAYER = 'flatten';
export const OUTPUT_LAYER = 'policy_softmax';
/** The value head's output layer (tanh, side to move's expected result in [-1, 1]); absent in policy-only models. */
export const VALUE_OUTPUT_LAYER = VALUE_FC2;
/** Keras defaults, also used by the training forward. */
export const BN_EPSILON = 1e-3;
export const BN_MOMENTUM = 0.99;

/**
 * Builds the layers model of an architecture (weights zero-initialised; set them with `setParams`). Outputs: the
 * policy [N,361], then with a value head the value [N,1], then with an ownership head the ownership [N,361] (tanh).
 */
export function buildModel(c: ArchConfig): tf.LayersModel {
  const input = tf.input({ shape: [BOARD, BOARD, c.planes], name: INPUT_NAME });
  let x: tf.SymbolicTensor = input;
  let skip: tf.SymbolicTensor | null = null;
  let trunk: tf.SymbolicTensor = input;
  let relus = 0;
  for (const l of layerSpecs(c)) {
    if (l.type === 'dense') throw new Error(`buildModel: dense layer ${l.name} in the trunk`);
    if (l.type === 'conv' && l.name === 'policy') trunk = x;
    if (l.type === 'conv') {
      x = tf.layers
        .conv2d({
          name: l.name,
          filters: l.outC,
          kernelSize: l.k,
          strides: 1,
          padding: 'same',
          useBias: l.bias,
          activation: l.relu ? 'relu' : 'linear',
          kernelInitializer: 'zeros',
        })
        .apply(x) as tf.SymbolicTensor;
    } else if (l.type === 'bn') {
      x = tf.layers.batchNormalization({ name: l.name, axis: -1, epsilon: BN_EPSILON, momentum: BN_MOMENTUM }).apply(x) as tf.SymbolicTensor;
      if (l.relu) x = tf.layers.activation({ activation: 'relu', name: `relu${relus++}` }).apply(x) as tf.SymbolicTensor;
    } else if (l.type === 'residual-start') {
      skip = x;
    } else {
      if (!skip) throw new Error(`buildModel: residual add ${l.name} without a block start`);
      x = tf.layers.add({ name: l.name }).apply([x, skip]) as tf.SymbolicTensor;
      if (l.relu) x = tf.layers.activation({ activation: 'relu', name: `relu${relus++}` }).apply(x) as tf.SymbolicTensor;
      skip = null;
    }
  }
  x = tf.layers.flatten({ name: LOGITS_LAYER }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.activation({ activation: 'softmax', name: OUTPUT_LAYER }).apply(x) as tf.SymbolicTensor;
  if (!c.valueHead) return tf.model({ inputs: input, outputs: out, name: 'tengen_policy' });
  let v = trunk;
  for (const l of valueHeadSpecs(c)) {
    if (l.type === 'conv') {
      v = tf.layers
        .conv2d({ name: l.name, filters: l.outC, kernelSize: l.k, strides: 1, padding: 'same', useBias: true, activation: 'relu', kernelInitializer: 'zeros' })
        .apply(v) as tf.SymbolicTensor;
      v = tf.layers.globalAveragePooling2d({ name: VALUE_POOL }).apply(v) as tf.SymbolicTensor;
    } else if (l.type === 'dense') {
      v = tf.layers.dense({ name: l.name, units: l.outC, activation: l.activation, kernelInitializer: 'zeros' }).apply(v) as tf.SymbolicTensor;
    }
  }
  const outputs = [out, v];
  for (const l of ownershipHeadSpecs(c)) {
    if (l.type !== 'conv') continue;
    let o = tf.layers
      .conv2d({ name: l.name, filters: 1, kernelSize: 1, strides: 1, padding: 'same', useBias: true, activation: 'linear', kernelInitializer: 'zeros' })
      .apply(trunk) as tf.SymbolicTensor;
    o = tf.layers.flatten({ name: OWNERSHIP_FLAT }).apply(o) as tf.SymbolicTensor;
    outputs.push(tf.layers.activation({ activation: 'tanh', name: OWNERSHIP_OUTPUT }).apply(o) as tf.SymbolicTensor);
  }
  return tf.model({ inputs: input, outputs, name: 'tengen_policy_value' });
}

/** Copies flat parameters (canonical order, see params.ts) into a layers model; throws on a shape mismatch. */
export function setParams(model: tf.LayersModel, c: ArchConfig, params: readonly Float32Array[]): void {
  const specs = paramSpecs(c);
  if (params.length !== specs.length) throw new Error(`setParams: expected ${specs.length} arrays, got ${params.length}`);
  const byLayer = new Map<string, tf.Tensor[]>();
  specs.forEach((s, i) => {
    if (params[i].length !== sizeOf(s.shape)) {
      throw new Error(`setParams: ${s.layer}/${s.kind} needs ${sizeOf(s.shape)} values, got ${params[i].length}`);
    }
    const list = byLayer.get(s.layer) ?? [];
    list[s.index] = tf.tensor(params[i], s.shape, 'float32');
    byLayer.set(s.layer, list);
  });
  for (const [name, ws] of byLayer) {
    model.getLayer(name).setWeights(ws);
    for (const w of ws) w.dispose();
  }
}

/** Reads a layers model's weights as flat arrays in canonical order; throws naming a missing layer or bad shape. */
export function getParams(model: tf.LayersModel, c: ArchConfig): Float32Array[] {
  return paramSpecs(c).map((s) => {
    let layer: tf.layers.Layer;
    try {
      layer = model.getLayer(s.layer);
    } catch {
      throw new Error(`model has no layer "${s.layer}" required by architecture ${c.depth}×${c.width} ${c.block}`);
    }
    const w = layer.getWeights()[s.index];
    if (!w || w.shape.join(',') !== s.shape.join(',')) {
      throw new Error(`layer "${s.layer}" weight ${s.kind}: expected shape [${s.shape}], got ${w ? `[${w.shape}]` : 'none'}`);
    }
    return w.dataSync() as Float32Array;
  });
}
