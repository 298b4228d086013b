// @fastify/helmet: security headers on every answer (nosniff, frame-ancestors/X-Frame-Options, referrer policy,
// cross-origin isolation of resources) and a Content-Security-Policy that lets the web board and /docs load only
// from this origin. No HSTS and no upgrade-insecure-requests: the service speaks plain HTTP (a TLS proxy adds HSTS),
// and upgrading would break the page when it is opened over http:// on a LAN address.
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/** Registers helmet with a same-origin Content-Security-Policy. */
export async function registerHelmet(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
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
  });
}
