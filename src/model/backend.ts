// tfjs backend selection: the fastest that loads, tensorflow (tfjs-node, optional, native) → wasm → cpu,
// unless overridden by --backend / TENGEN_BACKEND. The wasm binaries are loaded from the package's dist
// folder in node_modules. Note: tfjs-backend-wasm 4.x hard-disables its threaded build under Node
// (WASM_HAS_MULTITHREAD_SUPPORT is false when IS_NODE), so wasm runs one thread per process/worker and
// we get parallelism from worker_threads instead (src/train/worker-pool.ts).
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import path from 'node:path';

export const BACKEND_NAMES = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface BackendChoice {
  name: BackendName;
  /** Why each faster candidate was skipped (empty if the first one loaded). */
  skipped: { name: BackendName; reason: string }[];
}

let wasmPathsSet = false;

/** Directory holding tfjs-backend-wasm's .wasm files (with trailing slash). */
export function wasmDistDir(): string {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + path.sep + 'dist' + path.sep;
}

async function tryLoad(name: BackendName): Promise<void> {
  if (name === 'tensorflow') {
    // Optional native dependency: absent in most installs, so import it by a computed name. TensorFlow's C++ logging
    // (the AVX/FMA banner and other INFO lines) would land on stderr of every command; warnings and errors still show.
    process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
    const pkg = '@tensorflow/tfjs-node';
    await import(pkg);
  } else if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (!wasmPathsSet) {
      wasm.setWasmPaths(wasmDistDir());
      wasmPathsSet = true;
    }
  }
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tf.setBackend("${name}") returned false`);
  await tf.ready();
  if (name === 'cpu') {
    // Under Node, tfjs-backend-cpu prints a banner urging tfjs-node on its first tensor (once per thread: three times
    // for `tengen serve`). Here cpu is chosen on purpose (the engine reads model files on it under ONNX Runtime) or
    // asked for; `tengen doctor` says what runs. The flag is the backend's own (MathBackendCPU.firstUse).
    const b = tf.backend() as unknown as { firstUse?: boolean };
    if (b.firstUse === true) b.firstUse = false;
  }
}

/**
 * Turns TensorFlow's oneDNN kernels on for this process unless TF_ENABLE_ONEDNN_OPTS is set; call before the first
 * selectBackend. This library leaves them off by default (Python's TensorFlow turns them on): with them a native
 * training step of the 8×32 net spends 100 instead of 162 ms in filter gradients (bench/native-profile.ts). The
 * library then prints two INFO lines to stderr that TF_CPP_MIN_LOG_LEVEL does not silence, so only `train` (+11–51%
 * measured) asks for them; inference gains 8%, and serving and GTP run on ONNX Runtime by default.
 */
export function preferOneDnn(): void {
  process.env.TF_ENABLE_ONEDNN_OPTS ??= '1';
}

/** True when TensorFlow's oneDNN kernels are on for this process (read once, when the library starts). */
export function oneDnnEnabled(): boolean {
  return process.env.TF_ENABLE_ONEDNN_OPTS === '1' || process.env.TF_ENABLE_ONEDNN_OPTS?.toLowerCase() === 'true';
}

/** Parses a backend name (or "auto"); throws naming the accepted values. */
export function parseBackend(raw: string): BackendName | 'auto' {
  const v = raw.trim().toLowerCase();
  if (v === 'auto') return 'auto';
  if ((BACKEND_NAMES as readonly string[]).includes(v)) return v as BackendName;
  throw new Error(`unknown backend ${JSON.stringify(raw)} (expected auto, ${BACKEND_NAMES.join(', ')})`);
}

/**
 * Activates a tfjs backend: `requested` (flag) > TENGEN_BACKEND > auto. Auto tries tensorflow → wasm → cpu, or loads
 * `autoAs` when the caller knows better (the engine under ONNX Runtime, engine.ts `loaderBackend`).
 * An explicitly requested backend that fails to load is an error, not a silent fallback.
 */
export async function selectBackend(requested?: string, env: NodeJS.ProcessEnv = process.env, autoAs?: BackendName): Promise<BackendChoice> {
  const raw = requested ?? (env.TENGEN_BACKEND && env.TENGEN_BACKEND !== '' ? env.TENGEN_BACKEND : 'auto');
  const parsed = parseBackend(raw);
  const want = parsed === 'auto' && autoAs !== undefined ? autoAs : parsed;
  if (want !== 'auto') {
    if (tf.getBackend() === want && tf.findBackend(want)) return { name: want, skipped: [] };
    try {
      await tryLoad(want);
    } catch (err) {
      throw new Error(`backend "${want}" (from ${requested ? '--backend' : 'TENGEN_BACKEND'}) failed to load: ${(err as Error).message}`);
    }
    return { name: want, skipped: [] };
  }
  const skipped: BackendChoice['skipped'] = [];
  for (const name of BACKEND_NAMES) {
    try {
      await tryLoad(name);
      return { name, skipped };
    } catch (err) {
      skipped.push({ name, reason: (err as Error).message.split('\n')[0] });
    }
  }
  throw new Error(`no tfjs backend loaded: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}
