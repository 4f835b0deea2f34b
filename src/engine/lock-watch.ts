// A statement of the engine that waits on someone else's lock is reported instead of leaving the
// operator in silence: once it has waited LOCK_WAIT_WARN_AFTER_MS, and again every
// LOCK_WAIT_REPEAT_MS while it still waits, a warning names what waits on what, from
// pg_blocking_pids() and pg_stat_activity (the blocker's pid, application_name, state, when its
// query started and the query's first characters, control characters replaced).
// Typical cause: an ACCESS EXCLUSIVE lock (a migration's ALTER TABLE, a LOCK TABLE, a VACUUM FULL)
// held on the table in an open transaction; our page reads run without a lock timeout and wait.
import type { Db, SlowStatement } from '../db/db.js';
import { formatSeconds } from '../db/reconnect.js';
import { safeText } from '../text/terminal-safe.js';

export const LOCK_WAIT_WARN_AFTER_MS = 3_000;
export const LOCK_WAIT_REPEAT_MS = 15_000;
/** How much of the blocker's query is shown. */
const QUERY_CHARS = 80;

export interface LockWatchTiming {
  readonly afterMs: number;
  readonly everyMs: number;
}

interface BlockerRow {
  waiting_for: string | null;
  pid: number;
  application_name: string | null;
  state: string | null;
  query_start: Date | string | null;
  query: string | null;
}

const BLOCKERS_SQL = `
SELECT (SELECT string_agg(DISTINCT l.mode || ' on ' || coalesce(l.relation::regclass::text, l.locktype), ', ')
          FROM pg_catalog.pg_locks l WHERE l.pid = $1 AND NOT l.granted) AS waiting_for,
       b.pid, b.application_name, b.state, b.query_start, left(b.query, ${QUERY_CHARS + 1}) AS query
  FROM unnest(pg_catalog.pg_blocking_pids($1)) AS bp(pid)
  JOIN pg_catalog.pg_stat_activity b ON b.pid = bp.pid
 ORDER BY b.pid`;

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return safeText(flat.length > max ? `${flat.slice(0, max)}…` : flat);
}

function describeBlocker(b: BlockerRow): string {
  const start = b.query_start instanceof Date ? b.query_start.toISOString() : b.query_start;
  const parts = [
    `application_name ${JSON.stringify(safeText(b.application_name ?? ''))}`,
    `state ${safeText(b.state ?? 'unknown')}`,
    ...(start ? [`query started ${safeText(start)}`] : []),
    ...(b.query ? [`query ${JSON.stringify(oneLine(b.query, QUERY_CHARS))}`] : []),
  ];
  return `pid ${b.pid} (${parts.join(', ')})`;
}

/** The warning for one waiting statement, or undefined when nobody blocks it (it is merely slow). */
export async function describeLockWait(db: Db, slow: SlowStatement): Promise<string | undefined> {
  const { rows } = await db.query<BlockerRow>(BLOCKERS_SQL, [slow.pid]);
  if (rows.length === 0) return undefined;
  const waitingFor = rows[0]!.waiting_for ? ` for ${safeText(rows[0]!.waiting_for)}` : '';
  return (
    `waiting for a lock for ${formatSeconds(slow.elapsedMs)}: our statement ${oneLine(slow.statement, 60)} (pid ${slow.pid}) waits${waitingFor}, ` +
    `held by ${rows.map(describeBlocker).join('; ')}`
  );
}

/**
 * Watches every statement of `db` and its forks until the returned function is called. PGlite
 * (one connection, nobody else to wait on) is not watched.
 */
export function watchLockWaits(
  db: Db,
  warn: (message: string) => void,
  timing: LockWatchTiming = { afterMs: LOCK_WAIT_WARN_AFTER_MS, everyMs: LOCK_WAIT_REPEAT_MS },
): () => void {
  if (!db.watchSlowStatements) return () => undefined;
  let stopped = false;
  const unwatch = db.watchSlowStatements({
    ...timing,
    onSlow(slow) {
      describeLockWait(db, slow).then(
        (message) => {
          if (message && !stopped) warn(message);
        },
        () => undefined, // the watch is a courtesy: its own failure must not disturb the run
      );
    },
  });
  return () => {
    stopped = true;
    unwatch();
  };
}
