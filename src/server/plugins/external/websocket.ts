// @fastify/websocket: WebSocket support (used by the KataGo protocol route /v1/katago).
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';

/** Registers WebSocket support with a bounded message size. */
export async function registerWebsocket(app: FastifyInstance, maxPayload: number): Promise<void> {
  await app.register(websocket, { options: { maxPayload } });
}
