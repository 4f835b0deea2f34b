// The `pg` adapter: a small pool against a PostgreSQL server. Connection failures become
// DatabaseErrors that show the URL with its password masked.
import pg from 'pg';
import { DatabaseError } from '../errors.js';
import type { Db, QueryResult, Queryable, Statement } from './db.js';
import { maskDatabaseUrl } from './mask-url.js';

function describeFailure(error: unknown): string {
  const e = error as { code?: string; message?: string };
  return e.code ? `${e.message ?? 'error'} (${e.code})` : (e.message ?? String(error));
}

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<Row>(sql: Statement, params?: unknown[]): Promise<QueryResult<Row>> {
      const result = typeof sql === 'string' ? await client.query(sql, params) : await client.query({ name: sql.name, text: sql.text, values: params ?? [] });
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
    },
  };
}

export interface PgOptions {
  connectionString: string;
  /** Connections the pool may open (the engine's --concurrency decides). */
  max?: number;
  applicationName?: string;
  /** What to show for this database (default: the URL, password masked). */
  label?: string;
}

export async function openPg(options: PgOptions): Promise<Db> {
  const label = options.label ?? maskDatabaseUrl(options.connectionString);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 4,
    application_name: options.applicationName ?? 'kek-rotate',
    connectionTimeoutMillis: 10_000,
  });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new DatabaseError(
      `cannot connect to ${label}: ${describeFailure(error)}`,
      'Check DATABASE_URL (host, port, user, database, sslmode) and that the server accepts connections from here.',
      { cause: error },
    );
  }
  const base = wrap(pool);
  const db: Db = {
    kind: 'pg',
    label,
    query: base.query,
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    fork: () => openPg(options),
    close: () => pool.end(),
  };
  return db;
}
