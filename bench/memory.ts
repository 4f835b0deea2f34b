// --memory: peak RSS of the engine's worker for a dry run and a live reencrypt run at 100,000
// rows and at --rows (default 1,000,000), each table seeded fresh. A flat engine keeps the ratio
// near 1: nothing it holds should grow with the table. Each kind runs --memory-rounds times at each
// size (a fresh worker and reset data each time) and the medians are compared: one peak is one
// sample of when the garbage collector happened to run.
import type { Db } from '../src/db/db.js';
import { openBenchDb, recreateSchema } from './bench-db.js';
import { toWire, type BenchKeys } from './bench-keys.js';
import { measurement, type Measurement } from './measurement.js';
import type { BenchOptions } from './options.js';
import { resetTable } from './reset.js';
import { runEngineInWorker } from './run-engine.js';
import { seedRows } from './seed.js';

export const MEMORY_SMALL_ROWS = 100_000;

type Kind = 'dry-run' | 'live';

export interface MemoryResults {
  batchSize: number;
  rounds: number;
  measurements: Measurement[];
  /** kind -> median peak RSS (MB) at 100k and at --rows. */
  medians: Record<Kind, { small: number; large: number }>;
  /** kind -> median peak RSS at --rows / median peak RSS at 100k. */
  ratios: Record<Kind, number>;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function measureAt(
  o: BenchOptions,
  keys: BenchKeys,
  rows: number,
  batchSize: number,
  log: (line: string) => void,
): Promise<Measurement[]> {
  await recreateSchema(o.databaseUrl);
  const db: Db = await openBenchDb(o.databaseUrl);
  try {
    log(`seeding ${rows} rows`);
    await seedRows(db, keys.old, rows);
    const out: Measurement[] = [];
    for (let round = 0; round < o.memoryRounds; round++) {
      for (const kind of ['dry-run', 'live'] as const) {
        await resetTable(db);
        const r = await runEngineInWorker({
          databaseUrl: o.databaseUrl,
          keys: toWire(keys),
          kind,
          mode: 'reencrypt',
          batchSize,
          consumer: 'headless',
        });
        const m = measurement({
          kind: 'engine',
          mode: kind === 'live' ? 'reencrypt' : 'dry-run',
          consumer: 'headless',
          batchSize,
          rows: r.processed,
          seconds: r.seconds,
          peakRssMb: r.maxRssKb / 1024,
        });
        log(
          `  ${kind} at ${rows} rows (run ${round + 1}/${o.memoryRounds}): peak RSS ${m.peakRssMb!.toFixed(1)} MB, ${Math.round(m.rowsPerSecond)} rows/s`,
        );
        out.push(m);
      }
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
  const peaks = (ms: readonly Measurement[], kind: Kind) =>
    median(ms.filter((m) => (kind === 'live') === (m.mode === 'reencrypt')).map((m) => m.peakRssMb!));
  const medians = {
    'dry-run': { small: peaks(small, 'dry-run'), large: peaks(large, 'dry-run') },
    live: { small: peaks(small, 'live'), large: peaks(large, 'live') },
  };
  return {
    batchSize,
    rounds: o.memoryRounds,
    measurements: [...small, ...large],
    medians,
    ratios: {
      'dry-run': medians['dry-run'].large / medians['dry-run'].small,
      live: medians.live.large / medians.live.small,
    },
  };
}
