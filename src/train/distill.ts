// Distillation (`tengen train --distill-from DIR...`): a fixed teacher network's policy, averaged over the board's
// symmetries, as a soft target beside the played move. The 8-symmetry average of a net predicts the 9-dan move more
// often than its single pass (models/README.md); training on it moves that gain into one forward pass. Several dirs
// make an ensemble teacher: the mean of the members' (symmetry-averaged) policies, as `tengen eval --model A B` scores it.
//
// The teacher runs on the training backend inside each step, so the symmetries are tensor ops here (flips and a
// transpose of the NHWC batch and of the 19×19 policy maps) rather than the host tables of features/symmetry.ts,
// which would cost a device→host→device round trip per batch. test/train/distill.test.ts pins the two to the same
// result.
import * as tf from '@tensorflow/tfjs';
import { BOARD, POINTS, type ArchConfig } from '../model/config.js';
import { forward } from '../model/forward.js';
import type { DistilledFromRecord } from '../model/metadata.js';
import { paramSpecs } from '../model/params.js';

/** One network of a teacher: its model directory as given on the command line (recorded in tengen.json) and weights. */
export interface TeacherNet {
  model: string;
  architecture: ArchConfig;
  params: readonly Float32Array[];
}

/** What a run distils from: the teacher's networks (several = an ensemble), how many symmetries it averages, the soft-target weight. */
export interface DistillConfig {
  teachers: readonly TeacherNet[];
  /** 1 (the teacher's single pass) or 8 (the average over the dihedral group). */
  symmetries: 1 | 8;
  /** Share of the policy loss taken by the soft target: (1 − w)·CE(played move) + w·CE(teacher). In [0, 1]. */
  weight: number;
}

/** Checks the numbers of a distillation; throws naming the flag at fault. */
export function checkDistill(symmetries: number, weight: number): asserts symmetries is 1 | 8 {
  if (symmetries !== 1 && symmetries !== 8) throw new Error(`--distill-symmetries must be 1 or 8, got ${symmetries}`);
  if (!(weight >= 0 && weight <= 1)) throw new Error(`--distill-weight must be in [0, 1], got ${weight}`);
}

// Symmetry s of the square on [N, 19, 19, C] (axis 1 = rows y, axis 2 = columns x): bit 0 mirrors x, bit 1 mirrors y,
// bit 2 transposes, applied in that order (features/symmetry.ts's convention); `undo` applies the inverse.
function apply(t: tf.Tensor4D, s: number): tf.Tensor4D {
  let r = t;
  if (s & 1) r = tf.reverse(r, 2);
  if (s & 2) r = tf.reverse(r, 1);
  if (s & 4) r = tf.transpose(r, [0, 2, 1, 3]);
  return r;
}

function undo(t: tf.Tensor4D, s: number): tf.Tensor4D {
  let r = t;
  if (s & 4) r = tf.transpose(r, [0, 2, 1, 3]);
  if (s & 2) r = tf.reverse(r, 1);
  if (s & 1) r = tf.reverse(r, 2);
  return r;
}

/**
 * The teacher's policy [N, 361] (probabilities) for planes x [N, 19, 19, C]: softmax of its single pass, or the mean of
 * the softmaxes of the 8 transformed boards mapped back (one forward pass over 8N boards). Inference mode.
 */
export function teacherPolicy(config: ArchConfig, params: readonly tf.Tensor[], x: tf.Tensor4D, symmetries: 1 | 8, nativeConv = true): tf.Tensor2D {
  return tf.tidy(() => {
    const n = x.shape[0];
    if (symmetries === 1) return tf.softmax(forward(config, params, x, false, nativeConv).logits);
    const syms = [0, 1, 2, 3, 4, 5, 6, 7];
    const batch = tf.concat(syms.map((s) => apply(x, s)), 0);
    const probs = tf.softmax(forward(config, params, batch, false, nativeConv).logits).reshape([8 * n, BOARD, BOARD, 1]) as tf.Tensor4D;
    const back = syms.map((s) => undo(probs.slice([s * n, 0, 0, 0], [n, BOARD, BOARD, 1]), s));
    return tf.div(tf.addN(back), 8).reshape([n, POINTS]) as tf.Tensor2D;
  });
}

/** The teacher's weights uploaded once for a run; `policy` per batch, `dispose` at the end. */
export class Teacher {
  private readonly tensors: tf.Tensor[][];

  constructor(readonly cfg: DistillConfig) {
    if (cfg.teachers.length === 0) throw new Error('distillation: no teacher model');
    this.tensors = [];
    try {
      for (const t of cfg.teachers) {
        const specs = paramSpecs(t.architecture);
        if (t.params.length !== specs.length) throw new Error(`distillation teacher ${t.model}: ${t.params.length} parameter arrays, its architecture has ${specs.length}`);
        this.tensors.push(specs.map((s, i) => tf.tensor(t.params[i], s.shape, 'float32')));
      }
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /** The soft target [N, 361]: the teacher's policy, or the mean of its networks' policies for an ensemble. */
  policy(x: tf.Tensor4D): tf.Tensor2D {
    const { teachers, symmetries } = this.cfg;
    if (teachers.length === 1) return teacherPolicy(teachers[0]!.architecture, this.tensors[0]!, x, symmetries);
    return tf.tidy(() => tf.div(tf.addN(teachers.map((t, k) => teacherPolicy(t.architecture, this.tensors[k]!, x, symmetries))), teachers.length) as tf.Tensor2D);
  }

  /** What the run's tengen.json records as `distilledFrom` (`model` the first network, `ensemble` all of several). */
  record(): DistilledFromRecord {
    const models = this.cfg.teachers.map((t) => t.model);
    return { model: models[0]!, ...(models.length > 1 ? { ensemble: models } : {}), symmetries: this.cfg.symmetries, weight: this.cfg.weight };
  }

  dispose(): void {
    for (const t of this.tensors) tf.dispose(t);
  }
}
