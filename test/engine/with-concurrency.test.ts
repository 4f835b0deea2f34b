// The engine's existing tests that do not depend on one cursor's page order, unchanged, run again
// with three id-range workers and two crypto threads. The ones that count pages or batches in a
// single order (progress per page, churn before the third page read, abort at the third UPDATE)
// have their guarantees checked under concurrency in concurrency.test.ts.
import { existsSync } from 'node:fs';
import { vi } from 'vitest';
import { cryptoWorkerScript } from '../../src/engine/crypto-pool.js';
import type * as Engine from '../../src/engine/run-reencryption.js';

vi.mock('../../src/engine/run-reencryption.js', async (importOriginal) => {
  const real = await importOriginal<typeof Engine>();
  return {
    ...real,
    runReencryption: (o: Engine.ReencryptOptions) =>
      real.runReencryption({ cryptoWorkers: 2, concurrency: 3, minRowsPerRange: 5, ...o }),
  };
});

const script = cryptoWorkerScript();
if (!script || !existsSync(script))
  throw new Error(
    'dist/src/engine/crypto-worker.js is missing: run `npm run build` (npm test does) before these tests',
  );

await import('./unreadable-rows.test.js');
await import('./concurrent-application.test.js');
