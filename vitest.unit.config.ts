import { defineConfig } from 'vitest/config';

// `npm run test:unit`: the tests that need no database (not even the embedded one), no build and no
// child process, for a quick loop while editing. `npm test` runs everything, these included.
export default defineConfig({
  test: {
    include: [
      'test/crypto/**/*.test.ts',
      'test/machine/**/*.test.ts',
      'test/ui/**/*.test.{ts,tsx}',
      'test/runbook/**/*.test.ts',
      'test/journal/**/*.test.ts',
      'test/text/**/*.test.ts',
      'test/deploy/**/*.test.ts',
      'test/config/**/*.test.ts',
      'test/bench/**/*.test.ts',
      'test/engine-external/log-line.test.ts',
      'test/cli/session-end.test.ts',
      'test/cli/exit-codes.test.ts',
    ],
    exclude: ['test/config/input-warnings.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    setupFiles: ['test/setup/ink-live.ts'],
  },
});
