// The training loop: gradients from a GradEngine (in-thread or worker pool), optimiser and schedule on
// flat arrays in this thread, periodic validation (metrics.jsonl, best/), atomic checkpoints
// (checkpoint/), resume, early stopping and a wall-clock budget.
import { promises as fs, existsSync } from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import type { Logger } from 'pino';
import { preferOneDnn, selectBackend } from '../model/backend.js';
import { describeArch, type ArchConfig, type FeatureSetId } from '../model/config.js';
import { initParams, paramSpecs, valueHeadSpecs } from '../model/params.js';
import { BN_MOMENTUM } from '../model/build.js';
import { loadModel, loadModelMetadata, saveModel } from '../model/io.js';
import { initFromRecord, type InitFromRecord } from '../model/metadata.js';
import { DEFAULT_OWNERSHIP_WEIGHT, DEFAULT_VALUE_WEIGHT, LocalGradEngine, type GradEngine, type LossWeights, type StepResult } from './grad-engine.js';
import { ResidentTrainer, uploadedEvaluator } from './native-engine.js';
import { WeightAverage } from './average.js';
import { WorkerPoolEngine } from './worker-pool.js';
import { Optimizer, type OptimizerConfig, type OptimizerState } from './optimizer.js';
import { learningRate, type ScheduleKind } from './schedule.js';
import { Random } from '../random.js';
import { formatDuration } from '../config.js';
import { assertFeatureSetCompatible } from '../features/registry.js';
import { loadCheckpoint, saveCheckpoint, type BestRecord, type TimeSchedule, type TrainState } from './checkpoint.js';
import { loadInitParams } from './init-from.js';
import { checkDistill, Teacher, type TeacherNet } from './distill.js';
import type { BatchSource, ValidationSource } from './types.js';

export interface TrainOptions {
  out: string;
  arch: ArchConfig;
  featureSet: FeatureSetId;
  batch: number;
  lr: number;
  optimizer: OptimizerConfig;
  schedule: ScheduleKind;
  warmup: number;
  seed: number;
  /** Total steps; overrides epochs. */
  steps?: number;
  epochs?: number;
  /** Validate every N steps (0: once per epoch if the source knows its size, else only at the end). */
  evalEvery: number;
  /** Checkpoint every N steps (default: evalEvery, or 100). */
  checkpointEvery?: number;
  timeBudgetSeconds?: number;
  /** Stop after this many validations without a better top-1 (0/undefined: never). */
  patience?: number;
  resume: boolean;
  workers: number;
  backend?: string;
  progress: boolean;
  logger?: Logger;
  /** Aborting stops cleanly after the current step (checkpoint written). */
  signal?: AbortSignal;
  /** Start from this saved model's weights (fine-tuning) instead of a random init; ignored when resuming. */
  initFrom?: string;
  /** Weight of the value MSE in the loss (value-head models; default DEFAULT_VALUE_WEIGHT). */
  valueWeight?: number;
  /** Weight of the ownership loss (models with an ownership head; default DEFAULT_OWNERSHIP_WEIGHT). */
  ownershipWeight?: number;
  /** 'value-head': train only the value head on a frozen trunk and policy head (native backend only). */
  trainOnly?: 'value-head';
  /**
   * Keep an exponential moving average of the weights with this time constant in steps (average.ts; 0/undefined:
   * none). Each validation then also scores the average, and best/ takes whichever of the two scores better.
   */
  averageHorizon?: number;
  /**
   * Distillation (distill.ts): teacher model dirs (several = an ensemble, their policies averaged) whose policy,
   * averaged over `symmetries` (1 or 8), takes `weight` of the policy loss as a soft target. Native backend in one
   * thread only.
   */
  distill?: { models: readonly string[]; symmetries: number; weight: number };
}

export interface ValMetrics {
  loss: number;
  top1: number;
  top5: number;
  positions: number;
  /** Value head only: MSE of the tanh output against ±1, and the share of positions whose winner it names. */
  valueMse?: number;
  valueAccuracy?: number;
  /** Mean ownership loss (per-point cross-entropy) of models with an ownership head, on data with targets. */
  ownershipLoss?: number;
}

export type StopReason = 'steps' | 'time-budget' | 'early-stop' | 'aborted';

export interface TrainResult {
  steps: number;
  positionsSeen: number;
  stopReason: StopReason;
  best: BestRecord | null;
  lastVal: ValMetrics | null;
  backend: string;
  workers: number;
  /** Training throughput of this run (excludes validation and checkpoint time). */
  positionsPerSecond: number;
  /** Seconds of training time spent waiting for (or, in-thread, encoding) batches; ≈ 0 when prefetching keeps up. */
  dataWaitSeconds: number;
  resumedFrom: number | null;
}

/** Validation loss/top-1/top-5 over every position of `val`. */
export async function validate(engine: Pick<GradEngine, 'evaluate'>, params: readonly Float32Array[], val: ValidationSource, batch: number): Promise<ValMetrics> {
  let lossSum = 0, top1 = 0, top5 = 0, n = 0, vn = 0, vsq = 0, vok = 0, on = 0, osum = 0;
  for (const b of val.batches(batch)) {
    const r = await engine.evaluate(params, b);
    lossSum += r.lossSum;
    top1 += r.top1;
    top5 += r.top5;
    n += r.size;
    vn += r.valueCount;
    vsq += r.valueSqSum;
    vok += r.valueCorrect;
    on += r.ownershipCount ?? 0;
    osum += r.ownershipSum ?? 0;
  }
  if (n === 0) throw new Error('validation source yielded no positions');
  const m: ValMetrics = { loss: lossSum / n, top1: top1 / n, top5: top5 / n, positions: n };
  if (vn > 0) Object.assign(m, { valueMse: vsq / vn, valueAccuracy: vok / vn });
  if (on > 0) m.ownershipLoss = osum / on;
  return m;
}

async function truncateMetrics(file: string, maxStep: number): Promise<void> {
  if (!existsSync(file)) return;
  const lines = (await fs.readFile(file, 'utf8')).split('\n').filter((l) => l.trim() !== '');
  // Lines after the checkpoint's step belong to the killed run's lost tail; the resumed run redoes them.
  const keep = lines.filter((l) => {
    try {
      return (JSON.parse(l) as { step: number }).step <= maxStep;
    } catch {
      return false;
    }
  });
  await fs.writeFile(file, keep.map((l) => l + '\n').join(''));
}

/** How long a run is and when it validates and checkpoints, from the options and the data's size. */
interface Cadence {
  stepsPerEpoch: number | undefined;
  /** undefined: the run ends by --time-budget only. */
  totalSteps: number | undefined;
  /** The schedule's length is this invocation's time budget (no step count given). */
  scheduleByTime: boolean;
  evalEvery: number;
  checkpointEvery: number;
}

/** Checks the options against the data and works out the run's cadence; throws naming the flag at fault. */
function resolveCadence(source: BatchSource, val: ValidationSource | null, opts: TrainOptions): Cadence {
  const { arch } = opts;
  if (source.planes !== arch.planes) throw new Error(`training data has ${source.planes} planes, the model expects ${arch.planes} (feature set ${opts.featureSet.name})`);
  if (val && val.planes !== arch.planes) throw new Error(`validation data has ${val.planes} planes, the model expects ${arch.planes}`);
  if (!Number.isInteger(opts.batch) || opts.batch < 1) throw new Error(`--batch must be a positive integer, got ${opts.batch}`);
  if (!(opts.lr > 0)) throw new Error(`--lr must be > 0, got ${opts.lr}`);
  const stepsPerEpoch = source.positions ? Math.ceil(source.positions / opts.batch) : undefined;
  let totalSteps = opts.steps;
  if (totalSteps === undefined && opts.epochs !== undefined) {
    if (!stepsPerEpoch) throw new Error('--epochs needs a data source that knows its size; use --steps instead');
    totalSteps = opts.epochs * stepsPerEpoch;
  }
  // A resume may instead continue the time schedule its checkpoint records (checked once it is loaded).
  if (totalSteps === undefined && opts.timeBudgetSeconds === undefined && !opts.resume) throw new Error('give --steps, --epochs or --time-budget');
  // Without a step count, a time budget is the schedule's length: cosine/step decay over the budget of the invocation
  // that starts the run, which the checkpoint records so that a resume continues it.
  const scheduleByTime = totalSteps === undefined && opts.schedule !== 'constant';
  const evalEvery = opts.evalEvery > 0 ? opts.evalEvery : (stepsPerEpoch ?? Number.POSITIVE_INFINITY);
  const checkpointEvery = opts.checkpointEvery ?? (Number.isFinite(evalEvery) ? evalEvery : 100);
  return { stepsPerEpoch, totalSteps, scheduleByTime, evalEvery, checkpointEvery };
}

/**
 * The time schedule a run follows (undefined: a step schedule or a constant rate), recorded in `state` for its
 * checkpoints. A fresh run's is its --time-budget; a resume continues the one its checkpoint records (its --time-budget
 * then only boxes the invocation); a checkpoint from before schedules were recorded starts one over the new budget.
 * Throws when a resume has nothing to end it, or its schedule is already over.
 */
function resolveTimeSchedule(
  state: TrainState,
  resumed: boolean,
  scheduleByTime: boolean,
  totalSteps: number | undefined,
  opts: TrainOptions,
  log: TrainOptions['logger'],
): TimeSchedule | undefined {
  const kept = state.timeSchedule;
  const continuing = scheduleByTime && resumed && kept !== undefined;
  if (totalSteps === undefined && opts.timeBudgetSeconds === undefined && !continuing) {
    throw new Error('--resume: give --steps, --epochs or --time-budget (the checkpoint has no time schedule to continue)');
  }
  if (!scheduleByTime) {
    if (kept) log?.info({ step: state.step, totalSteps: totalSteps ?? null }, 'the run leaves its time schedule for the schedule of this invocation');
    delete state.timeSchedule;
    return undefined;
  }
  if (continuing) {
    if (kept.doneSeconds >= kept.budgetSeconds) {
      throw new Error(
        `--resume: the run's time schedule (${formatDuration(kept.budgetSeconds)}) is complete at step ${state.step}; give --steps for a step schedule, or start a new run with --init-from`,
      );
    }
    log?.info({ budget: formatDuration(kept.budgetSeconds), done: formatDuration(kept.doneSeconds), invocationBudget: opts.timeBudgetSeconds ?? null }, 'continuing the run\'s time schedule');
    return kept;
  }
  // A time schedule has no step count, so the check above has made sure of a --time-budget.
  const budgetSeconds = opts.timeBudgetSeconds!;
  if (resumed) log?.info({ budget: formatDuration(budgetSeconds) }, 'the checkpoint records no time schedule: a new one starts over this --time-budget');
  state.timeSchedule = { budgetSeconds, doneSeconds: 0 };
  return state.timeSchedule;
}

/** The gradient machinery of a run: the native resident trainer, or a host-parameter engine (WASM, CPU). */
interface Engines {
  resident: ResidentTrainer | null;
  /** The distillation teacher resident beside it (--distill-from), freed with it. */
  teacher?: Teacher | null;
  engine: GradEngine | null;
  evaluator: Pick<GradEngine, 'evaluate'>;
}

// Native TensorFlow trains in one thread with its own kernels and state kept on the backend (native-engine.ts);
// WASM computes gradients on host-held parameters, in worker threads for parallelism.
async function createEngines(opts: TrainOptions, backend: string, params: Float32Array[], optimizerState: OptimizerState | null): Promise<Engines> {
  const { arch } = opts;
  const weights: LossWeights = { value: opts.valueWeight ?? DEFAULT_VALUE_WEIGHT, ownership: opts.ownershipWeight ?? DEFAULT_OWNERSHIP_WEIGHT };
  if (opts.trainOnly && !(backend === 'tensorflow' && opts.workers <= 1)) {
    throw new Error(`--train-only ${opts.trainOnly} needs the native backend in one thread (got ${backend}, ${opts.workers} workers)`);
  }
  if (arch.ownershipHead && !(opts.workers <= 1)) throw new Error(`an ownership head trains in one thread (--workers 1); got ${opts.workers} workers`);
  if (opts.trainOnly === 'value-head' && !arch.valueHead) throw new Error('--train-only value-head: the architecture has no value head (--value-head)');
  const valueHeadLayers = new Set(valueHeadSpecs(arch).map((l) => (l.type === 'conv' || l.type === 'dense' ? l.name : '')));
  if (opts.distill && !(backend === 'tensorflow' && opts.workers <= 1)) {
    throw new Error(`--distill-from needs the native backend in one thread (got ${backend}, ${opts.workers} workers)`);
  }
  if (backend === 'tensorflow' && opts.workers <= 1) {
    const teacher = opts.distill ? await loadTeacher(opts.distill, opts.featureSet) : null;
    const resident = new ResidentTrainer(arch, opts.optimizer, params, optimizerState, weights, opts.trainOnly ? (s) => valueHeadLayers.has(s.layer) : undefined, teacher);
    return { resident, engine: null, evaluator: { evaluate: async (_p, b) => resident.evaluate(b) }, teacher };
  }
  const engine = opts.workers > 1 ? await WorkerPoolEngine.create(arch, opts.workers, backend, weights) : new LocalGradEngine(arch, backend, weights);
  return { resident: null, engine, evaluator: engine };
}

/** Loads a distillation teacher (one network or an ensemble): any architectures, but the run's feature set (they read the same planes). */
async function loadTeacher(d: NonNullable<TrainOptions['distill']>, featureSet: FeatureSetId): Promise<Teacher> {
  checkDistill(d.symmetries, d.weight);
  if (d.models.length === 0) throw new Error('--distill-from: no teacher model directory given');
  const teachers: TeacherNet[] = [];
  for (const model of d.models) {
    const m = await loadModel(model);
    m.model.dispose();
    try {
      assertFeatureSetCompatible(m.meta.featureSet, featureSet);
    } catch (e) {
      throw new Error(`--distill-from ${model}: ${(e as Error).message}`);
    }
    teachers.push({ model, architecture: m.meta.architecture, params: m.params });
  }
  return new Teacher({ teachers, symmetries: d.symmetries, weight: d.weight });
}

/** One optimiser step on host-held parameters, then the batch-norm moving statistics (Keras: m·moving + (1−m)·batch). */
function hostStep(optimizer: Optimizer, params: Float32Array[], g: StepResult, lr: number, bnIdx: readonly number[]): void {
  optimizer.step(params, g.grads, lr);
  bnIdx.forEach((pi, l) => {
    const mm = params[pi], mv = params[pi + 1], bm = g.bnStats[2 * l], bv = g.bnStats[2 * l + 1];
    for (let i = 0; i < mm.length; i++) {
      mm[i] = BN_MOMENTUM * mm[i] + (1 - BN_MOMENTUM) * bm[i];
      mv[i] = BN_MOMENTUM * mv[i] + (1 - BN_MOMENTUM) * bv[i];
    }
  });
}

/** The validation figures of one metrics.jsonl line: valTop1, … for the weights, avgTop1, … for their average. */
function metricsLine(v: ValMetrics, prefix: 'val' | 'avg' = 'val'): Record<string, number> {
  const line: Record<string, number> = { [`${prefix}Loss`]: v.loss, [`${prefix}Top1`]: v.top1, [`${prefix}Top5`]: v.top5 };
  if (v.valueMse !== undefined) Object.assign(line, { [`${prefix}ValueMse`]: v.valueMse, [`${prefix}ValueAccuracy`]: v.valueAccuracy });
  if (v.ownershipLoss !== undefined) line[`${prefix}OwnershipLoss`] = v.ownershipLoss;
  return line;
}

/** What "better" compares: top-1, then loss; training only the value head leaves the policy fixed, so its MSE decides. */
function scoreOf(v: ValMetrics, valueOnly: boolean): { top1: number; loss: number } {
  return valueOnly ? { top1: 0, loss: v.valueMse ?? Infinity } : { top1: v.top1, loss: v.loss };
}

/** a beats b: a higher top-1, or the same top-1 and a loss lower by more than float noise. */
function beats(a: { top1: number; loss: number }, b: { top1: number; loss: number }): boolean {
  return a.top1 > b.top1 || (a.top1 === b.top1 && a.loss < b.loss - 1e-4);
}

/**
 * Records a validation in `state`: true when it is the best so far (top-1, loss breaking ties only when it moved
 * meaningfully, so float noise does not reset patience), else counts one more validation without improvement.
 * Training only the value head leaves the policy figures fixed: then the value MSE (kept in `loss`) decides.
 */
function keepIfBest(state: TrainState, v: ValMetrics, valueOnly: boolean): boolean {
  const score = scoreOf(v, valueOnly);
  const better = !state.best || beats(score, state.best);
  if (better) {
    state.best = { step: state.step, ...score };
    state.evalsWithoutImprovement = 0;
  } else state.evalsWithoutImprovement++;
  return better;
}

/** Trains per `opts` on `source`, validating on `val`; writes metrics.jsonl, best/ and checkpoint/ under opts.out. */
export async function train(source: BatchSource, val: ValidationSource | null, opts: TrainOptions): Promise<TrainResult> {
  const log = opts.logger;
  const { arch } = opts;
  const { stepsPerEpoch, totalSteps, scheduleByTime, evalEvery, checkpointEvery } = resolveCadence(source, val, opts);

  preferOneDnn();
  const choice = await selectBackend(opts.backend);
  log?.info({ backend: choice.name, skipped: choice.skipped, workers: opts.workers, arch: describeArch(arch) }, 'training backend');
  const specs = paramSpecs(arch);
  const optimizer = new Optimizer(opts.optimizer, specs);
  const rng = new Random(opts.seed);
  let params: Float32Array[];
  let state: TrainState;
  const ckDir = path.join(opts.out, 'checkpoint');
  const metricsFile = path.join(opts.out, 'metrics.jsonl');
  const ck = opts.resume ? await loadCheckpoint(ckDir) : null;
  if (opts.resume && !ck) log?.warn({ dir: ckDir }, 'no checkpoint to resume from; starting fresh');
  if (ck) {
    if (JSON.stringify(ck.architecture) !== JSON.stringify(arch)) {
      throw new Error(`--resume: checkpoint architecture ${describeArch(ck.architecture)} differs from the requested ${describeArch(arch)}`);
    }
    if (ck.featureSet?.name !== opts.featureSet.name || ck.featureSet?.planes !== opts.featureSet.planes) {
      throw new Error(`--resume: checkpoint feature set ${ck.featureSet?.name} differs from --features ${opts.featureSet.name}`);
    }
    params = ck.params;
    optimizer.setState(ck.optimizer);
    state = ck.state;
    // Checkpoints written before src/random.ts hold a xoshiro128** state: any 4 words are a valid sfc32 state, so
    // they load and continue a deterministic stream, different from the one the old generator would have drawn.
    // (Today nothing draws from `rng` after initialisation, so a resumed run's results do not depend on it.)
    rng.setState(state.rng);
    if (state.dataCursor != null) {
      if (!source.setCursor) throw new Error('--resume: the checkpoint has a data cursor but this data source cannot seek');
      source.setCursor(state.dataCursor);
    }
    // Checkpoints written before runs recorded their starting model take it from the --init-from of the resume.
    if (!state.initFrom && opts.initFrom) state.initFrom = initFromRecord(opts.initFrom, await loadModelMetadata(opts.initFrom));
    await truncateMetrics(metricsFile, state.step);
    log?.info({ step: state.step, positionsSeen: state.positionsSeen }, 'resumed from checkpoint');
  } else {
    let initFrom: InitFromRecord | undefined;
    if (opts.initFrom) {
      const init = await loadInitParams(opts.initFrom, arch, opts.featureSet, () => rng.nextFloat());
      params = init.params;
      log?.info({ initFrom: init.dir, steps: init.meta.steps, positionsSeen: init.meta.positionsSeen, grown: init.grown }, 'initialised from a saved model');
      initFrom = initFromRecord(opts.initFrom, init.meta);
    } else params = initParams(arch, () => rng.nextFloat());
    state = { step: 0, positionsSeen: 0, rng: rng.getState(), dataCursor: null, best: null, evalsWithoutImprovement: 0, elapsedSeconds: 0, ...(initFrom ? { initFrom } : {}) };
  }
  const timeSchedule = resolveTimeSchedule(state, ck !== null, scheduleByTime, totalSteps, opts, log);
  const resumedFrom = ck ? ck.state.step : null;
  await fs.mkdir(opts.out, { recursive: true });
  let average: WeightAverage | null = null;
  if (opts.averageHorizon) {
    const kept = ck?.average ?? null;
    average = new WeightAverage(opts.averageHorizon, kept?.params ?? null, kept?.state.samples ?? 0);
    if (kept && kept.state.horizon !== opts.averageHorizon) log?.warn({ was: kept.state.horizon, now: opts.averageHorizon }, 'the weight average continues with a new horizon');
    if (ck && !kept) log?.info('the checkpoint has no weight average: it starts now');
  } else if (ck?.average) log?.warn('the checkpoint has a weight average; without --average-horizon this run drops it');

  const { resident, engine, evaluator, teacher } = await createEngines(opts, choice.name, params, ck ? ck.optimizer : null);
  // Brings the host copies up to date with the resident state (before validation, checkpoints and saves).
  const sync = (): void => {
    if (!resident) return;
    params = resident.readParams();
    optimizer.setState(resident.readOptimizerState());
  };
  const sched = { kind: opts.schedule, baseLr: opts.lr, warmup: opts.warmup, totalSteps: totalSteps ?? 0 };
  const bnIdx = specs.flatMap((s, i) => (s.kind === 'movingMean' ? [i] : []));
  const startWall = performance.now() - state.elapsedSeconds * 1000;
  const elapsed = (): number => (performance.now() - startWall) / 1000;
  // The budget boxes this invocation (a session), not the run's total: `--resume --time-budget 2h` trains 2 more hours
  // (and no further than the end of a time schedule the run is continuing).
  const invocationStart = performance.now();
  const invocationSeconds = (): number => (performance.now() - invocationStart) / 1000;
  const scheduleDoneAtStart = timeSchedule?.doneSeconds ?? 0;
  const scheduleSeconds = (): number => scheduleDoneAtStart + invocationSeconds();
  // The learning rate of `step`: over the steps, or over the share of the time schedule trained so far.
  const lrAt = (step: number): number => (timeSchedule ? learningRate(sched, step, scheduleSeconds() / timeSchedule.budgetSeconds) : learningRate(sched, step));
  let trainSeconds = 0;
  let trainPositions = 0;
  let dataWaitSeconds = 0;
  let emaLoss = NaN, emaAcc = NaN;
  let lastVal: ValMetrics | null = null;
  let stopReason: StopReason = 'steps';
  let savedAt = -1;

  const meta = (metrics: Record<string, number>) => ({
    featureSet: opts.featureSet,
    dataManifestHash: source.manifestHash ?? null,
    steps: state.step,
    positionsSeen: state.positionsSeen,
    metrics,
    backend: `${choice.name}${opts.workers > 1 ? ` ×${opts.workers} workers` : ''}`,
    wallClockSeconds: Math.round(elapsed() * 10) / 10,
    ...(state.initFrom ? { initFrom: state.initFrom } : {}),
    ...(teacher ? { distilledFrom: teacher.record() } : {}),
  });
  const valMetrics = (v: ValMetrics | null): Record<string, number> =>
    v
      ? {
          top1: v.top1,
          top5: v.top5,
          loss: v.loss,
          positions: v.positions,
          ...(v.valueMse !== undefined ? { valueMse: v.valueMse, valueAccuracy: v.valueAccuracy! } : {}),
        }
      : {};
  const checkpoint = async (): Promise<void> => {
    sync();
    state.rng = rng.getState();
    state.dataCursor = source.getCursor ? source.getCursor() : null;
    state.elapsedSeconds = elapsed();
    if (timeSchedule) state.timeSchedule = { budgetSeconds: timeSchedule.budgetSeconds, doneSeconds: Math.min(timeSchedule.budgetSeconds, scheduleSeconds()) };
    const avg = average?.params();
    await saveCheckpoint(
      ckDir,
      { architecture: arch, featureSet: opts.featureSet, params, optimizer: optimizer.getState(), state, average: avg ? { state: average!.state(), params: avg } : null },
      meta(valMetrics(lastVal)),
    );
    savedAt = state.step;
  };
  // Validation of other weights than the trainer's own (the weight average): the native trainer evaluates only its
  // resident weights, so those are uploaded for the pass; host-parameter engines take weights per call.
  const validateWeights = async (weights: readonly Float32Array[], v: ValidationSource): Promise<ValMetrics> => {
    const bs = Math.max(opts.batch, 64);
    if (!resident) return validate(evaluator, weights, v, bs);
    const up = uploadedEvaluator(arch, weights);
    try {
      return await validate({ evaluate: async (_p, b) => up.evaluate(b) }, weights, v, bs);
    } finally {
      up.dispose();
    }
  };
  // Logs a metrics line (validating when there is a val set, keeping best/) and checkpoints; true = patience ran out.
  let evaluatedAt = -1;
  const evaluate = async (): Promise<boolean> => {
    evaluatedAt = state.step;
    const line: Record<string, unknown> = {
      step: state.step,
      positionsSeen: state.positionsSeen,
      epoch: stepsPerEpoch ? state.step / stepsPerEpoch : null,
      seconds: Math.round(elapsed() * 10) / 10,
      lr: lrAt(state.step - 1),
      trainLoss: emaLoss,
      trainTop1: emaAcc,
      positionsPerSecond: trainPositions / trainSeconds,
    };
    let stopEarly = false;
    if (val) {
      sync();
      const valueOnly = opts.trainOnly === 'value-head';
      lastVal = await validate(evaluator, params, val, Math.max(opts.batch, 64));
      Object.assign(line, metricsLine(lastVal));
      let chosen: { v: ValMetrics; params: readonly Float32Array[]; averaged: boolean } = { v: lastVal, params, averaged: false };
      const avgParams = average?.params();
      if (avgParams) {
        const avgVal = await validateWeights(avgParams, val);
        Object.assign(line, metricsLine(avgVal, 'avg'));
        if (beats(scoreOf(avgVal, valueOnly), scoreOf(lastVal, valueOnly))) chosen = { v: avgVal, params: avgParams, averaged: true };
      }
      if (keepIfBest(state, chosen.v, valueOnly)) {
        await saveModel(path.join(opts.out, 'best'), arch, chosen.params, { ...meta(valMetrics(chosen.v)), ...(chosen.averaged ? { weightAverage: average!.state() } : {}) });
      } else if (opts.patience && state.evalsWithoutImprovement >= opts.patience) stopEarly = true;
    }
    await fs.appendFile(metricsFile, JSON.stringify(line) + '\n');
    log?.debug(line, 'evaluation');
    await checkpoint();
    return stopEarly;
  };

  const bar = opts.progress
    ? new cliProgress.SingleBar(
        { stream: process.stderr, format: '{bar} {value}/{total} steps | {pps} pos/s | loss {loss} | acc {acc} | ETA {eta_formatted}', etaBuffer: 50, hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(totalSteps ?? 0, state.step, { pps: '-', loss: '-', acc: '-' });

  try {
    while (totalSteps === undefined || state.step < totalSteps) {
      if ((opts.timeBudgetSeconds !== undefined && invocationSeconds() >= opts.timeBudgetSeconds) || (timeSchedule && scheduleSeconds() >= timeSchedule.budgetSeconds)) {
        stopReason = 'time-budget';
        break;
      }
      // One macrotask turn per step: with the in-thread engine every await resolves as a microtask, and
      // without this SIGINT/SIGTERM handlers (which set `signal`) would never run during training.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (opts.signal?.aborted) {
        stopReason = 'aborted';
        break;
      }
      const t0 = performance.now();
      const b = source.nextAsync ? await source.nextAsync(opts.batch) : source.next(opts.batch);
      dataWaitSeconds += (performance.now() - t0) / 1000;
      if (arch.ownershipHead && !b.ownership) throw new Error('the model has an ownership head but the training data has no ownership targets: run `tengen data ownership <dataset>` first');
      const lr = lrAt(state.step);
      let r: { loss: number; correct: number; size: number };
      if (resident) {
        r = resident.step(b, lr);
      } else {
        const g = await engine!.computeGradients(params, b);
        r = g;
        if (Number.isFinite(g.loss)) hostStep(optimizer, params, g, lr, bnIdx);
      }
      if (!Number.isFinite(r.loss)) throw new Error(`training diverged: loss is ${r.loss} at step ${state.step} (try a lower --lr)`);
      state.step++;
      state.positionsSeen += r.size;
      if (average && WeightAverage.samplesAt(state.step)) {
        if (resident) params = resident.readParams();
        average.update(params);
      }
      trainSeconds += (performance.now() - t0) / 1000;
      trainPositions += r.size;
      const acc = r.correct / r.size;
      emaLoss = Number.isNaN(emaLoss) ? r.loss : 0.95 * emaLoss + 0.05 * r.loss;
      emaAcc = Number.isNaN(emaAcc) ? acc : 0.95 * emaAcc + 0.05 * acc;
      bar?.update(state.step, { pps: (trainPositions / trainSeconds).toFixed(0), loss: emaLoss.toFixed(3), acc: emaAcc.toFixed(3) });

      const last = totalSteps !== undefined && state.step >= totalSteps;
      if (state.step % evalEvery === 0 || (last && Number.isFinite(evalEvery))) {
        if (await evaluate()) {
          stopReason = 'early-stop';
          break;
        }
      } else if (state.step % checkpointEvery === 0) {
        await checkpoint();
      }
    }
    // A --time-budget stop falls between evaluations, and when the schedule runs over the budget those last steps
    // are its most annealed ones: validate the weights the run ends with, so that they can become best/.
    if (stopReason === 'time-budget' && Number.isFinite(evalEvery) && trainPositions > 0 && evaluatedAt !== state.step) await evaluate();
    // A time schedule's progress moves on after the last step's checkpoint too (and may have reached its end): record it.
    if (savedAt !== state.step || timeSchedule) await checkpoint();
    sync();
    if (!val) await saveModel(path.join(opts.out, 'best'), arch, params, meta({}));
  } finally {
    bar?.stop();
    await engine?.close();
    resident?.dispose();
    teacher?.dispose();
  }
  const result: TrainResult = {
    steps: state.step,
    positionsSeen: state.positionsSeen,
    stopReason,
    best: state.best,
    lastVal,
    backend: choice.name,
    workers: engine ? engine.workers : 1,
    positionsPerSecond: trainSeconds > 0 ? trainPositions / trainSeconds : 0,
    dataWaitSeconds: Math.round(dataWaitSeconds * 1000) / 1000,
    resumedFrom,
  };
  log?.info(result, 'training finished');
  return result;
}
