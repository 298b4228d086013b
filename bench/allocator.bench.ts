// Allocator check for native training (issue 11): minor page faults, system and CPU time per ResidentTrainer step
// (batch 128, 49 planes, random inputs). Faults and system time do not depend on machine load, unlike wall time.
// Usage: [PRESET=default|6x64|…] npx tsx bench/allocator.bench.ts
//   then again with MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=1073741824 set, and compare.
import { preferOneDnn, selectBackend } from '../src/model/backend.js';
import { archFromSpec } from '../src/model/config.js';
import { initParams } from '../src/model/params.js';
import { seededUniform } from '../src/random.js';
import { SyntheticSource } from '../src/train/synthetic.js';
import { ResidentTrainer } from '../src/train/native-engine.js';
preferOneDnn(); // as `tengen train` does
await selectBackend('tensorflow');
const preset = process.env.PRESET ?? 'default', batch = 128, planes = 49;
const arch = archFromSpec(preset, planes);
const rt = new ResidentTrainer(arch, { kind: 'adam', momentum: 0, weightDecay: 1e-4 }, initParams(arch, seededUniform(1)), null);
const src = new SyntheticSource('noise', planes, 2);
for (let i = 0; i < 5; i++) rt.step(src.next(batch), 1e-3);
const r0 = process.resourceUsage(); const t0 = performance.now();
const N = 40;
for (let i = 0; i < N; i++) rt.step(src.next(batch), 1e-3);
const r1 = process.resourceUsage(); const wall = performance.now() - t0;
console.log(JSON.stringify({ preset, env: process.env.MALLOC_MMAP_THRESHOLD_ ? 'malloc-tuned' : 'default', minorFaultsPerStep: Math.round((r1.minorPageFault - r0.minorPageFault) / N), cpuMsPerStep: +(((r1.userCPUTime - r0.userCPUTime + r1.systemCPUTime - r0.systemCPUTime) / 1000) / N).toFixed(1), sysMsPerStep: +(((r1.systemCPUTime - r0.systemCPUTime) / 1000) / N).toFixed(1), wallMsPerStep: +(wall / N).toFixed(1) }));
process.exit(0);
