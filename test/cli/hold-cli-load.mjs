// Preloaded with `node --import` by early-signals.test.ts: holds the import of the built CLI
// (dist/src/cli/main.js) for KEK_TEST_HOLD_MS, as a slow disk or a loaded machine would, and says on
// stderr when it starts holding: by then the launcher's first line has run, and the CLI is not loaded.
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
import { writeSync } from 'node:fs';
const hold = Number(process.env.KEK_TEST_HOLD_MS ?? 2000);
export async function load(url, context, next) {
  if (url.endsWith('/dist/src/cli/main.js')) {
    writeSync(2, 'test-hook: holding the CLI\\n');
    await new Promise((resolve) => setTimeout(resolve, hold));
  }
  return next(url, context);
}
`)}`,
);
