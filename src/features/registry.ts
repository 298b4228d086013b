// Registry of named, versioned feature sets. A model stores {name, version, planes} of the set it was trained on
// and checks it against the live set at load time, so a changed encoder can never be fed to an old model silently.
import { alphago48, alphago49 } from './alphago48.js';
import { basic } from './basic.js';
import type { FeatureSet, FeatureSetId } from './types.js';

export type { FeatureSetId } from './types.js';

const SETS: ReadonlyMap<string, FeatureSet> = new Map<string, FeatureSet>([
  [basic.name, basic],
  [alphago48.name, alphago48],
  [alphago49.name, alphago49],
]);

/** Names of all registered feature sets. */
export function featureSetNames(): string[] {
  return [...SETS.keys()];
}

/** The feature set registered under name; throws naming the known sets if there is none. */
export function getFeatureSet(name: string): FeatureSet {
  const set = SETS.get(name);
  if (!set) throw new Error(`unknown feature set "${name}" (known: ${featureSetNames().join(', ')})`);
  return set;
}

/** Throws an Error naming every field that differs between what a model recorded and the feature set in use. */
export function assertFeatureSetCompatible(recorded: FeatureSetId, actual: FeatureSetId): void {
  if (recorded === null || typeof recorded !== 'object') {
    throw new Error('feature set check: the model records no feature set {name, version, planes}');
  }
  const problems: string[] = [];
  if (recorded.name !== actual.name) problems.push(`name "${recorded.name}" != "${actual.name}"`);
  if (recorded.version !== actual.version) problems.push(`version ${recorded.version} != ${actual.version}`);
  if (recorded.planes !== actual.planes) problems.push(`planes ${recorded.planes} != ${actual.planes}`);
  if (problems.length > 0) {
    throw new Error(
      `feature set mismatch: the model was trained on ${recorded.name}@v${recorded.version} (${recorded.planes} planes) ` +
        `but the encoder is ${actual.name}@v${actual.version} (${actual.planes} planes): ${problems.join('; ')}`,
    );
  }
}
