// `tengen doctor`: the backend in use, TensorFlow's version and the library's origin, threads and CPU features.
import type { Command } from 'commander';
import { doctor } from '../../model/doctor.js';

/** Registers `tengen doctor`. */
export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .option('--backend <name>', 'auto | tensorflow | wasm | cpu (env TENGEN_BACKEND)')
    .option('--json', 'print the report as JSON')
    .action(async (f: { backend?: string; json?: boolean }) => {
      const r = await doctor(f.backend);
      if (f.json) {
        process.stdout.write(JSON.stringify(r, null, 2) + '\n');
        return;
      }
      const lines = [
        `backend       ${r.backend}${r.skipped.length ? `  (skipped: ${r.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')})` : ''}`,
        ...(r.tensorflow ? [`tensorflow    ${r.tensorflow.version ?? 'unknown version'}, oneDNN kernels ${r.tensorflow.oneDnn ? 'on' : 'off'} here (train turns them on unless TF_ENABLE_ONEDNN_OPTS=0)`, `library       ${r.tensorflow.origin ?? 'unknown origin'}`] : []),
        `tfjs          ${Object.entries(r.versions).map(([k, v]) => `${k} ${v}`).join(', ')}`,
        `onnx runtime  ${r.onnxRuntime.version ? `onnxruntime-node ${r.onnxRuntime.version} (serve, gtp and analysis use it by default: --runtime auto)` : `not available: ${r.onnxRuntime.unavailable} (every command runs on tfjs)`}`,
        `threads       ${r.threads.cpus} CPUs; native: ${r.threads.tensorflowIntraOp}; wasm: ${r.threads.wasm}`,
        `cpu           ${r.cpu.model}; ${r.cpu.features.join(' ') || 'no feature flags read'}`,
        `node          ${r.node}`,
      ];
      if (r.backend !== 'tensorflow') lines.push('hint          native TensorFlow is several times faster for training and batched serving: `npm run native-tf` says why it is missing');
      process.stdout.write(lines.join('\n') + '\n');
    });
}
