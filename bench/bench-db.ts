// The bench's own schema on the real PostgreSQL: created fresh for each run, dropped at the end.
// Every connection pins search_path to it, so the application's unqualified DDL lands there.
import type { EncryptedColumn } from '../src/db/column.js';
import type { Db } from '../src/db/db.js';
import { openPg } from '../src/db/pg-adapter.js';
import { createApplicationSchema } from '../src/sandbox/schema.js';

/** kek_bench, or KEK_BENCH_SCHEMA: two people benching on one server must not drop each other's schema. */
export const BENCH_SCHEMA = benchSchema(process.env.KEK_BENCH_SCHEMA);

function benchSchema(name: string | undefined): string {
  if (name === undefined || name === '') return 'kek_bench';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name))
    throw new Error(`KEK_BENCH_SCHEMA ${JSON.stringify(name)} is not a plain lower-case identifier`);
  return name;
}
export const TABLE = 'llm_providers';
export const COLUMN = 'api_key_encrypted';
export const BENCH_COLUMNS: readonly EncryptedColumn[] = [
  { schema: BENCH_SCHEMA, table: TABLE, column: COLUMN, idColumn: 'id' },
];

/** The URL with search_path pinned to the bench schema. */
export function benchUrl(databaseUrl: string): string {
  const parsed = new URL(databaseUrl);
  parsed.searchParams.set('options', `-c search_path=${BENCH_SCHEMA}`);
  return parsed.toString();
}

export function openBenchDb(databaseUrl: string, max = 2): Promise<Db> {
  return openPg({ connectionString: benchUrl(databaseUrl), max, applicationName: 'kek-rotate-bench' });
}

/** Drops and recreates the schema with the application's table in it. */
export async function recreateSchema(databaseUrl: string): Promise<void> {
  const admin = await openPg({ connectionString: databaseUrl, max: 1, applicationName: 'kek-rotate-bench' });
  try {
    await admin.query(`DROP SCHEMA IF EXISTS ${BENCH_SCHEMA} CASCADE`);
    await admin.query(`CREATE SCHEMA ${BENCH_SCHEMA}`);
  } finally {
    await admin.close();
  }
  const db = await openBenchDb(databaseUrl, 1);
  try {
    await createApplicationSchema(db);
  } finally {
    await db.close();
  }
}

export async function dropSchema(databaseUrl: string): Promise<void> {
  const admin = await openPg({ connectionString: databaseUrl, max: 1, applicationName: 'kek-rotate-bench' });
  try {
    await admin.query(`DROP SCHEMA IF EXISTS ${BENCH_SCHEMA} CASCADE`);
  } finally {
    await admin.close();
  }
}
