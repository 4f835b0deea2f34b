// Where the engine's time goes, stage by stage, on the same data and batch size: fetching every
// page (keyset reads only), the crypto alone (rotateBatch over the fetched rows, in memory), and
// the write path alone (the engine's own compareAndSwap with precomputed values). The engine
// today runs these one after the other, so their sum is close to its time; the largest one bounds
// what overlapping them (issue 5) can reach.
import type { Db } from '../src/db/db.js';
import { resolveColumns } from '../src/db/registry.js';
import { buildColumnSql } from '../src/engine/column-sql.js';
import { compareAndSwap } from '../src/engine/compare-and-swap.js';
import { KeysetReader } from '../src/engine/keyset-reader.js';
import { rotateBatch, type RotatedRow } from '../src/engine/rotate-batch.js';
import type { SourceRow } from '../src/engine/source-row.js';
import { BENCH_COLUMNS } from './bench-db.js';
import { rotationRing, type BenchKeys } from './bench-keys.js';
import { resetTable } from './reset.js';

export interface StageTiming {
  stage: string;
  rows: number;
  seconds: number;
}

function since(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

export async function profileStages(
  db: Db,
  keys: BenchKeys,
  batchSize: number,
  log: (line: string) => void,
): Promise<StageTiming[]> {
  const ring = rotationRing(keys);
  const [column] = await resolveColumns(db, BENCH_COLUMNS);
  const sql = buildColumnSql(column!);
  const out: StageTiming[] = [];
  const record = (stage: string, rows: number, seconds: number) => {
    out.push({ stage, rows, seconds });
    log(
      `  ${stage.padEnd(44)} ${seconds.toFixed(2).padStart(7)} s  ${Math.round(rows / seconds)
        .toLocaleString('en-US')
        .padStart(9)} rows/s`,
    );
  };

  await resetTable(db);
  let started = process.hrtime.bigint();
  const pages: SourceRow[][] = [];
  const reader = new KeysetReader(db, sql, batchSize);
  for (let page = await reader.next(); page.length > 0; page = await reader.next()) pages.push(page);
  const total = pages.reduce((n, p) => n + p.length, 0);
  record(`fetch (engine keyset pages of ${batchSize})`, total, since(started));

  // The same pages ordered by the table's id column: the engine's SQL says ORDER BY "id", which
  // PostgreSQL resolves to the output alias `id::text`, so each page sorts every remaining row.
  started = process.hrtime.bigint();
  let indexOrdered = 0;
  const page = `SELECT t.id::text AS id, t.api_key_encrypted AS value FROM llm_providers t WHERE t.id > $1::uuid ORDER BY t.id LIMIT $2`;
  for (let last = '00000000-0000-0000-0000-000000000000'; ;) {
    const { rows } = await db.query<SourceRow>(page, [last, batchSize]);
    indexOrdered += rows.length;
    if (rows.length < batchSize) break;
    last = rows[rows.length - 1]!.id;
  }
  record(`fetch (same pages, ORDER BY t.id: index order)`, indexOrdered, since(started));

  let rotated: RotatedRow[][] = [];
  for (const mode of ['rewrap', 'reencrypt'] as const) {
    started = process.hrtime.bigint();
    rotated = pages.map((p) => rotateBatch(ring, p, mode).rotated);
    record(`crypto ${mode} (rotateBatch, 1 thread)`, total, since(started));
  }

  const limits = { lockTimeoutMs: 2000, statementTimeoutMs: 30_000, attempts: 5 };
  started = process.hrtime.bigint();
  let written = 0;
  for (const batch of rotated) written += (await compareAndSwap(db, sql, batch, limits)).written.length;
  record('write (engine compareAndSwap: lock + CAS tx)', written, since(started));

  // The same UPDATE without the SKIP LOCKED pre-lock and SET LOCALs: what the extra round trips cost.
  await resetTable(db);
  started = process.hrtime.bigint();
  written = 0;
  for (const batch of rotated) {
    written += await db.transaction(async (tx) => {
      const result = await tx.query(sql.compareAndSwap, sql.compareAndSwapParams(batch));
      return result.rowCount;
    });
  }
  record('write (CAS UPDATE only, 1 statement per tx)', written, since(started));
  return out;
}
