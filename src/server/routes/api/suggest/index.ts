// POST /v1/suggest: ranked legal moves for one position, given as SGF (+ move number / path) or as a move list.
import { pointToGtp, pointToSgf } from '../../../../go/coords.js';
import { PositionError, positionFromMoves, positionFromRecord, recordFromSgf, type BoardPool } from '../../../../engine/index.js';
import type { Board } from '../../../../go/board.js';
import type { RouteContext, ZodApp } from '../../../context.js';
import { ERROR_RESPONSES } from '../../../schemas/common.js';
import { SuggestBody, SuggestReply, type SuggestBodyT } from '../../../schemas/suggest.js';

/** Builds the position a suggest body describes; throws PositionError / SgfError / GameRecordError naming the fault. */
export function positionOfBody(body: SuggestBodyT, maxMoves: number, pool?: BoardPool): { board: Board; komi: number | null } {
  if (body.sgf !== undefined) {
    if (body.moves !== undefined || body.setup !== undefined) {
      throw new PositionError('give the position either as "sgf" or as "moves"/"setup", not both', body.moves !== undefined ? 'moves' : 'setup');
    }
    const rec = recordFromSgf(body.sgf, body.path, { maxMoves });
    const board = positionFromRecord(rec, body.moveNumber ?? rec.moves.length);
    if (body.toPlay !== undefined) board.toPlay = /^b/i.test(body.toPlay) ? 1 : 2;
    return { board, komi: body.komi ?? rec.komi };
  }
  if (body.moveNumber !== undefined) throw new PositionError('moveNumber applies to an "sgf" position only', 'moveNumber');
  if (body.path !== undefined) throw new PositionError('path applies to an "sgf" position only', 'path');
  const built = positionFromMoves(
    {
      ...(body.moves === undefined ? {} : { moves: body.moves }),
      ...(body.setup === undefined ? {} : { setup: body.setup }),
      ...(body.toPlay === undefined ? {} : { toPlay: body.toPlay }),
      ...(body.komi === undefined ? {} : { komi: body.komi }),
    },
    maxMoves,
    pool?.take(),
  );
  return { board: built.board, komi: built.komi };
}

/** Registers POST /v1/suggest. */
export function suggestRoutes(ctx: RouteContext) {
  return async (app: ZodApp): Promise<void> => {
    app.post(
      '/v1/suggest',
      {
        schema: {
          summary: 'Ranked move suggestions for one position',
          tags: ['moves'],
          body: SuggestBody,
          response: { 200: SuggestReply, ...ERROR_RESPONSES },
        },
      },
      async (req) => {
        const t0 = performance.now();
        const body = req.body;
        const { board, komi } = positionOfBody(body, ctx.maxMoves, ctx.boards);
        const moveNumber = board.moveNumber;
        const toPlay = board.toPlay === 1 ? 'B' : 'W';
        let suggested;
        try {
          suggested = await ctx.engine.suggest(board, { topK: body.topK, symmetries: body.symmetries, lane: req.raw.socket });
        } finally {
          ctx.boards.give(board);
        }
        const { moves, policy } = suggested;
        return {
          toPlay,
          moveNumber,
          komi,
          moves: moves.map((m, order) => ({
            gtp: pointToGtp(m.point),
            sgf: pointToSgf(m.point),
            prob: m.prob,
            order,
          })),
          ...(body.includePolicy ? { policy: Array.from(policy) } : {}),
          model: ctx.engine.model.id,
          backend: ctx.engine.backend,
          timeMs: Math.round((performance.now() - t0) * 1000) / 1000,
        } as const;
      },
    );
  };
}
