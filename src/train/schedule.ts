// Learning-rate schedules with linear warm-up.

export type ScheduleKind = 'cosine' | 'step' | 'constant';

export interface ScheduleConfig {
  kind: ScheduleKind;
  baseLr: number;
  /** Linear warm-up steps from baseLr/warmup to baseLr. */
  warmup: number;
  /** Total steps of the run (cosine and step need it). */
  totalSteps: number;
  /** step: multiply by `stepFactor` at each of these fractions of totalSteps. */
  stepAt?: number[];
  stepFactor?: number;
}

/**
 * Learning rate for 0-based `step`: warm-up, then cosine to 0 / ×0.1 steps at 50% and 75% / constant. `fraction`
 * (0..1) replaces step/totalSteps when the run's length is a time budget rather than a step count.
 */
export function learningRate(c: ScheduleConfig, step: number, fraction?: number): number {
  if (c.warmup > 0 && step < c.warmup) return (c.baseLr * (step + 1)) / c.warmup;
  if (c.kind === 'constant') return c.baseLr;
  const span = Math.max(1, c.totalSteps - c.warmup);
  const t = Math.min(1, Math.max(0, fraction ?? (step - c.warmup) / span));
  if (c.kind === 'cosine') return 0.5 * c.baseLr * (1 + Math.cos(Math.PI * t));
  let lr = c.baseLr;
  for (const at of c.stepAt ?? [0.5, 0.75]) if (t >= at) lr *= c.stepFactor ?? 0.1;
  return lr;
}

/** Parses a schedule name; throws naming the accepted values. */
export function parseSchedule(raw: string): ScheduleKind {
  if (raw === 'cosine' || raw === 'step' || raw === 'constant') return raw;
  throw new Error(`--lr-schedule: expected cosine, step or constant, got ${JSON.stringify(raw)}`);
}
