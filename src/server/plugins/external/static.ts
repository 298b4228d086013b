// @fastify/static: the web board (plain HTML/CSS/JS modules in src/server/web, no build step) at /.
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { fileURLToPath } from 'node:url';

export const WEB_ROOT = fileURLToPath(new URL('../../web/', import.meta.url));

/** Serves src/server/web at / (index.html for /). */
export async function registerStatic(app: FastifyInstance): Promise<void> {
  await app.register(fastifyStatic, { root: WEB_ROOT, prefix: '/', index: 'index.html', schemaHide: true });
  // Browsers ask for /favicon.ico whatever the page links; answer with the board's SVG icon instead of a 404.
  app.get('/favicon.ico', { schema: { hide: true } }, (_req, reply) => reply.type('image/svg+xml').sendFile('favicon.svg'));
}
