import { defineConfig } from 'vitest/config';

/** `npm run test:e2e`: the playground in real Chromium (global setup builds web/dist and the CLI). */
export default defineConfig({
  test: {
    include: ['web/e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One browser at a time: the machine is small and the timings in the tests are generous.
    fileParallelism: false,
    globalSetup: ['web/e2e/global-setup.ts'],
  },
});
