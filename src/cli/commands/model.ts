// `tengen model export-onnx <model-dir> [--out FILE]`: the model's network as an ONNX graph (src/model/onnx-export.ts),
// for ONNX Runtime or any other ONNX consumer. Tengen itself needs no file: `--runtime onnx` exports in memory.
import type { Command } from 'commander';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Registers `tengen model export-onnx`. */
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
}
