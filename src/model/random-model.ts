// A seeded, randomly initialised model saved like a trained one: fixtures for tests, a stand-in for benchmarks
// (same compute as a trained model of that architecture), and a "no skill" baseline for `tengen eval`.
import { getFeatureSet } from '../features/registry.js';
import { presetConfig, type ArchConfig } from './config.js';
import { saveModel, type MetadataInput } from './io.js';
import { initParams, paramSpecs } from './params.js';
import { seededUniform } from '../random.js';

export interface RandomModelOptions {
  /** Architecture preset (default `tiny`); `arch` overrides single fields. */
  preset?: string;
  arch?: Partial<ArchConfig>;
  /** Seed of the initialisation (default 7). */
  seed?: number;
  /** Multiplies the policy-head kernel: He init leaves the policy near uniform, a factor like 8 makes it peaked. */
  headScale?: number;
  /** Fields written to tengen.json instead of the defaults (e.g. another featureSet, to test mismatch errors). */
  metadata?: Partial<MetadataInput>;
}

/** Saves a seeded random model over feature set `features` into `dir` (atomically); returns its architecture and params. */
export async function saveRandomModel(
  dir: string,
  features: string,
  o: RandomModelOptions = {},
): Promise<{ config: ArchConfig; params: Float32Array[] }> {
  const fs = getFeatureSet(features);
  const config = { ...presetConfig(o.preset ?? 'tiny', fs.planes), ...o.arch };
  const params = initParams(config, seededUniform(o.seed ?? 7));
  const scale = o.headScale ?? 1;
  if (scale !== 1) {
    const head = params[paramSpecs(config).findIndex((s) => s.layer === 'policy' && s.kind === 'kernel')]!;
    for (let i = 0; i < head.length; i++) head[i]! *= scale;
  }
  await saveModel(dir, config, params, {
    featureSet: { name: fs.name, version: fs.version, planes: fs.planes },
    dataManifestHash: null,
    steps: 0,
    positionsSeen: 0,
    metrics: {},
    backend: 'cpu',
    wallClockSeconds: 0,
    ...o.metadata,
  });
  return { config, params };
}
