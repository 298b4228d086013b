/**
 * HTTP serving benchmark: POST /v1/suggest with 1, 8 and 64 concurrent clients (autocannon) on mid-game positions
 * from ../shared/data/tom9d/dev, against the engine's raw batched throughput measured in the same run.
 * The server runs in a child process so the load generator does not share its event loop.
 * Usage: npx tsx bench/server.bench.ts [--quick] [--model DIR] [--backend NAME]
 * Without --model it serves models/default if installed, else a randomly initialised `default`-preset alphago48
 * model (same compute as a trained one).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const repo = path.resolve(path.dirname(here), '..');
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const opt = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const CLIENTS = [1, 8, 64];
const DURATION_S = quick ? 4 : 15;
const RAW_S = quick ? 3 : 10;

interface Position {
  moves: string[];
}

/** Mid-game positions (moves 40..150 of each game) as GTP move lists. */
async function loadPositions(limit: number): Promise<Position[]> {
  const { devMoveLists } = await import('./dev-positions.js');
  return devMoveLists(repo, limit, 40, 110).map((moves) => ({ moves }));
}

// ---------------------------------------------------------------- child: engine + server
async function child(): Promise<void> {
  const { Engine, positionFromMoves } = await import('../src/engine/index.js');
  const { buildApp } = await import('../src/server/app.js');
  const modelDir = process.env.BENCH_MODEL!;
  const engine = await Engine.load({ modelDir, ...(process.env.BENCH_BACKEND ? { backend: process.env.BENCH_BACKEND } : {}), maxBatch: 64, maxWaitMs: 2 });
  const positions = (await loadPositions(256)).map((p) => positionFromMoves({ moves: p.moves }).board);
  // Raw batched throughput: 64 requests always in flight, no HTTP. A first, discarded round warms the JIT on
  // these positions (the encoder's ladder and legality paths), as the HTTP rows that follow are warm too.
  const rawRound = async (seconds: number): Promise<number> => {
    const t0 = performance.now();
    let done = 0;
    const end = t0 + seconds * 1000;
    await Promise.all(
      Array.from({ length: 64 }, async (_, w) => {
        for (let i = w; performance.now() < end; i += 64) {
          await engine.policy(positions[i % positions.length]!);
          done++;
        }
      }),
    );
    return done / ((performance.now() - t0) / 1000);
  };
  const cold = await rawRound(RAW_S / 2);
  const raw = await rawRound(RAW_S);
  process.stderr.write(`raw: first round ${cold.toFixed(1)} positions/s (discarded), measured ${raw.toFixed(1)}\n`);
  const app = await buildApp({ engine, maxEventLoopDelayMs: 0 });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  process.send!({ url, raw, backend: engine.backend, model: engine.model.id, arch: engine.model.architecture, features: engine.model.featureSet.name });
  process.on('message', async (m: { stats?: boolean; stop?: boolean }) => {
    if (m.stats) process.send!({ stats: engine.stats() });
    if (m.stop) {
      await app.close();
      await engine.close();
      process.exit(0);
    }
  });
}

// ---------------------------------------------------------------- parent: load generator
async function modelDirFor(): Promise<{ dir: string; cleanup: () => void }> {
  const given = opt('--model');
  if (given) return { dir: given, cleanup: () => undefined };
  const def = path.join(repo, 'models/default');
  if (existsSync(path.join(def, 'tengen.json'))) return { dir: def, cleanup: () => undefined };
  const { saveRandomModel } = await import('../src/model/random-model.js');
  const { selectBackend } = await import('../src/model/backend.js');
  await selectBackend('cpu');
  const root = mkdtempSync(path.join(os.tmpdir(), 'tengen-bench-'));
  const dir = path.join(root, 'random-default');
  await saveRandomModel(dir, 'alphago48', { preset: 'default', seed: 12345 });
  return { dir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

type Autocannon = (opts: Record<string, unknown>) => Promise<{
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}>;

function once<T>(cp: ChildProcess, pick: (m: Record<string, unknown>) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMsg = (m: Record<string, unknown>): void => {
      const v = pick(m);
      if (v !== undefined) {
        cp.off('message', onMsg);
        resolve(v);
      }
    };
    cp.on('message', onMsg);
    cp.once('exit', (code) => reject(new Error(`server process exited with code ${code}`)));
  });
}

async function parent(): Promise<void> {
  // autocannon ships no type declarations: import it by a computed name and type the little we use.
  const pkg = 'autocannon';
  const autocannon = (await import(pkg)).default as Autocannon;
  const model = await modelDirFor();
  const positions = await loadPositions(256);
  const bodies = positions.map((p) => JSON.stringify({ moves: p.moves, topK: 10 }));
  const cp = fork(here, ['--child', ...argv], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_MODEL: model.dir, ...(opt('--backend') ? { BENCH_BACKEND: opt('--backend') } : {}) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const info = await once(cp, (m) => (typeof m.url === 'string' ? (m as { url: string; raw: number; backend: string; model: string; arch: unknown; features: string }) : undefined));
    const rows: string[] = [];
    for (const connections of CLIENTS) {
      let k = 0;
      const result = await autocannon({
        url: `${info.url}/v1/suggest`,
        connections,
        duration: DURATION_S,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            setupRequest: (req: Record<string, unknown>) => ({ ...req, body: bodies[k++ % bodies.length] }),
          },
        ],
      });
      const rps = result.requests.average;
      rows.push(
        `| ${connections} | ${rps.toFixed(1)} | ${result.latency.p50} | ${result.latency.p99} | ${result.non2xx + result.errors} | ${(rps / info.raw * 100).toFixed(0)}% |`,
      );
    }
    cp.send({ stats: true });
    const stats = await once(cp, (m) => m.stats as { batches: number; rows: number } | undefined);
    process.stdout.write(
      [
        `model ${info.model} (${info.features}, ${JSON.stringify(info.arch)}), backend ${info.backend}, ${positions.length} mid-game positions (tom9d/dev), ` +
          `${DURATION_S}s per row${quick ? ' (--quick)' : ''}`,
        '',
        `engine raw batched throughput (64 in flight, no HTTP): **${info.raw.toFixed(1)} positions/s**`,
        '',
        '| clients | req/s | p50 ms | p99 ms | errors / non-2xx | vs raw |',
        '|---:|---:|---:|---:|---:|---:|',
        ...rows,
        '',
        `mean positions per forward pass over the run: ${(stats.rows / Math.max(1, stats.batches)).toFixed(1)} (goal at 64 clients: ≥ 80% of raw)`,
        '',
      ].join('\n'),
    );
    cp.send({ stop: true });
    await new Promise((r) => cp.once('exit', r));
  } finally {
    if (cp.exitCode === null) cp.kill();
    model.cleanup();
  }
}

if (argv.includes('--child')) await child();
else await parent();
