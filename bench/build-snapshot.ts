// A private copy of the compiled code for this run's workers. Other work in the same checkout
// (a test run, `npm run build`) rewrites dist/ at any time; without the copy, runs of one bench
// could measure different engine versions, or a half-written one.
import { cpSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

// This file is dist/bench/build-snapshot.js: dist/ is one level up, the checkout two.
const DIST = fileURLToPath(new URL('..', import.meta.url));
const CHECKOUT = fileURLToPath(new URL('../..', import.meta.url));

export interface BuildSnapshot {
  /** The bench worker script inside the copy. */
  readonly workerPath: string;
  remove(): void;
}

export function snapshotBuild(): BuildSnapshot {
  // Inside the checkout, so the copy still resolves packages from its node_modules.
  const root = join(CHECKOUT, '.bench-snapshot', String(process.pid));
  rmSync(root, { recursive: true, force: true });
  for (const part of ['src', 'bench']) cpSync(join(DIST, part), join(root, part), { recursive: true });
  return {
    workerPath: join(root, 'bench', 'engine-worker.js'),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
