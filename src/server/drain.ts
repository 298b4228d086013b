// Early errors (413, 415, 400 before the body was read…) are answered only after the body is read and discarded, up
// to a bound: a client that sends its whole body before reading (no `Expect: 100-continue`, e.g. Python's http.client)
// would otherwise have its socket reset under it and never see the status. Past the bound the connection is closed.
import type { IncomingMessage } from 'node:http';
import type { FastifyRequest } from 'fastify';

/** Reads and discards what is left of `req`'s body, at most `limit` bytes and `timeoutMs`; resolves true if it all came. */
export function drainBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<boolean> {
  if (req.complete || req.readableEnded || req.destroyed || limit <= 0) return Promise.resolve(req.complete || req.readableEnded);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(false);
  return new Promise((resolve) => {
    let seen = 0;
    const finish = (ok: boolean): void => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      resolve(ok);
    };
    const onData = (chunk: Buffer): void => {
      seen += chunk.length;
      if (seen > limit) finish(false);
    };
    const onEnd = (): void => finish(true);
    const onError = (): void => finish(false);
    const onClose = (): void => finish(req.complete);
    const timer = setTimeout(() => finish(false), timeoutMs);
    timer.unref();
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
    req.resume();
  });
}

/** Before an error answer: reads what is left of the request body (at most `limit` bytes, 10 s) so the client sees it. */
export async function drainBeforeError(req: FastifyRequest, limit: number): Promise<void> {
  const raw = req.raw;
  // Injected requests (tests) and bodiless ones have nothing waiting on a socket.
  if (raw.complete || raw.readableEnded || !raw.socket || raw.headers['content-length'] === undefined && raw.headers['transfer-encoding'] === undefined) return;
  await drainBody(raw, limit, 10_000);
}
