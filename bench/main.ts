// `npm run bench`: seeds the application's table in a scratch schema of the real PostgreSQL,
// measures the reference algorithm, the engine and the database's own rewrite (or, with
// --memory, the engine's peak RSS at two table sizes), prints the table and the target verdicts,
// writes the figures as JSON, and drops the scratch schema.
import { snapshotBuild } from './build-snapshot.js';
import { BENCH_SCHEMA, dropSchema, openBenchDb, recreateSchema } from './bench-db.js';
import { makeBenchKeys } from './bench-keys.js';
import { machineInfo } from './machine-info.js';
import { MEMORY_SMALL_ROWS, runMemory } from './memory.js';
import { formatInventory, runInventoryBench } from './inventory.js';
import { HelpRequested, USAGE, parseOptions, type BenchOptions } from './options.js';
import { gcmCallMicros } from './cpu-budget.js';
import { formatCpuBudget, formatCpuParts, formatProfile, formatTable, formatTargets, writeResults } from './report.js';
import { setWorkerScript } from './run-engine.js';
import { resetTable } from './reset.js';
import { seedRows } from './seed.js';
import { runShardBench, SHARDS_USAGE } from './shards.js';
import { checkTargets } from './targets.js';
import { RUN_ORDER, runThroughput } from './throughput.js';

const t0 = Date.now();
const log = (line: string) =>
  process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);

async function throughput(o: BenchOptions): Promise<void> {
  const keys = makeBenchKeys();
  await recreateSchema(o.databaseUrl);
  const db = await openBenchDb(o.databaseUrl);
  try {
    const machine = await machineInfo(db);
    const gcmMicros = gcmCallMicros();
    log(`one AES-256-GCM call (seal or open, 48 bytes, node:crypto): ${gcmMicros.toFixed(2)} µs`);
    log(`seeding ${o.rows} rows on kek-v1 in schema ${BENCH_SCHEMA}`);
    await seedRows(db, keys.old, o.rows);
    log('seeded');
    // Read-only, on the freshly seeded table: before the engine's runs rewrite it.
    await resetTable(db);
    log('inventory: plain GROUP BY, inventory SQL before and now, as the tool reads it, emergency listing');
    const inventory = await runInventoryBench(db, o, log);
    const inventoryTable = `Whole-table reads (issue 11), ${o.rows.toLocaleString('en-US')} rows, best of ${inventory.rounds}:\n${formatInventory(inventory)}`;
    if (o.inventory) {
      console.log(
        `\nkek-rotate bench --inventory — ${machine.nproc} CPUs, node ${machine.node}, ${machine.postgres.split(' on ')[0]}\n`,
      );
      console.log(inventoryTable);
      writeResults(o.out, {
        machine,
        options: { ...o, databaseUrl: undefined },
        runOrder: [
          'seed N rows on kek-v1 (not timed)',
          'reset, VACUUM ANALYZE, CHECKPOINT',
          '--inventory-rounds times: plain, single, ranges, listing; then once: legacy SQL, legacy listing (up to 50,000 rows)',
        ],
        measurements: [],
        targets: [],
        inventory,
      });
      console.log(`\nWritten to ${o.out}`);
      return;
    }
    const r = await runThroughput(db, keys, o, gcmMicros, log);
    console.log(
      `\nkek-rotate bench — ${o.rows.toLocaleString('en-US')} rows, ${machine.nproc} CPUs, node ${machine.node}, ${machine.postgres.split(' on ')[0]}`,
    );
    console.log(
      `b/a = rows/s vs the reference algorithm as it runs (native crypto: precomputed; ${o.baselineRows} rows in 4 windows over the table); b/c = vs the single-statement rewrite on a freshly loaded, vacuumed table\n`,
    );
    console.log(formatTable(r.measurements, r.baseline, r.ceiling));
    const busiest = Math.max(...r.measurements.map((m) => m.loadAverage));
    if (busiest > machine.nproc) {
      console.log(
        `\nwarning: the 1-minute load average reached ${busiest.toFixed(1)} on ${machine.nproc} CPUs: other work shared the machine, figures are pessimistic`,
      );
    }
    console.log(`\nTargets (engine at its fastest batch size; reencrypt chose ${r.chosenBatchSize}):`);
    console.log(formatTargets(r.targets));
    const best = (['dry-run', 'rewrap', 'reencrypt'] as const).flatMap((mode) => (r.best[mode] ? [r.best[mode]] : []));
    console.log(
      `\nWhere the CPU goes, per row (each mode's fastest run; ${machine.nproc} CPUs; one AES-256-GCM call ${gcmMicros.toFixed(2)} µs):`,
    );
    console.log(formatCpuBudget(r.ceiling, best, machine.nproc, gcmMicros));
    console.log('  client = the engine process, all threads; GCM floor = AES-256-GCM calls a row needs x one call;');
    console.log('  bound = CPUs / (GCM floor + postgres µs): the most any engine could do here, before its own work.');
    if (r.profile) {
      console.log(
        `\nWhere the time goes (batch ${r.chosenBatchSize}, each stage alone; client = this process's CPU per row):\n${formatProfile(r.profile.stages)}`,
      );
      console.log(
        `\nClient CPU per re-encrypted row, part by part (each alone, one thread, on the table's first ${r.profile.parts.rows.toLocaleString('en-US')} rows):`,
      );
      console.log(formatCpuParts(r.profile, r.best.reencrypt?.cpu?.clientUs));
    }
    console.log(`\n${inventoryTable}`);
    writeResults(o.out, {
      machine,
      options: { ...o, databaseUrl: undefined },
      runOrder: RUN_ORDER,
      measurements: r.measurements,
      targets: r.targets,
      profile: r.profile,
      gcmCallMicros: gcmMicros,
      inventory,
    });
    console.log(`\nWritten to ${o.out}`);
  } finally {
    await db.close();
  }
}

async function memory(o: BenchOptions): Promise<void> {
  const keys = makeBenchKeys();
  const info = await openBenchDb(o.databaseUrl, 1);
  const machine = await machineInfo(info).finally(() => info.close());
  const m = await runMemory(o, keys, log);
  const big = o.rows.toLocaleString('en-US');
  console.log(
    `\nkek-rotate bench --memory — peak RSS of the engine worker at ${MEMORY_SMALL_ROWS.toLocaleString('en-US')} and ${big} rows, batch ${m.batchSize}\n`,
  );
  console.log(formatTable(m.measurements, undefined, undefined));
  const mb = (k: 'dry-run' | 'live') => `${m.medians[k].small.toFixed(1)} -> ${m.medians[k].large.toFixed(1)} MB`;
  console.log(
    `\nmedian peak RSS of ${m.rounds} runs, 100,000 -> ${big} rows: dry run ${mb('dry-run')}, live ${mb('live')}`,
  );
  console.log(`ratio ${big} / 100,000: dry run ${m.ratios['dry-run'].toFixed(3)}, live ${m.ratios.live.toFixed(3)}`);
  const targets = checkTargets({
    baseline: undefined,
    ceiling: undefined,
    best: {},
    uiRatio: undefined,
    memoryRatio: Math.max(m.ratios['dry-run'], m.ratios.live),
  }).filter((t) => t.target.startsWith('peak RSS'));
  console.log(formatTargets(targets));
  writeResults(o.out, {
    machine,
    options: { ...o, databaseUrl: undefined },
    runOrder: [
      `per size: seed fresh, then ${o.memoryRounds} times: reset, dry run (own worker), reset, live reencrypt (own worker); ratios of the medians`,
    ],
    measurements: m.measurements,
    targets,
    memory: m,
  });
  console.log(`\nWritten to ${o.out}`);
}

async function main(): Promise<number> {
  let o: BenchOptions;
  const shards = process.argv.includes('--shards');
  try {
    o = parseOptions(
      process.argv.slice(2).filter((a) => a !== '--shards'),
      process.env,
    );
    // Alone, the shard scaling is the whole run: three rounds unless told otherwise.
    if (shards && !process.argv.includes('--shard-rounds')) o = { ...o, shardRounds: 3 };
  } catch (error) {
    if (error instanceof HelpRequested) {
      console.log(`${USAGE}\n${SHARDS_USAGE}`);
      return 0;
    }
    console.error((error as Error).message);
    return 2;
  }
  const snapshot = snapshotBuild();
  setWorkerScript(snapshot.workerPath);
  try {
    if (shards) await runShardBench(o, log, snapshot.workerPath);
    else if (o.memory) await memory(o);
    else {
      await throughput(o);
      // Last: it seeds the table afresh for itself and writes results-shards.json.
      if (o.shardRounds > 0 && !o.inventory) await runShardBench(o, log, snapshot.workerPath);
    }
    return 0;
  } catch (error) {
    console.error(`bench failed: ${(error as Error).stack ?? String(error)}`);
    return 1;
  } finally {
    snapshot.remove();
    if (o.keep) log(`schema ${BENCH_SCHEMA} kept (drop it with: DROP SCHEMA ${BENCH_SCHEMA} CASCADE)`);
    else
      await dropSchema(o.databaseUrl).catch((e: unknown) =>
        console.error(`could not drop schema ${BENCH_SCHEMA}: ${String(e)}`),
      );
  }
}

process.exitCode = await main();
