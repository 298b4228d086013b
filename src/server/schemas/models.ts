// GET /v1/models: the served model's tengen.json summary.
import { z } from 'zod';

export const ModelSummary = z.object({
  id: z.string(),
  featureSet: z.object({ name: z.string(), version: z.number(), planes: z.number() }),
  architecture: z.object({ depth: z.number(), width: z.number(), block: z.string(), planes: z.number() }),
  steps: z.number(),
  positionsSeen: z.number(),
  metrics: z.record(z.string(), z.number()),
  date: z.string(),
  backend: z.string().describe('tfjs backend serving the model now'),
});

export const ModelsReply = z.object({ models: z.array(ModelSummary) });
