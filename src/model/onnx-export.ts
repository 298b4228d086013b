// The network as an ONNX graph, built in TypeScript from the architecture and the flat parameters (canonical order,
// params.ts): one graph computing exactly what forward() and buildModel() compute, for ONNX Runtime
// (src/model/onnx-runtime.ts) or any other ONNX consumer. No Python, no converter.
//
// Graph (opset 17): input `planes` [N,19,19,planes] (NHWC, as the engine encodes positions) → Transpose to NCHW →
// trunk (Conv with 'same' padding, stride 1, optional bias, Relu; residual: BatchNormalization ε = 1e-3, Add, Relu)
// → outputs `policy` [N,361] (1×1 Conv → Reshape → Softmax), with a value head `value` [N,1] (1×1 Conv + Relu →
// GlobalAveragePool → Flatten → Gemm + Relu → Gemm → Tanh), with an ownership head `ownership` [N,361] (1×1 Conv →
// Reshape → Tanh).
//
// The bytes are ONNX's ModelProto encoded by protobufjs from the schema below: the subset of onnx/onnx.proto (proto2)
// that the exporter writes, with ONNX's own field numbers, so no wire format is written by hand.
import protobuf from 'protobufjs';
import { BN_EPSILON } from './build.js';
import { BOARD, POINTS, validateArchConfig, type ArchConfig } from './config.js';
import { layerSpecs, ownershipHeadSpecs, paramSpecs, sizeOf, valueHeadSpecs, type LayerSpec, type ParamSpec } from './params.js';

/** Names of the graph's input and outputs. */
export const ONNX_INPUT = 'planes';
export const ONNX_POLICY = 'policy';
export const ONNX_VALUE = 'value';
export const ONNX_OWNERSHIP = 'ownership';
/** The ONNX operator set and IR version the graph is written for (ONNX Runtime ≥ 1.13 reads them). */
export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;

const ONNX_SCHEMA = `
syntax = "proto2";
package onnx;
message AttributeProto {
  enum AttributeType { UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; TENSOR = 4; GRAPH = 5; FLOATS = 6; INTS = 7; STRINGS = 8; }
  optional string name = 1;
  optional AttributeType type = 20;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  repeated float floats = 7;
  repeated int64 ints = 8;
}
message ValueInfoProto { optional string name = 1; optional TypeProto type = 2; optional string doc_string = 3; }
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  optional string domain = 7;
  repeated AttributeProto attribute = 5;
}
message StringStringEntryProto { optional string key = 1; optional string value = 2; }
message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  optional string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}
message TensorProto {
  enum DataType { UNDEFINED = 0; FLOAT = 1; INT64 = 7; }
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  optional string name = 8;
  optional bytes raw_data = 9;
}
message TensorShapeProto {
  message Dimension { oneof value { int64 dim_value = 1; string dim_param = 2; } }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor { optional int32 elem_type = 1; optional TensorShapeProto shape = 2; }
  oneof value { Tensor tensor_type = 1; }
}
message OperatorSetIdProto { optional string domain = 1; optional int64 version = 2; }
message ModelProto {
  optional int64 ir_version = 1;
  repeated OperatorSetIdProto opset_import = 8;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional string domain = 4;
  optional int64 model_version = 5;
  optional string doc_string = 6;
  optional GraphProto graph = 7;
  repeated StringStringEntryProto metadata_props = 14;
}
`;

let modelProto: protobuf.Type | null = null;
function modelType(): protobuf.Type {
  modelProto ??= protobuf.parse(ONNX_SCHEMA, { keepCase: true }).root.lookupType('onnx.ModelProto');
  return modelProto;
}

const FLOAT = 1;
const INT64 = 7;
const ATTR = { FLOAT: 1, INT: 2, INTS: 7 } as const;

type Attr = { name: string; type: number; f?: number; i?: number; ints?: number[] };
interface Node {
  op_type: string;
  name: string;
  input: string[];
  output: string[];
  attribute: Attr[];
}
interface Initializer {
  name: string;
  dims: number[];
  data_type: number;
  raw_data: Uint8Array;
}

const intAttr = (name: string, i: number): Attr => ({ name, type: ATTR.INT, i });
const intsAttr = (name: string, ints: number[]): Attr => ({ name, type: ATTR.INTS, ints });
const floatAttr = (name: string, f: number): Attr => ({ name, type: ATTR.FLOAT, f });

function floatBytes(a: Float32Array): Uint8Array {
  const out = new Uint8Array(a.length * 4);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) dv.setFloat32(i * 4, a[i]!, true); // ONNX raw_data is little-endian
  return out;
}

function int64Bytes(a: readonly number[]): Uint8Array {
  const out = new Uint8Array(a.length * 8);
  const dv = new DataView(out.buffer);
  a.forEach((v, i) => dv.setBigInt64(i * 8, BigInt(v), true));
  return out;
}

/** Default input-channel multiple the stem is padded to (see OnnxExportOptions.channelBlock). */
export const DEFAULT_CHANNEL_BLOCK = 8;

/** Appends `pad` zero input channels to an OIHW kernel. */
function padInChannels(w: Float32Array, k: number, inC: number, outC: number, pad: number): Float32Array {
  if (pad === 0) return w;
  const out = new Float32Array(outC * (inC + pad) * k * k);
  const block = inC * k * k;
  for (let o = 0; o < outC; o++) out.set(w.subarray(o * block, (o + 1) * block), o * (inC + pad) * k * k);
  return out;
}

/** A tfjs conv kernel [kh, kw, in, out] as ONNX's [out, in, kh, kw]. */
function convKernelOIHW(w: Float32Array, k: number, inC: number, outC: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let y = 0; y < k; y++)
    for (let x = 0; x < k; x++)
      for (let i = 0; i < inC; i++)
        for (let o = 0; o < outC; o++) out[((o * inC + i) * k + y) * k + x] = w[((y * k + x) * inC + i) * outC + o]!;
  return out;
}

function tensorInfo(name: string, dims: (number | string)[]): object {
  return {
    name,
    type: { tensor_type: { elem_type: FLOAT, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dim_param: d } : { dim_value: d })) } } },
  };
}

export interface OnnxExportOptions {
  /** ModelProto.producer_version (default "0.1.0"). */
  producerVersion?: string;
  /** Extra ModelProto.metadata_props (e.g. the feature set); the architecture is always written as `tengen.architecture`. */
  metadata?: Record<string, string>;
  /**
   * The stem's input channels are padded with zero planes to a multiple of this (default 8, ONNX Runtime's NCHWc
   * block with AVX2; 16 with AVX-512; 1 = no padding), so that ONNX Runtime runs the stem in its fast blocked layout.
   */
  channelBlock?: number;
}

/**
 * Encodes architecture `config` with flat `params` (canonical order, params.ts) as an ONNX ModelProto. Throws naming
 * the field, layer or parameter at fault for an invalid architecture, a wrong parameter count or size, a non-finite
 * weight, or a layer type the exporter has no ONNX mapping for.
 */
export function exportOnnx(config: ArchConfig, params: readonly Float32Array[], opts: OnnxExportOptions = {}): Uint8Array {
  const c = validateArchConfig(config, 'onnx export: architecture');
  const specs = paramSpecs(c);
  if (params.length !== specs.length) throw new Error(`onnx export: architecture ${c.depth}×${c.width} ${c.block} has ${specs.length} parameter arrays, got ${params.length}`);
  specs.forEach((s, i) => {
    const p = params[i];
    if (!(p instanceof Float32Array) || p.length !== sizeOf(s.shape)) {
      throw new Error(`onnx export: parameter ${i} (${s.layer}/${s.kind}) needs ${sizeOf(s.shape)} floats [${s.shape}], got ${p instanceof Float32Array ? p.length : typeof p}`);
    }
    for (const v of p) if (!Number.isFinite(v)) throw new Error(`onnx export: parameter ${i} (${s.layer}/${s.kind}) contains ${v}`);
  });

  const nodes: Node[] = [];
  const inits: Initializer[] = [];
  let pi = 0;
  const next = (layer: string, kind: ParamSpec['kind']): { spec: ParamSpec; data: Float32Array } => {
    const spec = specs[pi];
    if (!spec || spec.layer !== layer || spec.kind !== kind) {
      throw new Error(`onnx export: expected parameter ${layer}/${kind} at position ${pi}, the architecture lists ${spec ? `${spec.layer}/${spec.kind}` : 'nothing'}`);
    }
    return { spec, data: params[pi++]! };
  };
  const init = (name: string, dims: number[], data: Float32Array): string => {
    inits.push({ name, dims, data_type: FLOAT, raw_data: floatBytes(data) });
    return name;
  };
  const node = (op_type: string, name: string, input: string[], attribute: Attr[] = []): string => {
    nodes.push({ op_type, name, input, output: [name], attribute });
    return name;
  };
  const shape361 = 'shape_n_361';
  inits.push({ name: shape361, dims: [2], data_type: INT64, raw_data: int64Bytes([-1, POINTS]) });

  const conv = (l: Extract<LayerSpec, { type: 'conv' }>, x: string, relu: boolean, bias: boolean, inPad = 0): string => {
    const k = next(l.name, 'kernel');
    const inputs = [x, init(`${l.name}_W`, [l.outC, l.inC + inPad, l.k, l.k], padInChannels(convKernelOIHW(k.data, l.k, l.inC, l.outC), l.k, l.inC, l.outC, inPad))];
    if (bias) inputs.push(init(`${l.name}_B`, [l.outC], next(l.name, 'bias').data));
    const pad = (l.k - 1) / 2;
    const y = node('Conv', `${l.name}_conv`, inputs, [intsAttr('kernel_shape', [l.k, l.k]), intsAttr('pads', [pad, pad, pad, pad]), intsAttr('strides', [1, 1]), intsAttr('dilations', [1, 1])]);
    return relu ? node('Relu', `${l.name}_relu`, [y]) : y;
  };
  const unsupported = (l: never, where: string): never => {
    throw new Error(`onnx export: ${where} layer ${JSON.stringify(l)} has no ONNX mapping`);
  };

  let h = node('Transpose', 'planes_nchw', [ONNX_INPUT], [intsAttr('perm', [0, 3, 1, 2])]);
  // ONNX Runtime runs a Conv in its blocked NCHWc layout only when the input channels are a multiple of the CPU's
  // block size; a feature set with another plane count (alphago49) gets zero planes appended after the transpose,
  // and the stem's kernel zero weights for them. On models/default (AVX2), ONNX Runtime's node profile: the stem
  // 870 → 423 µs per position at batch 64, the whole pass 1834 → 1322 µs.
  const block = opts.channelBlock ?? DEFAULT_CHANNEL_BLOCK;
  if (!Number.isInteger(block) || block < 1 || block > 64) throw new Error(`onnx export: channelBlock must be an integer in 1..64, got ${block}`);
  const inPad = (block - (c.planes % block)) % block;
  if (inPad > 0) {
    inits.push({ name: 'planes_pads', dims: [8], data_type: INT64, raw_data: int64Bytes([0, 0, 0, 0, 0, inPad, 0, 0]) });
    h = node('Pad', 'planes_padded', [h, 'planes_pads']);
  }
  let first = true;
  let skip: string | null = null;
  let trunk = h;
  let policyLogits: string | null = null;
  for (const l of layerSpecs(c)) {
    switch (l.type) {
      case 'conv':
        if (l.k % 2 !== 1) throw new Error(`onnx export: layer ${l.name} has an even kernel size ${l.k} ('same' padding would be asymmetric)`);
        if (l.name === 'policy') {
          trunk = h;
          policyLogits = node('Reshape', 'policy_logits', [conv(l, h, false, l.bias), shape361]);
        } else {
          h = conv(l, h, l.relu, l.bias, first ? inPad : 0);
          first = false;
        }
        break;
      case 'bn': {
        const g = next(l.name, 'gamma').data;
        const b = next(l.name, 'beta').data;
        const m = next(l.name, 'movingMean').data;
        const v = next(l.name, 'movingVariance').data;
        const ins = [h, init(`${l.name}_gamma`, [l.channels], g), init(`${l.name}_beta`, [l.channels], b), init(`${l.name}_mean`, [l.channels], m), init(`${l.name}_var`, [l.channels], v)];
        h = node('BatchNormalization', l.name, ins, [floatAttr('epsilon', BN_EPSILON)]);
        if (l.relu) h = node('Relu', `${l.name}_relu`, [h]);
        break;
      }
      case 'residual-start':
        skip = h;
        break;
      case 'residual-add':
        if (!skip) throw new Error(`onnx export: residual add ${l.name} without a block start`);
        h = node('Add', l.name, [h, skip]);
        if (l.relu) h = node('Relu', `${l.name}_relu`, [h]);
        skip = null;
        break;
      case 'dense':
        throw new Error(`onnx export: dense layer ${l.name} in the trunk has no ONNX mapping here`);
      default:
        unsupported(l, 'trunk');
    }
  }
  if (!policyLogits) throw new Error('onnx export: the architecture has no policy layer');
  const outputs = [tensorInfo(node('Softmax', ONNX_POLICY, [policyLogits], [intAttr('axis', 1)]), ['N', POINTS])];

  if (c.valueHead) {
    let v = trunk;
    for (const l of valueHeadSpecs(c)) {
      if (l.type === 'conv') {
        v = conv(l, v, true, true);
        v = node('GlobalAveragePool', 'value_pool', [v]);
        v = node('Flatten', 'value_pool_flat', [v], [intAttr('axis', 1)]);
      } else if (l.type === 'dense') {
        const w = next(l.name, 'kernel').data;
        const b = next(l.name, 'bias').data;
        v = node('Gemm', l.name, [v, init(`${l.name}_W`, [l.inC, l.outC], w), init(`${l.name}_B`, [l.outC], b)]);
        v = node(l.activation === 'relu' ? 'Relu' : 'Tanh', l.activation === 'tanh' ? ONNX_VALUE : `${l.name}_relu`, [v]);
      } else throw new Error(`onnx export: value head layer ${JSON.stringify(l)} has no ONNX mapping`);
    }
    if (v !== ONNX_VALUE) throw new Error('onnx export: the value head does not end in a tanh dense layer');
    outputs.push(tensorInfo(ONNX_VALUE, ['N', 1]));
  }
  for (const l of ownershipHeadSpecs(c)) {
    if (l.type !== 'conv') throw new Error(`onnx export: ownership head layer ${JSON.stringify(l)} has no ONNX mapping`);
    const o = node('Reshape', 'ownership_logits', [conv(l, trunk, false, true), shape361]);
    outputs.push(tensorInfo(node('Tanh', ONNX_OWNERSHIP, [o]), ['N', POINTS]));
  }
  if (pi !== specs.length) throw new Error(`onnx export: ${specs.length} parameter arrays given, the graph uses ${pi}`);

  const metadata = { 'tengen.architecture': JSON.stringify(c), ...opts.metadata };
  const type = modelType();
  const model = type.fromObject({
    ir_version: ONNX_IR_VERSION,
    opset_import: [{ domain: '', version: ONNX_OPSET }],
    producer_name: 'tengen',
    producer_version: opts.producerVersion ?? '0.1.0',
    doc_string: `Tengen ${c.depth}×${c.width} ${c.block} move-prediction network`,
    graph: {
      name: 'tengen',
      node: nodes,
      initializer: inits,
      input: [tensorInfo(ONNX_INPUT, ['N', BOARD, BOARD, c.planes])],
      output: outputs,
    },
    metadata_props: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  });
  return type.encode(model).finish();
}
