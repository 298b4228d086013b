// Public surface of the feature planes: registry, the two sets, ladders and symmetries.
export { assertFeatureSetCompatible, featureSetNames, getFeatureSet } from './registry.js';
export { alphago48, ALPHAGO48_RANGES, Alphago48Encoder } from './alphago48.js';
export { basic, BASIC_RANGES } from './basic.js';
export { ladderCapture, ladderEscape, LadderReader, LADDER_MAX_DEPTH, LADDER_NODE_BUDGET } from './ladder.js';
export {
  inversePoint,
  inverseSymmetry,
  symmetryTable,
  SYMMETRY_COUNT,
  transformLabel,
  transformPlanes,
  transformPoint,
  transformPolicy,
} from './symmetry.js';
export type { FeatureSet, FeatureSetId, PlaneRange } from './types.js';
