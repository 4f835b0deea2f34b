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

export function perTestSchema(backend: Backend): { fresh(): Promise<TestDatabase>; closeAll(): Promise<void> } {
  let lite: Promise<Db> | undefined;
  return {
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
