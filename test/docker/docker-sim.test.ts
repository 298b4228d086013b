// The image's runtime without Docker: a temp "/app" holding what the Dockerfile COPYs (plus a tiny model as
// models/default), `npm ci` as the deps stage runs it (offline, from the npm cache), the CMD with the image's ENV, then
// the HEALTHCHECK command itself until /readyz answers, then `docker stop`'s SIGTERM. Slow (installs and starts a
// server), so it runs only with TENGEN_SLOW_TESTS=1.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTinyModel } from '../engine/model-fixture.js';
import { copyInstructions, parseDockerfile, repoRoot, runtimeSpec } from './docker-files.js';

const slow = process.env.TENGEN_SLOW_TESTS === '1';
const dockerfile = readFileSync(path.join(repoRoot, 'docker/Dockerfile'), 'utf8');
const spec = runtimeSpec(dockerfile);

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

// The HEALTHCHECK exactly as written, in the container's environment (its PORT), as Docker would run it.
function healthcheck(port: number): number {
  const [bin, ...args] = spec.healthcheck;
  const r = spawnSync(bin === 'node' ? process.execPath : bin!, args, { env: { PATH: process.env.PATH, PORT: String(port) }, timeout: 3000 });
  return r.status ?? -1;
}

describe.skipIf(!slow)('docker runtime simulation (TENGEN_SLOW_TESTS=1)', () => {
  let app = '';
  let install: { ok: boolean; detail: string } = { ok: false, detail: 'not run' };
  let server: ChildProcess | undefined;
  let log = '';
  let cleanupModel = (): void => {};

  beforeAll(async () => {
    app = mkdtempSync(path.join(os.tmpdir(), 'tengen-docker-app-'));
    for (const copy of copyInstructions(parseDockerfile(dockerfile))) {
      for (const src of copy.sources) {
        if (src === 'models/default') continue; // stood in for by the tiny model below
        cpSync(path.join(repoRoot, src), path.join(app, src), { recursive: true });
      }
    }
    const model = await makeTinyModel();
    cleanupModel = model.cleanup;
    cpSync(model.dir, path.join(app, 'models/default'), { recursive: true });
    const npm = spawnSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--offline'], { cwd: app, encoding: 'utf8', timeout: 240_000 });
    if (npm.status === 0) install = { ok: true, detail: 'npm ci --omit=dev --offline succeeded' };
    else {
      const why = (npm.stderr ?? '').split('\n').filter((l) => l.includes('npm error')).slice(0, 2).join(' | ') || `exit ${npm.status}`;
      install = { ok: false, detail: why };
      // Keep simulating the runtime with the checkout's packages (a superset: dev dependencies included).
      rmSync(path.join(app, 'node_modules'), { recursive: true, force: true });
      symlinkSync(path.join(repoRoot, 'node_modules'), path.join(app, 'node_modules'), 'dir');
    }
  });

  afterAll(() => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    if (app) rmSync(app, { recursive: true, force: true });
    cleanupModel();
  });

  it('npm ci --omit=dev installs the production packages offline', (ctx) => {
    if (!install.ok) ctx.skip(`offline npm ci failed, runtime simulated with the checkout's node_modules instead: ${install.detail}`);
    expect(existsSync(path.join(app, 'node_modules/fastify/package.json'))).toBe(true);
    expect(existsSync(path.join(app, 'node_modules/vitest'))).toBe(false);
  });

  it('the HEALTHCHECK fails while nothing listens', async () => {
    expect(healthcheck(await freePort())).toBe(1);
  });

  it('the CMD with the image ENV serves, the HEALTHCHECK turns healthy, SIGTERM stops it', async () => {
    const port = await freePort();
    const [bin, ...args] = spec.cmd;
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...spec.env,
      // /app is the temp dir; loopback instead of 0.0.0.0 and a free port so the shared machine is not exposed.
      TENGEN_MODEL: spec.env.TENGEN_MODEL!.replace(/^\/app\//, `${app}/`),
      HOST: '127.0.0.1',
      PORT: String(port),
    };
    const started = Date.now();
    server = spawn(bin === 'node' ? process.execPath : bin!, args, { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    server.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    let status = healthcheck(port);
    while (status !== 0 && Date.now() - started < 300_000 && server.exitCode === null) {
      await new Promise((r) => setTimeout(r, 1000));
      status = healthcheck(port);
    }
    const readyMs = Date.now() - started;
    expect(status, `server log:\n${log.slice(-2000)}`).toBe(0);
    const ready = (await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as { status: string };
    expect(ready.status).toBe('ready');
    const exited = new Promise<number | null>((resolve) => server!.once('exit', (code) => resolve(code)));
    const stopAt = Date.now();
    server.kill('SIGTERM');
    const code = await exited;
    const stopMs = Date.now() - stopAt;
    console.log(`docker sim: install ${install.ok ? 'ok' : `NOT simulated (${install.detail})`}; healthy after ${readyMs} ms; SIGTERM exit ${code} after ${stopMs} ms`);
    expect(code).toBe(0);
    expect(stopMs).toBeLessThan(15_000); // compose stop_grace_period
  });
});
