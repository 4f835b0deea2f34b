// The `pg` adapter: a small pool against a PostgreSQL server. Connection failures become
// DatabaseErrors that show the URL with its password masked.
//
// Lost connections (a restart, a failover, pg_terminate_backend; see reconnect.ts) never surface as
// an unhandled 'error' event: every client carries a listener while it is ours and the pool's
// while it is idle. A statement outside a transaction that cannot have changed anything (a read)
// is run again on a new connection, with backoff, until the reconnect budget runs out; so is
// anything that failed before reaching the server (the connect itself). A transaction cut half
// way is reported to its caller as a ConnectionLostError: only the caller knows whether its work
// may be repeated. Named statements are prepared per connection, so a new one prepares them again.
import pg from 'pg';
import { DatabaseError } from '../errors.js';
import {
  statementText,
  type Db,
  type DbSession,
  type QueryResult,
  type Queryable,
  type SlowStatementWatch,
  type Statement,
} from './db.js';
import { maskDatabaseUrl, maskPasswordsInText } from './mask-url.js';
import {
  ConnectionLostError,
  DEFAULT_RECONNECT_BUDGET_MS,
  ReconnectState,
  describeDriverError,
  isConnectionLoss,
} from './reconnect.js';

export interface PgOptions {
  connectionString: string;
  /** Connections the pool may open (the engine's --concurrency decides). */
  max?: number;
  applicationName?: string;
  /** What to show for this database (default: the URL, password masked). */
  label?: string;
  /** How long to keep reconnecting once a connection is lost (default DEFAULT_RECONNECT_BUDGET_MS). */
  reconnectBudgetMs?: number;
}

/** What a database shares with its forks: one outage clock and budget, one set of watchers. */
interface Shared {
  readonly reconnect: ReconnectState;
  readonly watches: Set<SlowStatementWatch>;
}

// Outside a transaction, a statement is run again after a lost connection only if it cannot have
// changed anything: a plain read. Anything else (or anything unsure) fails as ConnectionLostError.
const READS = /^\s*(SELECT|WITH|SHOW|VALUES|TABLE)\b/i;
const MAY_WRITE =
  /\b(INSERT|UPDATE|DELETE|MERGE|TRUNCATE|COPY|CALL|DO|INTO|nextval|setval|set_config|pg_(try_)?advisory_\w+|pg_terminate_backend|pg_cancel_backend|lo_\w+)\b/i;
const repeatable = new Map<string, boolean>();

function isRepeatable(sql: Statement): boolean {
  const text = statementText(sql);
  let known = repeatable.get(text);
  if (known === undefined) {
    known = READS.test(text) && !MAY_WRITE.test(text);
    if (repeatable.size < 1000) repeatable.set(text, known);
  }
  return known;
}

/** How a statement is named in a lock-wait warning: its name, or its first words; never its parameters. */
function statementLabel(sql: Statement): string {
  if (typeof sql !== 'string') return sql.name.replace(/^kek_[0-9a-f]+_/, '');
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 60)}…` : flat;
}

const swallow = (): void => undefined;

async function execute<Row>(
  client: pg.ClientBase,
  sql: Statement,
  params: unknown[] | undefined,
  watches: Set<SlowStatementWatch>,
): Promise<QueryResult<Row>> {
  const timers = watches.size > 0 ? watchStatement(client, sql, watches) : undefined;
  try {
    const result =
      typeof sql === 'string'
        ? await client.query(sql, params)
        : await client.query({ name: sql.name, text: sql.text, values: params ?? [] });
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
  } finally {
    if (timers) for (const t of timers) clearTimeout(t.handle);
  }
}

function watchStatement(
  client: pg.ClientBase,
  sql: Statement,
  watches: Set<SlowStatementWatch>,
): { handle: NodeJS.Timeout }[] {
  const pid = (client as unknown as { processID?: number | null }).processID;
  if (typeof pid !== 'number') return [];
  const started = Date.now();
  return [...watches].map((watch) => {
    const timer = { handle: undefined as unknown as NodeJS.Timeout };
    const fire = () => {
      watch.onSlow({ pid, statement: statementLabel(sql), elapsedMs: Date.now() - started });
      timer.handle = setTimeout(fire, watch.everyMs);
      timer.handle.unref();
    };
    timer.handle = setTimeout(fire, watch.afterMs);
    timer.handle.unref();
    return timer;
  });
}

export async function openPg(options: PgOptions): Promise<Db> {
  return openShared(options, undefined);
}

async function openShared(options: PgOptions, inherited: Shared | undefined): Promise<Db> {
  const label = options.label ?? maskDatabaseUrl(options.connectionString);
  const shared: Shared = inherited ?? {
    reconnect: new ReconnectState(label, options.reconnectBudgetMs ?? DEFAULT_RECONNECT_BUDGET_MS),
    watches: new Set(),
  };
  const { reconnect, watches } = shared;
  const applicationName = options.applicationName ?? 'kek-rotate';
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 4,
    application_name: applicationName,
    connectionTimeoutMillis: 10_000,
  });
  let closed = false;
  // An idle client losing its connection: the pool drops it and the next statement gets a new one;
  // it still starts an outage (reported once, ended by the next statement that succeeds).
  pool.on('error', (error) => {
    if (!closed && isConnectionLoss(error)) reconnect.lost(error);
  });
  // A client handed out is ours until released: a connection error while we hold it reaches the
  // statement, not the process. The listener goes on in 'acquire', which the pool emits before it
  // takes its own idle listener off and hands the client over: a new connection's first packet can
  // carry the server's FATAL right behind its ReadyForQuery, and the driver emits it in the same
  // tick, before the code that asked for the client runs again (seen as an uncaught 57P01 while
  // backends were being terminated).
  pool.on('acquire', (client) => {
    client.off('error', swallow);
    client.on('error', swallow);
  });

  if (!inherited) {
    // The first connection is not retried: a wrong URL or a server that is not there must say so at once.
    try {
      const client = await pool.connect();
      client.release();
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw new DatabaseError(
        `cannot connect to ${label}: ${maskPasswordsInText(describeDriverError(error), options.connectionString)}`,
        'Check DATABASE_URL (host, port, user, database, sslmode) and that the server accepts connections from here.',
        { cause: error },
      );
    }
  }

  /** A client of the pool, reconnecting (with backoff, within the budget) while the server cannot be reached. */
  const checkout = async (): Promise<pg.PoolClient> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await pool.connect(); // with its error listener (the 'acquire' handler above)
      } catch (error) {
        if (closed || !isConnectionLoss(error)) throw error;
        await reconnect.backoff(attempt, error);
      }
    }
  };
  const release = (client: pg.PoolClient, lost?: unknown) => {
    client.off('error', swallow);
    // With an error the pool destroys the client instead of keeping a dead connection.
    client.release(lost === undefined ? undefined : lost instanceof Error ? lost : new Error(String(lost)));
  };

  const db: Db = {
    kind: 'pg',
    label,
    async query<Row>(sql: Statement, params?: unknown[]): Promise<QueryResult<Row>> {
      for (let attempt = 0; ; attempt++) {
        const client = await checkout();
        try {
          const result = await execute<Row>(client, sql, params, watches);
          release(client);
          reconnect.ok();
          return result;
        } catch (error) {
          const lost = isConnectionLoss(error);
          release(client, lost ? error : undefined);
          if (!lost || closed) throw error;
          if (!isRepeatable(sql)) {
            reconnect.lost(error);
            throw new ConnectionLostError(true, error, label);
          }
          await reconnect.backoff(attempt, error);
        }
      }
    },
    async transaction(work) {
      let client: pg.PoolClient;
      for (let attempt = 0; ; attempt++) {
        client = await checkout();
        try {
          await client.query('BEGIN');
          break;
        } catch (error) {
          const lost = isConnectionLoss(error);
          release(client, lost ? error : undefined);
          if (!lost || closed) throw error;
          await reconnect.backoff(attempt, error); // nothing was done yet: safe to start over
        }
      }
      const tx: Queryable = { query: (sql, params) => execute(client, sql, params, watches) };
      let committing = false;
      try {
        const result = await work(tx);
        committing = true;
        await client.query('COMMIT');
        release(client);
        reconnect.ok();
        return result;
      } catch (error) {
        if (isConnectionLoss(error) && !(error instanceof ConnectionLostError)) {
          release(client, error);
          reconnect.lost(error);
          // Before COMMIT was sent the server rolled the transaction back; after, nobody knows.
          throw new ConnectionLostError(committing, error, label);
        }
        await client.query('ROLLBACK').catch(swallow);
        release(client);
        throw error;
      }
    },
    fork: () => openShared(options, shared),
    async close() {
      closed = true;
      await pool.end();
    },
    watchConnection: (listener) => reconnect.listen(listener),
    watchSlowStatements(watch) {
      watches.add(watch);
      return () => watches.delete(watch);
    },
    async session(): Promise<DbSession> {
      let client: pg.Client;
      for (let attempt = 0; ; attempt++) {
        client = new pg.Client({
          connectionString: options.connectionString,
          application_name: applicationName,
          connectionTimeoutMillis: 10_000,
        });
        client.on('error', swallow);
        try {
          await client.connect();
          reconnect.ok();
          break;
        } catch (error) {
          await client.end().catch(swallow);
          if (closed || !isConnectionLoss(error)) throw error;
          await reconnect.backoff(attempt, error);
        }
      }
      let ending = false;
      let lost = false;
      const listeners: ((error: unknown) => void)[] = [];
      const onLost = (error: unknown) => {
        if (ending || lost) return;
        lost = true;
        for (const l of listeners) l(error);
      };
      client.on('error', onLost);
      client.on('end', () => onLost(new Error('Connection terminated unexpectedly')));
      return {
        pid: Number((client as unknown as { processID?: number }).processID),
        async query<Row>(sql: Statement, params?: unknown[]) {
          try {
            return await execute<Row>(client, sql, params, watches);
          } catch (error) {
            if (isConnectionLoss(error)) {
              onLost(error);
              throw new ConnectionLostError(!isRepeatable(sql), error, label);
            }
            throw error;
          }
        },
        onLost(listener) {
          if (lost) queueMicrotask(() => listener(new Error('Connection terminated unexpectedly')));
          else listeners.push(listener);
        },
        async close() {
          ending = true;
          await client.end().catch(swallow);
        },
      };
    },
  };
  return db;
}
