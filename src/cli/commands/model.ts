// `tengen model export-onnx <model-dir> [--out FILE]`: the model's network as an ONNX graph (src/model/onnx-export.ts),
// for ONNX Runtime or any other ONNX consumer. Tengen itself needs no file: `--runtime onnx` exports in memory.
// `tengen model calibrate-value <model-dir> --data D --out DIR`: temperature scaling of the value head
// (src/eval/calibrate-value.ts), baked into value_fc2's weights.
import type { Command } from 'commander';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { addSampleOptions, parseSplit, runSampled } from '../sampling.js';

interface CalibrateFlags {
  data: string[];
  out: string;
  split: string;
  seed: string;
  sample: string;
  batch: string;
  backend?: string;
  progress: boolean;
}

/** Registers `tengen model export-onnx` and `tengen model calibrate-value`. */
export function registerModelCommand(program: Command): void {
  const model = program.command('model');
  model
    .command('export-onnx')
    .description('write the network of a model folder as an ONNX graph (opset 17; input planes [N,19,19,planes] NHWC; outputs policy, value, ownership)')
    .argument('<model-dir>', 'model folder (tengen.json, model.json, weights.bin)')
    .option('-o, --out <file>', 'output file (default <model-dir>/model.onnx)')
    .action(async (dir: string, flags: { out?: string }) => {
      // Imported here: `tengen --help` does not load tfjs (which reads the model folder, on the usual backend).
      const { selectBackend } = await import('../../model/backend.js');
      const { loadModel } = await import('../../model/io.js');
      const { describeArch } = await import('../../model/config.js');
      const { exportOnnx, ONNX_OPSET } = await import('../../model/onnx-export.js');
      await selectBackend();
      const loaded = await loadModel(dir);
      loaded.model.dispose();
      const c = loaded.meta.architecture;
      const fsMeta = loaded.meta.featureSet;
      const bytes = exportOnnx(c, loaded.params, { metadata: { 'tengen.featureSet': JSON.stringify(fsMeta), 'tengen.steps': String(loaded.meta.steps) } });
      const out = path.resolve(flags.out ?? path.join(loaded.dir, 'model.onnx'));
      const tmp = `${out}.tmp-${process.pid}`;
      await fs.writeFile(tmp, bytes);
      await fs.rename(tmp, out);
      const outputs = ['policy [N,361] (softmax)', ...(c.valueHead ? ['value [N,1] (tanh)'] : []), ...(c.ownershipHead ? ['ownership [N,361] (tanh)'] : [])];
      process.stdout.write(
        `wrote ${out} (${bytes.length.toLocaleString('en-US')} bytes, ONNX opset ${ONNX_OPSET}): ${describeArch(c)}\n` +
          `  input   planes [N,19,19,${c.planes}] float32, NHWC, feature set ${fsMeta.name} v${fsMeta.version}\n` +
          `  outputs ${outputs.join(', ')}\n`,
      );
    });
  addSampleOptions(
    model
      .command('calibrate-value')
      .description(
        "temperature-scale the value head: fit k (value' = tanh(k·z), z pre-tanh) by log-loss on a seeded sample of positions whose game names a winner, " +
          "and write the model with value_fc2's kernel and bias times k (tengen.json: valueCalibration, scale cumulative; evaluations dropped)",
      )
      .argument('<model-dir>', 'model folder with a value head'),
  )
    .requiredOption('-o, --out <dir>', 'model folder to write (may be <model-dir> or another model folder: replaced atomically, its other files kept)')
    .option('--seed <n>', "seed of the sample (default 1: not the dev figures' seed 0)", '1')
    .option('--sample <n>', 'positions sampled (the whole split if larger)', '50000')
    .action(async (dir: string, f: CalibrateFlags) => {
      const { parseFlag, parseNonNegativeInt, parsePositiveInt } = await import('../../config.js');
      const options = {
        modelDir: dir,
        data: f.data,
        out: f.out,
        split: parseSplit(f.split),
        seed: parseFlag(f.seed, '--seed', parseNonNegativeInt),
        positions: parseFlag(f.sample, '--sample', parsePositiveInt),
        batch: parseFlag(f.batch, '--batch', parsePositiveInt),
        backend: f.backend,
      } as const;
      // Imported here: `tengen --help` loads neither tfjs nor the evaluation code.
      const { calibrateValue } = await import('../../eval/calibrate-value.js');
      const r = await runSampled(f.progress, 'calibrate-value', (hooks) => calibrateValue({ ...options, ...hooks }));
      const fit = r.fit;
      const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
      process.stdout.write(
        `value calibration of ${r.model} (backend ${r.backend})\n` +
          `  data       ${r.data.inputs.join(' ')} (contentHash ${r.data.contentHash}), split ${r.sample.split}, seed ${r.sample.seed}: ` +
          `${r.sample.count.toLocaleString('en-US')} positions sampled, ${fit.positions.toLocaleString('en-US')} with a winner\n` +
          `  scale k    ${fit.scale.toFixed(6)} (${fit.iterations} Newton steps)` +
          (r.previousScale !== null ? `; cumulative ${r.record.scale.toFixed(6)} (input already scaled by ${r.previousScale.toFixed(6)})` : '') +
          '\n' +
          `  log-loss   ${fit.logLossBefore.toFixed(4)} → ${fit.logLossAfter.toFixed(4)} nats (value as P(side to move wins) = (1 + v)/2)\n` +
          `  accuracy   ${pct(fit.accuracyBefore)} → ${pct(fit.accuracyAfter)} (unchanged by construction: k > 0 keeps every value's sign)\n` +
          `wrote ${r.out}${r.inPlace ? ' (in place)' : ''}: value_fc2 kernel and bias × ${fit.scale.toFixed(6)}, tengen.json valueCalibration\n` +
          (r.droppedEvaluations > 0
            ? `  dropped ${r.droppedEvaluations} recorded evaluation${r.droppedEvaluations === 1 ? '' : 's'} (they measured the old value head; re-run tengen eval --record)\n`
            : '') +
          (r.keptFiles.length > 0 ? `  kept ${r.keptFiles.join(', ')} of the folder replaced, unchanged (plots there predate this calibration: re-run tengen eval --calibration-plot)\n` : ''),
      );
    });
}
