// The smaller defects of issue 14, each answered consistently: contradictory setup, media types, prototype keys,
// path traversal, wrong methods, shutdown readiness, rate-limit wording and exemptions, WebSocket protocol errors
// in the log, komi on both routes, SGF collections, OpenAPI error responses, security headers, process metrics.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, problemOf, type Fixture } from './fixture.js';
import { parseTrustProxy } from '../../src/server/config.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await makeApp();
});
afterAll(async () => fx?.close());

const raw = (url: string, payload: string, contentType = 'application/json') =>
  fx.app.inject({ method: 'POST', url, payload, headers: { 'content-type': contentType } });
const post = (url: string, payload: unknown) => raw(url, JSON.stringify(payload));

describe('requests', () => {
  it('a point in both setup colours is 422 naming the second', async () => {
    const p = problemOf(await post('/v1/suggest', { setup: { black: ['D4'], white: ['D4'] } }));
    expect(p).toMatchObject({ status: 422, type: 'urn:tengen:problem:invalid-position', field: 'setup.white[0]', vertex: 'D4' });
  });

  it('a text/plain body is 415, like any other non-JSON type', async () => {
    expect(problemOf(await raw('/v1/suggest', '{"moves":[]}', 'text/plain'))).toMatchObject({ status: 415, type: 'urn:tengen:problem:unsupported-media-type' });
  });

  it('a "__proto__" key is named as a refused key, not called invalid JSON', async () => {
    const p = problemOf(await raw('/v1/suggest', '{"moves":[],"__proto__":{"x":1}}'));
    expect(p).toMatchObject({ status: 400, type: 'urn:tengen:problem:invalid-request', field: '__proto__' });
    expect(p.detail).toMatch(/"__proto__" is not allowed/);
    // Spelled with JSON escapes, and nested: still found (the text scan before the walk looks for \u too).
    const q = problemOf(await raw('/v1/suggest', '{"moves":[],"setup":{"\\u005f_proto__":{"x":1}}}'));
    expect(q).toMatchObject({ status: 400, field: 'setup.__proto__' });
    const r = problemOf(await raw('/v1/suggest', '{"moves":[],"a":[{"constructor":{"prototype":{}}}]}'));
    expect(r).toMatchObject({ status: 400, field: 'a[0].constructor' });
  });

  it('a path leaving the web root is not typed bad-request', async () => {
    // Sent raw (as curl --path-as-is does): inject() and fetch() would normalise the dots away.
    const f = await makeApp();
    try {
      const url = await f.app.listen({ host: '127.0.0.1', port: 0 });
      const got = await new Promise<string>((resolve) => {
        const s = net.connect(Number(new URL(url).port), '127.0.0.1');
        let buf = '';
        s.on('data', (d: Buffer) => (buf += d.toString('utf8')));
        s.on('end', () => resolve(buf));
        s.on('error', () => resolve(buf));
        s.write('GET /../../etc/passwd HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
      });
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(got)?.[1]);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(got).toMatch(/content-type: application\/problem\+json/i);
      expect(got).not.toMatch(/bad-request/);
      expect(got).toMatch(status === 403 ? /urn:tengen:problem:forbidden/ : /urn:tengen:problem:not-found/);
      expect(got).not.toMatch(/root:/);
    } finally {
      await f.close();
    }
  });

  it('GET on a POST route is 405 with Allow', async () => {
    const res = await fx.app.inject({ method: 'GET', url: '/v1/suggest' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('POST');
    expect(problemOf(res)).toMatchObject({ type: 'urn:tengen:problem:method-not-allowed' });
    expect((await fx.app.inject({ method: 'DELETE', url: '/healthz' })).headers.allow).toMatch(/GET/);
  });

  it('komi 7.3 is refused on /v1/suggest as on the KataGo route; 7 and 6.5 are fine', async () => {
    expect(problemOf(await post('/v1/suggest', { moves: [], komi: 7.3 }))).toMatchObject({ status: 400, field: 'komi' });
    expect((await post('/v1/suggest', { moves: [], komi: 7 })).statusCode).toBe(200);
    expect((await post('/v1/suggest', { moves: [], komi: 6.5 })).statusCode).toBe(200);
    const k = await post('/v1/katago-analysis', { id: 'k', moves: [], komi: 7.3 });
    expect(k.statusCode).toBe(400);
    expect(JSON.parse(k.body)).toMatchObject({ field: 'komi', id: 'k' });
  });

  it('an SGF collection is refused naming the number of games (suggest and analyze)', async () => {
    const two = '(;SZ[19];B[pd])(;SZ[19];B[dd])';
    for (const url of ['/v1/suggest', '/v1/analyze']) {
      const p = problemOf(await post(url, { sgf: two }));
      expect(p).toMatchObject({ status: 422, field: 'sgf' });
      expect(p.detail).toMatch(/holds 2 games/);
    }
  });

  it('schema errors on /v1/katago-analysis come in KataGo form with field and id', async () => {
    const res = await post('/v1/katago-analysis', { id: 'z', moves: 'D4' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(JSON.parse(res.body)).toMatchObject({ id: 'z', field: 'moves' });
    const bad = await raw('/v1/katago-analysis', '{"id": "q", ');
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body).error).toMatch(/JSON/);
  });

  it('too many turns in one request is a clear error naming the cap', async () => {
    const small = await makeApp({ maxTurns: 5 });
    try {
      const k = await small.app.inject({ method: 'POST', url: '/v1/katago-analysis', payload: { id: 't', moves: [['B', 'D4'], ['W', 'Q16'], ['B', 'Q4'], ['W', 'D16'], ['B', 'C3']], analyzeTurns: [0, 1, 2, 3, 4, 5] } });
      expect(JSON.parse(k.body)).toMatchObject({ id: 't', field: 'analyzeTurns' });
      expect(JSON.parse(k.body).error).toMatch(/6 turns asked, at most 5/);
      const a = problemOf(await small.app.inject({ method: 'POST', url: '/v1/analyze', payload: { sgf: '(;SZ[19];B[pd];W[dd];B[pp];W[dp];B[cc];W[qq])' } }));
      expect(a).toMatchObject({ status: 422, field: 'sgf' });
      expect(a.detail).toMatch(/6 moves, at most 5 are reviewed per request/);
    } finally {
      await small.close();
    }
  });
});

describe('operations', () => {
  it('the page and the API carry security headers; the favicon exists', async () => {
    const page = await fx.app.inject('/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(String(page.headers['content-security-policy'])).toMatch(/default-src 'self'/);
    expect(String(page.headers['content-security-policy'])).toMatch(/frame-ancestors 'none'/);
    expect(page.headers['x-frame-options']).toBeDefined();
    expect(page.headers['referrer-policy']).toBeDefined();
    const api = (await post('/v1/suggest', { moves: [] })).headers;
    expect(api['x-content-type-options']).toBe('nosniff');
    // helmet's full set, computed once at start-up (plugins/external/helmet.ts), and no HSTS on plain HTTP.
    for (const h of ['cross-origin-opener-policy', 'cross-origin-resource-policy', 'origin-agent-cluster', 'x-dns-prefetch-control', 'x-download-options', 'x-permitted-cross-domain-policies', 'x-xss-protection']) {
      expect(api[h], h).toBeDefined();
    }
    expect(api['content-security-policy']).toBe(page.headers['content-security-policy']);
    expect(api['strict-transport-security']).toBeUndefined();
    for (const icon of ['/favicon.svg', '/favicon.ico']) {
      const r = await fx.app.inject(icon);
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toMatch(/^image\/svg\+xml/);
    }
  });

  it('/metrics reports RSS, heap, event-loop lag and open WebSockets', async () => {
    const m = (await fx.app.inject('/metrics')).body;
    expect(m).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(m).toMatch(/^nodejs_heap_used_bytes \d+/m);
    expect(m).toMatch(/^nodejs_eventloop_lag_p99_seconds [\d.e-]+/m);
    expect(m).toMatch(/^tengen_websocket_connections 0$/m);
    expect(m).toMatch(/^tengen_katago_turns_searching 0$/m);
    expect(m).toMatch(/^tengen_katago_turns_waiting 0$/m);
  });

  it('OpenAPI lists the error answers of every API route', async () => {
    const doc = (await fx.app.inject('/docs/json')).json() as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    for (const route of ['/v1/suggest', '/v1/analyze']) {
      expect(Object.keys(doc.paths[route]!.post!.responses)).toEqual(expect.arrayContaining(['200', '400', '405', '413', '415', '422', '429', '503']));
    }
    expect(Object.keys(doc.paths['/v1/katago-analysis']!.post!.responses)).toEqual(expect.arrayContaining(['400', '413', '415', '429', '503']));
    expect(Object.keys(doc.paths['/readyz']!.get!.responses)).toEqual(expect.arrayContaining(['200', '503']));
  });

  it('/readyz during shutdown answers a problem+json 503', async () => {
    // Fastify's inject() refuses to run once close() has begun, so the request goes to the app's router directly
    // (light-my-request, which inject() itself uses), while a long review keeps close() waiting.
    const lmr = 'light-my-request';
    const inject = (await import(lmr)).default as (h: unknown, o: object) => Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }>;
    const games = readFileSync(new URL('../../sgf-data/tom9d-2010-07-first20.sgf', import.meta.url), 'utf8');
    const sgf = games.slice(games.indexOf('('), games.indexOf(')') + 1);
    const f = await makeApp();
    const url = await f.app.listen({ host: '127.0.0.1', port: 0 });
    const review = fetch(`${url}/v1/analyze`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sgf }) });
    while (f.engine.stats().requests === 0) await new Promise((r) => setTimeout(r, 2));
    const closed = f.app.close();
    await new Promise((r) => setTimeout(r, 50));
    const res = await inject((req: unknown, reply: unknown) => (f.app as unknown as { routing: (a: unknown, b: unknown) => void }).routing(req, reply), { url: '/readyz' });
    expect((await review).status).toBe(200);
    await closed;
    await f.engine.close();
    expect(res.statusCode).toBe(503);
    expect(problemOf(res)).toMatchObject({ status: 503, type: 'urn:tengen:problem:shutting-down' });
  }, 60_000);

  it('the rate-limit message states the window as configured; static files and docs do not count', async () => {
    const f = await makeApp({ rateLimitMax: 2, rateLimitWindowMs: 20_000 });
    try {
      for (let i = 0; i < 5; i++) expect((await f.app.inject('/')).statusCode).toBe(200);
      for (let i = 0; i < 5; i++) expect((await f.app.inject('/style.css')).statusCode).toBe(200);
      const codes = [];
      for (let i = 0; i < 3; i++) codes.push((await f.app.inject({ method: 'POST', url: '/v1/suggest', payload: {} })).statusCode);
      expect(codes).toEqual([200, 200, 429]);
      const p = problemOf(await f.app.inject({ method: 'POST', url: '/v1/suggest', payload: {} }));
      expect(p.detail).toMatch(/rate limit of 2 requests per 20 s exceeded/);
    } finally {
      await f.close();
    }
  });

  it('--trust-proxy: behind a trusted proxy each X-Forwarded-For client has its own budget; untrusted, they share one', async () => {
    const post = (f: Fixture, client: string) =>
      f.app.inject({ method: 'POST', url: '/v1/suggest', payload: {}, headers: { 'x-forwarded-for': client }, remoteAddress: '127.0.0.1' });
    for (const [trustProxy, want] of [
      ['127.0.0.1', [200, 200, 429, 200, 200, 429]],
      [false, [200, 200, 429, 429, 429, 429]],
    ] as const) {
      const f = await makeApp({ rateLimitMax: 2, rateLimitWindowMs: 60_000, trustProxy });
      try {
        const codes = [];
        for (const client of ['203.0.113.1', '203.0.113.2']) for (let i = 0; i < 3; i++) codes.push((await post(f, client)).statusCode);
        expect(codes, `trustProxy ${String(trustProxy)}`).toEqual(want);
      } finally {
        await f.close();
      }
    }
    expect(parseTrustProxy('TRUE')).toBe(true);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy(' 127.0.0.1, 10.0.0.0/8 ')).toBe('127.0.0.1,10.0.0.0/8');
    expect(() => parseTrustProxy('nginx')).toThrow(/"nginx" is none of these/);
  });

  it('oversized and invalid WebSocket frames are logged once at info, without a stack trace', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l));
        cb();
      },
    });
    const logger = pino({ level: 'info' }, sink);
    const f = await makeApp({ logger: logger as never, bodyLimit: 1024 });
    try {
      const ws = await f.app.injectWS('/v1/katago');
      const closed = new Promise((r) => ws.once('close', r));
      ws.send('x'.repeat(4096));
      await closed;
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      await f.close();
    }
    expect(lines.filter((l) => Number(l.level) >= 50)).toEqual([]);
    const info = lines.filter((l) => /client protocol error/.test(String(l.msg)));
    expect(info).toHaveLength(1);
    expect(JSON.stringify(info[0])).not.toMatch(/stack/);
  });
});
