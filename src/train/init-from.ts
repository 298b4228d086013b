// Fine-tuning: the starting weights of a run taken from a saved model (`tengen train --init-from DIR`). The trunk
// (depth, width, block) must be exactly the requested one: anything else would silently train a different network
// than the command line describes. Two ways of growing a model are allowed, both starting from the same policy:
//   - adding a value head to a policy-only model (the head starts from its usual random initialisation);
//   - a feature set that extends the model's (its first planes are the model's planes, e.g. alphago49 = alphago48 +
//     komi): the stem's weights for the new planes start at 0, so the new inputs change nothing until trained.
import { getFeatureSet } from '../features/registry.js';
import { describeArch, type ArchConfig, type FeatureSetId } from '../model/config.js';
import { loadModel } from '../model/io.js';
import type { ModelMetadata } from '../model/metadata.js';
import { initParams, paramSpecs } from '../model/params.js';

/** True if feature set `wide`'s first planes are exactly `narrow`'s planes (same names, same order). */
export function extendsFeatureSet(wide: FeatureSetId, narrow: FeatureSetId): boolean {
  if (wide.name === narrow.name) return wide.version === narrow.version && wide.planes === narrow.planes;
  try {
    const w = getFeatureSet(wide.name).planeNames;
    const n = getFeatureSet(narrow.name).planeNames;
    return w.length === wide.planes && n.length === narrow.planes && n.length < w.length && n.every((name, i) => name === w[i]);
  } catch {
    return false;
  }
}

/**
 * Loads the weights of model dir `dir` as initial params for `arch` (see the file comment for the growth allowed);
 * `uniform` (seeded, e.g. src/random.ts) initialises what the saved model lacks. Throws naming the dir and every field that differs.
 */
export async function loadInitParams(
  dir: string,
  arch: ArchConfig,
  featureSet: FeatureSetId,
  uniform: () => number,
): Promise<{ params: Float32Array[]; meta: ModelMetadata; dir: string; grown: string[] }> {
  const loaded = await loadModel(dir);
  try {
    const m = loaded.meta;
    const problems: string[] = [];
    const a = m.architecture;
    if (a.depth !== arch.depth || a.width !== arch.width || a.block !== arch.block) {
      problems.push(`architecture ${describeArch(a)} ≠ requested ${describeArch(arch)} (pass --depth ${a.depth} --width ${a.width} --block ${a.block})`);
    }
    if (a.valueHead && JSON.stringify(a.valueHead) !== JSON.stringify(arch.valueHead)) {
      problems.push(`value head ${JSON.stringify(a.valueHead)} ≠ requested ${JSON.stringify(arch.valueHead ?? null)}`);
    }
    if (a.ownershipHead && !arch.ownershipHead) problems.push('the saved model has an ownership head (pass --ownership-head)');
    const f = m.featureSet;
    if (!extendsFeatureSet(featureSet, f)) {
      problems.push(`feature set ${f.name}@v${f.version} (${f.planes} planes) ≠ requested ${featureSet.name}@v${featureSet.version} (${featureSet.planes} planes), which does not extend it`);
    }
    if (problems.length > 0) throw new Error(`--init-from ${loaded.dir}: ${problems.join('; ')}`);
    const grown: string[] = [];
    if (!a.valueHead && arch.valueHead) grown.push('value head (random initialisation)');
    if (!a.ownershipHead && arch.ownershipHead) grown.push('ownership head (random initialisation)');
    if (f.planes < featureSet.planes) grown.push(`input planes ${f.planes} → ${featureSet.planes} (new stem weights 0)`);
    // Everything the saved model has is copied (the copies outlive the tfjs model disposed below).
    const params = initParams(arch, uniform);
    const wanted = paramSpecs(arch);
    paramSpecs(a).forEach((s, i) => {
      const j = wanted.findIndex((w) => w.layer === s.layer && w.kind === s.kind);
      const src = loaded.params[i];
      const dst = params[j];
      if (s.shape.join() === wanted[j].shape.join()) {
        dst.set(src);
        return;
      }
      // The stem kernel [k, k, inC, outC] with more input planes: copy the shared ones, zero the new ones.
      const [kh, kw, inSrc, outC] = s.shape;
      const inDst = wanted[j].shape[2];
      dst.fill(0);
      for (let y = 0; y < kh * kw; y++) {
        for (let c = 0; c < inSrc; c++) dst.set(src.subarray((y * inSrc + c) * outC, (y * inSrc + c + 1) * outC), (y * inDst + c) * outC);
      }
    });
    return { params, meta: m, dir: loaded.dir, grown };
  } finally {
    loaded.model.dispose();
  }
}
