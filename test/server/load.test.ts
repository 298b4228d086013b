// Load shedding (503 + Retry-After when the engine queue is full), rate limiting (429) and graceful shutdown
// (in-flight requests finish, new connections are refused) on a real listening server.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { resolveServerConfig } from '../../src/server/config.js';
import { missingModelMessage, startServer } from '../../src/server/server.js';
import { makeTinyModel } from '../engine/model-fixture.js';
import { makeApp, problemOf } from './fixture.js';

// The first game of the repo's sample collection (one game per line after the first).
const games = readFileSync(new URL('../../sgf-data/tom9d-2010-07-first20.sgf', import.meta.url), 'utf8');
const firstGame = games.slice(games.indexOf('('), games.indexOf(')') + 1);

describe('load shedding', () => {
  it('answers 503 problem + Retry-After when the engine queue is full, and recovers', async () => {
    const fx = await makeApp({}, { maxBatch: 1, maxWaitMs: 0, maxQueue: 2 });
    try {
      const results = await Promise.all(
        Array.from({ length: 24 }, () => fx.app.inject({ method: 'POST', url: '/v1/suggest', payload: { moves: ['Q16'] } })),
      );
      const shed = results.filter((r) => r.statusCode === 503);
      expect(shed.length).toBeGreaterThan(0);
      expect(results.filter((r) => r.statusCode === 200).length).toBeGreaterThanOrEqual(2);
      for (const r of shed) {
        expect(r.headers['retry-after']).toBe('1');
        expect(problemOf(r)).toMatchObject({ status: 503, type: 'urn:tengen:problem:overloaded' });
      }
      expect(results.every((r) => r.statusCode === 200 || r.statusCode === 503)).toBe(true);
      expect((await fx.app.inject({ method: 'POST', url: '/v1/suggest', payload: { moves: [] } })).statusCode).toBe(200);
      const metrics = (await fx.app.inject('/metrics')).body;
      expect(metrics).toMatch(new RegExp(`^tengen_engine_rejected_total ${shed.length}$`, 'm'));
    } finally {
      await fx.close();
    }
  });
});

describe('rate limiting', () => {
  it('answers 429 problem + Retry-After over budget; health routes are exempt', async () => {
    const fx = await makeApp({ rateLimitMax: 3, rateLimitWindowMs: 60_000 });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await fx.app.inject({ method: 'POST', url: '/v1/suggest', payload: {} })).statusCode);
      expect(codes).toEqual([200, 200, 200, 429, 429]);
      const r = await fx.app.inject({ method: 'POST', url: '/v1/suggest', payload: {} });
      expect(problemOf(r)).toMatchObject({ status: 429, type: 'urn:tengen:problem:rate-limited' });
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      for (let i = 0; i < 5; i++) expect((await fx.app.inject('/healthz')).statusCode).toBe(200);
    } finally {
      await fx.close();
    }
  });
});

describe('server lifecycle', () => {
  let model: { dir: string; cleanup: () => void };
  beforeAll(async () => {
    model = await makeTinyModel();
  });
  afterAll(() => model?.cleanup());

  it('graceful shutdown finishes in-flight requests, then refuses connections', async () => {
    // A shutdown timeout longer than the test's hang guard: if close() resolves, nothing was force-closed, however
    // slow a busy machine makes the shutdown (a wall-clock bound here failed under load, measuring nothing).
    const cfg = resolveServerConfig({ port: '0', modelDir: model.dir, backend: 'cpu', maxBatch: '16', shutdownTimeoutMs: '3600000' }, {});
    const srv = await startServer(cfg, createLogger('silent'));
    expect(srv.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const inFlight = fetch(`${srv.url}/v1/analyze`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sgf: firstGame }),
    });
    // Wait until the engine has work from that request, then shut down while it is running.
    while (srv.engine.stats().requests === 0) await new Promise((r) => setTimeout(r, 2));
    const closed = srv.close();
    const res = await inFlight;
    expect(res.status).toBe(200);
    const body = (await res.json()) as { moves: unknown[] };
    expect(body.moves.length).toBeGreaterThan(100);
    await closed;
    await expect(fetch(`${srv.url}/healthz`)).rejects.toThrow();
  });

  it('config: flag > environment > default, with named errors', () => {
    const env = { PORT: '9000', HOST: '0.0.0.0', TENGEN_MODEL: '/m', TENGEN_MAX_BATCH: '16' };
    const c = resolveServerConfig({ port: '9100' }, env);
    expect([c.port, c.host, c.modelDir, c.maxBatch, c.maxWaitMs]).toEqual([9100, '0.0.0.0', '/m', 16, 2]);
    const d = resolveServerConfig({}, {});
    expect([d.port, d.host, d.modelDir, d.rateLimitMax]).toEqual([8080, '127.0.0.1', 'models/default', 0]);
    expect(d.inferenceWorkers).toBe(os.availableParallelism());
    expect([d.requestTimeoutMs, d.headersTimeoutMs, d.maxTurns, d.wsMaxQueries]).toEqual([30_000, 10_000, 1000, 4]);
    expect(resolveServerConfig({ inferenceWorkers: '0' }, {}).inferenceWorkers).toBe(0);
    expect(() => resolveServerConfig({ inferenceWorkers: 'many' }, {})).toThrow(/--inference-workers/);
    expect(() => resolveServerConfig({}, { TENGEN_REQUEST_TIMEOUT_MS: '0' })).toThrow(/TENGEN_REQUEST_TIMEOUT_MS/);
    expect(() => resolveServerConfig({ port: 'http' }, {})).toThrow(/--port: expected a port number/);
    expect(() => resolveServerConfig({}, { TENGEN_MAX_QUEUE: '-3' })).toThrow(/TENGEN_MAX_QUEUE/);
  });

  it('`tengen serve` without a model prints how to get one and exits non-zero', () => {
    const repo = fileURLToPath(new URL('../../', import.meta.url));
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--model', '/nonexistent/tengen-model'], {
      cwd: repo,
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/tengen serve: no model found at \/nonexistent\/tengen-model/);
    expect(r.stdout).toBe('');
  });

  it('explains how to get a model when none is installed', () => {
    expect(missingModelMessage('/nonexistent/models/default')).toMatch(/no model found at .*models\/default[\s\S]*--model DIR or TENGEN_MODEL/);
    expect(missingModelMessage(model.dir)).toBeNull();
  });
});
