// The compiled build (scripts/build.mjs, run by `npm ci` through `prepare`): built into a scratch folder, never
// the dist/ that bin/tengen.js runs. The CLI starts from it, GTP answers, and both worker threads (the dataset
// prefetcher and the gradient pool) boot from compiled JavaScript: the scratch folder holds no .ts file, so a
// boot file that fell back to the sources would fail to load its worker.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
// Inside the repository (.tmp/ is git-ignored) so the compiled modules resolve node_modules as dist/ does.
const out = path.join(root, '.tmp', `build-test-${process.pid}`);
const sgfFile = path.join(root, 'sgf-data/tom9d-2010-07-first20.sgf.gz');
let tmp: string;

beforeAll(() => {
  mkdirSync(path.dirname(out), { recursive: true });
  tmp = mkdtempSync(path.join(tmpdir(), 'tengen-build-test-'));
  // Generous: a full tsc emit on a machine whose two cores are busy with training takes tens of seconds.
  const r = spawnSync(process.execPath, ['scripts/build.mjs', '--out', out], { cwd: root, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`build failed (${r.status ?? r.signal}):\n${r.stderr}`);
}, 330_000);
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const mod = async <T>(rel: string): Promise<T> => (await import(pathToFileURL(path.join(out, rel)).href)) as T;

describe('the compiled build', () => {
  it('holds JavaScript only, the worker boot files and the web board, and a build stamp', () => {
    const files = readdirSync(out, { recursive: true }).map(String);
    expect(files.filter((f) => f.endsWith('.ts'))).toEqual([]);
    for (const f of ['cli/main.js', 'worker-boot.mjs', 'train/grad-worker-boot.mjs', 'data/prefetch-worker-boot.mjs', 'server/web/index.html', '.build-stamp']) expect(existsSync(path.join(out, f)), f).toBe(true);
  });

  it('`--help` lists the commands and `gtp --fake-policy` answers', () => {
    const help = spawnSync(process.execPath, [path.join(out, 'cli/main.js'), '--help'], { encoding: 'utf8', timeout: 60_000 });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^ {2}gtp /m);
    const gtp = spawnSync(process.execPath, [path.join(out, 'cli/main.js'), 'gtp', '--fake-policy'], { input: '1 protocol_version\n2 genmove b\nquit\n', encoding: 'utf8', timeout: 60_000 });
    expect(gtp.status, gtp.stderr).toBe(0);
    expect(gtp.stdout).toMatch(/^=1 2\n\n=2 [A-T]\d+\n\n/);
  });

  it('the prefetch worker boots from the build and yields the in-thread loader\'s batches', async () => {
    const { buildDataset } = await mod<typeof import('../../src/data/build.js')>('data/build.js');
    const { openDataset } = await mod<typeof import('../../src/data/dataset.js')>('data/dataset.js');
    const { createTrainingSource } = await mod<typeof import('../../src/data/loader.js')>('data/loader.js');
    const { createPrefetchingSource } = await mod<typeof import('../../src/data/prefetch.js')>('data/prefetch.js');
    await buildDataset([sgfFile], path.join(tmp, 'ds'), { minMoves: 40, allowHandicap: false, valPermille: 100 });
    const ds = openDataset(path.join(tmp, 'ds'));
    const options = { features: 'basic', seed: 3 } as const;
    const ref = createTrainingSource(ds, options);
    const pf = createPrefetchingSource(ds, options);
    try {
      const a = ref.next(16);
      const b = await pf.nextAsync(16);
      expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
      expect(Buffer.from(b.inputs.buffer, b.inputs.byteOffset, b.inputs.byteLength).equals(Buffer.from(a.inputs.buffer, a.inputs.byteOffset, a.inputs.byteLength))).toBe(true);
    } finally {
      await pf.close();
    }
  });

  it('the gradient worker pool boots from the build', async () => {
    const { WorkerPoolEngine } = await mod<typeof import('../../src/train/worker-pool.js')>('train/worker-pool.js');
    const pool = await WorkerPoolEngine.create({ depth: 2, width: 4, block: 'plain', planes: 3 }, 1, 'cpu');
    try {
      expect(pool.workers).toBe(1);
    } finally {
      await pool.close();
    }
  });
});
