// The engine's existing tests, unchanged, run again with the crypto on two worker threads (the
// compiled dist/ worker; `npm test` builds it first). Every guarantee must hold on this path too.
import { existsSync } from 'node:fs';
import { vi } from 'vitest';
import { cryptoWorkerScript } from '../../src/engine/crypto-pool.js';
import type * as Engine from '../../src/engine/run-reencryption.js';

vi.mock('../../src/engine/run-reencryption.js', async (importOriginal) => {
  const real = await importOriginal<typeof Engine>();
  return { ...real, runReencryption: (o: Engine.ReencryptOptions) => real.runReencryption({ cryptoWorkers: 2, ...o }) };
});

const script = cryptoWorkerScript();
if (!script || !existsSync(script))
  throw new Error(
    'dist/src/engine/crypto-worker.js is missing: run `npm run build` (npm test does) before these tests',
  );

await import('./straight-run.test.js');
await import('./unreadable-rows.test.js');
await import('./interrupted-and-changing.test.js');
await import('./concurrent-application.test.js');
