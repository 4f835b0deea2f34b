// What surrounds a run of the engine, set up before its first statement and taken down after its
// last: the run lock (live runs only, see run-lock.ts), the lock-wait warnings (lock-watch.ts) and
// a warning when the connection is lost and when it is back (the pg adapter reconnects by itself).
import type { Db } from '../db/db.js';
import { formatSeconds, type ConnectionEvent } from '../db/reconnect.js';
import { safeText } from '../text/terminal-safe.js';
import type { EngineEventListener, RunKind } from './events.js';
import { LOCK_WAIT_REPEAT_MS, LOCK_WAIT_WARN_AFTER_MS, watchLockWaits, type LockWatchTiming } from './lock-watch.js';
import { acquireRunLock } from './run-lock.js';
import type { ResolvedColumn } from '../db/column.js';
import type { ShardSpec } from './shard.js';

export interface RunGuardOptions {
  /** Wait for another live run on the same column to finish instead of failing (--wait). */
  waitForLock?: boolean | undefined;
  /** When a statement waiting on a lock is first reported, and how often after (default 3 s, 15 s). */
  lockWatch?: LockWatchTiming | undefined;
  /** --shard I/N: this run covers range I of N of each column (shard.ts); its run lock is the shard's. */
  shard?: ShardSpec | undefined;
}

export interface RunGuardInput extends RunGuardOptions {
  db: Db;
  columns: readonly ResolvedColumn[];
  kind: RunKind;
  signal?: AbortSignal | undefined;
  onEvent: EngineEventListener;
}

export function describeConnectionEvent(event: ConnectionEvent): string {
  return event.type === 'lost'
    ? `lost the connection to the database: ${safeText(event.reason)}; reconnecting for up to ${formatSeconds(event.budgetMs)}`
    : `reconnected to the database after ${formatSeconds(event.afterMs)}; the run goes on where it stood`;
}

/** Starts the guards; the returned function stops them (and releases the run lock). */
export async function startRunGuards(o: RunGuardInput): Promise<() => Promise<void>> {
  const warn = (message: string) => o.onEvent({ type: 'warning', message });
  const unlisten = o.db.watchConnection?.((event) => warn(describeConnectionEvent(event))) ?? (() => undefined);
  const unwatch = watchLockWaits(
    o.db,
    warn,
    o.lockWatch ?? { afterMs: LOCK_WAIT_WARN_AFTER_MS, everyMs: LOCK_WAIT_REPEAT_MS },
  );
  const stopWatching = () => {
    unwatch();
    unlisten();
  };
  try {
    const lock =
      o.kind === 'live'
        ? await acquireRunLock({
            db: o.db,
            columns: o.columns,
            wait: o.waitForLock === true,
            signal: o.signal,
            warn,
            shard: o.shard,
          })
        : undefined;
    return async () => {
      stopWatching();
      await lock?.release();
    };
  } catch (error) {
    stopWatching();
    throw error;
  }
}
