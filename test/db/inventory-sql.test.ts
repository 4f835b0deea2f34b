// The inventory SQL counts rows per key id correctly on bytea (where the runbook's LIKE query
// sees nothing), never fails on a malformed row, agrees with the payload parser, and is read-only.
// Its fast path decides the application's canonical form alone, exactly as the general check would,
// and sends every other value to the general check once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptValue } from '../../src/crypto/envelope.js';
import { parsePayload } from '../../src/crypto/payload.js';
import { DEFAULT_COLUMNS, type ResolvedColumn } from '../../src/db/column.js';
import type { Db } from '../../src/db/db.js';
import { scanInventory } from '../../src/db/inventory-scan.js';
import {
  CANONICAL_PREFIX,
  countRowsSql,
  inventoryRangeSql,
  inventorySql,
  listRowsLiteralSql,
  listRowsSql,
  summariseInventory,
  type RowFilter,
} from '../../src/db/inventory-sql.js';
import { resolveColumns } from '../../src/db/registry.js';
import { createApplicationSchema } from '../../src/sandbox/schema.js';
import { invalidPayloadBytes, loadVectors } from '../crypto/vectors.js';
import { BACKENDS } from '../helpers/test-db.js';
import { PGLITE_START_TIMEOUT_MS, perTestSchema } from '../helpers/test-db.js';
import { MALFORMED, insertEncrypted, insertProvider, makeKek, tamper } from './seed.js';

const RUNBOOK_QUERY = `SELECT COUNT(*)::int AS n FROM llm_providers WHERE api_key_encrypted::text LIKE '%"key_id":"kek-v1"%'`;

/**
 * Values around every rule of the fast path, as text. What the general check (the classification
 * before the fast path) says is the payload parser's verdict, except `flat: 'invalid'`: values a
 * bytea or text column reports as not valid (escapes, controls, numbers that are not integers)
 * though the parser reads them. `only`: for that column type only.
 */
function fastPathCases(
  canonical: string,
): { name: string; value: Buffer | string; flat?: 'invalid'; only?: 'bytea' | 'text' }[] {
  const f = JSON.parse(canonical) as Record<string, string>;
  const A = (n: number) => 'A'.repeat(n);
  const canon = (o: Partial<Record<'key_id' | 'dek_wrapped' | 'nonce' | 'ciphertext', string>>) =>
    `{"version":1,"alg":"AES-256-GCM","key_id":"${o.key_id ?? f.key_id}","dek_wrapped":"${o.dek_wrapped ?? f.dek_wrapped}","nonce":"${o.nonce ?? f.nonce}","ciphertext":"${o.ciphertext ?? f.ciphertext}"}`;
  const ct = f.ciphertext!;
  return [
    { name: 'canonical', value: canonical },
    { name: 'key id of every character the fast path takes', value: canon({ key_id: 'Kek_v.1-x9' }) },
    { name: 'key id with + / =', value: canon({ key_id: 'kek+v/1=' }) },
    { name: 'key id with a space', value: canon({ key_id: 'kek v1' }) },
    { name: 'key id with ~ , : { }', value: canon({ key_id: 'k~,:{}' }) },
    { name: 'empty key id', value: canon({ key_id: '' }) },
    { name: 'key id with an escaped quote', value: canon({ key_id: 'kek\\"v1' }), flat: 'invalid' },
    { name: 'key id with DEL', value: canon({ key_id: 'kek\u007f' }), flat: 'invalid' },
    { name: 'key id with a control character', value: canon({ key_id: 'kek\u0001' }) },
    {
      name: 'non-ASCII key id (bytea: escaped, so not flat)',
      value: Buffer.from(canon({ key_id: 'kéy' }), 'utf8'),
      flat: 'invalid',
      only: 'bytea',
    },
    { name: 'non-ASCII key id (text)', value: canon({ key_id: 'kéy' }), only: 'text' },
    { name: 'dek of 36 characters (27 bytes)', value: canon({ dek_wrapped: A(36) }) },
    { name: 'dek of 40 characters, == (28 bytes)', value: canon({ dek_wrapped: `${A(38)}==` }) },
    { name: 'dek of 40 characters, = (29 bytes)', value: canon({ dek_wrapped: `${A(39)}=` }) },
    { name: 'dek ending ===', value: canon({ dek_wrapped: `${A(37)}===` }) },
    { name: 'dek with = inside', value: canon({ dek_wrapped: `${A(20)}=${A(19)}` }) },
    { name: 'dek with = then a character', value: canon({ dek_wrapped: `${A(38)}=A` }) },
    { name: 'dek of 41 characters', value: canon({ dek_wrapped: A(41) }) },
    { name: 'dek in base64url', value: canon({ dek_wrapped: `${A(39)}-` }) },
    { name: 'nonce of 16 characters ending = (11 bytes)', value: canon({ nonce: `${A(15)}=` }) },
    { name: 'nonce of 20 characters', value: canon({ nonce: A(20) }) },
    { name: 'nonce of 12 characters', value: canon({ nonce: A(12) }) },
    { name: 'nonce with .', value: canon({ nonce: `${A(15)}.` }) },
    { name: 'ciphertext of 24 characters, == (16 bytes)', value: canon({ ciphertext: `${A(22)}==` }) },
    { name: 'ciphertext of 20 characters (15 bytes)', value: canon({ ciphertext: A(20) }) },
    { name: 'ciphertext with _', value: canon({ ciphertext: `_${ct.slice(1)}` }) },
    { name: 'empty ciphertext', value: canon({ ciphertext: '' }) },
    {
      name: 'NUL in the ciphertext',
      value: Buffer.from(canon({ ciphertext: `\u0000${ct.slice(1)}` }), 'utf8'),
      only: 'bytea',
    },
    { name: 'field name in capitals', value: canonical.replace('"dek_wrapped"', '"DEK_WRAPPED"') },
    {
      name: 'fields in another order',
      value: JSON.stringify(Object.fromEntries(Object.entries({ version: 1, ...f }).reverse())),
    },
    { name: 'spaces', value: JSON.stringify({ version: 1, ...f }, null, 1) },
    { name: 'extra field at the end', value: canonical.replace(/\}$/, ',"note":"x"}') },
    { name: 'extra field after version', value: canonical.replace('"version":1,', '"version":1,"n":2,') },
    { name: 'a second key id at the end', value: canonical.replace(/\}$/, ',"key_id":"kek-v2"}') },
    { name: 'version 2', value: canonical.replace('"version":1', '"version":2') },
    { name: 'version "1"', value: canonical.replace('"version":1', '"version":"1"') },
    { name: 'version 1.0', value: canonical.replace('"version":1', '"version":1.0'), flat: 'invalid' },
    { name: 'alg in lower case', value: canonical.replace('AES-256-GCM', 'aes-256-gcm') },
    { name: 'a space after }', value: `${canonical} ` },
    { name: 'x after }', value: `${canonical}x` },
    { name: 'the prefix alone', value: CANONICAL_PREFIX },
    { name: 'the prefix, then a quote', value: `${CANONICAL_PREFIX}"` },
  ];
}

function parserVerdict(value: Buffer | string): string {
  try {
    return `payload:${parsePayload(value).keyId}`;
  } catch {
    return 'invalid';
  }
}

function isJsonText(value: Buffer | string): boolean {
  try {
    JSON.parse(value.toString());
    return !value.toString().includes('\u0000');
  } catch {
    return false;
  }
}

/**
 * Inserts `cases` into `column` and checks every way of reading them against the general check's
 * verdict. jsonb takes the values that are JSON, and is judged on its own text (`col::text`, what
 * the deep check parses).
 */
async function checkCases(db: Db, column: ResolvedColumn, insert: (value: Buffer | string) => Promise<string>) {
  const kek = makeKek('kek-v1');
  const jsonb = column.valueType === 'jsonb';
  const cases = fastPathCases(encryptValue(kek, 'sk-fast-path').toString('utf8')).filter((c) =>
    jsonb ? c.only === undefined && isJsonText(c.value) : c.only === undefined || c.only === column.valueType,
  );
  const expected = new Map<string, string>();
  const names = new Map<string, string>();
  for (const c of cases) {
    const id = await insert(c.value);
    const stored = jsonb
      ? (
          await db.query<{ v: string }>(
            `SELECT ${column.quotedColumn}::text AS v FROM ${column.qualifiedTable} WHERE ${column.quotedId} = $1`,
            [id],
          )
        ).rows[0]!.v
      : c.value;
    expected.set(id, c.flat === 'invalid' && !jsonb ? 'invalid' : parserVerdict(stored));
    names.set(id, c.name);
  }
  // Per row through the listing, for the verdicts a listing can be asked for; all of them through the counts.
  const listable = (v: string) => v === 'invalid' || /^payload:[A-Za-z0-9._-]{1,64}$/.test(v);
  const keyIds = [
    ...new Set([...expected.values()].filter((v) => v !== 'invalid' && listable(v)).map((v) => v.slice(8))),
  ];
  const filters: RowFilter[] = [{ invalid: true }, ...keyIds.map((keyId) => ({ keyId }))];
  const seen = new Map<string, string>();
  for (const filter of filters) {
    const q = listRowsSql(column, filter, { limit: 1000 });
    const { rows } = await db.query<{ id: string; status: string; key_id: string | null }>(q.text, q.params);
    for (const row of rows) seen.set(row.id, row.status === 'payload' ? `payload:${row.key_id}` : row.status);
  }
  const label = (m: Map<string, string>) => Object.fromEntries([...m].map(([id, v]) => [names.get(id), v]));
  expect(label(seen)).toEqual(label(new Map([...expected].filter(([, v]) => listable(v)))));
  const want = { total: cases.length, nulls: 0, invalid: 0, byKeyId: {} as Record<string, number> };
  for (const v of expected.values()) {
    if (v === 'invalid') want.invalid++;
    else want.byKeyId[v.slice(8)] = (want.byKeyId[v.slice(8)] ?? 0) + 1;
  }
  const single = summariseInventory(
    (await db.query<{ status: string; key_id: string | null; rows: unknown }>(inventorySql(column))).rows,
  );
  expect(single).toEqual(want);
  expect(await scanInventory(db, column, { rangeRows: 7 })).toEqual(want);
}

/** How many times the general check (the `parsed` subquery) ran while the inventory read the table. */
async function generalCheckRuns(db: Db, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
  const raw = rows[0]!['QUERY PLAN'];
  const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: unknown }[];
  let loops = 0;
  let found = 0;
  const walk = (node: Record<string, unknown>) => {
    if (node.Alias === 'parsed') {
      found++;
      loops += Number(node['Actual Loops'] ?? 0);
    }
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
  };
  walk(plan[0]!.Plan as Record<string, unknown>);
  expect(found, 'the plan has the general check').toBeGreaterThan(0);
  return loops;
}

async function inventory(db: Db, table?: string) {
  const [column] = await resolveColumns(db, DEFAULT_COLUMNS, { table });
  const { rows } = await db.query<{ status: string; key_id: string | null; rows: unknown }>(inventorySql(column!));
  return { column: column!, counts: summariseInventory(rows), rows };
}

describe.each(BACKENDS)('inventory SQL on $name', (backend) => {
  const dbs = perTestSchema(backend);
  beforeAll(() => dbs.prepare(), PGLITE_START_TIMEOUT_MS);
  afterAll(() => dbs.closeAll());

  it.skipIf(!backend.available)(
    'counts bytea rows per key id where the runbook LIKE query returns 0 (weakness 1)',
    async () => {
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
    },
  );

  it.skipIf(!backend.available)(
    'counts malformed rows as invalid where convert_from()::jsonb aborts the whole query',
    async () => {
      const t = await dbs.fresh();
      try {
        await createApplicationSchema(t.db);
        const kek = makeKek('kek-v1');
        await insertEncrypted(t.db, kek, 2);
        await insertProvider(t.db, tamper(encryptValue(kek, 'sk-tampered')));
        for (const value of Object.values(MALFORMED)) await insertProvider(t.db, value);
        await expect(
          t.db.query(
            "SELECT count(*) FROM llm_providers WHERE convert_from(api_key_encrypted, 'UTF8')::jsonb->>'key_id' = 'kek-v1'",
          ),
        ).rejects.toThrow();
        const { counts } = await inventory(t.db);
        // The tampered value is structurally a payload: only decryption (--deep) can tell.
        expect(counts).toEqual({
          total: 3 + Object.keys(MALFORMED).length,
          nulls: 0,
          invalid: Object.keys(MALFORMED).length,
          byKeyId: { 'kek-v1': 3 },
        });
      } finally {
        await t.drop();
      }
    },
  );

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
        Buffer.from(
          JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(vectors.valid[1]!.payload)).reverse())),
        ),
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

  it.skipIf(!backend.available)(
    'is read-only: it runs inside a READ ONLY transaction and creates nothing',
    async () => {
      const t = await dbs.fresh();
      try {
        await createApplicationSchema(t.db);
        await insertEncrypted(t.db, makeKek('kek-v1'), 1);
        const [column] = await resolveColumns(t.db, DEFAULT_COLUMNS);
        const objects =
          'SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()';
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
    },
  );
  it.skipIf(!backend.available)(
    'the fast path decides canonical values exactly as the general check does (bytea)',
    async () => {
      const t = await dbs.fresh();
      try {
        await createApplicationSchema(t.db);
        const [column] = await resolveColumns(t.db, DEFAULT_COLUMNS);
        await checkCases(t.db, column!, (value) =>
          insertProvider(t.db, Buffer.isBuffer(value) ? value : Buffer.from(value, 'latin1')),
        );
      } finally {
        await t.drop();
      }
    },
  );

  it.skipIf(!backend.available)(
    'the fast path decides canonical values exactly as the general check does (text column, bigint ids)',
    async () => {
      const t = await dbs.fresh();
      try {
        await t.db.query('CREATE TABLE secrets (id bigint PRIMARY KEY, token_encrypted text)');
        const [column] = await resolveColumns(t.db, [{ table: 'secrets', column: 'token_encrypted', idColumn: 'id' }]);
        let next = 1;
        await checkCases(t.db, column!, async (value) => {
          const id = next++;
          await t.db.query('INSERT INTO secrets VALUES ($1, $2)', [
            id,
            Buffer.isBuffer(value) ? value.toString('utf8') : value,
          ]);
          return String(id);
        });
      } finally {
        await t.drop();
      }
    },
  );

  it.skipIf(!backend.available)('the jsonb fast path decides values exactly as the general check does', async () => {
    const t = await dbs.fresh();
    try {
      await t.db.query('CREATE TABLE secrets (id bigint PRIMARY KEY, token_encrypted jsonb)');
      const [column] = await resolveColumns(t.db, [{ table: 'secrets', column: 'token_encrypted', idColumn: 'id' }]);
      let next = 1;
      await checkCases(t.db, column!, async (value) => {
        const id = next++;
        await t.db.query('INSERT INTO secrets VALUES ($1, $2::jsonb)', [id, value.toString()]);
        return String(id);
      });
      await t.db.query(
        `INSERT INTO secrets VALUES (1000, '[1]'), (1001, '"text"'), (1002, '17'), (1003, 'null'), (1004, NULL)`,
      );
      const ranged = inventoryRangeSql(column!, { after: '999' });
      expect(
        summariseInventory(
          (await t.db.query<{ status: string; key_id: string | null; rows: unknown }>(ranged.text, ranged.params)).rows,
        ),
      ).toEqual({
        total: 5,
        nulls: 1,
        invalid: 4,
        byKeyId: {},
      });
    } finally {
      await t.drop();
    }
  });

  it.skipIf(!backend.available)(
    'canonical values and NULLs never reach the general check; every other value reaches it once',
    async () => {
      const t = await dbs.fresh();
      try {
        await createApplicationSchema(t.db);
        const kek = makeKek('kek-v1');
        await insertEncrypted(t.db, kek, 4);
        await insertProvider(t.db, null);
        const [column] = await resolveColumns(t.db, DEFAULT_COLUMNS);
        expect(await generalCheckRuns(t.db, inventorySql(column!))).toBe(0);
        const canonical = encryptValue(kek, 'sk-x').toString('utf8');
        await insertProvider(t.db, Buffer.from(JSON.stringify({ ...JSON.parse(canonical), note: 'x' })));
        await insertProvider(t.db, Buffer.from(JSON.stringify(JSON.parse(canonical), null, 2)));
        for (const value of Object.values(MALFORMED)) await insertProvider(t.db, value);
        const others = 2 + Object.keys(MALFORMED).length;
        expect(await generalCheckRuns(t.db, inventorySql(column!))).toBe(others);
        const ranged = inventoryRangeSql(column!, {});
        expect(await generalCheckRuns(t.db, ranged.text, ranged.params)).toBe(others);
        const { counts } = await inventory(t.db);
        expect(counts).toEqual({
          total: 5 + others,
          nulls: 1,
          invalid: Object.keys(MALFORMED).length,
          byKeyId: { 'kek-v1': 6 },
        });

        // The same on text and jsonb columns: the application's values never reach the general check.
        await t.db.query('CREATE TABLE secrets (id bigint PRIMARY KEY, token_encrypted text, doc_encrypted jsonb)');
        for (let id = 1; id <= 3; id++) {
          const value = encryptValue(kek, `sk-${id}`).toString('utf8');
          await t.db.query('INSERT INTO secrets VALUES ($1, $2::text, $2::text::jsonb)', [id, value]);
        }
        await t.db.query("INSERT INTO secrets VALUES (4, NULL, NULL), (5, 'not json', '[1]')");
        for (const name of ['token_encrypted', 'doc_encrypted']) {
          const [other] = await resolveColumns(t.db, [{ table: 'secrets', column: name, idColumn: 'id' }]);
          expect(await generalCheckRuns(t.db, inventorySql(other!)), name).toBe(1);
        }
      } finally {
        await t.drop();
      }
    },
  );
});
