// Databases for tests: a real PostgreSQL when TEST_DATABASE_URL is set (CI always sets it), and
// embedded PGlite always. Each call gets a fresh schema, so test files can run in parallel.
import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/db.js';
import { openPg } from '../../src/db/pg-adapter.js';
import { openPglite } from '../../src/db/pglite-adapter.js';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
export const SKIP_PG_REASON = 'TEST_DATABASE_URL is not set: tests that need a PostgreSQL server are skipped';

export interface TestDatabase {
  db: Db;
  /** The connection string with search_path pinned to this test's schema (pg only). */
  url: string | undefined;
  schema: string;
  /** Opens another connection to the same schema (pg: a real second connection). */
  connect(): Promise<Db>;
  drop(): Promise<void>;
}

function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

/** A fresh schema on the PostgreSQL server named by TEST_DATABASE_URL. */
export async function freshPg(prefix = 't'): Promise<TestDatabase> {
  if (!TEST_DATABASE_URL) throw new Error(SKIP_PG_REASON);
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = await openPg({ connectionString: TEST_DATABASE_URL, max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.close();
  const url = withSearchPath(TEST_DATABASE_URL, schema);
  const db = await openPg({ connectionString: url });
  return {
    db,
    url,
    schema,
    connect: () => openPg({ connectionString: url }),
    async drop() {
      await db.close().catch(() => undefined);
      const cleanup = await openPg({ connectionString: TEST_DATABASE_URL!, max: 1 });
      await cleanup.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await cleanup.close();
    },
  };
}

/** A fresh in-memory PGlite database. */
export async function freshPglite(): Promise<TestDatabase> {
  const db = await openPglite();
  return { db, url: undefined, schema: 'public', connect: () => db.fork(), drop: () => db.close() };
}

/** The backends a test should run against: pg (when available) and PGlite. */
export const BACKENDS: { name: string; open: () => Promise<TestDatabase>; available: boolean }[] = [
  { name: 'postgresql', open: () => freshPg(), available: Boolean(TEST_DATABASE_URL) },
  { name: 'pglite', open: () => freshPglite(), available: true },
];
