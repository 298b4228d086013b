// ONNX Runtime (onnxruntime-node, an optional dependency) as a second inference runtime: the network exported in
// memory by onnx-export.ts from the loaded parameters, run by ONNX Runtime's CPU kernels. Its outputs equal the tfjs
// model's within 1e-4 (test/model/onnx.test.ts); bench/onnx.bench.ts measures both.
import { readFileSync } from 'node:fs';
import { BOARD, POINTS, type ArchConfig } from './config.js';
import { exportOnnx, ONNX_INPUT, ONNX_OWNERSHIP, ONNX_POLICY, ONNX_VALUE } from './onnx-export.js';

/** Inference runtimes: tfjs (layers model on the selected tfjs backend) or onnx (ONNX Runtime). */
export const RUNTIME_NAMES = ['tfjs', 'onnx'] as const;
export type RuntimeName = (typeof RUNTIME_NAMES)[number];
/** What the engine reports as its backend when ONNX Runtime serves the model. */
export const ONNX_BACKEND = 'onnxruntime';

/** Parses a runtime name or "auto"; throws naming the accepted values. */
export function parseRuntime(raw: string): RuntimeName | 'auto' {
  const v = raw.trim().toLowerCase();
  if (v === 'auto' || v === 'tfjs' || v === 'onnx') return v;
  throw new Error(`unknown runtime ${JSON.stringify(raw)} (expected auto, ${RUNTIME_NAMES.join(', ')})`);
}

// The few parts of onnxruntime-node's API used here, typed locally so the sources type-check without the package.
interface OrtTensor {
  readonly data: unknown;
  readonly dims: readonly number[];
}
interface OrtSession {
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
interface OrtModule {
  InferenceSession: { create(model: Uint8Array, options?: Record<string, unknown>): Promise<OrtSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
  env: { versions?: { node?: string } };
}

let ortLoad: Promise<OrtModule | Error> | null = null;

/** onnxruntime-node, loaded once; an Error (not thrown) naming why when it is not installed or does not load. */
export function loadOnnxRuntime(): Promise<OrtModule | Error> {
  ortLoad ??= (async () => {
    try {
      // Optional dependency: imported by a computed name so a missing package is a value, not a compile error.
      const pkg = 'onnxruntime-node';
      const m = (await import(pkg)) as { default?: OrtModule } & OrtModule;
      const ort = m.InferenceSession ? m : m.default;
      if (!ort?.InferenceSession) return new Error('onnxruntime-node loaded but has no InferenceSession');
      return ort;
    } catch (err) {
      const msg = (err as Error).message.split('\n')[0] ?? String(err);
      return new Error(/Cannot find (package|module) 'onnxruntime-node'/.test(msg) ? 'onnxruntime-node is not installed' : `onnxruntime-node does not load: ${msg}`);
    }
  })();
  return ortLoad;
}

/** onnxruntime-node's version, or null when it does not load. */
export async function onnxRuntimeVersion(): Promise<string | null> {
  const ort = await loadOnnxRuntime();
  return ort instanceof Error ? null : (ort.env.versions?.node ?? 'unknown');
}

export interface OnnxNetOptions {
  /** ONNX Runtime intra-op threads (default 1). */
  threads?: number;
  /**
   * Let idle intra-op threads spin for work (ONNX Runtime's default; lower latency, but burns a core between passes).
   * Default false: Tengen shares the CPU with its own search and HTTP threads.
   */
  spin?: boolean;
}

/** One pass's outputs: policy [rows × 361], value [rows] or null, ownership [rows × 361] or null. */
export interface NetOutputs {
  policy: Float32Array;
  value: Float32Array | null;
  ownership: Float32Array | null;
}

/** ONNX Runtime's NCHWc block on this CPU (MLAS: 16 with AVX-512F, else 8), read once from /proc/cpuinfo. */
let block: number | undefined;
export function nchwcBlock(): number {
  if (block === undefined) {
    let info = '';
    try {
      info = readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      // not Linux: keep the AVX2 block
    }
    block = /\bavx512f\b/.test(info) ? 16 : 8;
  }
  return block;
}

/** A network running in ONNX Runtime. */
export class OnnxNet {
  private constructor(
    private readonly ort: OrtModule,
    private readonly session: OrtSession,
    readonly config: ArchConfig,
    readonly threads: number,
  ) {}

  /** Exports `config` + `params` (canonical order) to ONNX in memory and opens an ONNX Runtime session; throws naming what failed. */
  static async create(config: ArchConfig, params: readonly Float32Array[], opts: OnnxNetOptions = {}): Promise<OnnxNet> {
    const threads = opts.threads ?? 1;
    if (!Number.isInteger(threads) || threads < 1 || threads > 256) throw new Error(`OnnxNet: threads must be an integer in 1..256, got ${threads}`);
    const ort = await loadOnnxRuntime();
    if (ort instanceof Error) throw ort;
    const bytes = exportOnnx(config, params, { channelBlock: nchwcBlock() });
    let session: OrtSession;
    try {
      session = await ort.InferenceSession.create(bytes, {
        executionProviders: ['cpu'],
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        extra: { session: { intra_op: { allow_spinning: opts.spin ? '1' : '0' }, inter_op: { allow_spinning: '0' } } },
      });
    } catch (err) {
      throw new Error(`ONNX Runtime rejected the exported graph: ${(err as Error).message}`);
    }
    return new OnnxNet(ort, session, config, threads);
  }

  /** Runs `rows` positions of `input` (rows × 19 × 19 × planes floats, NHWC); the outputs are fresh arrays. */
  async run(input: Float32Array, rows: number): Promise<NetOutputs> {
    const n = rows * POINTS * this.config.planes;
    if (!Number.isInteger(rows) || rows < 1 || input.length < n) throw new Error(`OnnxNet.run: ${rows} rows need ${n} floats, got ${input.length}`);
    const x = new this.ort.Tensor('float32', input.length === n ? input : input.subarray(0, n), [rows, BOARD, BOARD, this.config.planes]);
    const out = await this.session.run({ [ONNX_INPUT]: x });
    const get = (name: string): Float32Array | null => (out[name] ? (out[name].data as Float32Array) : null);
    const policy = get(ONNX_POLICY);
    if (!policy) throw new Error('OnnxNet.run: the session returned no policy');
    return { policy, value: this.config.valueHead ? get(ONNX_VALUE) : null, ownership: this.config.ownershipHead ? get(ONNX_OWNERSHIP) : null };
  }

  /** Frees the session. */
  async release(): Promise<void> {
    await this.session.release();
  }
}
