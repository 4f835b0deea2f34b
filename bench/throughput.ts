// The throughput run, in this order, each measurement on freshly reset data (see reset.ts):
//   1. ceiling   2. reference baseline (spread over the table, crypto precomputed)   3. engine, headless: dry run, rewrap, reencrypt
//   at every --batch-size   4. reencrypt at the fastest size: headless, then with the Ink
//   progress display attached (a pair run back to back, so drift between them is small)
//   5. --profile: the stages alone at that size, with their client CPU, and the crypto side's parts.
import type { Db } from '../src/db/db.js';
import { runReferenceBaseline } from './baseline-reference.js';
import { toWire, type BenchKeys } from './bench-keys.js';
import { runCeiling } from './ceiling.js';
import { cpuPerRow, postgresCpuSeconds } from './cpu-budget.js';
import type { Consumer } from './engine-job.js';
import { measurement, type Measurement } from './measurement.js';
import type { BenchOptions } from './options.js';
import { profileStages, type Profile } from './profile.js';
import { countByKeyId, resetTable } from './reset.js';
import { runEngineInWorker } from './run-engine.js';
import { checkTargets, type TargetCheck } from './targets.js';

export const RUN_ORDER = [
  'seed N rows on kek-v1 (not timed), copy to bench_pristine',
  'inventory (issue 11, read-only, inventory.ts): --inventory-rounds times plain GROUP BY, inventory SQL, range inventory, plain listing, emergency listing; then once the pre-issue-11 SQL (and listing, up to 50,000 rows)',
  'before every measurement: TRUNCATE + INSERT from bench_pristine, VACUUM ANALYZE, CHECKPOINT',
  'ceiling: one UPDATE of every row on the freshly loaded, vacuumed table; then the same again without a reset (bloated, shown beside it)',
  'baseline: reference algorithm (native crypto: new values precomputed, untimed) on --baseline-rows rows in 4 windows at 0/25/50/75% of the table',
  'engine headless: dry-run, rewrap, reencrypt, each at every --batch-size (own worker process each)',
  'reencrypt at the fastest batch size: headless, then Ink progress attached, --ui-rounds times (UI ratio = best attached / best headless of these pairs)',
  '--profile: fetch, crypto, write alone at that batch size (client CPU each); the crypto side part by part',
];

export interface ThroughputResults {
  measurements: Measurement[];
  baseline: Measurement | undefined;
  ceiling: Measurement;
  targets: TargetCheck[];
  profile: Profile | undefined;
  chosenBatchSize: number;
  /** The fastest headless run of each engine mode. */
  best: Partial<Record<EngineMode, Measurement>>;
}

type EngineMode = 'dry-run' | 'rewrap' | 'reencrypt';

export async function runThroughput(
  db: Db,
  keys: BenchKeys,
  o: BenchOptions,
  gcmMicros: number,
  log: (line: string) => void,
): Promise<ThroughputResults> {
  const measurements: Measurement[] = [];
  const add = (m: Measurement) => {
    measurements.push(m);
    log(
      `  ${m.kind} ${m.mode} ${m.consumer} batch=${m.batchSize ?? '-'}: ${m.rows} rows in ${m.seconds.toFixed(2)} s = ${Math.round(m.rowsPerSecond)} rows/s`,
    );
    return m;
  };

  await resetTable(db);
  log('ceiling: single-statement rewrite');
  const ceilingPg = postgresCpuSeconds();
  const c = await runCeiling(db);
  const ceilingPgAfter = postgresCpuSeconds();
  const ceiling = add(
    measurement({
      kind: 'ceiling',
      mode: "UPDATE col = col || ''",
      consumer: '-',
      batchSize: undefined,
      ...c,
      peakRssMb: undefined,
      cpu: cpuPerRow(
        c.rows,
        0,
        ceilingPg === undefined || ceilingPgAfter === undefined ? undefined : ceilingPgAfter - ceilingPg,
      ),
    }),
  );

  // Beside it, the same statement again without a reset: on the table the first one bloated (every
  // row has a dead version). Shown for comparison only; ratios use the fresh figure.
  const bloated = await runCeiling(db);
  add(
    measurement({
      kind: 'ceiling',
      mode: 'same, bloated (no reset)',
      consumer: '-',
      batchSize: undefined,
      ...bloated,
      peakRssMb: undefined,
    }),
  );

  let baseline: Measurement | undefined;
  if (!o.skipBaseline) {
    await resetTable(db);
    log(
      `baseline: reference algorithm (OFFSET pages of 100, one autocommitted UPDATE a row, new values precomputed) on ${o.baselineRows} of ${o.rows} rows in 4 windows at 0/25/50/75%`,
    );
    const b = await runReferenceBaseline(db, keys, o.baselineRows, o.rows);
    baseline = add(
      measurement({
        kind: 'baseline',
        mode: 'reference reencrypt',
        consumer: '-',
        batchSize: 100,
        ...b,
        peakRssMb: undefined,
        note: `${b.rows} rows in 4 windows spread over ${o.rows}; crypto precomputed`,
      }),
    );
  }

  const engine = async (mode: EngineMode, batchSize: number, consumer: Consumer): Promise<Measurement> => {
    await resetTable(db);
    const kind = mode === 'dry-run' ? 'dry-run' : 'live';
    const pgBefore = postgresCpuSeconds();
    const r = await runEngineInWorker({
      databaseUrl: o.databaseUrl,
      keys: toWire(keys),
      kind,
      mode: mode === 'dry-run' ? 'reencrypt' : mode,
      batchSize,
      consumer,
    });
    const pgAfter = postgresCpuSeconds();
    const keyIdsAfter = kind === 'live' ? await countByKeyId(db) : undefined;
    if (r.failed > 0 || (kind === 'live' && (keyIdsAfter?.['kek-v2'] ?? 0) !== r.rotated)) {
      throw new Error(
        `engine ${mode} batch ${batchSize}: ${r.failed} failed, ${r.rotated} rotated, keys after: ${JSON.stringify(keyIdsAfter)}`,
      );
    }
    return add(
      measurement({
        kind: 'engine',
        mode,
        consumer,
        batchSize,
        rows: r.processed,
        seconds: r.seconds,
        peakRssMb: r.maxRssKb / 1024,
        ...(keyIdsAfter ? { keyIdsAfter } : {}),
        note: `${r.events} events${consumer === 'ink' ? `, ${r.uiBytes} bytes drawn` : ''}`,
        cpu: cpuPerRow(
          r.processed,
          r.cpuSeconds,
          pgBefore === undefined || pgAfter === undefined ? undefined : pgAfter - pgBefore,
        ),
      }),
    );
  };

  const best: Partial<Record<EngineMode, Measurement>> = {};
  for (const mode of ['dry-run', 'rewrap', 'reencrypt'] as const) {
    for (const size of o.batchSizes) {
      log(`engine ${mode}, batch ${size}, headless`);
      const m = await engine(mode, size, 'headless');
      if (!best[mode] || m.rowsPerSecond > best[mode].rowsPerSecond) best[mode] = m;
    }
  }
  const chosenBatchSize = best.reencrypt!.batchSize!;

  // Alternating pairs, best of each side: other load on the machine only ever slows a run down.
  let bestHeadless = 0;
  let bestInk = 0;
  for (let round = 1; round <= o.uiRounds; round++) {
    log(
      `UI pair ${round}/${o.uiRounds} at batch ${chosenBatchSize}: reencrypt headless, then with the Ink progress display`,
    );
    bestHeadless = Math.max(bestHeadless, (await engine('reencrypt', chosenBatchSize, 'headless')).rowsPerSecond);
    bestInk = Math.max(bestInk, (await engine('reencrypt', chosenBatchSize, 'ink')).rowsPerSecond);
  }
  const uiRatio = bestInk / bestHeadless;

  let profile: Profile | undefined;
  if (o.profile) {
    log(`profile at batch ${chosenBatchSize}:`);
    profile = await profileStages(db, keys, chosenBatchSize, gcmMicros, log);
  }
  return {
    measurements,
    baseline,
    ceiling,
    targets: checkTargets({ baseline, ceiling, best, uiRatio }),
    profile,
    chosenBatchSize,
    best,
  };
}
