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

export interface Backend {
  readonly name: string;
  readonly available: boolean;
}

export interface SchemaPerTest extends Backend {
  /** Opens PGlite up front (call from beforeAll with PGLITE_START_TIMEOUT_MS), so no test pays for it. */
  prepare(): Promise<void>;
  /** A fresh schema; the test drops it when it ends (`drop`). */
  fresh(): Promise<TestDatabase>;
  /** Closes the file's PGlite. */
  closeAll(): Promise<void>;
}

/** PGlite's start-up is CPU-bound: on a busy 2-core machine it can take most of a test's timeout. */
export const PGLITE_START_TIMEOUT_MS = 180_000;

/**
 * A fresh schema per test on `backend`, opening PGlite only once per test file (its start-up costs
 * seconds). PGlite has one connection, so `SET search_path` scopes the whole file's session to the
 * current test's schema; tests within a file run one after another. The one helper for both
 * backends: engine, database, effects and sandbox tests all get their databases here.
 */
export function perTestSchema(backend: Backend): SchemaPerTest {
  let lite: Promise<Db> | undefined;
  return {
    name: backend.name,
    available: backend.available,
    async prepare() {
      if (backend.name === 'pglite' && backend.available) {
        lite ??= openPglite();
        await lite;
      }
    },
    async fresh() {
      if (backend.name !== 'pglite') return freshPg();
      lite ??= openPglite();
      const db = await lite;
      const schema = `t_${randomBytes(6).toString('hex')}`;
      await db.query(`CREATE SCHEMA ${schema}`);
      await db.query(`SET search_path TO ${schema}`);
      return {
        db: { ...db, close: async () => undefined },
        url: undefined,
        schema,
        connect: () => db.fork(),
        drop: async () => {
          await db.query(`DROP SCHEMA ${schema} CASCADE`);
        },
      };
    },
    async closeAll() {
      if (lite) await (await lite).close();
    },
  };
}
