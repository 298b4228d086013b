// The move-suggestion engine shared by HTTP and GTP: loads a model once, encodes positions, batches
// concurrent requests into shared forward passes, masks illegal points (ko and superko included) and
// optionally averages the 8 board symmetries.
import * as tf from '@tensorflow/tfjs';
import os from 'node:os';
import path from 'node:path';
import type { Board } from '../go/board.js';
import { NPOINTS, PASS } from '../go/constants.js';
import { assertFeatureSetCompatible, getFeatureSet } from '../features/registry.js';
import { symmetryTable, transformPlanes, SYMMETRY_COUNT } from '../features/symmetry.js';
import type { FeatureSet } from '../features/types.js';
import { BACKEND_NAMES, selectBackend, type BackendName } from '../model/backend.js';
import { loadModel } from '../model/io.js';
import { loadOnnxRuntime, ONNX_BACKEND, OnnxNet, parseRuntime, type RuntimeName } from '../model/onnx-runtime.js';
import type { ModelMetadata } from '../model/metadata.js';
import { parseNumber, resolveOption } from '../config.js';
import type { Logger } from '../log.js';
import { Batcher, type BatcherStats } from './batcher.js';
import { InferencePool } from './inference-pool.js';
import { topMoves, type Suggestion } from './top-moves.js';
import { outputRowLength, packOutputRows } from './output-rows.js';

export { topMoves, type Suggestion };
export { ONNX_BACKEND, parseRuntime, type RuntimeName };

/** The runtime used when neither the caller nor TENGEN_RUNTIME names one. */
export const DEFAULT_RUNTIME = 'tfjs';

/** tengen.json of the served model plus where it came from. */
export type ModelInfo = ModelMetadata & { id: string; dir: string };

export interface EngineOptions {
  modelDir: string;
  /** tfjs backend name or "auto" (default: TENGEN_BACKEND, else auto). */
  backend?: string;
  /** Most positions in one forward pass (default 64). */
  maxBatch?: number;
  /** Longest a request waits for others to share its pass, in ms (default 2). */
  maxWaitMs?: number;
  /** Most requests waiting before new ones are refused with EngineBusyError (default 1024). */
  maxQueue?: number;
  /** Worker threads running the forward passes, each with its own backend instance (default 0 = this thread). */
  inferenceWorkers?: number;
  /** Nice increment of the inference worker threads (default INFERENCE_NICE; see InferencePoolOptions.nice). */
  inferenceNice?: number;
  /**
   * Inference runtime: "tfjs" (the layers model on the tfjs backend), "onnx" (ONNX Runtime running the graph exported
   * in memory from the loaded weights; falls back to tfjs with one warning when onnxruntime-node is missing) or "auto"
   * (onnx when onnxruntime-node loads, else tfjs). Default: TENGEN_RUNTIME, else DEFAULT_RUNTIME.
   */
  runtime?: string;
  /**
   * ONNX Runtime intra-op threads of each session. Default: TENGEN_ONNX_THREADS, else 1 per inference worker and one
   * per core for a session on this thread.
   */
  onnxThreads?: number;
  logger?: Logger;
}

export interface PolicyOptions {
  /** 1 = the position as is; 8 = average over the 8 rotations/reflections (8× the compute). */
  symmetries?: 1 | 8;
  /** White's komi, read by models whose feature set has a komi plane (alphago49); default 7.5. */
  komi?: number;
  /** false = the network's distribution as is, illegal points included (for diagnostics); default true. */
  mask?: boolean;
  /** The client this request belongs to (any object, e.g. its socket): the batcher serves lanes round-robin. */
  lane?: object;
}

export interface EngineStats extends BatcherStats {
  /** The tfjs backend serving the model, or "onnxruntime". */
  backend: string;
  runtime: RuntimeName;
  model: string;
  ready: boolean;
  /** Inference worker threads (0 = forward passes on the main thread). */
  workers: number;
}

/** One position's evaluation: the masked policy and the value head's win probability for the side to move. */
export interface Evaluation {
  policy: Float32Array;
  /** P(the side to move wins) in [0, 1]; null when the model has no value head. */
  value: number | null;
  /** Per point, who owns it at the end in [-1, 1] from the side to move's view (+1: the side to move); null without an ownership head. */
  ownership: Float32Array | null;
}


/** Writes the legal mask of the side to move (1 = legal) into `out` (361 bytes); returns the count of legal points. */
export function legalMask(board: Board, out: Uint8Array): number {
  let n = 0;
  for (let p = 0; p < NPOINTS; p++) {
    const ok = board.isLegal(p) ? 1 : 0;
    out[p] = ok;
    n += ok;
  }
  return n;
}

/**
 * Zeroes illegal entries of a 361-point distribution in place and renormalises the rest to sum 1; if the model
 * put (numerically) nothing on any legal point they share the mass uniformly; with no legal point all stay 0.
 */
export function maskAndNormalise(policy: Float32Array, legal: Uint8Array): void {
  let sum = 0;
  let nLegal = 0;
  for (let p = 0; p < NPOINTS; p++) {
    if (legal[p]) {
      const v = policy[p]! > 0 ? policy[p]! : 0;
      policy[p] = v;
      sum += v;
      nLegal++;
    } else policy[p] = 0;
  }
  if (nLegal === 0) return;
  if (sum > 0 && Number.isFinite(sum)) {
    const inv = 1 / sum;
    for (let p = 0; p < NPOINTS; p++) policy[p]! *= inv;
  } else {
    for (let p = 0; p < NPOINTS; p++) policy[p] = legal[p] ? 1 / nLegal : 0;
  }
}

/**
 * The runtime to serve with: `requested` > TENGEN_RUNTIME > DEFAULT_RUNTIME, parsed ("tfjs", "onnx", "auto"); onnx
 * needs onnxruntime-node to load, else tfjs serves (one warning when onnx was asked for by name).
 */
export async function chooseRuntime(
  requested: string | undefined,
  logger?: Logger,
  env: NodeJS.ProcessEnv = process.env,
  load: typeof loadOnnxRuntime = loadOnnxRuntime,
): Promise<RuntimeName> {
  const fromEnv = requested === undefined && env.TENGEN_RUNTIME !== undefined && env.TENGEN_RUNTIME !== '';
  const raw = requested ?? (fromEnv ? env.TENGEN_RUNTIME! : DEFAULT_RUNTIME);
  let want: RuntimeName | 'auto';
  try {
    want = parseRuntime(raw);
  } catch (err) {
    throw new Error(fromEnv ? `environment variable TENGEN_RUNTIME=${JSON.stringify(raw)}: ${(err as Error).message}` : (err as Error).message);
  }
  if (want === 'tfjs') return 'tfjs';
  const ort = await load();
  if (!(ort instanceof Error)) return 'onnx';
  if (want === 'onnx') logger?.warn({ reason: ort.message }, `runtime onnx unavailable (${ort.message}): serving with tfjs`);
  else logger?.info({ reason: ort.message }, 'runtime auto: ONNX Runtime unavailable, serving with tfjs');
  return 'tfjs';
}

/**
 * What "auto" means for the tfjs backend that loads the model (selectBackend's `autoAs`). Under ONNX Runtime, tfjs
 * only reads and checks the model files, which its pure-JS `cpu` backend does as well as any: loading TensorFlow's
 * native library for that would cost the process 80–300 MB of RSS (tengen serve, 2 workers, back to back: 510–560 MB
 * with it, 230–270 MB without; on a busier machine 550–560 vs 410–480 MB). A backend this thread already runs
 * (`active`) is kept, so loading an ONNX engine does not switch a tfjs engine of the same process to `cpu`. Under
 * tfjs, auto keeps its meaning (the fastest backend runs the model). A backend named by flag or TENGEN_BACKEND is
 * always used as asked.
 */
export function loaderBackend(runtime: RuntimeName, active: string | null = null): BackendName | undefined {
  if (runtime !== 'onnx') return undefined;
  return active !== null && (BACKEND_NAMES as readonly string[]).includes(active) ? (active as BackendName) : 'cpu';
}

export class Engine {
  private readonly rowLen: number;
  /** Floats per output row (output-rows.ts): policy, value, and ownership for a model with an ownership head. */
  private readonly outLen: number;
  private readonly batcher: Batcher;
  private readonly encodeBuf: Float32Array;
  // Reused input buffers (one position or eight symmetric views each): a request borrows one until its pass is done.
  private readonly freeInputs: Float32Array[][] = [[], []];
  private isReady = false;
  private closing: Promise<void> | null = null;

  private constructor(
    // The model on this thread (a tfjs layers model or an ONNX Runtime session); null when the passes run in
    // inference workers (each holds its own copy).
    private readonly net: tf.LayersModel | OnnxNet | null,
    readonly model: ModelInfo,
    /** The tfjs backend serving the model, or "onnxruntime". */
    readonly backend: string,
    readonly runtime: RuntimeName,
    private readonly features: FeatureSet,
    opts: Required<Pick<EngineOptions, 'maxBatch' | 'maxWaitMs' | 'maxQueue'>>,
    private readonly logger?: Logger,
    private readonly pool: InferencePool | null = null,
  ) {
    this.rowLen = NPOINTS * features.planes;
    this.outLen = outputRowLength(model.architecture.ownershipHead === true);
    this.encodeBuf = new Float32Array(this.rowLen);
    // With workers, one pass per worker runs at a time and the event loop only copies rows in and out.
    this.batcher = pool
      ? new Batcher({ rowLen: this.rowLen, outLen: this.outLen, ...opts, concurrency: pool.size }, (input, rows) => pool.forward(input, rows))
      : new Batcher({ rowLen: this.rowLen, outLen: this.outLen, ...opts }, (input, rows) => this.forward(input, rows));
  }

  /** Selects the backend, loads and validates the model, checks its feature set, warms it up; throws naming what failed. */
  static async load(opts: EngineOptions): Promise<Engine> {
    const maxBatch = opts.maxBatch ?? 64;
    const maxWaitMs = opts.maxWaitMs ?? 2;
    const maxQueue = opts.maxQueue ?? 1024;
    if (!Number.isInteger(maxBatch) || maxBatch < 1 || maxBatch > 1024) throw new Error(`Engine: maxBatch must be an integer in 1..1024, got ${maxBatch}`);
    if (!(maxWaitMs >= 0 && maxWaitMs <= 1000)) throw new Error(`Engine: maxWaitMs must be in 0..1000, got ${maxWaitMs}`);
    if (!Number.isInteger(maxQueue) || maxQueue < 1) throw new Error(`Engine: maxQueue must be a positive integer, got ${maxQueue}`);
    const runtime = await chooseRuntime(opts.runtime, opts.logger);
    const onnxThreads = resolveOption(opts.onnxThreads, 'TENGEN_ONNX_THREADS', undefined, (raw) => parseNumber(raw, { min: 1, max: 256, integer: true }));
    if (onnxThreads !== undefined && (!Number.isInteger(onnxThreads) || onnxThreads < 1 || onnxThreads > 256)) throw new Error(`Engine: onnxThreads must be an integer in 1..256, got ${onnxThreads}`);
    // tfjs loads and validates the model directory in either runtime (ONNX Runtime gets the weights it read).
    const backend = await selectBackend(opts.backend, process.env, loaderBackend(runtime, (tf.engine().backendName as string | null | undefined) ?? null));
    for (const s of backend.skipped) opts.logger?.debug({ backend: s.name, reason: s.reason }, 'tfjs backend skipped');
    const loaded = await loadModel(opts.modelDir);
    let features: FeatureSet;
    try {
      features = getFeatureSet(loaded.meta.featureSet.name);
      assertFeatureSetCompatible(loaded.meta.featureSet, features);
    } catch (err) {
      loaded.model.dispose();
      throw new Error(`${loaded.dir}: ${(err as Error).message}`);
    }
    const info: ModelInfo = { ...loaded.meta, id: path.basename(loaded.dir).replace(/\.old$/, ''), dir: loaded.dir };
    const workers = opts.inferenceWorkers ?? 0;
    if (!Number.isInteger(workers) || workers < 0 || workers > 64) throw new Error(`Engine: inferenceWorkers must be an integer in 0..64, got ${workers}`);
    let pool: InferencePool | null = null;
    let net: tf.LayersModel | OnnxNet | null = loaded.model;
    if (workers > 0) {
      // Each worker loads the model on the backend chosen here (and warms it up); this thread's copy is not needed.
      loaded.model.dispose();
      net = null;
      pool = await InferencePool.start({
        modelDir: loaded.dir,
        backend: backend.name,
        runtime,
        onnxThreads: onnxThreads ?? 1,
        workers,
        ...(opts.inferenceNice === undefined ? {} : { nice: opts.inferenceNice }),
        rowLen: NPOINTS * features.planes,
        outLen: outputRowLength(loaded.meta.architecture.ownershipHead === true),
        maxRows: Math.max(maxBatch, SYMMETRY_COUNT),
        ...(opts.logger ? { logger: opts.logger } : {}),
      });
    } else if (runtime === 'onnx') {
      try {
        net = await OnnxNet.create(loaded.meta.architecture, loaded.params, { threads: onnxThreads ?? os.availableParallelism() });
      } finally {
        loaded.model.dispose();
      }
    }
    const served = runtime === 'onnx' ? ONNX_BACKEND : backend.name;
    const engine = new Engine(net, info, served, runtime, features, { maxBatch, maxWaitMs, maxQueue }, opts.logger, pool);
    await engine.warmUp(maxBatch);
    opts.logger?.info({ model: info.id, runtime, backend: served, maxBatch, maxWaitMs, maxQueue, inferenceWorkers: workers }, 'engine ready');
    return engine;
  }

  // The first passes compile kernels (wasm) and size buffers; doing them at load keeps that off the first request.
  private async warmUp(maxBatch: number): Promise<void> {
    // Inference workers warm up their own copies before the pool reports ready.
    if (!this.pool) {
      const zeros = new Float32Array(this.rowLen * Math.min(maxBatch, 8));
      await this.forward(zeros, 1);
      await this.forward(zeros, Math.min(maxBatch, 8));
    }
    this.isReady = true;
  }

  /** True once the model is loaded and warmed up, false again after close(). */
  get ready(): boolean {
    return this.isReady && this.closing === null;
  }

  /** Feature planes per point of the served model's feature set. */
  get planes(): number {
    return this.features.planes;
  }

  /** True when the served model has a value head (win-rate estimates); false: every win rate shown is neutral. */
  get hasValue(): boolean {
    return this.model.architecture.valueHead !== undefined;
  }

  /** True when the served model has an ownership head (Evaluation.ownership is set). */
  get hasOwnership(): boolean {
    return this.model.architecture.ownershipHead === true;
  }

  // rows × outLen floats: each row's policy, then its value (tanh) or 0, then its ownership if the model has it.
  private async forward(input: Float32Array, rows: number): Promise<Float32Array> {
    const net = this.net!;
    if (net instanceof OnnxNet) {
      const o = await net.run(input, rows);
      const out = new Float32Array(rows * this.outLen);
      packOutputRows(o.policy, o.value, rows, out, this.outLen, o.ownership);
      return out;
    }
    const outs = tf.tidy(() => {
      const n = rows * this.rowLen;
      const x = tf.tensor4d(input.length === n ? input : input.subarray(0, n), [rows, 19, 19, this.features.planes]);
      const y = net.predict(x);
      return Array.isArray(y) ? y : [y];
    });
    try {
      const policy = (await outs[0]!.data()) as Float32Array;
      const value = outs.length > 1 ? ((await outs[1]!.data()) as Float32Array) : null;
      const ownership = outs.length > 2 ? ((await outs[2]!.data()) as Float32Array) : null;
      const out = new Float32Array(rows * this.outLen);
      packOutputRows(policy, value, rows, out, this.outLen, ownership);
      return out;
    } finally {
      tf.dispose(outs);
    }
  }

  /**
   * Probabilities of the side to move over the 361 points: illegal points (occupied, suicide, ko, superko) are 0 and
   * the rest sum to 1. The board is read synchronously at the call, so the caller may change it once this returns.
   * Rejects EngineBusyError when the queue is full, EngineClosedError after close().
   */
  async policy(board: Board, opts: PolicyOptions = {}): Promise<Float32Array> {
    return (await this.evaluate(board, opts)).policy;
  }

  /**
   * The policy (as `policy()`) and the value head's win probability for the side to move (null without a value
   * head; with 8 symmetries, the mean of the 8 values). One forward pass serves both.
   */
  async evaluate(board: Board, opts: PolicyOptions = {}): Promise<Evaluation> {
    const sym = opts.symmetries ?? 1;
    if (sym !== 1 && sym !== 8) throw new Error(`Engine.policy: symmetries must be 1 or 8, got ${String(sym)}`);
    const legal = new Uint8Array(NPOINTS);
    legalMask(board, legal);
    const planes = this.features.planes;
    const pool = this.freeInputs[sym === 1 ? 0 : 1]!;
    const input = pool.pop() ?? new Float32Array(this.rowLen * sym);
    if (sym === 1) {
      this.features.encode(board, input, 0, opts.komi);
    } else {
      this.features.encode(board, this.encodeBuf, 0, opts.komi);
      for (let s = 0; s < SYMMETRY_COUNT; s++) transformPlanes(this.encodeBuf, input, planes, s, 0, s * this.rowLen);
    }
    let out: Float32Array;
    try {
      out = await this.batcher.submit(input, sym, opts.lane);
    } finally {
      if (pool.length < 256) pool.push(input);
    }
    const policy = new Float32Array(NPOINTS);
    const own = this.hasOwnership ? new Float32Array(NPOINTS) : null;
    const O = NPOINTS + 1;
    let v = 0;
    if (sym === 1) {
      policy.set(out.subarray(0, NPOINTS));
      v = out[NPOINTS]!;
      own?.set(out.subarray(O, O + NPOINTS));
    } else {
      // Row s saw the board transformed by s, so the original point p is read at T_s(p).
      for (let s = 0; s < SYMMETRY_COUNT; s++) {
        const t = symmetryTable(s);
        const base = s * this.outLen;
        for (let p = 0; p < NPOINTS; p++) policy[p]! += out[base + t[p]!]! / SYMMETRY_COUNT;
        v += out[base + NPOINTS]! / SYMMETRY_COUNT;
        if (own) for (let p = 0; p < NPOINTS; p++) own[p]! += out[base + O + t[p]!]! / SYMMETRY_COUNT;
      }
    }
    if (opts.mask !== false) maskAndNormalise(policy, legal);
    return { policy, value: this.hasValue ? (v + 1) / 2 : null, ownership: own };
  }

  /** The masked policy and its `topK` (default 10) most probable legal moves, best first. */
  async suggest(board: Board, opts: PolicyOptions & { topK?: number } = {}): Promise<{ moves: Suggestion[]; policy: Float32Array }> {
    const topK = opts.topK ?? 10;
    if (!Number.isInteger(topK) || topK < 1 || topK > NPOINTS) throw new Error(`Engine.suggest: topK must be an integer in 1..361, got ${String(topK)}`);
    const policy = await this.policy(board, opts);
    return { moves: topMoves(policy, topK), policy };
  }

  /** Batching counters, queue depth, backend and readiness. */
  stats(): EngineStats {
    return { ...this.batcher.stats(), backend: this.backend, runtime: this.runtime, model: this.model.id, ready: this.ready, workers: this.pool?.size ?? 0 };
  }

  /** Stops accepting requests, answers the queued ones, then frees the model. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.batcher.close();
      await this.pool?.close();
      if (this.net instanceof OnnxNet) await this.net.release();
      else this.net?.dispose();
      this.logger?.info('engine closed');
    })();
    return this.closing;
  }
}
