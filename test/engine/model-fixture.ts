// A tiny randomly-initialised model saved to a temp dir, so engine and server tests need no trained model.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { saveRandomModel } from '../../src/model/random-model.js';

/**
 * Saves a `tiny` model over `features` (default basic) in a new temp dir; returns the model dir and a cleanup.
 * `headScale` multiplies the policy head's weights: larger = a more peaked policy.
 */
export async function makeTinyModel(features = 'basic', seed = 7, headScale = 8): Promise<{ dir: string; cleanup: () => void }> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'tengen-engine-'));
  const dir = path.join(root, 'tiny-test');
  // A peaked head so the tests see a position-dependent policy rather than a near-uniform one.
  await saveRandomModel(dir, features, { seed, headScale });
  return { dir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
