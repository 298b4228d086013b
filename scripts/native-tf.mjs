#!/usr/bin/env node
// Native TensorFlow for Tengen (`npm ci` runs this as the postinstall step; `npm run native-tf` runs it again).
//
// @tensorflow/tfjs-node is an optional dependency: its own install script downloads a prebuilt libtensorflow from
// storage.googleapis.com. Where that works, nothing is left to do here. Where it does not (no route to that host),
// npm drops the package and Tengen would run on WebAssembly at a fraction of the speed. Then this script:
//   1. installs the tfjs-node package files without their install script (exact version from package-lock.json);
//   2. gets TensorFlow's own shared libraries (C API included) and headers from the `tensorflow-cpu` wheel on PyPI,
//      via `pip download` of one pinned file whose sha256 is checked, cached outside the repository
//      ($TENGEN_CACHE_DIR, else $XDG_CACHE_HOME/tengen, else ~/.cache/tengen);
//   3. lays them out where tfjs-node's binding.gyp expects them (deps/include, deps/lib) and builds the binding
//      with node-gyp against the local Node headers;
//   4. checks that the backend loads and runs an op, and records where the library came from (deps/tengen-origin.json,
//      shown by `tengen doctor`).
// Every failure ends in one line naming what was missing, exit status 0, and a working WebAssembly install: a native
// backend is an accelerator, never a reason for `npm ci` to fail. TENGEN_NATIVE_TF=0 skips all of it.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, linkSync, copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The one wheel this script accepts: TensorFlow 2.21.0 CPU for Linux x86-64 (the libraries do not depend on the Python tag). */
export const WHEEL = {
  version: '2.21.0',
  file: 'tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl',
  sha256: '2b847d217b02ee7731ed91431daf3250daa0196c3c94614d23be27232e6e5b6c',
  pip: ['tensorflow-cpu==2.21.0', '--python-version', '311', '--platform', 'manylinux_2_27_x86_64', '--only-binary=:all:', '--no-deps'],
};
/** Header trees of the wheel that tfjs-node's binding includes (directly or through the C API headers). */
const HEADER_PREFIXES = ['tensorflow/include/tensorflow/c/', 'tensorflow/include/tensorflow/core/platform/', 'tensorflow/include/xla/tsl/', 'tensorflow/include/tsl/'];
const LIBS = ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2'];

const root = path.resolve(process.env.TENGEN_NATIVE_TF_ROOT ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
const pkgDir = path.join(root, 'node_modules', '@tensorflow', 'tfjs-node');
const say = (msg) => process.stdout.write(`tengen native-tf: ${msg}\n`);

class Skip extends Error {}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.error) throw new Skip(`${cmd} could not be run (${r.error.code ?? r.error.message})`);
  return r;
}

/** Whether tfjs-node loads in a fresh process and runs an op there; returns the TensorFlow version or null. */
function probe() {
  const code = "const tf=require('@tensorflow/tfjs-node');const s=tf.tensor([1,2,3]).sum().dataSync()[0];if(s!==6)throw new Error('bad sum');process.stdout.write(tf.version['tfjs-node']+' '+tf.getBackend())";
  const r = spawnSync(process.execPath, ['-e', code], { cwd: root, encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } });
  return r.status === 0 && r.stdout.trim().endsWith('tensorflow') ? r.stdout.trim() : null;
}

function lockedVersion() {
  try {
    const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
    return lock.packages?.['node_modules/@tensorflow/tfjs-node']?.version ?? null;
  } catch {
    return null;
  }
}

function cacheDir() {
  return process.env.TENGEN_CACHE_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'tengen');
}

async function sha256(file) {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk);
  return h.digest('hex');
}

function python() {
  // TENGEN_PYTHON, when set, is the only interpreter tried.
  for (const p of process.env.TENGEN_PYTHON ? [process.env.TENGEN_PYTHON] : ['python3', 'python']) {
    const r = spawnSync(p, ['-c', 'import sys, pip; print(sys.version_info[0])'], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim() === '3') return p;
  }
  throw new Skip('no Python 3 with pip (needed to download the tensorflow-cpu wheel; set TENGEN_PYTHON)');
}

/** The verified wheel in the cache, downloaded with pip if missing. */
async function wheel(cache) {
  const file = path.join(cache, WHEEL.file);
  if (!existsSync(file)) {
    const py = python();
    say(`downloading ${WHEEL.file} (≈ 270 MB) with pip into ${cache}`);
    mkdirSync(cache, { recursive: true });
    const r = run(py, ['-m', 'pip', 'download', '--disable-pip-version-check', '-q', '-d', cache, ...WHEEL.pip], { stdio: ['ignore', 'inherit', 'pipe'] });
    if (r.status !== 0 || !existsSync(file)) throw new Skip(`pip download ${WHEEL.pip[0]} failed: ${(r.stderr || '').trim().split('\n').pop()}`);
  }
  const got = await sha256(file);
  if (got !== WHEEL.sha256) {
    rmSync(file, { force: true });
    throw new Skip(`${WHEEL.file} has sha256 ${got}, expected ${WHEEL.sha256}: deleted, not used`);
  }
  return file;
}

/** Extracts the libraries and headers of the wheel into cache/tensorflow-<version> (once). */
function extract(py, whl, cache) {
  const dest = path.join(cache, `tensorflow-${WHEEL.version}`);
  if (existsSync(path.join(dest, '.complete'))) return dest;
  rmSync(dest, { recursive: true, force: true });
  const tmp = `${dest}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  const script = `
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
libs = ${JSON.stringify(LIBS.map((l) => `tensorflow/${l}`))}
pre = tuple(${JSON.stringify(HEADER_PREFIXES)})
for n in z.namelist():
    if n in libs or (n.startswith(pre) and not n.endswith('/')):
        z.extract(n, sys.argv[2])
`;
  const r = run(py, ['-c', script, whl, tmp]);
  if (r.status !== 0) throw new Skip(`cannot unpack ${WHEEL.file}: ${(r.stderr || '').trim().split('\n').pop()}`);
  writeFileSync(path.join(tmp, '.complete'), '');
  renameSync(tmp, dest);
  return dest;
}

/** Hard link (same file system) or copy. */
function place(from, to) {
  rmSync(to, { force: true });
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/** tfjs-node's package files, without its (downloading) install script. */
function installPackage(version) {
  if (existsSync(path.join(pkgDir, 'package.json')) && existsSync(path.join(root, 'node_modules', '@mapbox', 'node-pre-gyp'))) return;
  const npm = process.env.npm_execpath;
  const [cmd, pre] = npm && npm.endsWith('.js') ? [process.execPath, [npm]] : ['npm', []];
  say(`installing @tensorflow/tfjs-node@${version} without its install script`);
  const r = run(cmd, [...pre, 'install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', `@tensorflow/tfjs-node@${version}`], {
    cwd: root,
    // The nested install must not run this postinstall again.
    env: { ...process.env, TENGEN_NATIVE_TF: '0' },
  });
  if (r.status !== 0 || !existsSync(path.join(pkgDir, 'package.json'))) throw new Skip(`npm could not install @tensorflow/tfjs-node@${version}: ${(r.stderr || '').trim().split('\n').pop()}`);
}

/** Node's own headers, so node-gyp does not try to download them. */
function nodeDir() {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? prefix : null;
}

function build(tfDir) {
  const deps = path.join(pkgDir, 'deps');
  rmSync(deps, { recursive: true, force: true });
  mkdirSync(path.join(deps, 'lib'), { recursive: true });
  // binding.gyp links -ltensorflow -ltensorflow_framework from deps/lib; the binary then asks for the sonames.
  place(path.join(tfDir, 'tensorflow', 'libtensorflow_cc.so.2'), path.join(deps, 'lib', 'libtensorflow_cc.so.2'));
  place(path.join(tfDir, 'tensorflow', 'libtensorflow_framework.so.2'), path.join(deps, 'lib', 'libtensorflow_framework.so.2'));
  symlinkSync('libtensorflow_cc.so.2', path.join(deps, 'lib', 'libtensorflow.so'));
  symlinkSync('libtensorflow_cc.so.2', path.join(deps, 'lib', 'libtensorflow.so.2'));
  symlinkSync('libtensorflow_framework.so.2', path.join(deps, 'lib', 'libtensorflow_framework.so'));
  symlinkSync(path.join(tfDir, 'tensorflow', 'include'), path.join(deps, 'include'));
  const gyp = path.join(root, 'node_modules', '@mapbox', 'node-pre-gyp', 'bin', 'node-pre-gyp');
  if (!existsSync(gyp)) throw new Skip('node-pre-gyp is missing from node_modules');
  const nd = nodeDir();
  say(`building the tfjs-node binding against TensorFlow ${WHEEL.version} (node-gyp, g++)`);
  const r = run(process.execPath, [gyp, 'install', '--build-from-source', ...(nd ? [`--nodedir=${nd}`] : [])], {
    cwd: pkgDir,
    env: { ...process.env, ...(nd ? { npm_config_nodedir: nd } : {}) },
  });
  if (r.status !== 0) {
    const why = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => /error|not found|No such/i.test(l)).slice(-1)[0] ?? `exit ${r.status}`;
    throw new Skip(`building the binding failed (${why.trim()}; is g++/make installed?)`);
  }
}

async function main() {
  if (process.env.TENGEN_NATIVE_TF === '0') return;
  const have = probe();
  if (have) {
    const origin = path.join(pkgDir, 'deps', 'tengen-origin.json');
    if (!existsSync(origin)) writeFileSync(origin, JSON.stringify({ origin: "tfjs-node's own download (libtensorflow from storage.googleapis.com)", date: new Date().toISOString() }, null, 2) + '\n');
    say(`native TensorFlow backend ready (${have}): ${JSON.parse(readFileSync(origin, 'utf8')).origin}`);
    return;
  }
  if (os.platform() !== 'linux' || os.arch() !== 'x64') throw new Skip(`no prebuilt libtensorflow reached, and the wheel route is for linux-x64 (this is ${os.platform()}-${os.arch()})`);
  const version = lockedVersion();
  if (!version) throw new Skip('package-lock.json names no @tensorflow/tfjs-node version');
  say("tfjs-node's own libtensorflow download did not succeed; using TensorFlow's libraries from the tensorflow-cpu wheel instead");
  const cache = cacheDir();
  const whl = await wheel(cache);
  const tfDir = extract(python(), whl, cache);
  installPackage(version);
  try {
    build(tfDir);
    const ok = probe();
    if (!ok) throw new Skip('the built binding does not load');
  } catch (err) {
    // A half-built package would only make every start try (and fail) to load it.
    rmSync(pkgDir, { recursive: true, force: true });
    throw err;
  }
  writeFileSync(
    path.join(pkgDir, 'deps', 'tengen-origin.json'),
    JSON.stringify({ origin: `tensorflow-cpu ${WHEEL.version} wheel from PyPI (${WHEEL.file}, sha256 ${WHEEL.sha256})`, cache: tfDir, date: new Date().toISOString() }, null, 2) + '\n',
  );
  say(`native TensorFlow backend ready (tfjs-node ${version} on TensorFlow ${WHEEL.version} from the tensorflow-cpu wheel)`);
}

main().catch((err) => {
  const why = err instanceof Skip ? err.message : `unexpected error: ${err?.stack ?? err}`;
  say(`native TensorFlow unavailable: ${why}. Tengen runs on WebAssembly (slower); run \`npm run native-tf\` to retry.`);
  process.exitCode = 0;
});
