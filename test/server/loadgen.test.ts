// The server benchmark's load generators (bench/loadgen.ts): response framing, and both generators against a local
// HTTP server that answers with Content-Length, chunked bodies and errors. Counts only, no timing.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameResponse, hasWrk, load } from '../../bench/loadgen.js';

describe('frameResponse', () => {
  it('frames Content-Length and chunked answers, and waits for missing bytes', () => {
    const cl = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello');
    expect(frameResponse(cl)).toEqual({ status: 200, close: false, length: cl.length });
    expect(frameResponse(cl.subarray(0, cl.length - 1))).toEqual({ status: 200, close: false, length: -1 });
    expect(frameResponse(Buffer.from('HTTP/1.1 200 OK\r\nContent-Le'))).toBeNull();
    const ch = Buffer.from('HTTP/1.1 503 Busy\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n');
    expect(frameResponse(ch)).toEqual({ status: 503, close: true, length: ch.length });
    expect(frameResponse(ch.subarray(0, ch.length - 2))!.length).toBe(-1);
    // Two answers back to back: only the first is framed.
    expect(frameResponse(Buffer.concat([cl, cl]))!.length).toBe(cl.length);
    expect(() => frameResponse(Buffer.from('SSH-2.0-x\r\n\r\n'))).toThrow(/not an HTTP/);
  });
});

describe('load generators', () => {
  let server: http.Server;
  let url = '';
  let seen = 0;
  beforeAll(async () => {
    // Every third request is refused with 503 (chunked); the rest echo the body's length with Content-Length.
    server = http.createServer((req, res) => {
      let n = 0;
      req.on('data', (d: Buffer) => (n += d.length));
      req.on('end', () => {
        seen++;
        if (seen % 3 === 0) {
          res.writeHead(503, { 'content-type': 'text/plain' });
          res.write('busy');
          res.end();
        } else {
          const body = JSON.stringify({ bytes: n });
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
          res.end(body);
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const bodies = ['{"moves":["Q16"]}', '{"moves":["Q16","D4","pass"]}'];

  it('node: counts answers, statuses and non-2xx', async () => {
    seen = 0;
    const r = await load({ url, path: '/v1/suggest', connections: 4, durationS: 0.5, bodies }, 'node');
    expect(r.generator).toBe('node');
    expect(r.errors).toBe(0);
    expect(r.requests).toBeGreaterThan(10);
    expect(r.requests).toBe(seen);
    expect(r.statuses[200]! + r.statuses[503]!).toBe(r.requests);
    expect(r.non2xx).toBe(r.statuses[503]);
    expect(Math.abs(r.non2xx - r.requests / 3)).toBeLessThanOrEqual(2);
    expect(r.latency.p50).toBeGreaterThan(0);
  });

  it.skipIf(!hasWrk())('wrk: counts answers and non-2xx, and reports its CPU', async () => {
    seen = 0;
    const r = await load({ url, path: '/v1/suggest', connections: 4, durationS: 1, bodies }, 'wrk');
    expect(r.generator).toBe('wrk');
    expect(r.requests).toBeGreaterThan(10);
    // wrk may cut the last in-flight answers at its deadline: the server saw at least what wrk counted.
    expect(seen).toBeGreaterThanOrEqual(r.requests);
    expect(Math.abs(r.non2xx - r.requests / 3)).toBeLessThanOrEqual(r.requests * 0.05 + 4);
    expect(r.cpuSeconds).not.toBeNull();
    expect(r.cpuSeconds!).toBeGreaterThanOrEqual(0);
  });
});
