import { configDefaults, defineConfig } from 'vitest/config';

// Tests share one real PostgreSQL database; files that touch it use their own schema,
// so files may run in parallel, but each file's tests run in order.
//
// Two projects only so that Ink's set-up (test/setup/ink-live.ts: Ink and its layout engine, about
// 0.6 s a file) is loaded by the UI tests that render it, not by every file.
export const UI_TESTS = 'test/ui/**/*.test.{ts,tsx}';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // Rebuild dist/ first when a source is newer: the CLI, e2e and worker tests run the build.
    globalSetup: ['test/setup/build-fresh.ts'],
    projects: [
      { extends: true, test: { name: 'ui', include: [UI_TESTS], setupFiles: ['test/setup/ink-live.ts'] } },
      {
        extends: true,
        test: {
          name: 'other',
          include: ['test/**/*.test.{ts,tsx}'],
          exclude: [...configDefaults.exclude, UI_TESTS],
        },
      },
    ],
  },
});
