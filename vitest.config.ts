import { configDefaults, defineConfig } from 'vitest/config';

// Test files that start processes (the CLI, GnuGo, Chromium, a simulated container), build the compiled
// JavaScript, flood the server or train: the "integration" project. Everything else is the fast "unit" project
// (`npm run test:unit`). `npm test` runs both.
export const integrationFiles = [
  'test/cli/build.test.ts',
  'test/data/dataset.test.ts',
  'test/docker/docker-sim.test.ts',
  'test/eval/eval.test.ts',
  'test/eval/calibrate-value.test.ts',
  'test/gtp/child-process.test.ts',
  'test/install/**/*.test.ts',
  'test/gtp/match.test.ts',
  'test/server/abuse.test.ts',
  'test/server/load.test.ts',
  'test/server/web.test.ts',
  'test/scale/**/*.test.ts',
  'test/train/**/*.test.ts',
];

// Timing assumptions: no test measures speed (bench/ does), so limits only catch a hang. They are sized for a
// machine whose cores are busy with other work (`npm run test:under-load` runs the suite beside two busy loops):
// ten times the quiet-machine time of the slowest test, not a budget.
export default defineConfig({
  test: {
    // Two cores: tfjs tests are CPU-heavy, so run files on at most two workers.
    maxWorkers: 2,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...integrationFiles], testTimeout: 120_000, hookTimeout: 180_000 },
      },
      {
        extends: true,
        test: { name: 'integration', include: integrationFiles, testTimeout: 600_000, hookTimeout: 600_000 },
      },
    ],
  },
});
