// Shared setup for the engine tests: two keys, the application's table seeded with values under
// the old key, a ResolvedColumn built by hand, and helpers to read back what is stored.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { decryptValue, encryptValue } from '../../src/crypto/envelope.js';
import { parseKey, type Kek } from '../../src/crypto/key.js';
import { makeKeyRing, type KeyRing } from '../../src/crypto/key-ring.js';
import { peekKeyId } from '../../src/crypto/payload.js';
import { statementText, type Db, type Queryable, type Statement } from '../../src/db/db.js';
import type { ResolvedColumn, ValueType } from '../../src/db/column.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { createApplicationSchema } from '../../src/sandbox/schema.js';
import type { TestDatabase } from '../helpers/test-db.js';

export function newKek(id: string): Kek {
  return parseKey(`${id}:${randomBytes(32).toString('base64')}`, 'test');
}

export interface Keys {
  v1: Kek;
  v2: Kek;
  /** What the application had before the rotation. */
  oldRing: KeyRing;
  /** Mid-rotation: v2 primary, v1 previous. */
  ring: KeyRing;
}

export function makeKeys(): Keys {
  const v1 = newKek('kek-v1');
  const v2 = newKek('kek-v2');
  return { v1, v2, oldRing: makeKeyRing(v1), ring: makeKeyRing(v2, v1) };
}

export function llmProvidersColumn(schema: string): ResolvedColumn {
  return column(schema, 'llm_providers', 'api_key_encrypted', 'id', 'uuid', 'bytea');
}

export function column(
  schema: string,
  table: string,
  col: string,
  id: string,
  idType: string,
  valueType: ValueType,
): ResolvedColumn {
  return {
    schema,
    table,
    column: col,
    idColumn: id,
    valueType,
    idType,
    qualifiedTable: `"${schema}"."${table}"`,
    quotedColumn: `"${col}"`,
    quotedId: `"${id}"`,
    label: `${table}.${col}`,
  };
}

/** Inserts `n` providers whose keys are encrypted under `kek`; returns id -> plaintext. */
export async function seedProviders(db: Queryable, n: number, kek: Kek, prefix = 'sk'): Promise<Map<string, string>> {
  const plaintexts = Array.from({ length: n }, (_, i) => `${prefix}-${i}-${randomBytes(6).toString('hex')}`);
  const out = new Map<string, string>();
  for (let i = 0; i < n; i += 500) {
    const chunk = plaintexts.slice(i, i + 500);
    const { rows } = await db.query<{ id: string; name: string }>(
      `INSERT INTO llm_providers (name, provider_type, api_key_encrypted, api_key_set)
       SELECT v.name, 'openai', v.enc, true FROM unnest($1::text[], $2::bytea[]) WITH ORDINALITY AS v(name, enc, ord)
       ORDER BY v.ord RETURNING id::text AS id, name`,
      [chunk, chunk.map((p) => encryptValue(kek, p))],
    );
    for (const row of rows) out.set(row.id, row.name);
  }
  return out;
}

export interface StoredRow {
  id: string;
  value: Buffer | null;
}

export async function readProviders(db: Queryable): Promise<StoredRow[]> {
  const { rows } = await db.query<StoredRow>(
    'SELECT id::text AS id, api_key_encrypted AS value FROM llm_providers ORDER BY id',
  );
  return rows;
}

export function keyIdOf(value: Buffer | string | null): string | undefined {
  return value === null ? undefined : peekKeyId(value);
}

export function plaintextOf(ring: KeyRing, value: Buffer | string): string {
  return decryptValue(ring, value).toString('utf8');
}

export function recorder(): {
  events: EngineEvent[];
  onEvent: (e: EngineEvent) => void;
  of<T extends EngineEvent['type']>(type: T): Extract<EngineEvent, { type: T }>[];
} {
  const events: EngineEvent[] = [];
  return {
    events,
    onEvent: (e) => events.push(e),
    of: <T extends EngineEvent['type']>(type: T) =>
      events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type),
  };
}

/** A Db that runs `before` ahead of every statement matching `pattern` (inside transactions too):
 * a seam to change the table at exact points of a run, the same way on pg and PGlite, on forks too. */
export function interceptDb(
  db: Db,
  pattern: RegExp,
  before: (sql: string, params: unknown[] | undefined) => Promise<void>,
): Db {
  const wrap = (q: Queryable): Queryable => ({
    async query<Row>(sql: Statement, params?: unknown[]) {
      if (pattern.test(statementText(sql))) await before(statementText(sql), params);
      return q.query<Row>(sql, params);
    },
  });
  // Forks too: id-range workers each run on a fork, and every one of their statements must pass the seam.
  return {
    ...db,
    query: wrap(db).query,
    transaction: (work) => db.transaction((tx) => work(wrap(tx))),
    fork: async () => interceptDb(await db.fork(), pattern, before),
  };
}

/** One database for a describe block and a fresh application table before each test (skipped when the backend is not available). */
export function useFreshApplicationTable(
  backend: { open: () => Promise<TestDatabase>; available: boolean },
  opened: (t: TestDatabase) => void,
): void {
  let t: TestDatabase | undefined;
  beforeAll(async () => {
    if (backend.available) opened((t = await backend.open()));
  });
  afterAll(async () => {
    await t?.drop();
  });
  beforeEach(async () => {
    if (!t) return;
    await t.db.query('DROP TABLE IF EXISTS llm_providers');
    await createApplicationSchema(t.db);
  });
}
