// The weight average a training checkpoint carries (average.bin, `tengen train --average-horizon`) as a model folder,
// so a later step's average can be evaluated and promoted without waiting for the trainer's best/, which follows
// top-1 on its 4,096-position sample alone and may keep raw weights instead (models/README.md, "The long run").
//   npx tsx scripts/export-average.mts CHECKPOINT_DIR OUT_DIR
//   e.g. npx tsx scripts/export-average.mts models/runs/own-6x64-s2/checkpoint /tmp/s2-avg
// tengen.json: the checkpoint's, with weightAverage {horizon, samples}; its `metrics` stay the raw weights' last
// validation (the trainer's), so evaluate the folder (`tengen eval --record`) before reading anything into it.
import { loadCheckpoint } from '../src/train/checkpoint.js';
import { loadModelMetadata, saveModel } from '../src/model/io.js';

const [dir, out] = process.argv.slice(2);
if (!dir || !out) {
  process.stderr.write('usage: npx tsx scripts/export-average.mts CHECKPOINT_DIR OUT_DIR\n');
  process.exit(2);
}
const ck = await loadCheckpoint(dir);
if (!ck) throw new Error(`${dir}: not a training checkpoint (no state.json)`);
if (!ck.average || ck.average.state.samples === 0) throw new Error(`${dir}: the checkpoint has no weight average (train with --average-horizon)`);
const { format: _f, formatVersion: _v, architecture: _a, date: _d, evaluations: _e, ...meta } = await loadModelMetadata(dir);
await saveModel(out, ck.architecture, ck.average.params, { ...meta, weightAverage: { horizon: ck.average.state.horizon, samples: ck.average.state.samples } });
process.stdout.write(`wrote ${out}: the weight average of ${dir} at step ${meta.steps} (horizon ${ck.average.state.horizon}, ${ck.average.state.samples} samples)\n`);
