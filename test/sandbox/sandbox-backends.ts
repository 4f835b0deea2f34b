// Databases for sandbox tests: a fresh PostgreSQL schema per test when TEST_DATABASE_URL is set, and
// one PGlite per file with a fresh schema per test (PGlite takes seconds to start; schemas are free).
import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/db.js';
import { openPglite } from '../../src/db/pglite-adapter.js';
import { TEST_DATABASE_URL, freshPg } from '../helpers/test-db.js';

export interface FreshDb {
  db: Db;
  done(): Promise<void>;
}

export interface Backend {
  name: string;
  available: boolean;
  fresh(): Promise<FreshDb>;
  closeAll(): Promise<void>;
}

function pgliteBackend(): Backend {
  let shared: Promise<Db> | undefined;
  return {
    name: 'pglite',
    available: true,
    async fresh() {
      shared ??= openPglite();
      const db = await shared;
      const schema = `s_${randomBytes(5).toString('hex')}`;
      await db.query(`CREATE SCHEMA ${schema}`);
      await db.query(`SET search_path TO ${schema}`);
      return { db, done: async () => undefined };
    },
    async closeAll() {
      if (shared) await (await shared).close();
    },
  };
}

function pgBackend(): Backend {
  return {
    name: 'postgresql',
    available: Boolean(TEST_DATABASE_URL),
    async fresh() {
      const t = await freshPg('sbx');
      return { db: t.db, done: () => t.drop() };
    },
    closeAll: async () => undefined,
  };
}

export function sandboxBackends(): Backend[] {
  return [pgBackend(), pgliteBackend()];
}
