// The write half of a batch: one short transaction that locks the rows nobody else holds
// (SKIP LOCKED: the application is never made to wait on us) and writes them with one batched
// compare-and-swap UPDATE, so a value the application changed since we read it is never
// overwritten. Lock timeouts and serialization failures roll the batch back and retry it.
import type { Db } from '../db/db.js';
import { DatabaseError } from '../errors.js';
import type { ColumnSql } from './column-sql.js';
import type { RotatedRow } from './rotate-batch.js';
import { sleep } from './sleep.js';

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

async function attempt(db: Db, sql: ColumnSql, rows: readonly RotatedRow[], limits: WriteLimits, onLocked: (() => void) | undefined) {
  return db.transaction(async (tx) => {
    // Transaction-local, like SET LOCAL, in one round trip.
    await tx.query(sql.setTimeouts, [`${Math.trunc(limits.lockTimeoutMs)}ms`, `${Math.trunc(limits.statementTimeoutMs)}ms`]);
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
export async function compareAndSwap(db: Db, sql: ColumnSql, rows: readonly RotatedRow[], limits: WriteLimits, onLocked?: () => void): Promise<WriteOutcome> {
  if (rows.length === 0) return { written: [], notLocked: [], changed: [], rollbacks: 0 };
  let rollbacks = 0;
  let lastProblem = '';
  for (let i = 0; i < limits.attempts; i++) {
    try {
      return { ...(await attempt(db, sql, rows, limits, onLocked)), rollbacks };
    } catch (error) {
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
