// KataGo's JSON analysis-engine protocol as Tengen honours it (docs/Analysis_Engine.md; semantics in src/server/katago.ts).
// Validation here is lenient on purpose: protocol errors are answered in KataGo's own {error, field, id} form.
import { z } from 'zod';

export const KatagoQuery = z
  .object({
    id: z.string().describe('query id, echoed in every response line'),
    action: z.string().optional().describe('query_version | query_models | clear_cache | terminate | terminate_all'),
    moves: z.array(z.tuple([z.string(), z.string()])).optional(),
    initialStones: z.array(z.tuple([z.string(), z.string()])).optional(),
    initialPlayer: z.string().optional(),
    rules: z.unknown().optional(),
    komi: z.number().optional(),
    boardXSize: z.number().optional(),
    boardYSize: z.number().optional(),
    analyzeTurns: z.array(z.number()).optional(),
    includePolicy: z.boolean().optional(),
    maxVisits: z.number().optional().describe('visits of the PUCT search per turn (default: the server\'s, 1 = the network alone)'),
    includeOwnership: z.boolean().optional().describe('Monte-Carlo ownership, Black positive by default'),
    includeMovesOwnership: z.boolean().optional().describe('each moveInfo of a final answer also carries the ownership after its move (models with an ownership head)'),
    includePVVisits: z.boolean().optional().describe('each moveInfo also carries pvVisits: the visits of each position on its pv'),
    avoidMoves: z.array(z.unknown()).optional(),
    allowMoves: z.array(z.unknown()).optional(),
    reportDuringSearchEvery: z.number().optional().describe('seconds between partial answers (isDuringSearch true)'),
    priority: z.number().optional(),
  })
  .passthrough();

export type KatagoQueryT = z.infer<typeof KatagoQuery>;

/** KataGo's error object: what is wrong, the offending field, the query id (and the turn, for a turn refused or failed). */
export const KatagoError = z
  .object({
    error: z.string(),
    field: z.string().optional(),
    id: z.string().optional(),
    turnNumber: z.number().int().optional(),
  })
  .describe('KataGo error (one NDJSON line)');
