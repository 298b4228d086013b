// Shared pieces of the request/response schemas (zod → validation and OpenAPI).
import { z } from 'zod';

/** Bounds of a vertex's length in characters (checked by `vertexLengths`). */
export const VERTEX_MIN = 1;
export const VERTEX_MAX = 8;

/**
 * A move or point as clients write it: GTP vertex `Q16`, SGF point `pd`, or `pass`; 1–8 characters. The length is not
 * a check on this schema but on the list holding it (`vertexLengths`): zod runs a string's checks item by item, which
 * cost about 20 µs per 75-move request (four times the rest of the body's validation) and a quarter of the hot
 * route's allocations. The JSON Schema still says minLength 1, maxLength 8.
 */
export const Vertex = z.string().meta({ minLength: VERTEX_MIN, maxLength: VERTEX_MAX }).describe('GTP vertex (Q16), SGF point (pd) or "pass"');

export const Color = z.enum(['B', 'W', 'b', 'w', 'black', 'white']).describe('side: B or W');

/**
 * A refinement for an array of vertices or [colour, vertex] pairs: every vertex is 1–8 characters, reported in zod's
 * own words at the item's path (`moves[3]`, `moves[3][1]`), in one pass over the array.
 */
export function vertexLengths(items: readonly (string | readonly [string, string])[], ctx: z.RefinementCtx): void {
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const pair = typeof item !== 'string';
    const v = pair ? item[1] : item;
    if (v.length >= VERTEX_MIN && v.length <= VERTEX_MAX) continue;
    const path = pair ? [i, 1] : [i];
    if (v.length < VERTEX_MIN) ctx.addIssue({ code: 'too_small', origin: 'string', minimum: VERTEX_MIN, inclusive: true, input: v, path });
    else ctx.addIssue({ code: 'too_big', origin: 'string', maximum: VERTEX_MAX, inclusive: true, input: v, path });
  }
}

/** A ranked move in answers: both coordinate systems plus the probability. */
export const RankedMove = z.object({
  gtp: z.string().describe('GTP vertex, e.g. Q16'),
  sgf: z.string().describe('SGF point, e.g. pd'),
  prob: z.number().describe('probability under the legal-masked policy'),
});

export const Symmetries = z.union([z.literal(1), z.literal(8)]).describe('1 = as is, 8 = average over the 8 board symmetries');

/** RFC 9457 problem details as sent for every error. */
export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    field: z.string().optional(),
    moveNumber: z.number().int().optional(),
    vertex: z.string().optional(),
    line: z.number().int().optional(),
    column: z.number().int().optional(),
  })
  .passthrough();

/** The error answers every POST route may give (documented in OpenAPI; bodies are Problem). */
export const ERROR_RESPONSES = {
  400: Problem.describe('malformed JSON, wrong types or unknown fields (names the field), unreadable SGF (line and column)'),
  405: Problem.describe('wrong method for this path (Allow names the right ones)'),
  413: Problem.describe('body over --body-limit'),
  415: Problem.describe('body is not application/json'),
  422: Problem.describe('illegal move, invalid position, unsupported board size, unusable SGF game, too many moves or turns'),
  429: Problem.describe('over the rate limit (Retry-After)'),
  503: Problem.describe('engine queue full, server under pressure or shutting down (Retry-After)'),
} as const;
