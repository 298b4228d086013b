import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: tfjs tests are CPU-heavy, so run files on at most two workers.
    maxWorkers: 2,
    pool: 'forks',
  },
});
