// Where the engine's time goes, stage by stage, on the same data and batch size: fetching every
// page (keyset reads only), the crypto alone (rotateBatch over the fetched rows, in memory), and
// the write path alone (the engine's own compareAndSwap with precomputed values), each with the
// client CPU it took; and, first, a row's client CPU split into its parts (cpu-parts.ts). Set beside the
// engine run's client CPU per row, they show where its microseconds go (issue 11).
import type { Db } from '../src/db/db.js';
import { resolveColumns } from '../src/db/registry.js';
import { buildColumnSql } from '../src/engine/column-sql.js';
import { compareAndSwap } from '../src/engine/compare-and-swap.js';
import { KeysetReader } from '../src/engine/keyset-reader.js';
import { rotateBatch, type RotatedRow } from '../src/engine/rotate-batch.js';
import type { SourceRow } from '../src/engine/source-row.js';
import { BENCH_COLUMNS } from './bench-db.js';
import { rotationRing, type BenchKeys } from './bench-keys.js';
import { gcMeter, measureCpuParts, SAMPLE_ROWS, type CpuParts } from './cpu-parts.js';
import { resetTable } from './reset.js';

export interface StageTiming {
  stage: string;
  rows: number;
  seconds: number;
  /** This process's CPU (every thread) during the stage, per row: the driver's and engine's work on the client. */
  clientMicrosPerRow: number;
  /** Main-thread garbage collection during the stage, per row (part of clientMicrosPerRow). */
  gcMicrosPerRow: number;
}

export interface Profile {
  stages: StageTiming[];
  parts: CpuParts;
}

function since(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

export async function profileStages(
  db: Db,
  keys: BenchKeys,
  batchSize: number,
  gcmMicros: number,
  log: (line: string) => void,
): Promise<Profile> {
  const ring = rotationRing(keys);
  const [column] = await resolveColumns(db, BENCH_COLUMNS);
  const sql = buildColumnSql(column!);
  const out: StageTiming[] = [];
  const gc = gcMeter();
  let cpuBefore = process.cpuUsage();
  const start = async () => {
    await gc.take();
    cpuBefore = process.cpuUsage();
    return process.hrtime.bigint();
  };
  const record = async (stage: string, rows: number, seconds: number) => {
    const cpu = process.cpuUsage(cpuBefore);
    const timing = {
      stage,
      rows,
      seconds,
      clientMicrosPerRow: (cpu.user + cpu.system) / rows,
      gcMicrosPerRow: ((await gc.take()) * 1000) / rows,
    };
    out.push(timing);
    log(
      `  ${stage.padEnd(44)} ${seconds.toFixed(2).padStart(7)} s  ${Math.round(rows / seconds)
        .toLocaleString('en-US')
        .padStart(9)} rows/s  client ${timing.clientMicrosPerRow.toFixed(1)} µs/row`,
    );
  };

  await resetTable(db);
  // The parts first, on a sample read on its own, while this process holds nothing else: measured
  // after the stages below, every collection would also trace their 200,000 retained rows, and the
  // parts read up to half as much again as the engine run spent on a whole row.
  log('  client CPU per row, part by part (each alone, one thread, on a sample of the rows)');
  const sample: SourceRow[][] = [];
  const sampleReader = new KeysetReader(db, sql, batchSize);
  for (
    let n = 0, page = await sampleReader.next();
    page.length > 0 && n < SAMPLE_ROWS;
    page = await sampleReader.next()
  ) {
    sample.push(page);
    n += page.length;
  }
  const parts = await measureCpuParts(ring, sample, gcmMicros);
  sample.length = 0;

  let started = await start();
  const pages: SourceRow[][] = [];
  const reader = new KeysetReader(db, sql, batchSize);
  for (let page = await reader.next(); page.length > 0; page = await reader.next()) pages.push(page);
  const total = pages.reduce((n, p) => n + p.length, 0);
  await record(`fetch (engine keyset pages of ${batchSize})`, total, since(started));

  // The same pages ordered by the table's id column: the engine's SQL says ORDER BY "id", which
  // PostgreSQL resolves to the output alias `id::text`, so each page sorts every remaining row.
  started = await start();
  let indexOrdered = 0;
  const page = `SELECT t.id::text AS id, t.api_key_encrypted AS value FROM llm_providers t WHERE t.id > $1::uuid ORDER BY t.id LIMIT $2`;
  for (let last = '00000000-0000-0000-0000-000000000000'; ;) {
    const { rows } = await db.query<SourceRow>(page, [last, batchSize]);
    indexOrdered += rows.length;
    if (rows.length < batchSize) break;
    last = rows[rows.length - 1]!.id;
  }
  await record(`fetch (same pages, ORDER BY t.id: index order)`, indexOrdered, since(started));

  let rotated: RotatedRow[][] = [];
  for (const mode of ['rewrap', 'reencrypt'] as const) {
    started = await start();
    rotated = pages.map((p) => rotateBatch(ring, p, mode).rotated);
    await record(`crypto ${mode} (rotateBatch, 1 thread)`, total, since(started));
  }

  const limits = { lockTimeoutMs: 2000, statementTimeoutMs: 30_000, attempts: 5 };
  started = await start();
  let written = 0;
  for (const batch of rotated) written += (await compareAndSwap(db, sql, batch, limits)).written.length;
  await record('write (engine compareAndSwap: lock + CAS tx)', written, since(started));

  // The same UPDATE without the SKIP LOCKED pre-lock and SET LOCALs: what the extra round trips cost.
  await resetTable(db);
  started = await start();
  written = 0;
  for (const batch of rotated) {
    written += await db.transaction(async (tx) => {
      const result = await tx.query(sql.compareAndSwap, sql.compareAndSwapParams(batch));
      return result.rowCount;
    });
  }
  await record('write (CAS UPDATE only, 1 statement per tx)', written, since(started));
  gc.stop();
  return { stages: out, parts };
}
