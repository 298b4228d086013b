// GET /v1/models: the served model's tengen.json summary.
import { z } from 'zod';

/** A rate with its 95% interval. */
const Rate = z.object({ rate: z.number(), lo: z.number(), hi: z.number() });

export const ModelSummary = z.object({
  id: z.string(),
  featureSet: z.object({ name: z.string(), version: z.number(), planes: z.number() }),
  architecture: z.object({
    depth: z.number(),
    width: z.number(),
    block: z.string(),
    planes: z.number(),
    valueHead: z.object({ channels: z.number(), hidden: z.number() }).optional(),
    ownershipHead: z.boolean().optional(),
  }),
  hasValue: z.boolean().describe('whether the model has a value head; false: win rates are neutral (50%) or null and the search uses a cheap estimate'),
  hasOwnership: z.boolean().describe('whether the model has an ownership head; false: ownership comes from Monte-Carlo playouts'),
  steps: z.number(),
  positionsSeen: z.number().describe("positions of the model's own training run (see initFrom for a warm restart)"),
  initFrom: z
    .object({ model: z.string(), steps: z.number(), positionsSeen: z.number(), wallClockSeconds: z.number(), dataManifestHash: z.string().nullable() })
    .optional()
    .describe('for a model trained from another saved model (tengen train --init-from): that model and everything behind it, so the total is positionsSeen + initFrom.positionsSeen'),
  distilledFrom: z
    .object({ model: z.string(), ensemble: z.array(z.string()).optional(), symmetries: z.number(), weight: z.number() })
    .optional()
    .describe("for a model distilled from a teacher (tengen train --distill-from): the teacher (an ensemble: all its networks, model first), how many board symmetries its policy was averaged over, and the share of the policy loss it took"),
  valueCalibration: z
    .object({
      scale: z.number(),
      data: z.string().describe('contentHash of the dataset fitted on'),
      split: z.string(),
      seed: z.number(),
      positions: z.number(),
      logLossBefore: z.number(),
      logLossAfter: z.number(),
      date: z.string(),
    })
    .optional()
    .describe(
      'for a value head temperature-scaled after training (tengen model calibrate-value): the value is tanh(scale · z) for the trained pre-tanh z (scale cumulative over calibrations), fitted by log-loss on that sample; the log-losses are of the latest fit',
    ),
  metrics: z.record(z.string(), z.number()).describe("the trainer's last validation figures (its small fixed sample)"),
  evaluations: z
    .array(
      z.object({
        data: z.string().describe('contentHash of the evaluated dataset'),
        inputs: z.array(z.string()),
        split: z.string(),
        seed: z.number(),
        positions: z.number(),
        symmetries: z.number(),
        top1: Rate,
        top5: Rate,
        top10: Rate,
        logLoss: z.number(),
        date: z.string(),
      }),
    )
    .describe('figures recorded by `tengen eval --record` (95% intervals)'),
  date: z.string(),
  backend: z.string().describe('tfjs backend serving the model now'),
});

export const ModelsReply = z.object({ models: z.array(ModelSummary) });
