// Fine-tuning: the starting weights of a run taken from a saved model (`tengen train --init-from DIR`). Only a model
// of exactly the requested architecture and feature set is accepted: anything else would silently train a
// different network than the command line describes.
import { describeArch, type ArchConfig, type FeatureSetId } from '../model/config.js';
import { loadModel } from '../model/io.js';
import type { ModelMetadata } from '../model/metadata.js';

/** Loads the weights of model dir `dir` as initial params; throws naming the dir and every field that differs. */
export async function loadInitParams(dir: string, arch: ArchConfig, featureSet: FeatureSetId): Promise<{ params: Float32Array[]; meta: ModelMetadata; dir: string }> {
  const loaded = await loadModel(dir);
  try {
    const m = loaded.meta;
    const problems: string[] = [];
    const a = m.architecture;
    if (a.depth !== arch.depth || a.width !== arch.width || a.block !== arch.block || a.planes !== arch.planes) {
      problems.push(`architecture ${describeArch(a)} ≠ requested ${describeArch(arch)} (pass --depth ${a.depth} --width ${a.width} --block ${a.block})`);
    }
    const f = m.featureSet;
    if (f.name !== featureSet.name || f.version !== featureSet.version || f.planes !== featureSet.planes) {
      problems.push(`feature set ${f.name}@v${f.version} (${f.planes} planes) ≠ requested ${featureSet.name}@v${featureSet.version} (${featureSet.planes} planes)`);
    }
    if (problems.length > 0) throw new Error(`--init-from ${loaded.dir}: ${problems.join('; ')}`);
    // Copies: the arrays must outlive the tfjs model disposed below.
    return { params: loaded.params.map((p) => Float32Array.from(p)), meta: m, dir: loaded.dir };
  } finally {
    loaded.model.dispose();
  }
}
