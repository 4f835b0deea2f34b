// The write half of a batch: one short transaction that locks the rows nobody else holds
// (SKIP LOCKED: the application is never made to wait on us) and writes them with one batched
// compare-and-swap UPDATE, so a value the application changed since we read it is never
// overwritten. Lock timeouts and serialization failures roll the batch back and retry it.
// A lost connection (the adapter reconnects) retries it too; when the lost one may have committed,
// the retry recognises rows that already hold exactly the value we wrote and counts them as written.
import type { Db } from '../db/db.js';
import { ConnectionLostError, isConnectionLoss } from '../db/reconnect.js';
import { DatabaseError } from '../errors.js';
import type { ColumnSql } from './column-sql.js';
import type { RotatedRow } from './rotate-batch.js';
import { sleep } from './sleep.js';
import type { StoredValue } from './source-row.js';

export interface WriteOutcome {
  /** Rows now holding their new value. */
  readonly written: string[];
  /** Rows the application holds locked (or deleted meanwhile): revisit later. */
  readonly notLocked: string[];
  /** Rows we locked whose value is no longer the one we read: the application changed them. */
  readonly changed: string[];
  /** Transactions rolled back on a transient error before this outcome. */
  readonly rollbacks: number;
  /** Set when every attempt failed transiently: all rows are in `notLocked`. */
  readonly gaveUp?: string;
}

export interface WriteLimits {
  readonly lockTimeoutMs: number;
  readonly statementTimeoutMs: number;
  /** Attempts per batch on transient errors. */
  readonly attempts: number;
  readonly signal?: AbortSignal | undefined;
}

// lock_not_available, query_canceled (statement_timeout), serialization_failure, deadlock_detected.
const TRANSIENT = new Set(['55P03', '57014', '40001', '40P01']);

export function isTransient(error: unknown): boolean {
  return TRANSIENT.has((error as { code?: unknown })?.code as string);
}

/** Connection losses one batch may meet before the run gives up on the database (the adapter's budget bounds each outage). */
const MAX_CONNECTION_LOSSES = 10;

/** Whether a stored value is the one we wrote. jsonb comes back as the database renders it, so JSON is compared parsed. */
function sameValue(stored: StoredValue | null, ours: StoredValue): boolean {
  if (stored === null) return false;
  if (Buffer.isBuffer(stored) || Buffer.isBuffer(ours))
    return Buffer.isBuffer(stored) && Buffer.isBuffer(ours) && stored.equals(ours);
  if (stored === ours) return true;
  try {
    return sameJson(JSON.parse(stored), JSON.parse(ours));
  } catch {
    return false;
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every(
      (k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    )
  );
}

async function attempt(
  db: Db,
  sql: ColumnSql,
  rows: readonly RotatedRow[],
  limits: WriteLimits,
  onLocked: (() => void) | undefined,
  mayHaveCommitted: boolean,
) {
  return db.transaction(async (tx) => {
    // Transaction-local, like SET LOCAL, in one round trip.
    await tx.query(sql.setTimeouts, [
      `${Math.trunc(limits.lockTimeoutMs)}ms`,
      `${Math.trunc(limits.statementTimeoutMs)}ms`,
    ]);
    const ids = rows.map((r) => r.id);
    const locked = await tx.query<{ id: string }>(sql.lockFree, [ids]);
    onLocked?.();
    const lockedIds = new Set(locked.rows.map((r) => r.id));
    const mine = rows.filter((r) => lockedIds.has(r.id));
    let writtenIds = new Set<string>();
    if (mine.length > 0) {
      const result = await tx.query<{ id: string }>(sql.compareAndSwap, sql.compareAndSwapParams(mine));
      writtenIds = new Set(result.rows.map((r) => r.id));
    }
    const notMatching = mine.filter((r) => !writtenIds.has(r.id));
    if (mayHaveCommitted && notMatching.length > 0) {
      // An earlier attempt's COMMIT went out and its answer was lost. A row holding exactly the value
      // we wrote then (fresh nonces: nobody else can write the same bytes) is ours, already written.
      const now = new Map(
        (
          await tx.query<{ id: string; value: StoredValue | null }>(sql.reread, [notMatching.map((r) => r.id)])
        ).rows.map((r) => [r.id, r.value]),
      );
      for (const r of notMatching) if (sameValue(now.get(r.id) ?? null, r.next)) writtenIds.add(r.id);
    }
    return {
      written: mine.filter((r) => writtenIds.has(r.id)).map((r) => r.id),
      changed: mine.filter((r) => !writtenIds.has(r.id)).map((r) => r.id),
      notLocked: rows.filter((r) => !lockedIds.has(r.id)).map((r) => r.id),
    };
  });
}

/**
 * Writes `rows` (or reports why not). `onLocked` is called once the rows we could lock are ours
 * (our writes to them can no longer be overtaken), so a pipelined caller may read ahead then.
 */
export async function compareAndSwap(
  db: Db,
  sql: ColumnSql,
  rows: readonly RotatedRow[],
  limits: WriteLimits,
  onLocked?: () => void,
): Promise<WriteOutcome> {
  if (rows.length === 0) return { written: [], notLocked: [], changed: [], rollbacks: 0 };
  let rollbacks = 0;
  let lastProblem = '';
  let mayHaveCommitted = false;
  let losses = 0;
  for (let i = 0; i < limits.attempts; i++) {
    try {
      return { ...(await attempt(db, sql, rows, limits, onLocked, mayHaveCommitted)), rollbacks };
    } catch (error) {
      if (isConnectionLoss(error) && ++losses <= MAX_CONNECTION_LOSSES) {
        // Not one of the `attempts` (those are for locks): the next attempt waits for a new connection.
        i--;
        mayHaveCommitted ||= !(error instanceof ConnectionLostError) || error.commitUnknown;
        lastProblem = `the connection was lost (${(error as { code?: string }).code ?? (error as Error).message})`;
        if (limits.signal?.aborted) break;
        await sleep(25 * 2 ** Math.min(losses, 6), limits.signal);
        continue;
      }
      // Already ours, with its own message and hint (the database could not be reached again, say).
      if (error instanceof DatabaseError) throw error;
      if (!isTransient(error)) {
        const e = error as { message?: string; code?: string };
        throw new DatabaseError(
          `writing a batch failed: ${e.message ?? String(error)}${e.code ? ` (${e.code})` : ''}`,
          'The batch was rolled back; every row is on its old key or the new one. Fix the cause and run again: a rerun continues where this one stopped.',
          { cause: error },
        );
      }
      rollbacks++;
      lastProblem = `${(error as Error).message} (${(error as { code: string }).code})`;
      if (limits.signal?.aborted) break;
      await sleep(50 * 2 ** i, limits.signal);
    }
  }
  return { written: [], changed: [], notLocked: rows.map((r) => r.id), rollbacks, gaveUp: lastProblem };
}
