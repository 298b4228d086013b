// Shared fixtures of the eval tests: a tiny random model saved to a temp dir and a small dataset built from
// sgf-data/ (20 real games), so the tests need neither a trained model nor the shared data.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDataset } from '../../src/data/build.js';
import { getFeatureSet } from '../../src/features/registry.js';
import { presetConfig, type ArchConfig } from '../../src/model/config.js';
import { initParams } from '../../src/model/params.js';
import { saveModel } from '../../src/model/io.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SGF_SAMPLE = path.join(REPO, 'sgf-data/tom9d-2010-07-first20.sgf');

/** Deterministic uniform [0, 1) generator. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** A fresh temp dir and its removal. */
export function tempDir(prefix = 'tengen-evaltest-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TinyModelOptions {
  features?: string;
  seed?: number;
  /** Multiplies the head weights so the random policy is peaked (default 8). */
  headScale?: number;
  arch?: Partial<ArchConfig>;
  /** Feature set recorded in tengen.json instead of the real one (for mismatch tests). */
  recordedFeatures?: { name: string; version: number; planes: number };
}

/** Saves a random `tiny` model into dir; returns its architecture and params. */
export async function saveTinyModel(dir: string, o: TinyModelOptions = {}): Promise<{ config: ArchConfig; params: Float32Array[] }> {
  const fs = getFeatureSet(o.features ?? 'basic');
  const config = { ...presetConfig('tiny', fs.planes), ...o.arch };
  const params = initParams(config, lcg(o.seed ?? 7));
  const head = params[params.length - 2]!;
  for (let i = 0; i < head.length; i++) head[i]! *= o.headScale ?? 8;
  await saveModel(dir, config, params, {
    featureSet: o.recordedFeatures ?? { name: fs.name, version: fs.version, planes: fs.planes },
    dataManifestHash: null,
    steps: 0,
    positionsSeen: 0,
    metrics: {},
    backend: 'cpu',
    wallClockSeconds: 0,
  });
  return { config, params };
}

/** Builds sgf-data's 20-game sample into dir/name as an all-val dataset; returns its folder. */
export async function buildSampleDataset(dir: string, name = 'ds'): Promise<string> {
  const out = path.join(dir, name);
  await buildDataset([SGF_SAMPLE], out, { minMoves: 40, allowHandicap: false, valPermille: 1000 });
  return out;
}
