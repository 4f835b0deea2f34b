import { configDefaults, defineConfig } from 'vitest/config';
import { UI_TESTS } from './vitest.config.js';

// `npm run test:unit`: the tests that need no database (not even the embedded one), no build and no
// child process, for a quick loop while editing. `npm test` runs everything, these included.
const UNIT_TESTS = [
  'test/crypto/**/*.test.ts',
  'test/machine/**/*.test.ts',
  'test/runbook/**/*.test.ts',
  'test/journal/**/*.test.ts',
  'test/text/**/*.test.ts',
  'test/deploy/**/*.test.ts',
  'test/config/**/*.test.ts',
  'test/bench/**/*.test.ts',
  'test/engine-external/log-line.test.ts',
  'test/cli/session-end.test.ts',
  'test/cli/exit-codes.test.ts',
  'test/cli/typed-flags.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'ui', include: [UI_TESTS], setupFiles: ['test/setup/ink-live.ts'] } },
      {
        extends: true,
        test: {
          name: 'other',
          include: UNIT_TESTS,
          exclude: [...configDefaults.exclude, 'test/config/input-warnings.test.ts'],
        },
      },
    ],
  },
});
