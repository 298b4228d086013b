// POST /v1/analyze: review a whole game — for every move the model's top-k and the rank/probability of the move played.
import { PASS } from '../../../../go/constants.js';
import { pointToGtp, pointToSgf } from '../../../../go/coords.js';
import { positionFromRecord, recordFromSgf, topMoves } from '../../../../engine/index.js';
import { rankOf } from '../../../../stats.js';
import type { RouteContext, ZodApp } from '../../../context.js';
import { ERROR_RESPONSES } from '../../../schemas/common.js';
import { PositionError, type Engine } from '../../../../engine/index.js';
import { AnalyzeBody, AnalyzeReply } from '../../../schemas/analyze.js';

// Positions submitted at once per request: enough to fill batches, few enough not to crowd out other clients.
const WINDOW = 32;

/** Registers POST /v1/analyze. */
export function analyzeRoutes(ctx: RouteContext) {
  return async (app: ZodApp): Promise<void> => {
    app.post(
      '/v1/analyze',
      {
        schema: {
          summary: 'Review a game: how expected each move was',
          tags: ['moves'],
          body: AnalyzeBody,
          response: { 200: AnalyzeReply, ...ERROR_RESPONSES },
        },
      },
      async (req) => {
        const t0 = performance.now();
        const { sgf, path, topK, symmetries } = req.body;
        const rec = recordFromSgf(sgf, path, { maxMoves: ctx.maxMoves });
        if (rec.moves.length > ctx.maxTurns) {
          throw new PositionError(`sgf: the game has ${rec.moves.length} moves, at most ${ctx.maxTurns} are reviewed per request (--max-turns)`, 'sgf');
        }
        const lane = req.raw.socket;
        // Replaying once validates every move (errors name the move) and gives the start board to walk forward on.
        positionFromRecord(rec);
        const board = positionFromRecord(rec, 0);
        const n = rec.moves.length;
        const evals: ReturnType<Engine['evaluate']>[] = [];
        const komi = rec.komi ?? undefined;
        const out = [];
        let top1 = 0;
        let top5 = 0;
        let probSum = 0;
        let scored = 0;
        // Setup after moves (rare) breaks walking one board forward; such records rebuild each position instead.
        const rebuild = rec.laterSetup.length > 0;
        for (let start = 0; start < n; start += WINDOW) {
          const end = Math.min(n, start + WINDOW);
          for (let i = start; i < end; i++) {
            const b = rebuild ? positionFromRecord(rec, i) : board;
            b.toPlay = rec.moves[i]!.color;
            evals[i] = ctx.engine.evaluate(b, { symmetries, lane, ...(komi === undefined ? {} : { komi }) });
            evals[i]!.catch(() => undefined);
            if (!rebuild) board.play(rec.moves[i]!.point, rec.moves[i]!.color);
          }
          for (let i = start; i < end; i++) {
            const { policy, value } = await evals[i]!;
            const m = rec.moves[i]!;
            // The value head speaks for the side to move; the review reports Black's chances throughout.
            const winrate = value === null ? null : m.color === 1 ? value : 1 - value;
            let prob: number | null = null;
            let rank: number | null = null;
            if (m.point !== PASS) {
              prob = policy[m.point]!;
              // The same rule as the top-k lists and `tengen eval`: ties go to the lower point index.
              rank = rankOf(policy, m.point) + 1;
              scored++;
              probSum += prob;
              if (rank === 1) top1++;
              if (rank <= 5) top5++;
            }
            out.push({
              moveNumber: i + 1,
              color: m.color === 1 ? ('B' as const) : ('W' as const),
              played: { gtp: pointToGtp(m.point), sgf: pointToSgf(m.point) },
              prob,
              rank,
              winrate,
              top: topMoves(policy, topK).map((t) => ({ gtp: pointToGtp(t.point), sgf: pointToSgf(t.point), prob: t.prob })),
            });
          }
        }
        return {
          moves: out,
          summary: {
            moves: scored,
            top1: scored ? top1 / scored : 0,
            top5: scored ? top5 / scored : 0,
            meanProb: scored ? probSum / scored : 0,
          },
          model: ctx.engine.model.id,
          hasValue: ctx.engine.hasValue,
          timeMs: Math.round((performance.now() - t0) * 1000) / 1000,
        };
      },
    );
  };
}
