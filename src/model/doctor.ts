// What `tengen doctor` reports about the compute stack: the tfjs backend that auto-selection picks (and why the
// faster ones were skipped), the TensorFlow build behind a native backend and where its library came from, the threads
// each backend uses, and the CPU's vector features. Plain data out; the CLI formats it.
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { oneDnnEnabled, selectBackend, type BackendChoice } from './backend.js';
import { loadOnnxRuntime } from './onnx-runtime.js';

export interface DoctorReport {
  backend: BackendChoice['name'];
  skipped: BackendChoice['skipped'];
  versions: Record<string, string>;
  /** Native only: TensorFlow's own version (the C library's TF_Version) and where the library came from. */
  /** oneDnn: TensorFlow's oneDNN kernels are on in this process (`train` turns them on unless TF_ENABLE_ONEDNN_OPTS says). */
  tensorflow: { version: string | null; origin: string | null; oneDnn: boolean } | null;
  /** The second inference runtime (`--runtime onnx|auto`): onnxruntime-node's version, or why it does not load. */
  onnxRuntime: { version: string | null; unavailable: string | null };
  threads: { cpus: number; tensorflowIntraOp: string; wasm: string };
  cpu: { model: string; features: string[] };
  node: string;
}

/** CPU flags that matter for TensorFlow's and XNNPACK's kernels, from /proc/cpuinfo (Linux; empty elsewhere). */
export function cpuFeatures(): string[] {
  const want = ['sse4_2', 'avx', 'avx2', 'fma', 'avx512f', 'avx512_vnni', 'avx512_bf16', 'amx_tile', 'neon', 'asimd'];
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const flags = new Set((/^(?:flags|Features)\s*:\s*(.*)$/m.exec(info)?.[1] ?? '').split(/\s+/));
    return want.filter((f) => flags.has(f));
  } catch {
    return [];
  }
}

/** Selects the backend as every command does (flag > TENGEN_BACKEND > auto) and describes the stack. */
export async function doctor(requested?: string): Promise<DoctorReport> {
  const choice = await selectBackend(requested);
  let tensorflow: DoctorReport['tensorflow'] = null;
  if (choice.name === 'tensorflow') {
    const require = createRequire(import.meta.url);
    const pkgDir = path.dirname(require.resolve('@tensorflow/tfjs-node/package.json'));
    const originFile = path.join(pkgDir, 'deps', 'tengen-origin.json');
    const origin = existsSync(originFile) ? (JSON.parse(readFileSync(originFile, 'utf8')) as { origin: string }).origin : null;
    // tfjs-node exposes the C library's TF_Version() as TF_Version on its binding.
    const binding = (tf.backend() as unknown as { binding?: { TF_Version?: string } }).binding;
    tensorflow = { version: binding?.TF_Version ?? null, origin, oneDnn: oneDnnEnabled() };
  }
  const ort = await loadOnnxRuntime();
  return {
    backend: choice.name,
    skipped: choice.skipped,
    versions: { ...(tf.version as Record<string, string>) },
    tensorflow,
    onnxRuntime: ort instanceof Error ? { version: null, unavailable: ort.message } : { version: ort.env.versions?.node ?? 'unknown', unavailable: null },
    threads: {
      cpus: os.availableParallelism(),
      tensorflowIntraOp: process.env.TF_NUM_INTRAOP_THREADS ?? `TensorFlow's default (one per core: ${os.availableParallelism()})`,
      wasm: 'one per process or worker thread (tfjs-backend-wasm 4.x has no threads under Node)',
    },
    cpu: { model: os.cpus()[0]?.model ?? 'unknown', features: cpuFeatures() },
    node: process.version,
  };
}
