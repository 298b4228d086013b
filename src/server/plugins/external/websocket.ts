// @fastify/websocket: WebSocket support (used by the KataGo protocol route /v1/katago).
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';

/** Registers WebSocket support with a bounded message size. */
export async function registerWebsocket(app: FastifyInstance, maxPayload: number): Promise<void> {
  await app.register(websocket, {
    options: { maxPayload },
    // A client's protocol errors (oversized or malformed frames, invalid UTF-8: ws codes WS_ERR_*) close its socket
    // with one info line and no stack trace, so any client cannot fill the log; other errors are ours and logged as such.
    errorHandler: (error, socket, req) => {
      const code = (error as Error & { code?: string }).code;
      if (typeof code === 'string' && code.startsWith('WS_ERR_')) req.log.info({ code, reason: error.message }, 'websocket closed: client protocol error');
      else req.log.error({ err: error }, 'websocket handler failed');
      socket.terminate();
    },
  });
}
