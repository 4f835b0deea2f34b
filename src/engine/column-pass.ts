// One column (or one id range of it), start to finish: the main keyset pass (read a page, rotate
// it outside any transaction, compare-and-swap it in one short transaction), immediate retries for
// rows the application changed meanwhile, then a few delayed revisits of rows others held locked.
// The pass is pipelined: the next page is read and rotated while this one is being written.
import type { RotationMode } from '../crypto/envelope.js';
import type { KeyRing } from '../crypto/key-ring.js';
import type { Db } from '../db/db.js';
import type { ResolvedColumn } from '../db/column.js';
import type { ColumnSql } from './column-sql.js';
import type { ColumnTally } from './column-tally.js';
import { compareAndSwap, type WriteLimits } from './compare-and-swap.js';
import type { RunKind } from './events.js';
import { KeysetReader, type KeysetRange } from './keyset-reader.js';
import type { BatchCrypto } from './crypto-pool.js';
import type { RotatedBatch } from './rotate-batch.js';
import { sleep } from './sleep.js';
import type { SourceRow } from './source-row.js';
import type { Throttle } from './throttle.js';

export interface ColumnPassOptions {
  readonly db: Db;
  readonly ring: KeyRing;
  /** Where the crypto runs (this thread or workers). */
  readonly crypto: BatchCrypto;
  readonly column: ResolvedColumn;
  readonly sql: ColumnSql;
  readonly kind: RunKind;
  readonly mode: RotationMode;
  readonly batchSize: number;
  readonly range?: KeysetRange | undefined;
  readonly throttle: Throttle;
  readonly signal?: AbortSignal | undefined;
  readonly write: WriteLimits;
  readonly tally: ColumnTally;
  readonly warn: (message: string) => void;
  /** Waits before each revisit of rows locked by others; their number is the number of revisits. */
  readonly revisitDelaysMs: readonly number[];
  /** How many times a row the application keeps changing is re-read and retried. */
  readonly changeRetries: number;
  /** Hears the rows each committed write moved, with the key each was on (emergency checklist). */
  readonly onMoved?: MovedRowsListener | undefined;
}

/** Rows one committed write moved onto the primary, each with the key id it left. */
export type MovedRowsListener = (
  table: string,
  rows: readonly { readonly id: string; readonly fromKeyId: string }[],
) => void;

interface Page {
  readonly rows: SourceRow[];
  readonly rotated: RotatedBatch | undefined;
}

export interface ColumnPassResult {
  readonly cancelled: boolean;
}

export async function runColumnPass(o: ColumnPassOptions): Promise<ColumnPassResult> {
  const { tally, sql, db } = o;
  const aborted = () => o.signal?.aborted === true;
  const work = o.kind === 'dry-run' ? 'decrypt' : o.mode;
  // Rows we could not lock (held by the application, or deleted): id -> key id last seen.
  const deferred = new Map<string, string | undefined>();

  const reread = async (ids: readonly string[]): Promise<SourceRow[]> => {
    const { rows } = await db.query<SourceRow>(sql.reread, [ids]);
    tally.add('vanished', ids.length - rows.length);
    return rows;
  };

  /** Brings rows to a final outcome, or defers them; counts each row exactly once. */
  const settle = async (
    rows: readonly SourceRow[],
    firstRead: boolean,
    rotated?: RotatedBatch,
    onLocked?: () => void,
  ): Promise<void> => {
    let pending = rows;
    for (let round = 0; pending.length > 0; round++) {
      const batch = round === 0 && rotated ? rotated : await o.crypto.rotate(pending, work);
      if (firstRead && round === 0) tally.keyIdsFound(batch.keyIds);
      tally.add('nulls', batch.nulls.length);
      tally.add('alreadyPrimary', batch.alreadyPrimary.length);
      for (const u of batch.unreadable) {
        tally.fail({ table: o.column.label, id: u.id, keyId: u.keyId, problem: u.problem, reason: u.reason });
      }
      if (o.kind === 'dry-run') {
        tally.add('rotated', batch.rotated.length);
        return;
      }
      const out = await compareAndSwap(db, sql, batch.rotated, o.write, round === 0 ? onLocked : undefined);
      if (out.gaveUp !== undefined) {
        o.warn(
          `${o.column.label}: a batch of ${batch.rotated.length} rows was rolled back ${out.rollbacks} times (${out.gaveUp}); it will be revisited`,
        );
      }
      tally.add('rotated', out.written.length);
      const keyIdOf = new Map(batch.rotated.map((r) => [r.id, r.fromKeyId]));
      if (o.onMoved && out.written.length > 0)
        o.onMoved(
          o.column.label,
          out.written.map((id) => ({ id, fromKeyId: keyIdOf.get(id)! })),
        );
      for (const id of out.notLocked) deferred.set(id, keyIdOf.get(id));
      if (out.changed.length === 0) return;
      tally.retried(out.changed.length);
      if (round >= o.changeRetries || aborted()) {
        for (const id of out.changed) {
          tally.fail({
            table: o.column.label,
            id,
            keyId: keyIdOf.get(id),
            problem: 'write-failed',
            reason: `the application changed this row on each of ${round + 1} attempts; left as the application wrote it`,
          });
        }
        return;
      }
      pending = await reread(out.changed);
    }
  };

  // The pipeline. Page N+1 is read and rotated while page N is written, but its read starts only
  // once page N's rows are locked by our write (or, in a dry run, at once): so at most one page is
  // ever read and not yet locked, the same window for the application to change a row under us as
  // a one-page-at-a-time pass, and an application's DELETE of rows we are writing waits for our
  // commit instead of making them vanish. Queue depth is one page: memory stays flat.
  const reader = new KeysetReader(db, sql, o.batchSize, o.range);
  const fetchAndRotate = async (): Promise<Page> => {
    const rows = await reader.next();
    return { rows, rotated: rows.length > 0 ? await o.crypto.rotate(rows, work) : undefined };
  };
  let next: Promise<Page> | undefined = fetchAndRotate();
  while (next) {
    const page = await next;
    next = undefined;
    if (page.rows.length === 0 || aborted()) break;
    const readAhead = () => {
      if (next || aborted()) return;
      next = fetchAndRotate();
      next.catch(() => undefined); // awaited below; this only keeps a failure from being "unhandled" meanwhile
    };
    if (o.kind === 'dry-run') readAhead();
    await settle(page.rows, true, page.rotated, readAhead);
    tally.progress();
    await o.throttle.consume(page.rows.length, o.signal);
    if (aborted()) {
      // A read already on its way finishes (its rows are not counted) before the run reports.
      await (next as Promise<Page> | undefined)?.catch(() => undefined);
      break;
    }
    readAhead();
  }

  for (const delay of o.revisitDelaysMs) {
    if (deferred.size === 0 || aborted()) break;
    o.warn(`${o.column.label}: ${deferred.size} rows are locked by other transactions; revisiting them in ${delay} ms`);
    await sleep(delay, o.signal);
    if (aborted()) break;
    const ids = [...deferred.keys()];
    deferred.clear();
    for (let i = 0; i < ids.length && !aborted(); i += o.batchSize) {
      await settle(await reread(ids.slice(i, i + o.batchSize)), false);
      tally.progress();
    }
  }

  if (aborted()) return { cancelled: true };
  for (const [id, keyId] of deferred) {
    tally.fail(
      {
        table: o.column.label,
        id,
        keyId,
        problem: 'locked',
        reason: `locked by another transaction through ${o.revisitDelaysMs.length} revisits; left on its old key`,
      },
      'skippedLocked',
    );
  }
  return { cancelled: false };
}
