import { defineConfig } from 'vitest/config';

// Tests share one real PostgreSQL database; files that touch it use their own schema,
// so files may run in parallel, but each file's tests run in order.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // Rebuild dist/ first when a source is newer: the CLI, e2e and worker tests run the build.
    globalSetup: ['test/setup/build-fresh.ts'],
    setupFiles: ['test/setup/ink-live.ts'],
  },
});
