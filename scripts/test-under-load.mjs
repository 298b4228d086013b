// `npm run test:under-load [-- vitest args]`: runs the test suite while two busy loops (one per core of a
// two-core machine) compete for the CPU, as on a CI machine shared with other work. It passes if the suite
// passes; it prints the suite's wall time and the load average, so the slowdown can be recorded.
import { spawn } from 'node:child_process';
import os from 'node:os';

const hogCount = Number(process.env.TENGEN_HOGS ?? 2);
const hogs = Array.from({ length: hogCount }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
const stopHogs = () => {
  for (const h of hogs) h.kill('SIGKILL');
};
process.on('exit', stopHogs);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');
const t0 = performance.now();
process.stderr.write(`test:under-load: ${hogCount} busy loops started (pids ${hogs.map((h) => h.pid).join(', ')}); load average ${load()}\n`);
const vitest = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...process.argv.slice(2)], { stdio: 'inherit' });
vitest.on('exit', (code, signal) => {
  const s = (performance.now() - t0) / 1000;
  stopHogs();
  process.stderr.write(
    `test:under-load: vitest ${code === 0 ? 'passed' : `failed (${code ?? signal})`} in ${Math.floor(s / 60)} min ${Math.round(s % 60)} s beside ${hogCount} busy loops; load average ${load()}\n`,
  );
  process.exit(code ?? 1);
});
