/**
 * HTTP serving benchmark: POST /v1/suggest with 1, 64 and 256 concurrent clients (wrk, or `bench/loadgen.ts`) on
 * mid-game positions from ../shared/data/tom9d/dev, against the engine's raw batched throughput (all inference
 * workers busy, no HTTP) measured in the same run, before and after the client rows (their mean is the ratios'
 * denominator); GET /healthz latency sampled from a separate thread during the 64-client row; and the server's RSS
 * when warm, after an abuse round (WebSocket floods, a non-reading socket, oversized and slow bodies) and after a
 * short settle.
 * The server runs in a child process so the load generator does not share its event loop; it uses the server's
 * default limits (the shipped configuration), except `--max-queue`, which a flag can change.
 * Usage: npx tsx bench/server.bench.ts [--quick] [--model DIR] [--backend NAME] [--inference-workers N] [--no-abuse]
 *   [--inference-nice N] [--runtime tfjs|onnx|auto] [--cpu-prof DIR] [--loadgen wrk|node|auto]
 * The load comes from wrk where it is installed (Debian: apt-get install wrk), else from bench/loadgen.ts in this
 * process (see there why not autocannon); --loadgen picks one. BENCH_NODE_FLAGS (e.g. "--trace-gc") passes flags
 * to the server process.
 * Without --model it serves models/default if installed, else a randomly initialised `default`-preset alphago48
 * model (same compute as a trained one).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { load, quantile, statFields } from './loadgen.js';
import { argv, opt, quick, repo } from './args.js';

const here = fileURLToPath(import.meta.url);

const CLIENTS = [1, 64, 256];
const DURATION_S = quick ? 5 : 15;
const RAW_S = quick ? 4 : 10;
const RAW_IN_FLIGHT = 256;

interface Position {
  moves: string[];
}

/** Mid-game positions (moves 40..150 of each game) as GTP move lists. */
async function loadPositions(limit: number): Promise<Position[]> {
  const { devMoveLists } = await import('./dev-positions.js');
  return devMoveLists(repo, limit, 40, 110).map((moves) => ({ moves }));
}

/**
 * CPU seconds used so far by this process (all threads) and by its main thread alone, from /proc (Linux; clock ticks
 * of 10 ms, fine over rows of seconds). Null elsewhere.
 */
function cpuSeconds(): { main: number; total: number } | null {
  try {
    // utime and stime: fields 14 and 15 of proc(5).
    const ticks = (stat: string): number => {
      const f = statFields(stat);
      return Number(f[11]) + Number(f[12]);
    };
    return { main: ticks(readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8')) / 100, total: ticks(readFileSync('/proc/self/stat', 'utf8')) / 100 };
  } catch {
    return null;
  }
}

function memory(): { rss: number; heapUsed: number; external: number; arrayBuffers: number } {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

// ---------------------------------------------------------------- child: engine + server
async function child(): Promise<void> {
  const { Engine, positionFromMoves } = await import('../src/engine/index.js');
  const { buildApp } = await import('../src/server/app.js');
  const { resolveServerConfig } = await import('../src/server/config.js');
  const flags: Record<string, string> = { maxBatch: '64', maxWaitMs: '2' };
  if (process.env.BENCH_WORKERS) flags.inferenceWorkers = process.env.BENCH_WORKERS;
  if (process.env.BENCH_NICE) flags.inferenceNice = process.env.BENCH_NICE;
  if (process.env.BENCH_RUNTIME) flags.runtime = process.env.BENCH_RUNTIME;
  if (process.env.BENCH_BACKEND) flags.backend = process.env.BENCH_BACKEND;
  // The shipped defaults (flags > env > defaults), so the bench measures what `tengen serve` runs.
  const cfg = resolveServerConfig(flags as never, {}) as unknown as Record<string, unknown>;
  const modelDir = process.env.BENCH_MODEL!;
  const engine = await Engine.load({ ...(cfg as object), modelDir, ...(process.env.BENCH_BACKEND ? { backend: process.env.BENCH_BACKEND } : {}) } as never);
  const positions = (await loadPositions(256)).map((p) => positionFromMoves({ moves: p.moves }).board);
  // Raw batched throughput: RAW_IN_FLIGHT requests always in flight, no HTTP. A first, discarded round warms the JIT
  // on these positions (the encoder's ladder and legality paths), as the HTTP rows that follow are warm too.
  let rawCpu: { main: number; total: number; positions: number } | null = null;
  const rawRound = async (seconds: number, inFlight = RAW_IN_FLIGHT): Promise<number> => {
    const t0 = performance.now();
    const c0 = cpuSeconds();
    let done = 0;
    const end = t0 + seconds * 1000;
    await Promise.all(
      Array.from({ length: inFlight }, async (_, w) => {
        for (let i = w; performance.now() < end; i += inFlight) {
          await engine.policy(positions[i % positions.length]!);
          done++;
        }
      }),
    );
    const c1 = cpuSeconds();
    if (c0 && c1) rawCpu = { main: c1.main - c0.main, total: c1.total - c0.total, positions: done };
    return done / ((performance.now() - t0) / 1000);
  };
  const cold = await rawRound(RAW_S / 2);
  const raw = await rawRound(RAW_S);
  const rawCpuPer = rawCpu as { main: number; total: number; positions: number } | null;
  // The same engine with as many requests in flight as the 64-client row: smaller passes, no HTTP. Separates what
  // HTTP costs from what the smaller batches cost.
  const raw64 = await rawRound(RAW_S, 64);
  process.stderr.write(`raw: first round ${cold.toFixed(1)} positions/s (discarded), measured ${raw.toFixed(1)}; 64 in flight ${raw64.toFixed(1)}\n`);
  const app = await buildApp({ ...(cfg as object), engine } as never);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const stats = engine.stats() as unknown as Record<string, unknown>;
  process.send!({
    url,
    raw,
    raw64,
    // CPU ms per position in the 256-in-flight raw round: main thread, and all threads of the server process.
    rawCpu: rawCpuPer ? { main: (rawCpuPer.main * 1000) / rawCpuPer.positions, total: (rawCpuPer.total * 1000) / rawCpuPer.positions } : null,
    backend: engine.backend,
    workers: stats.workers ?? 'main thread',
    model: engine.model.id,
    arch: engine.model.architecture,
    features: engine.model.featureSet.name,
  });
  process.on('message', async (m: { stats?: boolean; stop?: boolean; mem?: boolean; settle?: number; cpu?: boolean; raw?: boolean }) => {
    if (m.stats) process.send!({ stats: engine.stats() });
    if (m.cpu) process.send!({ cpu: cpuSeconds() ?? { main: NaN, total: NaN } });
    if (m.raw) process.send!({ rawAfter: await rawRound(RAW_S) });
    if (m.mem) process.send!({ mem: memory() });
    if (m.settle !== undefined) {
      await new Promise((r) => setTimeout(r, m.settle));
      (globalThis as { gc?: () => void }).gc?.();
      await new Promise((r) => setTimeout(r, 200));
      process.send!({ mem: memory() });
    }
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

function once<T>(cp: ChildProcess, pick: (m: Record<string, unknown>) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMsg = (m: Record<string, unknown>): void => {
      const v = pick(m);
      if (v !== undefined) {
        cp.off('message', onMsg);
        cp.off('exit', onExit);
        resolve(v);
      }
    };
    const onExit = (code: number | null): void => reject(new Error(`server process exited with code ${code}`));
    cp.on('message', onMsg);
    cp.once('exit', onExit);
  });
}

// GET /healthz every 25 ms from its own thread (so the load generator's event loop does not colour the figures).
const PROBE_SRC = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const lat = []; let failed = 0; let stop = false; let ready = false;
parentPort.on('message', (m) => { if (m === 'start') { lat.length = 0; failed = 0; } else stop = true; });
function one() {
  if (stop) { parentPort.postMessage({ lat, failed }); return; }
  // Ready once the first probe has an outcome, answered or failed (an unhealthy server must not hang the bench).
  if (!ready && lat.length + failed > 0) { ready = true; parentPort.postMessage('ready'); }
  const t0 = performance.now();
  const req = http.get(workerData.url + '/healthz', { agent, timeout: 10000 }, (res) => {
    res.resume();
    res.on('end', () => { if (res.statusCode === 200) lat.push(performance.now() - t0); else failed++; setTimeout(one, 25); });
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', () => { failed++; setTimeout(one, 25); });
}
one();
`;

/**
 * Starts the /healthz probe thread and resolves once it is probing (its start-up, about 0.3 s of CPU under tsx, is
 * then not counted in the row); the returned function stops it and returns the latencies of the row.
 */
async function startProbe(url: string): Promise<() => Promise<{ lat: number[]; failed: number }>> {
  const w = new Worker(PROBE_SRC, { eval: true, workerData: { url } });
  await new Promise<void>((resolve) => w.once('message', () => resolve()));
  w.postMessage('start');
  return () =>
    new Promise((resolve) => {
      const onMsg = (m: { lat: number[]; failed: number } | string): void => {
        if (typeof m === 'string') return; // a late 'ready'
        w.off('message', onMsg);
        void w.terminate();
        resolve(m);
      };
      w.on('message', onMsg);
      w.postMessage('stop');
    });
}

// ---------------------------------------------------------------- abuse round
type WS = import('@fastify/websocket').WebSocket;

interface AbuseReport {
  wsTurnsAsked: number;
  wsTurnsAnswered: number;
  wsOtherAnswers: number;
  hogAnswers: number;
  probeMs: number | null;
  probeStatus: number;
  big413: number;
  bigStatuses: Record<string, number>;
  bigTries: number;
  slowCut: number;
  slowTries: number;
  nonReaderClosed: boolean;
}

async function abuseRound(url: string, seconds: number): Promise<AbuseReport> {
  // ws ships no type declarations here: import it by a computed name; @fastify/websocket re-exports its type.
  const wsPkg = 'ws';
  const { WebSocket } = (await import(wsPkg)) as { WebSocket: new (url: string) => WS };
  const wsUrl = url.replace(/^http/, 'ws') + '/v1/katago';
  const open = (): Promise<WS> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(wsUrl);
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
  const report: AbuseReport = {
    wsTurnsAsked: 0,
    wsTurnsAnswered: 0,
    wsOtherAnswers: 0,
    hogAnswers: 0,
    probeMs: null,
    probeStatus: 0,
    big413: 0,
    bigStatuses: {},
    bigTries: 0,
    slowCut: 0,
    slowTries: 0,
    nonReaderClosed: false,
  };
  const deadline = Date.now() + seconds * 1000;
  // --abuse ws,hog,nonreader,big,slow picks parts of the round (default: all), to see which one costs memory.
  const parts = new Set((opt('--abuse') ?? 'ws,hog,nonreader,big,slow').split(','));
  const sockets: WS[] = [];
  const tasks: Promise<unknown>[] = [];

  // 1. Many WebSocket clients, 3 turns each: count every per-turn answer (result or error naming the turn).
  const moves = [['B', 'Q16'], ['W', 'D4'], ['B', 'Q3'], ['W', 'D16']];
  for (let c = 0; c < (parts.has('ws') ? 300 : 0); c++) {
    tasks.push(
      open().then(
        (ws) => {
          sockets.push(ws);
          ws.on('message', (d: Buffer) => {
            const o = JSON.parse(String(d)) as { turnNumber?: number };
            if (typeof o.turnNumber === 'number') report.wsTurnsAnswered++;
            else report.wsOtherAnswers++;
          });
          ws.send(JSON.stringify({ id: `c${c}`, moves, analyzeTurns: [1, 2, 3] }));
          report.wsTurnsAsked += 3;
        },
        () => undefined,
      ),
    );
  }
  // 2. One socket asking for 10 × 1,001 turns (over the turn cap after this issue: each answered with an error).
  const pass1000 = Array.from({ length: 1000 }, (_, i) => [i % 2 ? 'W' : 'B', 'pass']);
  if (parts.has('hog')) tasks.push(
    open().then(
      (ws) => {
        sockets.push(ws);
        ws.on('message', () => report.hogAnswers++);
        for (let k = 0; k < 10; k++) ws.send(JSON.stringify({ id: `hog${k}`, moves: pass1000, analyzeTurns: Array.from({ length: 1001 }, (_, i) => i) }));
      },
      () => undefined,
    ),
  );
  // 3. A client that sends queries with full policies and never reads its socket.
  if (parts.has('nonreader')) tasks.push(
    open().then(
      (ws) => {
        sockets.push(ws);
        ws.pause();
        ws.once('close', () => (report.nonReaderClosed = true));
        const q = JSON.stringify({ id: 'nr', moves, analyzeTurns: [0, 1, 2, 3, 4], includePolicy: true });
        const pump = (): void => {
          if (Date.now() > deadline || ws.readyState !== ws.OPEN) return;
          for (let k = 0; k < 20; k++) ws.send(q);
          setTimeout(pump, 20);
        };
        pump();
      },
      () => undefined,
    ),
  );
  // 4. 20 POSTs of 3.2 MB without Expect: 100-continue, read only after the whole body is written.
  const { port } = new URL(url);
  const big = Buffer.alloc(3_200_000, 0x61);
  for (let k = 0; k < (parts.has('big') ? 20 : 0); k++) {
    report.bigTries++;
    tasks.push(
      new Promise<void>((resolve) => {
        const s = net.connect(Number(port), '127.0.0.1');
        s.pause();
        let buf = '';
        let finished = false;
        const fin = (): void => {
          if (finished) return;
          finished = true;
          if (/^HTTP\/1\.1 413/.test(buf)) report.big413++;
          const code = /^HTTP\/1\.1 (\d+)/.exec(buf)?.[1] ?? 'none';
          report.bigStatuses[code] = (report.bigStatuses[code] ?? 0) + 1;
          s.destroy();
          resolve();
        };
        s.on('error', fin);
        s.write(`POST /v1/suggest HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${big.length}\r\n\r\n`);
        s.write(big, () => {
          s.on('data', (d) => (buf += d.toString('latin1')));
          s.on('end', fin);
          s.resume();
          setTimeout(fin, 30_000); // a client such as Python's http.client waits for its answer
        });
      }),
    );
  }
  // 5. Slow bodies: one byte every 200 ms; counted as cut when the server ends the connection within the round.
  for (let k = 0; k < (parts.has('slow') ? 10 : 0); k++) {
    report.slowTries++;
    tasks.push(
      new Promise<void>((resolve) => {
        const s = net.connect(Number(port), '127.0.0.1');
        let done = false;
        const end = (cut: boolean): void => {
          if (done) return;
          done = true;
          if (cut) report.slowCut++;
          clearInterval(iv);
          s.destroy();
          resolve();
        };
        s.on('close', () => end(true));
        s.on('error', () => end(true));
        s.write(`POST /v1/suggest HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n`);
        const iv = setInterval(() => {
          if (Date.now() > deadline + 30_000) end(false);
          else s.write('{');
        }, 200);
      }),
    );
  }
  // An HTTP probe while all that runs.
  await new Promise((r) => setTimeout(r, 1000));
  const t0 = performance.now();
  const probe = await fetch(`${url}/v1/suggest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ moves: ['Q16', 'D4'] }),
    signal: AbortSignal.timeout(30_000),
  }).then(
    (r) => r.status,
    () => 0,
  );
  report.probeStatus = probe;
  report.probeMs = performance.now() - t0;
  const left = deadline - Date.now();
  if (left > 0) await new Promise((r) => setTimeout(r, left));
  await Promise.race([Promise.all(tasks), new Promise((r) => setTimeout(r, 45_000))]);
  // The non-reading socket: the server closes it once its unread answers stayed over the bound (--ws-stall-timeout-ms).
  const nrDeadline = Date.now() + 20_000;
  while (parts.has('nonreader') && !report.nonReaderClosed && Date.now() < nrDeadline) await new Promise((r) => setTimeout(r, 100));
  const result = { ...report }; // before our own terminate() below closes the sockets
  for (const ws of sockets) ws.terminate();
  return result;
}

async function parent(): Promise<void> {
  const model = await modelDirFor();
  const positions = await loadPositions(256);
  const bodies = positions.map((p) => JSON.stringify({ moves: p.moves, topK: 10 }));
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_MODEL: model.dir };
  if (opt('--backend')) env.BENCH_BACKEND = opt('--backend');
  if (opt('--inference-workers')) env.BENCH_WORKERS = opt('--inference-workers');
  if (opt('--inference-nice')) env.BENCH_NICE = opt('--inference-nice');
  if (opt('--runtime')) env.BENCH_RUNTIME = opt('--runtime');
  const cp = fork(here, ['--child', ...argv], {
    // --cpu-prof DIR: a V8 CPU profile of the server process (main thread), to see where a request's time goes.
    execArgv: ['--import', 'tsx', '--expose-gc', ...(process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : []), ...(opt('--cpu-prof') ? ['--cpu-prof', '--cpu-prof-dir', opt('--cpu-prof')!] : [])],
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const info = await once(cp, (m) =>
      typeof m.url === 'string' ? (m as { url: string; raw: number; raw64: number; rawCpu: { main: number; total: number } | null; backend: string; workers: unknown; model: string; arch: unknown; features: string }) : undefined,
    );
    const rows: ((raw: number) => string)[] = [];
    let health = '';
    const generator = (opt('--loadgen') ?? 'auto') as 'wrk' | 'node' | 'auto';
    if (!['wrk', 'node', 'auto'].includes(generator)) throw new Error(`--loadgen must be wrk, node or auto, got ${generator}`);
    let generatorUsed = '';
    const serverCpu = async (): Promise<{ main: number; total: number }> => {
      cp.send({ cpu: true });
      return once(cp, (m) => m.cpu as { main: number; total: number } | undefined);
    };
    const engineStats = async (): Promise<{ batches: number; rows: number }> => {
      cp.send({ stats: true });
      return once(cp, (m) => m.stats as { batches: number; rows: number } | undefined);
    };
    for (const connections of CLIENTS) {
      const before = await engineStats();
      const sc0 = await serverCpu();
      const stopProbe = connections === 64 ? await startProbe(info.url) : null;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const result = await load({ url: info.url, path: '/v1/suggest', connections, durationS: DURATION_S, bodies, timeoutMs: 30_000 }, generator);
      generatorUsed = result.generator;
      const cpu = process.cpuUsage(cpu0);
      // This process (the /healthz probe, and the load itself with the node generator) plus wrk's own process.
      const genCores = ((cpu.user + cpu.system) / 1e6 + (result.cpuSeconds ?? 0)) / ((performance.now() - t0) / 1000);
      if (stopProbe) {
        const p = await stopProbe();
        p.lat.sort((a, b) => a - b);
        health = `/healthz during the 64-client row: ${p.lat.length} probes, p50 ${quantile(p.lat, 0.5).toFixed(1)} ms, p99 ${quantile(p.lat, 0.99).toFixed(1)} ms, max ${(p.lat.at(-1) ?? NaN).toFixed(1)} ms, ${p.failed} failed (goal: p99 ≤ 50 ms)`;
      }
      const rps = result.rps;
      const sc1 = await serverCpu();
      const after = await engineStats();
      const per = (x: number): string => ((x * 1000) / Math.max(1, result.requests)).toFixed(2);
      const perPass = (after.rows - before.rows) / Math.max(1, after.batches - before.batches);
      // Formatted once the raw round after the rows is in (the ratios use the mean of both raw rounds).
      rows.push((raw) =>
        `| ${connections} | ${rps.toFixed(1)} | ${result.latency.p50.toFixed(1)} | ${result.latency.p99.toFixed(1)} | ${result.non2xx} / ${result.errors} | ${perPass.toFixed(1)} | ${((rps / raw) * 100).toFixed(0)}% | ${(genCores * 100).toFixed(0)}% | ${((rps / (raw * Math.max(0.01, 1 - genCores / os.cpus().length))) * 100).toFixed(0)}% | ${per(sc1.main - sc0.main)} / ${per(sc1.total - sc0.total - (sc1.main - sc0.main))} |`,
      );
    }
    // The raw round again, now that the rows are done: on this kind of machine one raw round varies by ±10% from run
    // to run, so the ratio's denominator is the mean of the rounds before and after the rows.
    cp.send({ raw: true });
    const rawAfter = await once(cp, (m) => m.rawAfter as number | undefined);
    const rawMean = (info.raw + rawAfter) / 2;
    const stats = await engineStats();
    const mb = (b: number): string => `${(b / 1048576).toFixed(0)} MB`;
    let memLines: string[] = [];
    if (!argv.includes('--no-abuse')) {
      cp.send({ settle: 1000 });
      const warm = await once(cp, (m) => m.mem as { rss: number; heapUsed: number; arrayBuffers: number } | undefined);
      const ab = await abuseRound(info.url, quick ? 8 : 12);
      cp.send({ mem: true });
      const after = await once(cp, (m) => m.mem as { rss: number; heapUsed: number; arrayBuffers: number } | undefined);
      cp.send({ settle: 5000 });
      const settled = await once(cp, (m) => m.mem as { rss: number; heapUsed: number; arrayBuffers: number } | undefined);
      memLines = [
        `abuse round: 300 WebSocket clients × 3 turns (${ab.wsTurnsAnswered}/${ab.wsTurnsAsked} turns answered, ${ab.wsOtherAnswers} answers without a turn number); ` +
          `one socket with 10 × 1,001 turns (${ab.hogAnswers} answers); one non-reading socket (closed by the server: ${ab.nonReaderClosed ? 'yes' : 'no'}); ` +
          `${ab.big413}/${ab.bigTries} 3.2 MB POSTs without Expect saw their 413 (statuses ${JSON.stringify(ab.bigStatuses)}); ${ab.slowCut}/${ab.slowTries} 1-byte-per-200-ms bodies cut; ` +
          `/v1/suggest probe during the round: ${ab.probeStatus === 0 ? 'no answer' : `status ${ab.probeStatus}`} after ${ab.probeMs?.toFixed(0)} ms`,
        '',
        `server RSS: warm ${mb(warm.rss)} (heap ${mb(warm.heapUsed)}, array buffers ${mb(warm.arrayBuffers)}), right after the abuse round ${mb(after.rss)} (heap ${mb(after.heapUsed)}, array buffers ${mb(after.arrayBuffers)}), ` +
          `after 5 s + GC ${mb(settled.rss)} (heap ${mb(settled.heapUsed)}, array buffers ${mb(settled.arrayBuffers)}) = ${((settled.rss / warm.rss) * 100).toFixed(0)}% of warm (goal ≤ 120%)`,
        '',
      ];
    }
    process.stdout.write(
      [
        `model ${info.model} (${info.features}, ${JSON.stringify(info.arch)}), backend ${info.backend}, inference workers ${String(info.workers)}, ` +
          `${positions.length} mid-game positions (tom9d/dev), ${DURATION_S}s per row${quick ? ' (--quick)' : ''}, load generator ${generatorUsed}, ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(2)} at the end`,
        '',
        `engine raw batched throughput (${RAW_IN_FLIGHT} in flight, no HTTP): ${info.raw.toFixed(1)} positions/s before the rows, ${rawAfter.toFixed(1)} after, **mean ${rawMean.toFixed(1)}** (the ratios below use the mean); with 64 in flight (the 64-client row's concurrency, smaller passes): ${info.raw64.toFixed(1)} positions/s; ` +
          `CPU ms per position in the ${RAW_IN_FLIGHT}-in-flight round: main ${info.rawCpu?.main.toFixed(2) ?? '?'} / other threads ${info.rawCpu ? (info.rawCpu.total - info.rawCpu.main).toFixed(2) : '?'}`,
        '',
        '| clients | req/s | p50 ms | p99 ms | non-2xx / errors | positions per pass | vs raw | load generator CPU | vs raw on the cores left | server CPU ms per request: main / other threads |',
        '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
        ...rows.map((row) => row(rawMean)),
        '',
        health,
        '',
        `goal at 64 clients: ≥ 80% of raw; the load generator (${generatorUsed === 'wrk' ? 'wrk' : 'bench/loadgen.ts in this process'}, and the /healthz probe) shares the same cores (its CPU in % of one core above), the raw rounds had them to themselves; "on the cores left" scales raw by (cores − load generator CPU) / cores; mean positions per forward pass over the whole run (raw rounds included): ${(stats.rows / Math.max(1, stats.batches)).toFixed(1)}`,
        '',
        ...memLines,
      ].join('\n'),
    );
    cp.send({ stop: true });
    // A graceful stop waits for in-flight work (the abuse round's flood may still be queued): bound it, then kill.
    await new Promise<void>((r) => {
      const t = setTimeout(() => r(), 20_000);
      cp.once('exit', () => (clearTimeout(t), r()));
    });
  } finally {
    if (cp.exitCode === null) cp.kill();
    model.cleanup();
  }
}

if (argv.includes('--child')) await child();
else await parent();
