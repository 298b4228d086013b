// POST /v1/suggest: a position (SGF + move number / variation path, or a move list) → ranked legal moves.
import { z } from 'zod';
import { Color, RankedMove, Symmetries, Vertex, vertexLengths } from './common.js';

export const SuggestBody = z
  .object({
    sgf: z.string().optional().describe('one SGF game; the position after `moveNumber` moves of the line chosen by `path`'),
    moveNumber: z.number().int().min(0).optional().describe('moves of the SGF line to play (default: all)'),
    path: z.array(z.number().int().min(0)).max(1000).optional().describe('SGF variation: child index at each fork'),
    moves: z
      .array(z.union([Vertex, z.tuple([Color, Vertex])], { error: 'expected a vertex such as "Q16", "pd" or "pass", or a ["B"|"W", vertex] pair' }))
      .superRefine(vertexLengths)
      .optional()
      .describe('moves from the empty board (after setup): vertices with alternating colours, or [colour, vertex] pairs'),
    setup: z
      .object({ black: z.array(Vertex).max(361).superRefine(vertexLengths).optional(), white: z.array(Vertex).max(361).superRefine(vertexLengths).optional() })
      .strict()
      .optional(),
    komi: z
      .number()
      .min(-150)
      .max(150)
      .refine((k) => Number.isInteger(k * 2), { message: 'komi must be an integer or half-integer (as on the KataGo route)' })
      .optional(),
    toPlay: Color.optional().describe('side to move (default: the opponent of the last mover)'),
    topK: z.number().int().min(1).max(361).default(10),
    symmetries: Symmetries.default(1),
    includePolicy: z.boolean().default(false).describe('include the full 361-point policy (row-major from A19)'),
  })
  .strict();

export const SuggestMove = RankedMove.extend({ order: z.number().int().describe('0 = most probable') });

export const SuggestReply = z.object({
  toPlay: z.enum(['B', 'W']),
  moveNumber: z.number().int().describe('moves played before this position'),
  komi: z.number().nullable(),
  moves: z.array(SuggestMove),
  policy: z.array(z.number()).optional().describe('361 probabilities, p = y*19 + x from the top-left (A19); illegal = 0'),
  model: z.string(),
  backend: z.string(),
  timeMs: z.number(),
});

export type SuggestBodyT = z.infer<typeof SuggestBody>;
