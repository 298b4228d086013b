// GET /v1/models: the model being served (tengen.json summary).
import type { RouteContext, ZodApp } from '../../../context.js';
import { Problem } from '../../../schemas/common.js';
import { ModelsReply } from '../../../schemas/models.js';

/** Registers GET /v1/models. */
export function modelsRoutes(ctx: RouteContext) {
  return async (app: ZodApp): Promise<void> => {
    app.get('/v1/models', { schema: { summary: 'The served model', tags: ['models'], response: { 200: ModelsReply, 429: Problem } } }, async () => {
      const m = ctx.engine.model;
      return {
        models: [
          {
            id: m.id,
            featureSet: m.featureSet,
            architecture: m.architecture,
            hasValue: ctx.engine.hasValue,
            hasOwnership: ctx.engine.hasOwnership,
            steps: m.steps,
            positionsSeen: m.positionsSeen,
            ...(m.initFrom ? { initFrom: m.initFrom } : {}),
            ...(m.distilledFrom ? { distilledFrom: m.distilledFrom } : {}),
            ...(m.valueCalibration ? { valueCalibration: m.valueCalibration } : {}),
            metrics: m.metrics,
            evaluations: m.evaluations ?? [],
            date: m.date,
            backend: ctx.engine.backend,
          },
        ],
      };
    });
  };
}
