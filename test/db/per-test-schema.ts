// A fresh schema per test on each backend, opening PGlite only once per test file (its start-up
// costs seconds). PGlite has one connection, so `SET search_path` scopes the whole file's session
// to the current test's schema; tests within a file run one after another.
import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/db.js';
import { openPglite } from '../../src/db/pglite-adapter.js';
import { freshPg, type TestDatabase } from '../helpers/test-db.js';

export interface Backend {
  name: string;
  available: boolean;
}

/** PGlite's start-up is CPU-bound: on a busy 2-core machine it can take most of a test's timeout. */
export const PGLITE_START_TIMEOUT_MS = 180_000;

export function perTestSchema(backend: Backend): {
  prepare(): Promise<void>;
  fresh(): Promise<TestDatabase>;
  closeAll(): Promise<void>;
} {
  let lite: Promise<Db> | undefined;
  return {
    /** Opens PGlite up front (call from beforeAll with PGLITE_START_TIMEOUT_MS), so no test pays for it. */
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
