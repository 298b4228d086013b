// Replicated serving on loopback, as docker/compose.scale.yaml lays it out: nginx (config rendered from
// docker/nginx/tengen.conf.template) in front of two `tengen serve` replicas. Load goes through nginx while one
// replica is killed (SIGKILL) and later restarted: no request may fail, and the restarted replica must get traffic
// again. The KataGo WebSocket works through the proxy.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './helpers.js';
import { NGINX, writeLoopbackConfig } from './nginx-config.js';

// `ws` ships no types; @fastify/websocket re-exports its WebSocket type (as test/server/abuse.test.ts does).
type WS = import('@fastify/websocket').WebSocket;
const wsPkg = 'ws';
const { WebSocket } = (await import(wsPkg)) as { WebSocket: new (url: string) => WS };

const nginxMissing = NGINX ? null : 'nginx is not installed (Debian: apt-get install -y nginx; .ci/run installs it)';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const children: ChildProcess[] = [];

function startReplica(port: number): ChildProcess {
  const c = spawn(process.execPath, [path.join(repoRoot, 'bin/tengen.js'), 'serve', '--host', '127.0.0.1', '--port', String(port), '--model', path.join(repoRoot, 'models/default'), '--log-level', 'warn', '--max-event-loop-delay-ms', '0'], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  c.stderr!.setEncoding('utf8');
  let err = '';
  c.stderr!.on('data', (d: string) => (err = (err + d).slice(-4000)));
  (c as ChildProcess & { lastErr: () => string }).lastErr = () => err;
  children.push(c);
  return c;
}

async function waitReady(url: string, child: ChildProcess | null, timeoutMs = 180_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child && child.exitCode !== null) throw new Error(`${url} exited with ${child.exitCode}: ${(child as ChildProcess & { lastErr: () => string }).lastErr?.()}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms`);
}

async function suggestCount(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let n = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('tengen_http_requests_total') && line.includes('/v1/suggest')) n += Number(line.split(' ').pop());
  }
  return n;
}

const OPENINGS = ['Q16', 'D4', 'Q3', 'D16', 'R10', 'C10', 'K10', 'F17', 'O4', 'C6'];

describe.skipIf(nginxMissing !== null)('nginx in front of two tengen serve replicas (loopback)', () => {
  let dir: string;
  let proxy: string;
  let ports: number[];
  let nginx: ChildProcess;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tengen-nginx-'));
    ports = [await freePort(), await freePort()];
    const listen = await freePort();
    const conf = writeLoopbackConfig(dir, listen, ports);
    const check = spawnSync(NGINX!, ['-t', '-p', dir, '-c', conf], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    for (const p of ports) startReplica(p);
    await Promise.all(ports.map((p, i) => waitReady(`http://127.0.0.1:${p}/readyz`, children[i])));
    nginx = spawn(NGINX!, ['-p', dir, '-c', conf, '-g', 'daemon off;'], { stdio: 'ignore' });
    children.push(nginx);
    proxy = `http://127.0.0.1:${listen}`;
    await waitReady(`${proxy}/readyz`, nginx, 30_000);
  });

  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });

  it('loses no request while a replica is killed and restarted, and the restarted replica gets traffic again', async () => {
    const TOTAL = 360;
    const KILL_AT = 80;
    const RESTART_AT = 160;
    const CLIENTS = 6;
    let next = 0;
    let done = 0;
    const failures: string[] = [];
    const lat: { start: number; ms: number }[] = [];
    let killedAt = 0;
    let restarted: Promise<void> | null = null;
    const victim = 0;
    const one = async (i: number): Promise<void> => {
      const moves = [OPENINGS[i % 10], OPENINGS[(i * 7 + 3) % 10], OPENINGS[(i * 3 + 1) % 10]].filter((m, k, a) => a.indexOf(m) === k);
      const t0 = performance.now();
      try {
        const r = await fetch(`${proxy}/v1/suggest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ moves, topK: 3 }) });
        const body = await r.text();
        if (r.status !== 200) failures.push(`request ${i}: HTTP ${r.status} ${body.slice(0, 200)}`);
        else if (!Array.isArray(JSON.parse(body).moves)) failures.push(`request ${i}: no moves in ${body.slice(0, 200)}`);
      } catch (err) {
        failures.push(`request ${i}: ${(err as Error).message}`);
      }
      lat.push({ start: t0, ms: performance.now() - t0 });
      done++;
      if (done === KILL_AT) {
        killedAt = performance.now();
        children[victim].kill('SIGKILL');
      }
      if (done === RESTART_AT) {
        const c = startReplica(ports[victim]);
        restarted = waitReady(`http://127.0.0.1:${ports[victim]}/readyz`, c);
      }
    };
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < TOTAL) await one(next++);
      }),
    );
    await restarted;
    // nginx takes a replica back after fail_timeout (5 s): wait it out, then send a second round.
    await new Promise((r) => setTimeout(r, 6000));
    const before = await suggestCount(ports[victim]);
    next = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < 60) await one(TOTAL + next++);
      }),
    );
    const after = await suggestCount(ports[victim]);
    const sorted = lat.map((l) => l.ms).sort((a, b) => a - b);
    const p = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    const during = lat.filter((l) => l.start >= killedAt && l.start < killedAt + 10_000).map((l) => l.ms).sort((a, b) => a - b);
    console.log(
      `nginx failover: ${lat.length} requests, ${failures.length} failed; p50 ${p(0.5).toFixed(0)} ms, p99 ${p(0.99).toFixed(0)} ms; ` +
        `${during.length} requests in the 10 s after the kill, p99 ${during.length ? during[Math.min(during.length - 1, Math.floor(0.99 * during.length))].toFixed(0) : '-'} ms; ` +
        `restarted replica served ${after - before} of the last 60`,
    );
    // The kill was seen: nginx found the dead replica (refused or dropped connections) and retried elsewhere.
    const errorLog = readFileSync(path.join(dir, 'error.log'), 'utf8');
    const retried = errorLog.split('\n').filter((l) => /Connection refused|prematurely closed|Connection reset/.test(l) && l.includes(`:${ports[victim]}`)).length;
    console.log(`nginx error.log: ${retried} failed attempts on the killed replica, each retried on the other`);
    expect(retried).toBeGreaterThan(0);
    expect(failures).toEqual([]);
    expect(lat.length).toBe(TOTAL + 60);
    expect(after - before).toBeGreaterThan(0);
  });

  it('carries the KataGo WebSocket through the proxy', async () => {
    const ws = new WebSocket(`${proxy.replace(/^http/, 'ws')}/v1/katago`);
    const got = await new Promise<Record<string, unknown>[]>((resolve, reject) => {
      const msgs: Record<string, unknown>[] = [];
      ws.once('error', reject);
      ws.on('message', (d: Buffer) => {
        msgs.push(JSON.parse(String(d)));
        if (msgs.length === 2) resolve(msgs);
      });
      ws.once('open', () => ws.send(JSON.stringify({ id: 'q', moves: [['B', 'Q16'], ['W', 'D4']], analyzeTurns: [0, 2], rules: 'chinese', komi: 7.5 })));
      setTimeout(() => reject(new Error('no WebSocket answer through nginx within 60 s')), 60_000);
    });
    ws.terminate();
    expect(got.map((m) => m.turnNumber).sort()).toEqual([0, 2]);
    expect(got.every((m) => m.id === 'q' && Array.isArray(m.moveInfos))).toBe(true);
  });

  it('rejects a body over the limit at the proxy with 413', async () => {
    const r = await fetch(`${proxy}/v1/suggest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ moves: [], pad: 'x'.repeat(1_100_000) }) });
    expect(r.status).toBe(413);
    // nginx's own page, not a replica's problem+json: the body never reached a replica.
    expect(r.headers.get('content-type')).toMatch(/text\/html/);
  });
});

if (nginxMissing) {
  describe('nginx in front of two tengen serve replicas (loopback)', () => {
    it.skip(`skipped: ${nginxMissing}`, () => {});
  });
}
