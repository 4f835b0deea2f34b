// --memory: peak RSS of the engine's worker for a dry run and a live reencrypt run at 100,000
// rows and at --rows (default 1,000,000), each table seeded fresh. A flat engine keeps the ratio
// near 1: nothing it holds should grow with the table.
import type { Db } from '../src/db/db.js';
import { openBenchDb, recreateSchema } from './bench-db.js';
import { toWire, type BenchKeys } from './bench-keys.js';
import { measurement, type Measurement } from './measurement.js';
import type { BenchOptions } from './options.js';
import { resetTable } from './reset.js';
import { runEngineInWorker } from './run-engine.js';
import { seedRows } from './seed.js';

export const MEMORY_SMALL_ROWS = 100_000;

export interface MemoryResults {
  batchSize: number;
  measurements: Measurement[];
  /** kind -> peak RSS at --rows / peak RSS at 100k. */
  ratios: Record<'dry-run' | 'live', number>;
}

async function measureAt(o: BenchOptions, keys: BenchKeys, rows: number, batchSize: number, log: (line: string) => void): Promise<Measurement[]> {
  await recreateSchema(o.databaseUrl);
  const db: Db = await openBenchDb(o.databaseUrl);
  try {
    log(`seeding ${rows} rows`);
    await seedRows(db, keys.old, rows);
    const out: Measurement[] = [];
    for (const kind of ['dry-run', 'live'] as const) {
      await resetTable(db);
      const r = await runEngineInWorker({ databaseUrl: o.databaseUrl, keys: toWire(keys), kind, mode: 'reencrypt', batchSize, consumer: 'headless' });
      const m = measurement({ kind: 'engine', mode: kind === 'live' ? 'reencrypt' : 'dry-run', consumer: 'headless', batchSize, rows: r.processed, seconds: r.seconds, peakRssMb: r.maxRssKb / 1024 });
      log(`  ${kind} at ${rows} rows: peak RSS ${m.peakRssMb!.toFixed(1)} MB, ${Math.round(m.rowsPerSecond)} rows/s`);
      out.push(m);
    }
    return out;
  } finally {
    await db.close();
  }
}

export async function runMemory(o: BenchOptions, keys: BenchKeys, log: (line: string) => void): Promise<MemoryResults> {
  // The largest batch size measured: the most a single batch can hold, so growth is not hidden.
  const batchSize = Math.max(...o.batchSizes);
  const small = await measureAt(o, keys, MEMORY_SMALL_ROWS, batchSize, log);
  const large = await measureAt(o, keys, o.rows, batchSize, log);
  const ratio = (i: number) => large[i]!.peakRssMb! / small[i]!.peakRssMb!;
  return { batchSize, measurements: [...small, ...large], ratios: { 'dry-run': ratio(0), live: ratio(1) } };
}
