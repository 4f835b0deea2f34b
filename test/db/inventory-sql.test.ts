// The inventory SQL counts rows per key id correctly on bytea (where the runbook's LIKE query
// sees nothing), never fails on a malformed row, agrees with the payload parser, and is read-only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptValue } from '../../src/crypto/envelope.js';
import { parsePayload } from '../../src/crypto/payload.js';
import { DEFAULT_COLUMNS } from '../../src/db/column.js';
import type { Db } from '../../src/db/db.js';
import { countRowsSql, inventorySql, listRowsLiteralSql, listRowsSql, summariseInventory } from '../../src/db/inventory-sql.js';
import { resolveColumns } from '../../src/db/registry.js';
import { createApplicationSchema } from '../../src/sandbox/schema.js';
import { invalidPayloadBytes, loadVectors } from '../crypto/vectors.js';
import { BACKENDS } from '../helpers/test-db.js';
import { PGLITE_START_TIMEOUT_MS, perTestSchema } from './per-test-schema.js';
import { MALFORMED, insertEncrypted, insertProvider, makeKek, tamper } from './seed.js';

const RUNBOOK_QUERY = `SELECT COUNT(*)::int AS n FROM llm_providers WHERE api_key_encrypted::text LIKE '%"key_id":"kek-v1"%'`;

async function inventory(db: Db, table?: string) {
  const [column] = await resolveColumns(db, DEFAULT_COLUMNS, { table });
  const { rows } = await db.query<{ status: string; key_id: string | null; rows: unknown }>(inventorySql(column!));
  return { column: column!, counts: summariseInventory(rows), rows };
}

describe.each(BACKENDS)('inventory SQL on $name', (backend) => {
  const dbs = perTestSchema(backend);
  beforeAll(() => dbs.prepare(), PGLITE_START_TIMEOUT_MS);
  afterAll(() => dbs.closeAll());

  it.skipIf(!backend.available)('counts bytea rows per key id where the runbook LIKE query returns 0 (weakness 1)', async () => {
    const t = await dbs.fresh();
    try {
      await createApplicationSchema(t.db);
      await insertEncrypted(t.db, makeKek('kek-v1'), 3);
      await insertEncrypted(t.db, makeKek('kek-v2'), 2);
      await insertProvider(t.db, null);
      const runbook = await t.db.query<{ n: number }>(RUNBOOK_QUERY);
      expect(runbook.rows[0]!.n).toBe(0);
      const { counts } = await inventory(t.db);
      expect(counts).toEqual({ total: 6, nulls: 1, invalid: 0, byKeyId: { 'kek-v1': 3, 'kek-v2': 2 } });
    } finally {
      await t.drop();
    }
  });

  it.skipIf(!backend.available)('counts malformed rows as invalid where convert_from()::jsonb aborts the whole query', async () => {
    const t = await dbs.fresh();
    try {
      await createApplicationSchema(t.db);
      const kek = makeKek('kek-v1');
      await insertEncrypted(t.db, kek, 2);
      await insertProvider(t.db, tamper(encryptValue(kek, 'sk-tampered')));
      for (const value of Object.values(MALFORMED)) await insertProvider(t.db, value);
      await expect(
        t.db.query("SELECT count(*) FROM llm_providers WHERE convert_from(api_key_encrypted, 'UTF8')::jsonb->>'key_id' = 'kek-v1'"),
      ).rejects.toThrow();
      const { counts } = await inventory(t.db);
      // The tampered value is structurally a payload: only decryption (--deep) can tell.
      expect(counts).toEqual({ total: 3 + Object.keys(MALFORMED).length, nulls: 0, invalid: Object.keys(MALFORMED).length, byKeyId: { 'kek-v1': 3 } });
    } finally {
      await t.drop();
    }
  });

  it.skipIf(!backend.available)('classifies every interop vector exactly as the payload parser does', async () => {
    const t = await dbs.fresh();
    try {
      await createApplicationSchema(t.db);
      const vectors = loadVectors();
      const values = [
        ...vectors.valid.map((v) => Buffer.from(v.payload, 'utf8')),
        ...vectors.invalid.map(invalidPayloadBytes),
        // Accepted by the application: extra fields, another field order, whitespace.
        Buffer.from(JSON.stringify({ note: 'x', n: 3, ...JSON.parse(vectors.valid[0]!.payload) }, null, 2)),
        Buffer.from(JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(vectors.valid[1]!.payload)).reverse()))),
        // Refused by it: version as a string, empty key id.
        Buffer.from(vectors.valid[0]!.payload.replace('"version":1', '"version":"1"')),
        Buffer.from(vectors.valid[0]!.payload.replace('"key_id":"kek-v1"', '"key_id":""')),
      ];
      const expected = new Map<string, string>();
      for (const value of values) {
        const id = await insertProvider(t.db, value);
        let status = 'invalid';
        try {
          status = `payload:${parsePayload(value).keyId}`;
        } catch {
          // counted invalid
        }
        expected.set(id, status);
      }
      const [column] = await resolveColumns(t.db, DEFAULT_COLUMNS);
      const seen = new Map<string, string>();
      const filters = [{ invalid: true }, ...['kek-v1', 'kek-v2', 'kek-v999'].map((keyId) => ({ keyId }))];
      for (const filter of filters) {
        const q = listRowsSql(column!, filter, { limit: 1000 });
        const { rows } = await t.db.query<{ id: string; status: string; key_id: string | null }>(q.text, q.params);
        for (const row of rows) seen.set(row.id, row.status === 'payload' ? `payload:${row.key_id}` : row.status);
      }
      expect(Object.fromEntries(seen)).toEqual(Object.fromEntries(expected));
      const { counts } = await inventory(t.db);
      const want = { invalid: 0, byKeyId: {} as Record<string, number> };
      for (const status of expected.values()) {
        if (status === 'invalid') want.invalid++;
        else want.byKeyId[status.slice(8)] = (want.byKeyId[status.slice(8)] ?? 0) + 1;
      }
      expect({ invalid: counts.invalid, byKeyId: counts.byKeyId }).toEqual(want);
    } finally {
      await t.drop();
    }
  });

  it.skipIf(!backend.available)('lists ids by keyset pages, and the pasteable versions run as they are', async () => {
    const t = await dbs.fresh();
    try {
      await createApplicationSchema(t.db);
      const v1 = await insertEncrypted(t.db, makeKek('kek-v1'), 5);
      await insertEncrypted(t.db, makeKek('kek-v2'), 2);
      const bad = await insertProvider(t.db, MALFORMED['not UTF-8']!);
      const [column] = await resolveColumns(t.db, DEFAULT_COLUMNS);
      const pages: string[][] = [];
      let after: string | undefined;
      for (;;) {
        const q = listRowsSql(column!, { keyId: 'kek-v1' }, { afterId: after, limit: 2 });
        const { rows } = await t.db.query<{ id: string }>(q.text, q.params);
        if (rows.length === 0) break;
        pages.push(rows.map((r) => r.id));
        after = rows[rows.length - 1]!.id;
      }
      expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
      expect(pages.flat()).toEqual([...v1].sort());
      expect(() => listRowsLiteralSql(column!, { keyId: "kek-v1' OR true --" })).toThrow(/not a key id/);
      const onV2 = await t.db.query<{ key_id: string }>(listRowsLiteralSql(column!, { keyId: 'kek-v2' }));
      expect(onV2.rows.map((r) => r.key_id)).toEqual(['kek-v2', 'kek-v2']);
      const pasted = await t.db.query<{ id: string; status: string }>(listRowsLiteralSql(column!, { invalid: true }));
      expect(pasted.rows).toEqual([{ id: bad, status: 'invalid', key_id: null }]);
      const count = await t.db.query<{ total: unknown }>(countRowsSql(column!));
      expect(Number(count.rows[0]!.total)).toBe(8);
    } finally {
      await t.drop();
    }
  });

  it.skipIf(!backend.available)('is read-only: it runs inside a READ ONLY transaction and creates nothing', async () => {
    const t = await dbs.fresh();
    try {
      await createApplicationSchema(t.db);
      await insertEncrypted(t.db, makeKek('kek-v1'), 1);
      const [column] = await resolveColumns(t.db, DEFAULT_COLUMNS);
      const objects = 'SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()';
      const before = await t.db.query<{ n: number }>(objects);
      const counted = await t.db.transaction(async (tx) => {
        await tx.query('SET TRANSACTION READ ONLY');
        return (await tx.query<{ rows: unknown }>(inventorySql(column!))).rows;
      });
      expect(counted).toHaveLength(1);
      expect((await t.db.query<{ n: number }>(objects)).rows).toEqual(before.rows);
    } finally {
      await t.drop();
    }
  });
});
