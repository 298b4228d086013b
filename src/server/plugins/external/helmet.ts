// helmet: security headers on every answer (nosniff, frame-ancestors/X-Frame-Options, referrer policy,
// cross-origin isolation of resources) and a Content-Security-Policy that lets the web board and /docs load only
// from this origin. No HSTS and no upgrade-insecure-requests: the service speaks plain HTTP (a TLS proxy adds HSTS),
// and upgrading would break the page when it is opened over http:// on a LAN address.
// helmet itself, not @fastify/helmet: the wrapper rebuilds helmet's middleware (parsing every CSP directive) on each
// request, 5.7% of the server's main thread at 64 clients (bench/server.bench.ts --cpu-prof); our headers do not
// depend on the request (no nonces), so they are computed once here and set by one hook.
import helmet, { type HelmetOptions } from 'helmet';
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const HELMET_OPTIONS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      baseUri: ["'self'"],
      scriptSrc: ["'self'"],
      // swagger-ui sets element styles from script; the board uses none inline.
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      fontSrc: ["'self'", 'data:'],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
      formAction: ["'self'"],
    },
  },
  strictTransportSecurity: false,
};

/** The headers helmet sets for `options` (it removes X-Powered-By too, which Fastify never sends). */
export function helmetHeaders(options: Readonly<HelmetOptions> = HELMET_OPTIONS): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, () => {});
  return headers;
}

/** Sets helmet's security headers (computed once) on every answer. */
export async function registerHelmet(app: FastifyInstance): Promise<void> {
  const headers = helmetHeaders();
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}
