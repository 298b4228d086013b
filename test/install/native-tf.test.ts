// scripts/native-tf.mjs (npm ci's postinstall) never fails an install: when native TensorFlow cannot be had it says
// why in one line, exits 0 and leaves no half-built package behind, so Tengen runs on WebAssembly.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/native-tf.mjs', import.meta.url));
const lock = readFileSync(fileURLToPath(new URL('../../package-lock.json', import.meta.url)), 'utf8');

function runIn(root: string, env: Record<string, string>): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8', env: { ...process.env, TENGEN_NATIVE_TF_ROOT: root, ...env }, timeout: 120_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** A project root without tfjs-node installed (as after npm dropped it) and an empty cache. */
function freshRoot(): { root: string; cache: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'tengen-native-'));
  writeFileSync(path.join(root, 'package-lock.json'), lock);
  mkdirSync(path.join(root, 'node_modules'));
  const cache = path.join(root, 'cache');
  mkdirSync(cache);
  return { root, cache };
}

describe('native-tf install step', () => {
  it('without Python/pip: exit 0, one line naming what is missing, WebAssembly, no package left', () => {
    const { root, cache } = freshRoot();
    try {
      const r = runIn(root, { TENGEN_CACHE_DIR: cache, TENGEN_PYTHON: path.join(root, 'no-such-python') });
      expect(r.status).toBe(0);
      expect(r.out).toMatch(/native TensorFlow unavailable: no Python 3 with pip .*Tengen runs on WebAssembly/);
      expect(existsSync(path.join(root, 'node_modules', '@tensorflow', 'tfjs-node'))).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a cached wheel with the wrong sha256 is deleted and not used', () => {
    const { root, cache } = freshRoot();
    try {
      const wheel = path.join(cache, 'tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl');
      writeFileSync(wheel, 'not a wheel');
      const r = runIn(root, { TENGEN_CACHE_DIR: cache });
      expect(r.status).toBe(0);
      expect(r.out).toMatch(/has sha256 [0-9a-f]{64}, expected 2b847d21[0-9a-f]+: deleted, not used/);
      expect(existsSync(wheel)).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('TENGEN_NATIVE_TF=0 does nothing', () => {
    const { root } = freshRoot();
    try {
      const r = runIn(root, { TENGEN_NATIVE_TF: '0' });
      expect(r).toEqual({ status: 0, out: '' });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
