// Entry point of the re-encryption engine: counts every column, then moves each one onto the
// primary key (or, in a dry run, decrypts every value it would move and writes nothing),
// reporting through one stream of typed events and ending with a summary.
import type { RotationMode } from '../crypto/envelope.js';
import type { KeyRing } from '../crypto/key-ring.js';
import type { Db } from '../db/db.js';
import type { ResolvedColumn } from '../db/column.js';
import { buildColumnSql, type ColumnSql } from './column-sql.js';
import { runColumnPass, type MovedRowsListener } from './column-pass.js';
import { ColumnTally, MAX_KEPT_FAILURES } from './column-tally.js';
import { defaultCryptoWorkers, openBatchCrypto, type BatchCrypto } from './crypto-pool.js';
import { splitIdRanges } from './id-ranges.js';
import type { EngineEventListener, LeftBehind, RowFailure, TableCounts } from './events.js';
import { describeLeftBehind, recountColumn } from './recount.js';
import { Throttle } from './throttle.js';
import { startRunGuards, type RunGuardOptions } from './run-guards.js';
import { checkShard, type ShardedRunSummary, type ShardRange } from './shard.js';
import { countInShard, describeShardScope, resolveShardScopes, shardReport } from './shard-run.js';

export interface ReencryptOptions extends RunGuardOptions {
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
  /** Live runs: hears the ids each committed write moved and the key each left (never values). */
  onMoved?: MovedRowsListener | undefined;
  lockTimeoutMs?: number;
  statementTimeoutMs?: number;
  now?: () => number;
  /** Waits before each revisit of rows locked by others (default 250, 500, 1000, 2000 ms). */
  revisitDelaysMs?: readonly number[];
  /** Re-reads of a row the application keeps changing under us (default 5). */
  changeRetries?: number;
  /**
   * Workers on disjoint id ranges of a column, each on its own connection (default 2, at most 8).
   * A column gets fewer when it has under `minRowsPerRange` rows per worker, and PGlite (one
   * connection) always gets 1.
   */
  concurrency?: number;
  /** Rows a range must have for a column to be split (default 20,000: below, splitting is not worth its setup). */
  minRowsPerRange?: number;
  /**
   * Crypto worker threads (0 = on this thread). Default: the cores but two (at most 4; none on a
   * 2-core machine, where they measured slower) when the columns hold at least 20,000 rows
   * together, else 0. Without the compiled worker (dist/) the crypto runs on this thread.
   */
  cryptoWorkers?: number;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 2000;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;
export const DEFAULT_REVISIT_DELAYS_MS: readonly number[] = [250, 500, 1000, 2000];
const DEFAULT_CHANGE_RETRIES = 5;
const WRITE_ATTEMPTS = 5;
/** Two workers keep both cores of a small server busy (one rotating while the other writes)
 * without taking more than two of the application's connections; 8 is the most we allow. */
export const DEFAULT_CONCURRENCY = 2;
export const MAX_CONCURRENCY = 8;
export const DEFAULT_MIN_ROWS_PER_RANGE = 20_000;
const AUTO_WORKERS_MIN_ROWS = 20_000;
/** Failures listed in the summary; beyond this they are counted (and still sent as events). */
export const MAX_LISTED_FAILURES = MAX_KEPT_FAILURES;

function checkOptions(o: ReencryptOptions): void {
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1)
    throw new RangeError(`batchSize must be a positive integer, got ${o.batchSize}`);
  for (const [name, value] of [
    ['lockTimeoutMs', o.lockTimeoutMs],
    ['statementTimeoutMs', o.statementTimeoutMs],
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value > 0))
      throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  const c = o.concurrency;
  if (c !== undefined && !(Number.isInteger(c) && c >= 1 && c <= MAX_CONCURRENCY))
    throw new RangeError(`concurrency must be an integer from 1 to ${MAX_CONCURRENCY}, got ${c}`);
  const w = o.cryptoWorkers;
  if (w !== undefined && !(Number.isInteger(w) && w >= 0 && w <= 64))
    throw new RangeError(`cryptoWorkers must be an integer from 0 to 64, got ${w}`);
  const m = o.minRowsPerRange;
  if (m !== undefined && !(Number.isInteger(m) && m >= 1))
    throw new RangeError(`minRowsPerRange must be a positive integer, got ${m}`);
  if (o.shard) checkShard(o.shard);
}

export async function runReencryption(o: ReencryptOptions): Promise<ShardedRunSummary> {
  checkOptions(o);
  // Around the whole run: the run lock, lock-wait and lost-connection warnings (run-guards.ts).
  const stopGuards = await startRunGuards(o);
  try {
    return await runGuarded(o);
  } finally {
    await stopGuards();
  }
}

async function runGuarded(o: ReencryptOptions): Promise<ShardedRunSummary> {
  const now = o.now ?? Date.now;
  const started = now();
  const sqls = o.columns.map((column) => buildColumnSql(column));
  // --shard I/N (shard-run.ts): each column's range of this shard, from the plan every shard shares.
  // Counts, passes and the recount below stay inside it.
  const shard = o.shard;
  const scopes = shard
    ? await resolveShardScopes(o.db, o.columns, shard, o.ring.primary.id, o.kind, (message) =>
        o.onEvent({ type: 'warning', message }),
      )
    : undefined;
  const totals: number[] = [];
  for (const [i, sql] of sqls.entries()) {
    if (scopes) {
      totals.push(await countInShard(o.db, o.columns[i]!, scopes[i]!.range));
      continue;
    }
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
  let unlistedFailures = 0;
  let cancelled = false;
  const failuresByColumn: RowFailure[][] = [];
  const allRows = totals.reduce((a, b) => a + b, 0);
  const { crypto, fellBack } = openBatchCrypto(
    o.ring,
    o.cryptoWorkers ?? (allRows >= AUTO_WORKERS_MIN_ROWS ? defaultCryptoWorkers() : 0),
  );
  if (fellBack && o.cryptoWorkers !== undefined) {
    o.onEvent({
      type: 'warning',
      message:
        'crypto worker threads are unavailable (the compiled dist/ is missing): the crypto runs on the main thread',
    });
  }
  try {
    for (const [i, column] of o.columns.entries()) {
      if (o.signal?.aborted) {
        cancelled = true;
        break;
      }
      const tally = new ColumnTally(column.label, totals[i]!, o.onEvent, now);
      o.onEvent({ type: 'table-start', table: column.label, total: totals[i]! });
      const result = await runColumn(
        o,
        column,
        sqls[i]!,
        totals[i]!,
        tally,
        throttle,
        crypto,
        scopes?.[i]!.range,
      ).catch((error: unknown) => {
        tally.progress(true); // the counts so far, for the summary printed with the error
        throw error;
      });
      tally.progress(true);
      const counts = tally.snapshot();
      tables.push(counts);
      failuresByColumn.push(tally.failures);
      const room = Math.max(0, MAX_LISTED_FAILURES - failures.length);
      failures.push(...tally.failures.slice(0, room));
      unlistedFailures += tally.failureCount - Math.min(room, tally.failures.length);
      o.onEvent({ type: 'table-done', counts });
      if (result.cancelled) {
        cancelled = true;
        break;
      }
    }
  } finally {
    await crypto.close();
  }

  // A live run that finished reads every column once more: rows an old-key writer put back, or
  // that the run never reached, are found here and make the run not clean (never a silent exit 0).
  let leftBehind: LeftBehind[] | undefined;
  if (o.kind === 'live' && !cancelled) {
    leftBehind = [];
    for (const [i, column] of o.columns.entries()) {
      // A shard recounts its own range only (the other shards recount theirs), and says so.
      const within = scopes?.[i]!.range;
      const recount = within?.empty
        ? { table: column.label, count: 0, byKeyId: {}, rows: [] }
        : await recountColumn(o.db, column, o.ring.primary.id, failuresByColumn[i] ?? [], within?.range);
      leftBehind.push(recount);
      const scope = shard && within ? describeShardScope(shard, within) : undefined;
      if (recount.count > 0)
        o.onEvent({ type: 'warning', message: describeLeftBehind(recount, o.ring.primary.id, scope) });
    }
  }

  const summary: ShardedRunSummary = {
    kind: o.kind,
    mode: o.mode,
    primaryKeyId: o.ring.primary.id,
    tables,
    failures,
    cancelled,
    elapsedMs: now() - started,
    ...(unlistedFailures > 0 ? { unlistedFailures } : {}),
    ...(leftBehind ? { leftBehind } : {}),
    ...(shard && scopes ? { shard: shardReport(shard, scopes) } : {}),
  };
  o.onEvent({ type: 'run-done', summary });
  return summary;
}

/** One column (of a shard: its range `within`): split into id ranges run side by side (each on its own connection), or one pass. */
async function runColumn(
  o: ReencryptOptions,
  column: ResolvedColumn,
  sql: ColumnSql,
  total: number,
  tally: ColumnTally,
  throttle: Throttle,
  crypto: BatchCrypto,
  within?: ShardRange,
) {
  if (within?.empty) return { cancelled: false };
  const wanted = o.db.kind === 'pglite' ? 1 : (o.concurrency ?? DEFAULT_CONCURRENCY);
  const parts = Math.max(1, Math.min(wanted, Math.floor(total / (o.minRowsPerRange ?? DEFAULT_MIN_ROWS_PER_RANGE))));
  const ranges = parts > 1 ? await splitIdRanges(o.db, column, total, parts, within?.range) : [within?.range];
  const forks: Db[] = [];
  // A range that fails stops the others (they finish their batch in flight), then the error is thrown.
  const failed = new AbortController();
  const signal = o.signal ? AbortSignal.any([o.signal, failed.signal]) : failed.signal;
  try {
    for (let i = 1; i < ranges.length; i++) forks.push(await o.db.fork());
    const settled = await Promise.allSettled(
      ranges.map((range, i) =>
        runColumnPass({
          db: i === 0 ? o.db : forks[i - 1]!,
          ring: o.ring,
          crypto,
          column,
          sql,
          kind: o.kind,
          mode: o.mode,
          batchSize: o.batchSize,
          range,
          throttle,
          signal,
          write: {
            lockTimeoutMs: o.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
            statementTimeoutMs: o.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
            attempts: WRITE_ATTEMPTS,
            signal,
          },
          tally,
          warn: (message) => o.onEvent({ type: 'warning', message }),
          revisitDelaysMs: o.revisitDelaysMs ?? DEFAULT_REVISIT_DELAYS_MS,
          changeRetries: o.changeRetries ?? DEFAULT_CHANGE_RETRIES,
          onMoved: o.onMoved,
        }).catch((error: unknown) => {
          failed.abort();
          throw error;
        }),
      ),
    );
    const error = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (error) throw error.reason;
    return { cancelled: settled.some((r) => r.status === 'fulfilled' && r.value.cancelled) };
  } finally {
    await Promise.all(forks.map((f) => f.close().catch(() => undefined)));
  }
}
