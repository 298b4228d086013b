// Shared set-up of the scale-out tests: a small dataset built from the repository's SGF sample, and the Python /
// TensorFlow and nginx probes (these tests skip, saying why, only when the tool is not installed; .ci/run installs them).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildDataset } from '../../src/data/build.js';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const pythonDir = path.join(repoRoot, 'python');
export const SAMPLE_SGF = path.join(repoRoot, 'sgf-data/tom9d-2010-07-first20.sgf');

/** The Python interpreter the tests use: TENGEN_PYTHON, else python3. */
export const python = process.env.TENGEN_PYTHON ?? 'python3';

/** Why the TensorFlow tests cannot run (null when `import tensorflow` works with the pinned version). */
export function tensorflowMissing(): string | null {
  const r = spawnSync(python, ['-c', 'import tensorflow as tf, keras; print(tf.__version__)'], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' } });
  if (r.error) return `${python} cannot be run (${r.error.message}); install Python 3.11 and: pip install -r python/requirements.txt`;
  if (r.status !== 0) return `${python} has no TensorFlow (${r.stderr.trim().split('\n').pop()}); run: pip install -r python/requirements.txt`;
  const v = r.stdout.trim();
  if (v !== '2.21.0') return `${python} has TensorFlow ${v}, the trainer is pinned to 2.21.0 (python/requirements.txt)`;
  return null;
}

/** Runs `python -m tengen_tf.<module> args` from python/; throws with its stderr on failure. */
export function runPython(module: string, args: string[], env: NodeJS.ProcessEnv = {}, timeout = 600_000): string {
  const r = spawnSync(python, ['-m', `tengen_tf.${module}`, ...args], {
    cwd: pythonDir,
    encoding: 'utf8',
    timeout,
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2', ...env },
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`python -m tengen_tf.${module} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}`);
  return r.stdout;
}

/** Runs the tengen CLI (bin/tengen.js) and returns stdout; throws with stderr on failure. */
export function runTengen(args: string[], timeout = 600_000): string {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/tengen.js'), ...args], { cwd: repoRoot, encoding: 'utf8', timeout, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`tengen ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}`);
  return r.stdout;
}

/** Builds the 20-game sample into an all-val dataset under a fresh temp folder; returns the folder. */
export async function buildSampleDataset(): Promise<string> {
  if (!existsSync(SAMPLE_SGF)) throw new Error(`test data ${SAMPLE_SGF} is missing`);
  const root = mkdtempSync(path.join(tmpdir(), 'tengen-scale-'));
  const dir = path.join(root, 'ds');
  await buildDataset([SAMPLE_SGF], dir, { minMoves: 40, allowHandicap: false, valPermille: 1000 });
  return dir;
}
