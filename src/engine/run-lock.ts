// One live run per column at a time. A live run holds a PostgreSQL session-level advisory lock per
// registered column on a connection of its own, for as long as it runs; a second live run on the
// same column is refused with who holds it (pid, application_name, client, since when) or, with
// --wait, waits until it is free. The compare-and-swap keeps two runs correct anyway; the lock
// keeps them from doing the same work twice and from reporting each other's rows as "already done".
//
// Dry runs take no lock: they write nothing, so they can never conflict with a live run, and an
// operator must be able to check where a rotation stands while it runs without being refused or
// making the live run wait.
//
// A shard run (--shard I/N, shard.ts) holds the column's lock shared, with the other shards, and a
// lock of its own shard exclusively: the N shards run side by side, a second process for the same
// shard is refused (or waits), and a whole-column run and a shard run exclude each other.
import { createHash } from 'node:crypto';
import type { Db, DbSession, Queryable } from '../db/db.js';
import type { ResolvedColumn } from '../db/column.js';
import { isConnectionLoss } from '../db/reconnect.js';
import { CancelledError, UserError } from '../errors.js';
import { safeText } from '../text/terminal-safe.js';
import { shardLabel, type ShardSpec } from './shard.js';
import { sleep } from './sleep.js';

/**
 * The advisory lock key of a column: the first 8 bytes of SHA-256 over schema, table and column
 * (NUL-separated, so no two columns share an input), as a signed 64-bit integer in decimal. A
 * `shard` (`shard I/N`, see shardLockSuffix) gives each part of a sharded column its own key.
 */
export function columnLockKey(
  column: { readonly schema: string; readonly table: string; readonly column: string },
  shard?: string,
): string {
  const parts = ['kek-rotate run', column.schema, column.table, column.column, ...(shard === undefined ? [] : [shard])];
  const digest = createHash('sha256').update(parts.join('\0')).digest();
  return digest.readBigInt64BE(0).toString();
}

/** The suffix of the lock key of shard I of N: the same shard of another count is another lock. */
export function shardLockSuffix(shard: ShardSpec): string {
  return `shard ${shardLabel(shard)}`;
}

/** pg_locks shows a bigint advisory key as classid (high 32 bits) and objid (low 32 bits), objsubid 1. */
function lockTag(key: string): { classid: string; objid: string } {
  const unsigned = BigInt.asUintN(64, BigInt(key));
  return { classid: (unsigned >> 32n).toString(), objid: (unsigned & 0xffffffffn).toString() };
}

export interface LockHolder {
  readonly pid: number;
  readonly applicationName: string | undefined;
  /** The client's address, or undefined for a local (Unix socket) connection or when not visible to us. */
  readonly clientAddress: string | undefined;
  /** When the holder's connection started (a run opens its lock connection as it starts). */
  readonly since: string | undefined;
  readonly state: string | undefined;
}

/** Who holds `key` in this database, if anyone (from pg_locks and pg_stat_activity). */
export async function findLockHolder(db: Queryable, key: string): Promise<LockHolder | undefined> {
  const tag = lockTag(key);
  const { rows } = await db.query<{
    pid: number;
    application_name: string | null;
    client: string | null;
    since: Date | string | null;
    state: string | null;
  }>(
    `SELECT l.pid, a.application_name, host(a.client_addr) AS client, a.backend_start AS since, a.state
       FROM pg_catalog.pg_locks l LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
        AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid
        AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
      LIMIT 1`,
    [tag.classid, tag.objid],
  );
  const row = rows[0];
  if (!row) return undefined;
  const since = row.since instanceof Date ? row.since.toISOString() : (row.since ?? undefined);
  return {
    pid: Number(row.pid),
    applicationName: row.application_name ?? undefined,
    clientAddress: row.client ?? undefined,
    since,
    state: row.state ?? undefined,
  };
}

/** `pid 123 (application_name "kek-rotate reencrypt", client 10.0.0.5, since 2025-01-01T10:00:00.000Z)`, made safe to print. */
export function describeHolder(holder: LockHolder | undefined): string {
  if (!holder) return 'a session that has just ended';
  const details = [
    `application_name ${JSON.stringify(safeText(holder.applicationName ?? ''))}`,
    `client ${holder.clientAddress ? safeText(holder.clientAddress) : 'local socket'}`,
    ...(holder.since ? [`since ${safeText(holder.since)}`] : []),
  ];
  return `pid ${holder.pid} (${details.join(', ')})`;
}

/** Another live run holds the column: exit 2, with who and what to do. */
export class RunLockedError extends UserError {
  constructor(
    readonly column: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(
      `another run is re-encrypting ${column}: it is held by ${describeHolder(holder)}`,
      `Wait for that run to finish, or add --wait to start as soon as it does. ` +
        `To look at it: SELECT pid, application_name, client_addr, backend_start, state, query FROM pg_stat_activity WHERE pid = ${holder?.pid ?? '<pid>'};`,
    );
  }
}

export interface RunLockOptions {
  readonly db: Db;
  readonly columns: readonly ResolvedColumn[];
  /** Wait for a held lock instead of failing. */
  readonly wait: boolean;
  readonly signal?: AbortSignal | undefined;
  readonly warn: (message: string) => void;
  /** How often a waiting run tries again (default 500 ms) and says whom it waits for (default 30 s). */
  readonly pollMs?: number;
  readonly remindMs?: number;
  /** A shard run: the column's lock shared, the shard's own exclusively. */
  readonly shard?: ShardSpec | undefined;
}

/** One advisory lock a run takes: its key, what to call it, and whether other holders may share it. */
interface WantedLock {
  readonly key: string;
  readonly label: string;
  readonly shared: boolean;
}

function wantedLocks(o: RunLockOptions): WantedLock[] {
  const all = new Map<string, WantedLock>();
  for (const c of o.columns) {
    const column = columnLockKey(c);
    if (!o.shard) {
      all.set(column, { key: column, label: c.label, shared: false });
      continue;
    }
    all.set(column, { key: column, label: c.label, shared: true });
    const own = columnLockKey(c, shardLockSuffix(o.shard));
    all.set(own, { key: own, label: `${c.label} (shard ${shardLabel(o.shard)})`, shared: false });
  }
  return [...all.values()].sort((a, b) => (BigInt(a.key) < BigInt(b.key) ? -1 : 1));
}

function tryLockSql(lock: WantedLock): string {
  return lock.shared
    ? 'SELECT pg_try_advisory_lock_shared($1::bigint) AS ok'
    : 'SELECT pg_try_advisory_lock($1::bigint) AS ok';
}

export interface RunLock {
  release(): Promise<void>;
}

const NO_LOCK: RunLock = { release: async () => undefined };

/**
 * Takes the lock of every column (in key order, so two waiting runs cannot each hold what the other
 * waits for), or throws RunLockedError. Without a dedicated session (PGlite, one in-process
 * connection) there is nothing to lock against.
 */
export async function acquireRunLock(o: RunLockOptions): Promise<RunLock> {
  if (!o.db.session) return NO_LOCK;
  const wanted = wantedLocks(o);
  let session: DbSession;
  for (let attempt = 1; ; attempt++) {
    session = await o.db.session();
    try {
      for (const lock of wanted) await lockOne(session, lock, o);
      break;
    } catch (error) {
      await session.close().catch(() => undefined);
      // Lost while taking (or waiting for) the locks: whatever we held went with the connection; start over.
      if (!isConnectionLoss(error) || attempt >= 5) throw error;
    }
  }
  let released = false;

  // The connection holding the locks may drop (a restart, pg_terminate_backend): the locks go
  // with it. Take them again on a new connection; if another run got one meanwhile, say so (both
  // runs stay correct: every write is a compare-and-swap).
  const relock = async (error: unknown): Promise<void> => {
    if (released) return;
    o.warn(
      `the connection holding the run lock was lost (${safeText(String((error as Error)?.message ?? error))}); taking the lock again`,
    );
    try {
      const next = await o.db.session!();
      if (released) {
        await next.close();
        return;
      }
      session = next;
      session.onLost((e) => void relock(e));
      for (const { key, label, shared } of wanted) {
        const { rows } = await session.query<{ ok: boolean }>(tryLockSql({ key, label, shared }), [key]);
        if (!rows[0]?.ok) {
          o.warn(
            `${label}: another run took the lock while ours was lost: ${describeHolder(await findLockHolder(session, key))}; this run goes on (every write is a compare-and-swap)`,
          );
        }
      }
    } catch (e) {
      if (!released) o.warn(`could not take the run lock again: ${safeText(String((e as Error)?.message ?? e))}`);
    }
  };
  session.onLost((e) => void relock(e));

  return {
    async release() {
      released = true;
      // Ending the session releases its advisory locks.
      await session.close().catch(() => undefined);
    },
  };
}

async function lockOne(session: DbSession, lock: WantedLock, o: RunLockOptions): Promise<void> {
  const { key, label } = lock;
  let remindedAt = Number.NEGATIVE_INFINITY;
  for (;;) {
    const { rows } = await session.query<{ ok: boolean }>(tryLockSql(lock), [key]);
    if (rows[0]?.ok) return;
    const holder = await findLockHolder(session, key);
    if (!holder) {
      // Released between the two statements: try again.
      await sleep(20, o.signal);
      continue;
    }
    if (!o.wait) throw new RunLockedError(label, holder);
    if (Date.now() - remindedAt >= (o.remindMs ?? 30_000)) {
      remindedAt = Date.now();
      o.warn(`${label}: waiting for the run that holds it to finish: ${describeHolder(holder)}`);
    }
    await sleep(o.pollMs ?? 500, o.signal);
    if (o.signal?.aborted) throw new CancelledError('Cancelled while waiting for another run to finish');
  }
}
