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
    setupFiles: ['test/setup/ink-live.ts'],
  },
});
