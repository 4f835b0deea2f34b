// The embedded adapter: PGlite (PostgreSQL compiled to WASM), in memory or in a directory.
// It has one connection, so transactions are serialised; bytea comes back as Buffer like pg's.
import { PGlite, types } from '@electric-sql/pglite';
import { statementText, type Db, type QueryResult, type Queryable, type Statement } from './db.js';

const BYTEA_OID = 17;

function toBuffers<Row>(rows: Row[], fields: readonly { name: string; dataTypeID: number }[]): Row[] {
  const byteaFields = fields.filter((f) => f.dataTypeID === BYTEA_OID).map((f) => f.name);
  if (byteaFields.length === 0) return rows;
  for (const row of rows as Record<string, unknown>[]) {
    for (const name of byteaFields) {
      const value = row[name];
      if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
        row[name] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      }
    }
  }
  return rows;
}

interface PgliteQueryable {
  query<Row>(
    sql: string,
    params?: unknown[],
  ): Promise<{ rows: Row[]; affectedRows?: number; fields: { name: string; dataTypeID: number }[] }>;
}

function wrap(target: PgliteQueryable): Queryable {
  return {
    // PGlite has one in-process connection and no per-name statement cache to gain from.
    async query<Row>(sql: Statement, params?: unknown[]): Promise<QueryResult<Row>> {
      const result = await target.query<Row>(statementText(sql), params);
      return { rows: toBuffers(result.rows, result.fields), rowCount: result.affectedRows || result.rows.length };
    },
  };
}

/** Opens an embedded database: in memory when `dataDir` is undefined, else persisted there. */
export async function openPglite(dataDir?: string): Promise<Db> {
  const lite = await PGlite.create(dataDir ?? 'memory://', { parsers: { [types.NUMERIC]: (v: string) => v } });
  return adaptPglite(lite, dataDir ? `embedded PGlite at ${dataDir}` : 'embedded PGlite (in memory)');
}

export function adaptPglite(lite: PGlite, label: string): Db {
  const base = wrap(lite as unknown as PgliteQueryable);
  const db: Db = {
    kind: 'pglite',
    label,
    query: base.query,
    transaction: (work) => lite.transaction((tx) => work(wrap(tx as unknown as PgliteQueryable))),
    // One connection only: a "second connection" is the same one (concurrency tests need pg).
    fork: async () => ({ ...db, close: async () => undefined }),
    close: () => lite.close(),
  };
  return db;
}
