// POST /v1/analyze: a whole game → per move the model's top-k and how expected the played move was.
import { z } from 'zod';
import { RankedMove, Symmetries } from './common.js';

export const AnalyzeBody = z
  .object({
    sgf: z.string().min(1).describe('one SGF game'),
    path: z.array(z.number().int().min(0)).max(1000).optional().describe('SGF variation: child index at each fork'),
    topK: z.number().int().min(1).max(50).default(5),
    symmetries: Symmetries.default(1),
  })
  .strict();

export const AnalyzedMove = z.object({
  moveNumber: z.number().int().describe('1-based'),
  color: z.enum(['B', 'W']),
  played: z.object({ gtp: z.string(), sgf: z.string() }),
  prob: z.number().nullable().describe('policy probability of the played move (null for a pass)'),
  rank: z.number().int().nullable().describe('1 = the model\'s first choice (null for a pass)'),
  winrate: z.number().nullable().describe("Black's win probability in the position before this move, by the value head (null: the model has none)"),
  top: z.array(RankedMove),
});

export const AnalyzeReply = z.object({
  moves: z.array(AnalyzedMove),
  summary: z.object({
    moves: z.number().int().describe('board moves scored (passes excluded)'),
    top1: z.number().describe('fraction of played moves that were the first choice'),
    top5: z.number(),
    meanProb: z.number(),
  }),
  model: z.string(),
  hasValue: z.boolean().describe('whether the model has a value head (win rates); false: every winrate is null'),
  timeMs: z.number(),
});
