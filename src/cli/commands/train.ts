// `tengen train`: trains a policy net on a dataset folder (or synthetic:<rule>), writing metrics.jsonl,
// best/ and checkpoint/ under --out. Ctrl-C stops after the current step with a checkpoint.
import type { Command } from 'commander';
import { parseDuration, parseFlag, parseNonNegativeInt, parseNumber, parseNonNegativeNumber, parsePositiveInt, resolveFlagOption } from '../../config.js';
import { createLogger } from '../../log.js';
import { getFeatureSet } from '../../features/registry.js';
import { presetConfig, validateArchConfig, PRESET_NAMES, DEFAULT_VALUE_HEAD, type ValueHeadConfig } from '../../model/config.js';
import { train } from '../../train/trainer.js';
import { openTrainingData } from '../../train/data-sources.js';
import { parseSchedule } from '../../train/schedule.js';

interface TrainFlags {
  data: string;
  out: string;
  averageHorizon: string;
  preset: string;
  depth?: string;
  width?: string;
  block?: string;
  features?: string;
  batch: string;
  lr?: string;
  optimizer: string;
  momentum: string;
  weightDecay: string;
  lrSchedule: string;
  warmup: string;
  seed: string;
  epochs?: string;
  steps?: string;
  evalEvery: string;
  checkpointEvery?: string;
  valPositions: string;
  valData?: string;
  valSeed: string;
  timeBudget?: string;
  patience?: string;
  resume?: boolean;
  initFrom?: string;
  distillFrom?: string[];
  distillSymmetries: string;
  distillWeight: string;
  workers?: string;
  loaderWorkers?: string;
  backend?: string;
  progress: boolean;
  valueHead: string;
  valueWeight: string;
  ownershipHead?: boolean;
  ownershipWeight: string;
  trainOnly?: string;
}

/** The feature set of new models (the shipped model's): alphago48 + a komi plane. */
export const DEFAULT_TRAIN_FEATURES = 'alphago49';

/** The --train-only flag: absent, or `value-head`. */
function parseTrainOnly(raw: string | undefined): 'value-head' | undefined {
  if (raw === undefined) return undefined;
  if (raw === 'value-head') return raw;
  throw new Error(`--train-only: expected value-head, got ${JSON.stringify(raw)}`);
}

/** `none` or `CHANNELSxHIDDEN` (e.g. 32x64) as a value-head config. */
function parseValueHead(raw: string): ValueHeadConfig | undefined {
  if (raw === 'none') return undefined;
  const m = /^(\d+)x(\d+)$/.exec(raw);
  if (!m) throw new Error(`--value-head: expected none or CHANNELSxHIDDEN (e.g. 32x64), got ${JSON.stringify(raw)}`);
  return { channels: Number(m[1]), hidden: Number(m[2]) };
}

/** 0 or 1 (the loader runs in at most one worker thread). */
function parseLoaderWorkers(raw: string): number {
  return parseNumber(raw, { min: 0, max: 1, integer: true });
}

/** Registers `tengen train`. */
export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .requiredOption('--data <dir>', 'dataset folder from `tengen data build`, or synthetic:stone|adjacent|noise')
    .requiredOption('--out <dir>', 'run folder: metrics.jsonl, best/, checkpoint/')
    .option('--preset <name>', `architecture preset (${PRESET_NAMES.join(', ')})`, 'default')
    .option('--depth <n>', 'override the preset: 3×3 conv layers after the 5×5 stem')
    .option('--width <n>', 'override the preset: filters per layer')
    .option('--block <type>', 'override the preset: plain | residual')
    .option('--features <name>', `feature set (alphago49, alphago48, basic; default ${DEFAULT_TRAIN_FEATURES} for a dataset folder)`)
    .option('--value-head <spec>', 'value head CHANNELSxHIDDEN, or none for a policy-only net', `${DEFAULT_VALUE_HEAD.channels}x${DEFAULT_VALUE_HEAD.hidden}`)
    .option('--value-weight <x>', 'weight of the value cross-entropy in the loss', '0.25')
    .option('--ownership-head', 'add an ownership head (needs a value head and the dataset\'s `tengen data ownership` targets)')
    .option('--ownership-weight <x>', 'weight of the ownership loss (mean over points)', '1.5')
    .option('--train-only <part>', 'value-head: train only the value head on the frozen trunk of --init-from (native backend)')
    .option('--batch <n>', 'positions per step', '64')
    .option('--lr <x>', 'base learning rate (default 0.001 for adam, 0.01 for sgd)')
    .option('--optimizer <name>', 'adam | sgd', 'adam')
    .option('--momentum <x>', 'SGD momentum', '0.9')
    .option('--weight-decay <x>', 'L2 on conv kernels (decoupled for adam)', '0.0001')
    .option('--lr-schedule <name>', 'cosine | step | constant (cosine and step run over --steps/--epochs, else over --time-budget)', 'cosine')
    .option('--warmup <steps>', 'linear warm-up steps', '0')
    .option('--seed <n>', 'seed of initialisation and sampling', '1')
    .option('--epochs <n>', 'passes over the training positions')
    .option('--steps <n>', 'total optimiser steps (overrides --epochs)')
    .option('--eval-every <n>', 'validate (and checkpoint) every N steps; 0 = each epoch', '0')
    .option('--checkpoint-every <n>', 'checkpoint every N steps (default: --eval-every)')
    .option('--val-positions <n>', 'fixed validation positions (0 = none)', '4096')
    .option('--val-data <dir>', 'validate on this whole dataset (e.g. tom9d/dev built with --split all-val) instead of --data\'s val split')
    .option('--val-seed <n>', 'seed of the fixed validation sample (the same for every run by default)', '0')
    .option('--time-budget <dur>', 'stop cleanly after this much wall time in this invocation (e.g. 90m, 2h), checkpoint, exit 0; without --steps also the length of the cosine/step schedule, which --resume continues (then this only boxes the invocation)')
    .option('--patience <n>', 'early stop after N validations without a better top-1')
    .option('--resume', 'continue from <out>/checkpoint')
    .option('--average-horizon <steps>', 'also keep an exponential moving average of the weights over about this many steps (0 = none); validations score both, best/ keeps the better', '0')
    .option('--init-from <dir>', 'fine-tune: start from this model dir (same architecture and feature set); ignored by --resume')
    .option('--distill-from <dirs...>', 'distil this model: its policy (averaged over --distill-symmetries) is a soft target beside the played move; several = an ensemble teacher, their policies averaged (native backend)')
    .option('--distill-symmetries <n>', '1 or 8: board symmetries the teacher\'s policy is averaged over', '8')
    .option('--distill-weight <x>', 'share of the policy loss taken by the teacher\'s soft target, in [0, 1]', '0.5')
    .option('--workers <n>', 'gradient worker threads (env TENGEN_TRAIN_WORKERS, default 1)')
    .option('--loader-workers <n>', '1: encode batches ahead in a worker thread, 0: in the training thread (env TENGEN_LOADER_WORKERS, default 1)')
    .option('--backend <name>', 'auto | tensorflow | wasm | cpu (env TENGEN_BACKEND)')
    .option('--no-progress', 'no progress bar on stderr')
    .action(async (f: TrainFlags) => {
      const log = createLogger();
      const features = f.features ?? (f.data.startsWith('synthetic:') ? undefined : DEFAULT_TRAIN_FEATURES);
      const featureSet = features ? getFeatureSet(features) : null;
      const fsId = featureSet ? { name: featureSet.name, version: featureSet.version, planes: featureSet.planes } : null;
      const seed = parseFlag(f.seed, '--seed', parseNonNegativeInt);
      const loaderWorkers = resolveFlagOption(f.loaderWorkers, '--loader-workers', 'TENGEN_LOADER_WORKERS', 1, parseLoaderWorkers);
      const data = openTrainingData({
        data: f.data,
        featureSet: fsId,
        seed,
        valPositions: parseFlag(f.valPositions, '--val-positions', parseNonNegativeInt),
        valData: f.valData,
        valSeed: parseFlag(f.valSeed, '--val-seed', parseNonNegativeInt),
        loaderWorkers,
      });
      const base = presetConfig(f.preset, data.featureSet.planes);
      const arch = validateArchConfig(
        {
          ...base,
          ...(f.depth !== undefined ? { depth: parseFlag(f.depth, '--depth', parseNonNegativeInt) } : {}),
          ...(f.width !== undefined ? { width: parseFlag(f.width, '--width', parsePositiveInt) } : {}),
          ...(f.block !== undefined ? { block: f.block } : {}),
          ...(parseValueHead(f.valueHead) ? { valueHead: parseValueHead(f.valueHead) } : {}),
          ...(f.ownershipHead ? { ownershipHead: true } : {}),
        },
        'architecture flags',
      );
      const optimizer = f.optimizer;
      if (optimizer !== 'adam' && optimizer !== 'sgd') throw new Error(`--optimizer: expected adam or sgd, got ${JSON.stringify(optimizer)}`);
      const workers = resolveFlagOption(f.workers, '--workers', 'TENGEN_TRAIN_WORKERS', 1, parsePositiveInt);
      const abort = new AbortController();
      const onSignal = (): void => {
        log.warn('interrupt: stopping after the current step (checkpoint will be written)');
        abort.abort();
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const r = await train(data.train, data.val, {
          out: f.out,
          arch,
          featureSet: data.featureSet,
          batch: parseFlag(f.batch, '--batch', parsePositiveInt),
          lr: f.lr !== undefined ? parseFlag(f.lr, '--lr', parseNonNegativeNumber) : optimizer === 'adam' ? 0.001 : 0.01,
          optimizer: { kind: optimizer, momentum: parseFlag(f.momentum, '--momentum', parseNonNegativeNumber), weightDecay: parseFlag(f.weightDecay, '--weight-decay', parseNonNegativeNumber) },
          schedule: parseSchedule(f.lrSchedule),
          warmup: parseFlag(f.warmup, '--warmup', parseNonNegativeInt),
          seed,
          steps: f.steps !== undefined ? parseFlag(f.steps, '--steps', parsePositiveInt) : undefined,
          epochs: f.epochs !== undefined ? parseFlag(f.epochs, '--epochs', parseNonNegativeNumber) : undefined,
          evalEvery: parseFlag(f.evalEvery, '--eval-every', parseNonNegativeInt),
          checkpointEvery: f.checkpointEvery !== undefined ? parseFlag(f.checkpointEvery, '--checkpoint-every', parsePositiveInt) : undefined,
          timeBudgetSeconds: f.timeBudget !== undefined ? parseFlag(f.timeBudget, '--time-budget', parseDuration) : undefined,
          patience: f.patience !== undefined ? parseFlag(f.patience, '--patience', parseNonNegativeInt) : undefined,
          resume: Boolean(f.resume),
          initFrom: f.initFrom,
          averageHorizon: parseFlag(f.averageHorizon, '--average-horizon', parseNonNegativeInt) || undefined,
          valueWeight: parseFlag(f.valueWeight, '--value-weight', parseNonNegativeNumber),
          ownershipWeight: parseFlag(f.ownershipWeight, '--ownership-weight', parseNonNegativeNumber),
          trainOnly: parseTrainOnly(f.trainOnly),
          distill: f.distillFrom !== undefined
            ? { models: f.distillFrom, symmetries: parseFlag(f.distillSymmetries, '--distill-symmetries', parsePositiveInt), weight: parseFlag(f.distillWeight, '--distill-weight', parseNonNegativeNumber) }
            : undefined,
          workers,
          backend: f.backend,
          progress: f.progress && process.stderr.isTTY === true,
          logger: log,
          signal: abort.signal,
        });
        process.stdout.write(JSON.stringify(r) + '\n');
      } finally {
        await data.train.close?.();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
