// The model's parameters as an ordered list of specs: the single source of truth shared by the tfjs
// layers model (save/load/inference), the functional training forward and the optimiser, so that
// flat Float32Array parameter lists can cross thread boundaries without names.
import type { ArchConfig } from './config.js';

export type ParamKind = 'kernel' | 'bias' | 'gamma' | 'beta' | 'movingMean' | 'movingVariance';

/** Layer names of the value head (MODEL-SPEC: 1×1 conv → global mean → dense → dense tanh). */
export const VALUE_CONV = 'value_conv';
export const VALUE_POOL = 'value_pool';
export const VALUE_FC1 = 'value_fc1';
export const VALUE_FC2 = 'value_fc2';
/** Layer names of the ownership head (1×1 conv → flatten → tanh). */
export const OWNERSHIP_CONV = 'ownership_conv';
export const OWNERSHIP_FLAT = 'ownership_flatten';
export const OWNERSHIP_OUTPUT = 'ownership_tanh';

export interface ParamSpec {
  /** tfjs/Keras layer name. */
  layer: string;
  kind: ParamKind;
  /** Position of this weight in `layer.getWeights()`. */
  index: number;
  shape: number[];
  /** Updated by gradients (false: batch-norm moving statistics). */
  trainable: boolean;
  /** L2 weight decay applies (conv kernels only). */
  decay: boolean;
}

/** Layer of the architecture, in forward order. */
export type LayerSpec =
  | { type: 'conv'; name: string; k: number; inC: number; outC: number; bias: boolean; relu: boolean }
  | { type: 'bn'; name: string; channels: number; relu: boolean }
  | { type: 'residual-start' }
  | { type: 'residual-add'; name: string; relu: boolean }
  | { type: 'dense'; name: string; inC: number; outC: number; activation: 'relu' | 'tanh' };

/** The value head's layers (after the trunk, beside the policy head), in forward order; empty for a policy-only net. */
export function valueHeadSpecs(c: ArchConfig): LayerSpec[] {
  const v = c.valueHead;
  if (!v) return [];
  return [
    { type: 'conv', name: VALUE_CONV, k: 1, inC: c.width, outC: v.channels, bias: true, relu: true },
    // global mean over the 19×19 points sits between these two (no weights)
    { type: 'dense', name: VALUE_FC1, inC: v.channels, outC: v.hidden, activation: 'relu' },
    { type: 'dense', name: VALUE_FC2, inC: v.hidden, outC: 1, activation: 'tanh' },
  ];
}

/** The ownership head's one layer (after the value head in parameter order); empty without one. */
export function ownershipHeadSpecs(c: ArchConfig): LayerSpec[] {
  if (!c.ownershipHead) return [];
  return [{ type: 'conv', name: OWNERSHIP_CONV, k: 1, inC: c.width, outC: 1, bias: true, relu: false }];
}

/** Lists the layers of an architecture in forward order (the policy head is the last conv). */
export function layerSpecs(c: ArchConfig): LayerSpec[] {
  const out: LayerSpec[] = [];
  const res = c.block === 'residual';
  out.push({ type: 'conv', name: 'conv0', k: 5, inC: c.planes, outC: c.width, bias: !res, relu: !res });
  if (res) {
    out.push({ type: 'bn', name: 'bn0', channels: c.width, relu: true });
    for (let b = 1; b <= c.depth / 2; b++) {
      out.push({ type: 'residual-start' });
      out.push({ type: 'conv', name: `res${b}_conv1`, k: 3, inC: c.width, outC: c.width, bias: false, relu: false });
      out.push({ type: 'bn', name: `res${b}_bn1`, channels: c.width, relu: true });
      out.push({ type: 'conv', name: `res${b}_conv2`, k: 3, inC: c.width, outC: c.width, bias: false, relu: false });
      out.push({ type: 'bn', name: `res${b}_bn2`, channels: c.width, relu: false });
      out.push({ type: 'residual-add', name: `res${b}_add`, relu: true });
    }
  } else {
    for (let i = 1; i <= c.depth; i++) {
      out.push({ type: 'conv', name: `conv${i}`, k: 3, inC: c.width, outC: c.width, bias: true, relu: true });
    }
  }
  out.push({ type: 'conv', name: 'policy', k: 1, inC: c.width, outC: 1, bias: true, relu: false });
  return out;
}

/** Lists every weight of an architecture in the canonical order (trunk and policy head, then value head; tfjs weight order). */
export function paramSpecs(c: ArchConfig): ParamSpec[] {
  const specs: ParamSpec[] = [];
  for (const l of [...layerSpecs(c), ...valueHeadSpecs(c), ...ownershipHeadSpecs(c)]) {
    if (l.type === 'dense') {
      specs.push({ layer: l.name, kind: 'kernel', index: 0, shape: [l.inC, l.outC], trainable: true, decay: true });
      specs.push({ layer: l.name, kind: 'bias', index: 1, shape: [l.outC], trainable: true, decay: false });
    } else if (l.type === 'conv') {
      specs.push({ layer: l.name, kind: 'kernel', index: 0, shape: [l.k, l.k, l.inC, l.outC], trainable: true, decay: true });
      if (l.bias) specs.push({ layer: l.name, kind: 'bias', index: 1, shape: [l.outC], trainable: true, decay: false });
    } else if (l.type === 'bn') {
      const s = [l.channels];
      specs.push({ layer: l.name, kind: 'gamma', index: 0, shape: s, trainable: true, decay: false });
      specs.push({ layer: l.name, kind: 'beta', index: 1, shape: s, trainable: true, decay: false });
      specs.push({ layer: l.name, kind: 'movingMean', index: 2, shape: s, trainable: false, decay: false });
      specs.push({ layer: l.name, kind: 'movingVariance', index: 3, shape: s, trainable: false, decay: false });
    }
  }
  return specs;
}

/** Number of scalars in a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Total number of trainable scalars. */
export function countTrainable(specs: readonly ParamSpec[]): number {
  let n = 0;
  for (const s of specs) if (s.trainable) n += sizeOf(s.shape);
  return n;
}

/** Deterministic initial weights: He-normal conv kernels, zero biases, identity batch norm; `uniform` returns [0,1). */
export function initParams(c: ArchConfig, uniform: () => number): Float32Array[] {
  const normal = (): number => {
    // Box–Muller; 1 - u keeps the log argument in (0, 1].
    const u = 1 - uniform();
    const v = uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  return paramSpecs(c).map((s) => {
    const a = new Float32Array(sizeOf(s.shape));
    if (s.kind === 'kernel') {
      const fanIn = s.shape.length === 2 ? s.shape[0] : s.shape[0] * s.shape[1] * s.shape[2];
      // The 1-plane policy head gets a smaller (Glorot-like) scale so initial logits are near uniform.
      // So does the value head (its 1×1 conv reads the trunk's unnormalised activations), so initial values are small.
      const std = s.layer === 'policy' || s.layer.startsWith('value_') ? Math.sqrt(1 / fanIn) : Math.sqrt(2 / fanIn);
      for (let i = 0; i < a.length; i++) a[i] = normal() * std;
    } else if (s.kind === 'gamma' || s.kind === 'movingVariance') {
      a.fill(1);
    }
    return a;
  });
}

/**
 * A copy of `params` whose value output is tanh(k·z) for the original pre-tanh z: value_fc2's kernel and bias times
 * k (tanh(k(w·h + b)) = tanh((k·w)·h + k·b)), every other array shared as is. Throws for a net without a value head.
 */
export function scaleValueOutput(c: ArchConfig, params: readonly Float32Array[], k: number): Float32Array[] {
  if (!c.valueHead) throw new Error('scaleValueOutput: the architecture has no value head');
  if (!(k > 0 && Number.isFinite(k))) throw new Error(`scaleValueOutput: scale must be a positive finite number, got ${k}`);
  const specs = paramSpecs(c);
  if (params.length !== specs.length) throw new Error(`scaleValueOutput: expected ${specs.length} arrays, got ${params.length}`);
  return params.map((p, i) => (specs[i]!.layer === VALUE_FC2 ? p.map((w) => w * k) : p));
}
