/**
 * Load generators for the server benchmark. Both keep `connections` keep-alive sockets with one request in flight
 * each (no pipelining), send the given bodies in turn, and report completed requests, statuses and latency.
 * - `wrk` (Debian package wrk, C, driven by a Lua script here), the default where it is installed: about 0.03 ms of
 *   CPU per request.
 * - `node`: written here, for machines without wrk. It builds every request once, writes a ready Buffer per request
 *   and parses only what it needs (0.09 ms of CPU per request alone, 0.19 ms beside the server).
 * Not autocannon: it spent 0.24–0.34 ms of CPU per request (22% of a core at 750 req/s). The generator shares this
 * machine's two cores with the server it measures, and the benchmark's goal is a ratio to the engine's raw
 * throughput, so every millisecond it spends is counted against the server; `bench/server.bench.ts` reports the
 * generator's CPU beside each row so the ratio can be read with and without it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';

export interface LoadOptions {
  /** Base URL, e.g. http://127.0.0.1:3000. */
  url: string;
  method?: string;
  path: string;
  connections: number;
  durationS: number;
  /** Request bodies sent in turn (JSON text); each connection starts at a different one. */
  bodies: string[];
  contentType?: string;
  /** A request not answered within this many ms counts as an error and its socket is replaced. */
  timeoutMs?: number;
}

export interface LoadResult {
  /** Which generator ran. */
  generator: 'wrk' | 'node';
  /** CPU seconds the generator used (wrk's process; null for the in-process one, which the caller measures). */
  cpuSeconds: number | null;
  requests: number;
  /** Completed requests per second of the measured duration. */
  rps: number;
  non2xx: number;
  errors: number;
  statuses: Record<number, number>;
  latency: { p50: number; p99: number; max: number; mean: number };
}

/** The value at quantile q of an array sorted ascending (NaN when empty). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * Fields of a /proc/<pid>/stat (or task stat) line after the parenthesised command name, which may hold spaces:
 * index 0 is proc(5)'s field 3 (state), so proc(5)'s field k is at k − 3 (utime 14 → 11, cutime 16 → 13).
 */
export function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

const CRLFCRLF = Buffer.from('\r\n\r\n');

/**
 * Parses one HTTP/1.1 response at the start of `buf`: its status, whether the server will close the connection, and
 * its total length in bytes, or -1 when more bytes are needed. Throws on a response it cannot frame.
 */
export function frameResponse(buf: Buffer): { status: number; close: boolean; length: number } | null {
  const headEnd = buf.indexOf(CRLFCRLF);
  if (headEnd < 0) return null;
  const head = buf.toString('latin1', 0, headEnd);
  if (!head.startsWith('HTTP/1.')) throw new Error(`not an HTTP/1.x response: ${JSON.stringify(head.slice(0, 40))}`);
  const status = Number(head.slice(9, 12));
  const close = /\r\nconnection:[ \t]*close/i.test(head);
  const bodyStart = headEnd + 4;
  const cl = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head);
  if (cl) {
    const length = bodyStart + Number(cl[1]);
    return { status, close, length: buf.length >= length ? length : -1 };
  }
  if (/\r\ntransfer-encoding:[ \t]*chunked/i.test(head)) {
    // Walk the chunks: "<hex size>[;ext]\r\n<data>\r\n" … "0\r\n" [trailers] "\r\n".
    let at = bodyStart;
    for (;;) {
      const lineEnd = buf.indexOf('\r\n', at, 'latin1');
      if (lineEnd < 0) return { status, close, length: -1 };
      const size = parseInt(buf.toString('latin1', at, lineEnd), 16);
      if (!Number.isFinite(size)) throw new Error('bad chunk size');
      if (size === 0) {
        const end = buf.indexOf(CRLFCRLF, lineEnd);
        // No trailers: the last chunk line's CRLF is followed by the final CRLF.
        if (end === lineEnd) return { status, close, length: end + 4 };
        return { status, close, length: end < 0 ? -1 : end + 4 };
      }
      at = lineEnd + 2 + size + 2;
      if (at > buf.length) return { status, close, length: -1 };
    }
  }
  // No length and not chunked: only bodiless statuses can be framed.
  if (status === 204 || status === 304 || (status >= 100 && status < 200)) return { status, close, length: bodyStart };
  throw new Error(`response ${status} has neither Content-Length nor chunked encoding`);
}

/** Runs the load for `durationS` seconds from this process and reports what was answered. */
export async function loadNode(opts: LoadOptions): Promise<LoadResult> {
  const u = new URL(opts.url);
  const host = u.hostname;
  const port = Number(u.port || 80);
  const method = opts.method ?? 'POST';
  const type = opts.contentType ?? 'application/json';
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const requests = opts.bodies.map((body) => {
    const b = Buffer.from(body);
    return Buffer.concat([Buffer.from(`${method} ${opts.path} HTTP/1.1\r\nhost: ${u.host}\r\ncontent-type: ${type}\r\ncontent-length: ${b.length}\r\n\r\n`, 'latin1'), b]);
  });
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let non2xx = 0;
  let errors = 0;
  const t0 = performance.now();
  const end = t0 + opts.durationS * 1000;

  const runConnection = (first: number): Promise<void> =>
    new Promise((resolve) => {
      let k = first;
      let sock: net.Socket;
      let pending: Buffer | null = null;
      let sentAt = 0;
      let timer: NodeJS.Timeout | null = null;
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        if (timer) clearTimeout(timer);
        sock.destroy();
        resolve();
      };
      const send = (): void => {
        if (performance.now() >= end) return finish();
        sentAt = performance.now();
        sock.write(requests[k++ % requests.length]!);
        timer?.refresh();
      };
      const open = (): void => {
        pending = null;
        sock = net.connect({ host, port, noDelay: true });
        sock.on('connect', send);
        sock.on('data', (chunk: Buffer) => {
          pending = pending === null ? chunk : Buffer.concat([pending, chunk]);
          let framed;
          try {
            framed = frameResponse(pending);
          } catch {
            errors++;
            return reopen();
          }
          if (framed === null || framed.length < 0) return;
          latencies.push(performance.now() - sentAt);
          statuses[framed.status] = (statuses[framed.status] ?? 0) + 1;
          if (framed.status < 200 || framed.status >= 300) non2xx++;
          // One request in flight: nothing may follow the response but the next one's answer.
          pending = framed.length < pending.length ? pending.subarray(framed.length) : null;
          if (framed.close) return reopen();
          send();
        });
        sock.on('error', () => {
          if (!finished) errors++;
        });
        sock.on('close', () => {
          if (finished) return;
          // The server closed the connection (keep-alive limit, error): start a new one while time is left.
          if (performance.now() >= end) finish();
          else setTimeout(open, 10);
        });
      };
      const reopen = (): void => {
        sock.removeAllListeners('close');
        sock.on('error', () => undefined);
        sock.destroy();
        if (performance.now() >= end) finish();
        else open();
      };
      timer = setTimeout(function onTimeout() {
        if (finished) return;
        errors++;
        reopen();
        timer = setTimeout(onTimeout, timeoutMs);
      }, timeoutMs);
      open();
    });

  await Promise.all(Array.from({ length: opts.connections }, (_, c) => runConnection(Math.floor((c * requests.length) / opts.connections))));
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const mean = latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length);
  return {
    generator: 'node',
    cpuSeconds: null,
    requests: latencies.length,
    rps: latencies.length / seconds,
    non2xx,
    errors,
    statuses,
    latency: { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), max: latencies.at(-1) ?? NaN, mean },
  };
}

/** True when `wrk` is on PATH. */
export function hasWrk(): boolean {
  return spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;
}

// wrk's Lua side: reads the bodies (one JSON text per line), formats every request once, sends them in turn, and
// prints one JSON line at the end. No response() hook: it would make wrk hand every answer to Lua, and wrk already
// counts non-2xx/3xx answers (summary.errors.status).
const WRK_SCRIPT = String.raw`
local reqs, n, k = {}, 0, 0
function init(args)
  for line in io.lines(args[1]) do
    n = n + 1
    reqs[n] = wrk.format(args[2], args[3], { ["content-type"] = args[4] }, line)
  end
end
function setup(thread) end
function request()
  k = k + 1
  return reqs[(k % n) + 1]
end
function done(summary, latency, requests)
  io.write(string.format('\nWRKJSON {"requests":%d,"seconds":%f,"p50":%f,"p99":%f,"max":%f,"mean":%f,"non2xx":%d,"errors":%d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
`;

/**
 * Runs the load with wrk (one thread) and reports what was answered and wrk's CPU (read from a wrapping shell's
 * children CPU times, /proc/self/stat cutime + cstime, since wrk reports none).
 * `statuses` stays empty: wrk counts only answers outside 2xx/3xx (`non2xx`).
 */
export async function loadWrk(opts: LoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tengen-wrk-'));
  try {
    const script = path.join(dir, 'load.lua');
    const bodies = path.join(dir, 'bodies.txt');
    writeFileSync(script, WRK_SCRIPT);
    if (opts.bodies.some((b) => b.includes('\n'))) throw new Error('loadWrk: bodies must be single-line JSON');
    writeFileSync(bodies, opts.bodies.join('\n') + '\n');
    const timeout = Math.ceil((opts.timeoutMs ?? 30_000) / 1000);
    const args = ['-t1', `-c${opts.connections}`, `-d${opts.durationS}s`, `--timeout`, `${timeout}s`, '-s', script, opts.url + opts.path, '--', bodies, opts.method ?? 'POST', opts.path, opts.contentType ?? 'application/json'];
    // The shell runs wrk, then prints its own stat line, whose cutime/cstime hold the CPU of the child it waited for.
    const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const out = await new Promise<string>((resolve, reject) => {
      const cp = spawn('sh', ['-c', `wrk ${quoted}; echo; echo "SHSTAT $(cat /proc/$$/stat)"`], { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      let err = '';
      cp.stdout.on('data', (d: Buffer) => (text += d.toString()));
      cp.stderr.on('data', (d: Buffer) => (err += d.toString()));
      cp.on('error', reject);
      cp.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited with ${code}: ${err.slice(0, 500)}`))));
    });
    const json = /WRKJSON (\{.*\})/.exec(out);
    if (!json) throw new Error(`wrk printed no result: ${out.slice(0, 500)}`);
    const r = JSON.parse(json[1]!) as { requests: number; seconds: number; p50: number; p99: number; max: number; mean: number; non2xx: number; errors: number };
    const stat = /SHSTAT (.*)/.exec(out)?.[1] ?? '';
    const f = statFields(stat);
    // cutime and cstime are fields 16 and 17 of proc(5), in clock ticks (100 per second).
    const cpuSeconds = f.length > 14 ? (Number(f[13]) + Number(f[14])) / 100 : null;
    return {
      generator: 'wrk',
      cpuSeconds,
      requests: r.requests,
      rps: r.requests / r.seconds,
      non2xx: r.non2xx,
      errors: r.errors,
      statuses: {},
      latency: { p50: r.p50, p99: r.p99, max: r.max, mean: r.mean },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the load with `generator` (default: wrk where installed, else the in-process one). */
export function load(opts: LoadOptions, generator: 'wrk' | 'node' | 'auto' = 'auto'): Promise<LoadResult> {
  const g = generator === 'auto' ? (hasWrk() ? 'wrk' : 'node') : generator;
  return g === 'wrk' ? loadWrk(opts) : loadNode(opts);
}
