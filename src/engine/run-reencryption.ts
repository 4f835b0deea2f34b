// Entry point of the re-encryption engine: counts every column, then moves each one onto the
// primary key (or, in a dry run, decrypts every value it would move and writes nothing),
// reporting through one stream of typed events and ending with a summary.
import type { RotationMode } from '../crypto/envelope.js';
import type { KeyRing } from '../crypto/key-ring.js';
import type { Db } from '../db/db.js';
import type { ResolvedColumn } from '../db/column.js';
import { buildColumnSql } from './column-sql.js';
import { runColumnPass } from './column-pass.js';
import { ColumnTally } from './column-tally.js';
import type { EngineEventListener, RowFailure, RunSummary, TableCounts } from './events.js';
import { Throttle } from './throttle.js';

export interface ReencryptOptions {
  db: Db;
  ring: KeyRing;
  columns: ResolvedColumn[];
  kind: 'dry-run' | 'live';
  mode: RotationMode;
  batchSize: number;
  /** Rows per second, all columns together; undefined = as fast as the database allows. */
  maxRate?: number | undefined;
  /** Abort: the batch in flight commits or rolls back, then the summary says cancelled. */
  signal?: AbortSignal | undefined;
  onEvent: EngineEventListener;
  lockTimeoutMs?: number;
  statementTimeoutMs?: number;
  now?: () => number;
  /** Waits before each revisit of rows locked by others (default 250, 500, 1000, 2000 ms). */
  revisitDelaysMs?: readonly number[];
  /** Re-reads of a row the application keeps changing under us (default 5). */
  changeRetries?: number;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 2000;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;
export const DEFAULT_REVISIT_DELAYS_MS: readonly number[] = [250, 500, 1000, 2000];
const DEFAULT_CHANGE_RETRIES = 5;
const WRITE_ATTEMPTS = 5;

function checkOptions(o: ReencryptOptions): void {
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${o.batchSize}`);
  for (const [name, value] of [['lockTimeoutMs', o.lockTimeoutMs], ['statementTimeoutMs', o.statementTimeoutMs]] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
}

export async function runReencryption(o: ReencryptOptions): Promise<RunSummary> {
  checkOptions(o);
  const now = o.now ?? Date.now;
  const started = now();
  const sqls = o.columns.map((column) => buildColumnSql(column));
  const totals: number[] = [];
  for (const sql of sqls) {
    const { rows } = await o.db.query<{ n: string }>(sql.count);
    totals.push(Number(rows[0]?.n ?? 0));
  }
  o.onEvent({
    type: 'run-start',
    kind: o.kind,
    mode: o.mode,
    primaryKeyId: o.ring.primary.id,
    keyIds: o.ring.ids(),
    tables: o.columns.map((c, i) => ({ table: c.label, total: totals[i]! })),
  });

  const throttle = new Throttle(o.maxRate, now);
  const tables: TableCounts[] = [];
  const failures: RowFailure[] = [];
  let cancelled = false;
  for (const [i, column] of o.columns.entries()) {
    if (o.signal?.aborted) {
      cancelled = true;
      break;
    }
    const tally = new ColumnTally(column.label, totals[i]!, o.onEvent, now);
    o.onEvent({ type: 'table-start', table: column.label, total: totals[i]! });
    const result = await runColumnPass({
      db: o.db,
      ring: o.ring,
      column,
      sql: sqls[i]!,
      kind: o.kind,
      mode: o.mode,
      batchSize: o.batchSize,
      throttle,
      signal: o.signal,
      write: {
        lockTimeoutMs: o.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
        statementTimeoutMs: o.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
        attempts: WRITE_ATTEMPTS,
        signal: o.signal,
      },
      tally,
      warn: (message) => o.onEvent({ type: 'warning', message }),
      revisitDelaysMs: o.revisitDelaysMs ?? DEFAULT_REVISIT_DELAYS_MS,
      changeRetries: o.changeRetries ?? DEFAULT_CHANGE_RETRIES,
    });
    tally.progress(true);
    const counts = tally.snapshot();
    tables.push(counts);
    failures.push(...tally.failures);
    o.onEvent({ type: 'table-done', counts });
    if (result.cancelled) {
      cancelled = true;
      break;
    }
  }

  const summary: RunSummary = {
    kind: o.kind,
    mode: o.mode,
    primaryKeyId: o.ring.primary.id,
    tables,
    failures,
    cancelled,
    elapsedMs: now() - started,
  };
  o.onEvent({ type: 'run-done', summary });
  return summary;
}
