// A tiny randomly-initialised model saved to a temp dir, so engine and server tests need no trained model.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getFeatureSet } from '../../src/features/registry.js';
import { presetConfig } from '../../src/model/config.js';
import { initParams } from '../../src/model/params.js';
import { saveModel } from '../../src/model/io.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Saves a `tiny` model over `features` (default basic) in a new temp dir; returns the model dir and a cleanup. */
export async function makeTinyModel(features = 'basic', seed = 7): Promise<{ dir: string; cleanup: () => void }> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'tengen-engine-'));
  const fs = getFeatureSet(features);
  const config = presetConfig('tiny', fs.planes);
  const params = initParams(config, lcg(seed));
  // He init leaves the policy head near uniform; scale it so the tests see a peaked, position-dependent policy.
  const head = params[params.length - 2]!;
  for (let i = 0; i < head.length; i++) head[i]! *= 8;
  const dir = path.join(root, 'tiny-test');
  await saveModel(dir, config, params, {
    featureSet: { name: fs.name, version: fs.version, planes: fs.planes },
    dataManifestHash: null,
    steps: 0,
    positionsSeen: 0,
    metrics: {},
    backend: 'cpu',
    wallClockSeconds: 0,
  });
  return { dir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
