// The evaluation loop: replays the sampled positions in their fixed order, encodes them (or their 8 symmetric
// images), runs the model in batches and scores the softmax against the moves played, overall and per game phase.
import { NPOINTS } from '../go/constants.js';
import { symmetryTable, transformPlanes, SYMMETRY_COUNT } from '../features/symmetry.js';
import { entryPoint } from '../data/format.js';
import type { EvalSample } from '../data/loader.js';
import { Replayer } from '../data/replay.js';
import { moveNumberOfEntry, PhaseAccumulator, phaseOfMove, type PhaseScores } from './phases.js';
import { ScoreAccumulator, softmaxInto, type Scores } from './score.js';
import { ValueAccumulator, type ValueReport } from './value.js';
import { DEFAULT_KOMI } from '../features/alphago48.js';

/**
 * Runs the network: NHWC inputs of `rows` positions → their 361 policy logits each (row-major, rows × 361), or with
 * a value head also the value (tanh, side to move's view) of each row.
 */
export type LogitsFn = (inputs: Float32Array, rows: number) => Promise<Float32Array | { logits: Float32Array; values: Float32Array | null }>;

export interface EvaluateOptions {
  /** 1 = each position as is; 8 = average the softmax over the 8 symmetries of the board. */
  symmetries: 1 | 8;
  /** Rows per forward pass: positions × symmetries (8 symmetries take batch/8 positions per pass). */
  batch: number;
  /** Also score top-1 among legal points (costs 361 legality checks per position; default true). */
  legal?: boolean;
  /** The model has a value head: compute the value figures' area-count baseline too (default false). */
  value?: boolean;
  /**
   * With `value`: called for every position whose game names a winner, in sample order, with the value (tanh, side
   * to move's view; the mean over symmetries) and whether the side to move won (`tengen model calibrate-value` fits on these).
   */
  onValue?: (value: number, won: boolean) => void;
  /** Called after each batch with positions done and total. */
  onProgress?: (done: number, total: number) => void;
  /** Aborting stops between batches with an Error (the caller cleans up). */
  signal?: AbortSignal;
}

export interface EvaluateResult extends Scores {
  /** Value head figures by phase with the area-count baseline and calibration; null for a policy-only model. */
  value: ValueReport | null;
  /** Top-1/5/10 per game phase (PHASES order), by the move number of the move played from each position. */
  phases: PhaseScores[];
  /** Wall time of the whole loop (replay, encoding, forward passes, scoring). */
  seconds: number;
  positionsPerSecond: number;
}

/** Scores `logits` on every position of `sample` (its fixed order, no augmentation); see EvaluateOptions. */
export async function evaluateSample(sample: EvalSample, logits: LogitsFn, opts: EvaluateOptions): Promise<EvaluateResult> {
  const sym = opts.symmetries;
  if (sym !== 1 && sym !== 8) throw new Error(`evaluate: symmetries must be 1 or 8, got ${String(sym)}`);
  if (!Number.isInteger(opts.batch) || opts.batch < 1 || opts.batch > 65536) throw new Error(`evaluate: batch must be an integer in 1..65536, got ${opts.batch}`);
  const withLegal = opts.legal ?? true;
  const fs = sample.features;
  const planes = fs.planes;
  const rowLen = NPOINTS * planes;
  const total = sample.count;
  // Rows, not positions, bound a pass: 8 symmetries at 256 positions would hold 2048 boards of activations at once.
  const cap = Math.min(Math.max(1, Math.floor(opts.batch / sym)), Math.max(total, 1));
  // Buffers sized once for the largest batch; the last, smaller batch uses a prefix.
  const input = new Float32Array(cap * sym * rowLen);
  const scratch = sym === 8 ? new Float32Array(rowLen) : input;
  const labels = new Int32Array(cap);
  const phaseOf = new Uint8Array(cap);
  const legal = new Uint8Array(cap * NPOINTS);
  const probs = new Float64Array(NPOINTS);
  const rowProbs = new Float64Array(NPOINTS);
  const tables = Array.from({ length: SYMMETRY_COUNT }, (_, s) => symmetryTable(s));
  const replayer = new Replayer(sample.dataset);
  const acc = new ScoreAccumulator();
  const phaseAcc = new PhaseAccumulator();
  const valueAcc = new ValueAccumulator();
  let sawValues = false;
  const { winner, komi } = sample.dataset.outcomes();
  // Per slot: the game's winner relative to the side to move (1 won, 0 lost, -1 unknown) and the area margin.
  const won = new Int8Array(cap);
  const margin = new Float64Array(cap);
  const started = performance.now();
  for (let start = 0; start < total; start += cap) {
    if (opts.signal?.aborted) throw new Error(`evaluation interrupted after ${start} of ${total} positions`);
    const n = Math.min(cap, total - start);
    for (let i = 0; i < n; i++) {
      const e = sample.entries[start + i];
      const v = replayer.seek(e);
      labels[i] = entryPoint(v);
      phaseOf[i] = phaseOfMove(moveNumberOfEntry(sample.dataset, e));
      const board = replayer.board;
      const g = sample.dataset.gameOfEntry(e);
      const km = Number.isNaN(komi[g]!) ? DEFAULT_KOMI : komi[g]!;
      const mover = board.toPlay;
      won[i] = winner[g] === 0 ? -1 : winner[g] === mover ? 1 : 0;
      // The baseline's area count (a flood fill per position) only for a model whose value it is compared with.
      if (opts.value && won[i] >= 0) {
        const a = board.areaScore();
        const blackMargin = a.black - a.white - km;
        margin[i] = mover === 1 ? blackMargin : -blackMargin;
      }
      if (sym === 1) fs.encode(board, input, i * rowLen, km);
      else {
        fs.encode(board, scratch, 0, km);
        for (let s = 0; s < SYMMETRY_COUNT; s++) transformPlanes(scratch, input, planes, s, 0, (i * SYMMETRY_COUNT + s) * rowLen);
      }
      if (withLegal) for (let p = 0; p < NPOINTS; p++) legal[i * NPOINTS + p] = board.isLegal(p) ? 1 : 0;
    }
    const rows = n * sym;
    const raw = await logits(rows === cap * sym ? input : input.subarray(0, rows * rowLen), rows);
    const out = raw instanceof Float32Array ? raw : raw.logits;
    const values = raw instanceof Float32Array ? null : raw.values;
    if (out.length < rows * NPOINTS) throw new Error(`evaluate: the model returned ${out.length} values for ${rows} rows of ${NPOINTS}`);
    for (let i = 0; i < n; i++) {
      if (sym === 1) softmaxInto(out, i * NPOINTS, probs);
      else {
        probs.fill(0);
        for (let s = 0; s < SYMMETRY_COUNT; s++) {
          softmaxInto(out, (i * SYMMETRY_COUNT + s) * NPOINTS, rowProbs);
          // Row s saw the board transformed by s: its prediction for point p sits at T_s(p).
          const t = tables[s];
          for (let p = 0; p < NPOINTS; p++) probs[p] += rowProbs[t[p]];
        }
        for (let p = 0; p < NPOINTS; p++) probs[p] /= SYMMETRY_COUNT;
      }
      phaseAcc.add(phaseOf[i], acc.add(probs, labels[i], withLegal ? legal : null, i * NPOINTS));
      if (values && opts.value && won[i] >= 0) {
        let v = 0;
        for (let s = 0; s < sym; s++) v += values[i * sym + s]! / sym;
        valueAcc.add(phaseOf[i], (v + 1) / 2, margin[i], won[i] === 1);
        opts.onValue?.(v, won[i] === 1);
        sawValues = true;
      }
    }
    opts.onProgress?.(start + n, total);
  }
  const seconds = (performance.now() - started) / 1000;
  return { ...acc.result(), phases: phaseAcc.result(), value: sawValues ? valueAcc.result() : null, seconds, positionsPerSecond: seconds > 0 ? total / seconds : 0 };
}
