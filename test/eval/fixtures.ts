// Shared fixtures of the eval tests: a tiny random model saved to a temp dir and a small dataset built from
// sgf-data/ (20 real games), so the tests need neither a trained model nor the shared data.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDataset } from '../../src/data/build.js';
import type { ArchConfig } from '../../src/model/config.js';
import { saveRandomModel } from '../../src/model/random-model.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SGF_SAMPLE = path.join(REPO, 'sgf-data/tom9d-2010-07-first20.sgf');

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
  return saveRandomModel(dir, o.features ?? 'basic', {
    seed: o.seed ?? 7,
    headScale: o.headScale ?? 8,
    ...(o.arch ? { arch: o.arch } : {}),
    ...(o.recordedFeatures ? { metadata: { featureSet: o.recordedFeatures } } : {}),
  });
}

/** Builds sgf-data's 20-game sample into dir/name as an all-val dataset; returns its folder. */
export async function buildSampleDataset(dir: string, name = 'ds'): Promise<string> {
  const out = path.join(dir, name);
  await buildDataset([SGF_SAMPLE], out, { minMoves: 40, allowHandicap: false, valPermille: 1000 });
  return out;
}
