// Errors as RFC 9457 problem details (application/problem+json): every error answer names the bad field,
// move number or SGF line:column, so a client can point at what to fix.
import type { FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { EngineBusyError, EngineClosedError, PositionError } from '../engine/index.js';
import { GameRecordError, SgfError } from '../sgf/index.js';

export const PROBLEM_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  [extra: string]: unknown;
}

/** An error that already knows its problem answer; throw it from a route. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    detail: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

/** The problem type URI of a slug (documented in the README "HTTP API" section). */
export function problemType(slug: string): string {
  return `urn:tengen:problem:${slug}`;
}

function make(status: number, slug: string, title: string, detail: string, extra: Record<string, unknown> = {}): Problem {
  return { type: problemType(slug), title, status, detail, ...extra };
}

// zod issue path ["moves", 3] → "moves[3]"; fastify's instancePath "/moves/3" likewise.
function fieldOf(instancePath: string): string {
  const parts = instancePath.split('/').filter((s) => s !== '');
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out === '' ? p : `.${p}`;
  return out;
}

interface FastifyLikeError extends Error {
  code?: string;
  statusCode?: number;
  validation?: { instancePath?: string; message?: string }[];
  validationContext?: string;
}

// Problem types of plain HTTP statuses raised by Fastify or its plugins (e.g. @fastify/static's 403 for a path that
// leaves the web root).
const STATUS_SLUGS: Record<number, [string, string]> = {
  403: ['forbidden', 'Forbidden'],
  404: ['not-found', 'Not found'],
  405: ['method-not-allowed', 'Method not allowed'],
  408: ['request-timeout', 'Request timeout'],
  411: ['length-required', 'Length required'],
  413: ['body-too-large', 'Request body too large'],
  415: ['unsupported-media-type', 'Unsupported media type'],
  431: ['headers-too-large', 'Request headers too large'],
};

/** Maps any error thrown while handling a request to a problem and the extra headers to send. */
export function toProblem(err: unknown): { problem: Problem; headers: Record<string, string> } {
  const e = err as FastifyLikeError;
  if (err instanceof ProblemError) return { problem: make(err.status, err.slug, err.title, err.message, err.extra), headers: err.headers };
  if (hasZodFastifySchemaValidationErrors(err) || (Array.isArray(e.validation) && e.validation.length > 0)) {
    const first = e.validation![0]!;
    const field = fieldOf(first.instancePath ?? '');
    const where = e.validationContext ?? 'body';
    const detail = `${where}${field ? `.${field}` : ''}: ${first.message ?? 'invalid value'}`;
    return { problem: make(400, 'invalid-request', 'Invalid request', detail, { field: field || where }), headers: {} };
  }
  if (err instanceof PositionError) {
    const extra: Record<string, unknown> = { field: err.field };
    if (err.moveNumber !== null) extra.moveNumber = err.moveNumber;
    if (err.vertex !== null) extra.vertex = err.vertex;
    if (err.reason !== null) extra.reason = err.reason;
    const illegal = err.reason !== null;
    return { problem: make(422, illegal ? 'illegal-move' : 'invalid-position', illegal ? 'Illegal move' : 'Invalid position', err.message, extra), headers: {} };
  }
  if (err instanceof SgfError) {
    const extra: Record<string, unknown> = { field: 'sgf' };
    if (err.line > 0) Object.assign(extra, { line: err.line, column: err.column });
    const status = err.code === 'limit' ? 413 : 400;
    return { problem: make(status, 'sgf-syntax', 'Unreadable SGF', err.message, extra), headers: {} };
  }
  if (err instanceof GameRecordError) {
    const extra: Record<string, unknown> = { field: err.property === 'SZ' ? 'sgf (SZ)' : 'sgf' };
    if (err.moveNumber !== null) extra.moveNumber = err.moveNumber;
    if (err.property !== null) extra.property = err.property;
    const slug = err.code === 'board-size' ? 'board-size' : err.code === 'bad-path' ? 'bad-path' : 'sgf-record';
    return { problem: make(422, slug, err.code === 'board-size' ? 'Unsupported board size' : 'Unusable SGF game', err.message, extra), headers: {} };
  }
  if (err instanceof EngineBusyError) {
    return {
      problem: make(503, 'overloaded', 'Engine overloaded', err.message, { queueDepth: err.queueDepth }),
      headers: { 'retry-after': String(err.retryAfterSeconds) },
    };
  }
  if (err instanceof EngineClosedError) {
    return { problem: make(503, 'shutting-down', 'Shutting down', err.message), headers: { 'retry-after': '5', connection: 'close' } };
  }
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { problem: make(400, 'malformed-json', 'Malformed JSON', `request body: ${e.message}`, { field: 'body' }), headers: {} };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { problem: make(413, 'body-too-large', 'Request body too large', e.message, { field: 'body' }), headers: {} };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { problem: make(415, 'unsupported-media-type', 'Unsupported media type', `${e.message}; send application/json`, { field: 'content-type' }), headers: {} };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { problem: make(400, 'bad-content-length', 'Bad Content-Length', e.message, { field: 'content-length' }), headers: {} };
  }
  if (err instanceof SyntaxError && typeof e.statusCode === 'number' && e.statusCode === 400) {
    return { problem: make(400, 'malformed-json', 'Malformed JSON', `request body: ${e.message}`, { field: 'body' }), headers: {} };
  }
  const status = typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 600 ? e.statusCode : 500;
  if (status < 500) {
    const [slug, title] = STATUS_SLUGS[status] ?? ['bad-request', 'Bad request'];
    return { problem: make(status, slug, title, e.message ?? String(err)), headers: {} };
  }
  return { problem: make(status, 'internal', 'Internal server error', 'the server failed to answer; see its log'), headers: {} };
}

/** Sends a problem answer with its content type and headers. */
export function sendProblem(reply: FastifyReply, problem: Problem, headers: Record<string, string> = {}): FastifyReply {
  for (const [k, v] of Object.entries(headers)) reply.header(k, v);
  return reply.code(problem.status).type(PROBLEM_TYPE).send(JSON.stringify(problem));
}
