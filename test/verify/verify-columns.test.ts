// verify on both backends: counts from SQL that runs as printed, the pass rules (invalid rows,
// rows not on the primary), --deep and --only-primary, keyset paging, and no secret in any output.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptValue } from '../../src/crypto/envelope.js';
import { makeKeyRing } from '../../src/crypto/key-ring.js';
import { DEFAULT_COLUMNS } from '../../src/db/column.js';
import type { Db } from '../../src/db/db.js';
import { listRowsSql, summariseInventory } from '../../src/db/inventory-sql.js';
import { resolveColumns } from '../../src/db/registry.js';
import { CancelledError, UserError } from '../../src/errors.js';
import { createApplicationSchema } from '../../src/sandbox/schema.js';
import { renderVerifyText } from '../../src/verify/render-verify-text.js';
import { deepCheckColumn } from '../../src/verify/deep-check.js';
import { verifyColumns } from '../../src/verify/verify-columns.js';
import { inThreadCrypto, openBatchCrypto, type BatchCrypto } from '../../src/engine/crypto-pool.js';
import { BACKENDS } from '../helpers/test-db.js';
import { PGLITE_START_TIMEOUT_MS, perTestSchema } from '../helpers/test-db.js';
import { MALFORMED, insertProvider, makeKek, tamper } from '../db/seed.js';

const v1 = makeKek('kek-v1');
const v2 = makeKek('kek-v2');
const ROTATING = makeKeyRing(v2, v1);
const SECRET = 'sk-live-DO-NOT-PRINT';

async function seedProviders(db: Db, onV1: number, onV2: number, nulls = 0): Promise<void> {
  await createApplicationSchema(db);
  for (let i = 0; i < onV1; i++) await insertProvider(db, encryptValue(v1, `${SECRET}-${i}`));
  for (let i = 0; i < onV2; i++) await insertProvider(db, encryptValue(v2, `${SECRET}-${i}`));
  for (let i = 0; i < nulls; i++) await insertProvider(db, null);
}

describe.each(BACKENDS)('verify on $name', (backend) => {
  const dbs = perTestSchema(backend);
  beforeAll(() => dbs.prepare(), PGLITE_START_TIMEOUT_MS);
  afterAll(() => dbs.closeAll());

  it.skipIf(!backend.available)(
    'passes when every row is on the primary and decrypts with it alone; its SQL runs as printed',
    async () => {
      const t = await dbs.fresh();
      try {
        await seedProviders(t.db, 0, 4, 2);
        const columns = await resolveColumns(t.db, DEFAULT_COLUMNS);
        const report = await verifyColumns({ db: t.db, ring: ROTATING, columns, deep: true, onlyPrimary: true });
        expect(report.problems).toEqual([]);
        expect(report.passed).toBe(true);
        const [column] = report.columns;
        expect(column).toMatchObject({
          label: 'llm_providers.api_key_encrypted',
          total: 6,
          nulls: 2,
          invalid: 0,
          byKeyId: { 'kek-v2': 4 },
        });
        expect(column!.deep).toMatchObject({ checked: 4, ok: 4, failed: 0, failures: [], ring: 'primary-only' });
        const pasted = await t.db.query<{ status: string; key_id: string | null; rows: unknown }>(column!.sql);
        expect(summariseInventory(pasted.rows)).toEqual({ total: 6, nulls: 2, invalid: 0, byKeyId: { 'kek-v2': 4 } });
      } finally {
        await t.drop();
      }
    },
  );

  it.skipIf(!backend.available)(
    'the deep check decrypts through the crypto it is given (the workers), every row once, with the same result as this thread',
    async () => {
      const t = await dbs.fresh();
      try {
        await seedProviders(t.db, 3, 4, 1);
        await insertProvider(t.db, tamper(encryptValue(v2, `${SECRET}-tampered`)));
        const [column] = await resolveColumns(t.db, DEFAULT_COLUMNS);
        const only = makeKeyRing(v2);
        let rowsThrough = 0;
        const inThread = inThreadCrypto(only);
        const counting: BatchCrypto = {
          ...inThread,
          rotate: (rows, mode) => {
            expect(mode).toBe('decrypt');
            rowsThrough += rows.length;
            return inThread.rotate(rows, mode);
          },
        };
        const options = {
          db: t.db,
          column: column!,
          ring: ROTATING,
          decryptWith: only,
          primaryOnly: true,
          batchSize: 3,
        };
        const viaCrypto = await deepCheckColumn({ ...options, crypto: counting });
        const { crypto: workers } = openBatchCrypto(only, 2);
        const viaWorkers = await deepCheckColumn({ ...options, crypto: workers }).finally(() => workers.close());
        const alone = await deepCheckColumn(options);
        expect(rowsThrough).toBe(8);
        expect(viaCrypto).toEqual(alone);
        expect(viaWorkers).toEqual(alone);
        // The three kek-v1 rows (readable now, not by the primary alone) and the damaged kek-v2 row.
        expect(alone).toMatchObject({ checked: 8, ok: 4, failed: 4, unreadableNow: 1, ring: 'primary-only' });
      } finally {
        await t.drop();
      }
    },
  );

  it.skipIf(!backend.available)(
    'fails while rows are on the previous key: they decrypt with the ring, not with the primary alone',
    async () => {
      const t = await dbs.fresh();
      try {
        await seedProviders(t.db, 3, 2);
        const columns = await resolveColumns(t.db, DEFAULT_COLUMNS);
        const deep = await verifyColumns({ db: t.db, ring: ROTATING, columns, deep: true });
        expect(deep.passed).toBe(false);
        expect(deep.problems).toEqual([
          'llm_providers.api_key_encrypted: 3 rows are still on kek-v1, not on the primary kek-v2 (not rotated yet).',
        ]);
        expect(deep.columns[0]!.deep).toMatchObject({ checked: 5, ok: 5, failed: 0 });

        const primary = await verifyColumns({ db: t.db, ring: ROTATING, columns, onlyPrimary: true });
        expect(primary.columns[0]!.deep).toMatchObject({ checked: 5, ok: 2, failed: 3, ring: 'primary-only' });
        expect(primary.columns[0]!.deep!.failures.map((f) => [f.keyId, f.problem])).toEqual(
          Array(3).fill(['kek-v1', 'unknown-key-id']),
        );
        expect(primary.columns[0]!.deep!.failures[0]!.reason).toMatch(/unreadable once kek-v1 is removed/);
        expect(primary.problems[1]).toMatch(/3 of 5 values do not decrypt with the primary key kek-v2 alone/);

        const unknown = await verifyColumns({ db: t.db, ring: makeKeyRing(makeKek('kek-v3'), v2), columns });
        expect(unknown.problems[0]).toBe(
          'llm_providers.api_key_encrypted: 3 rows are on kek-v1, which is not in the key ring: no configured key can decrypt them.',
        );
      } finally {
        await t.drop();
      }
    },
  );

  it.skipIf(!backend.available)(
    '--only-primary never calls a tampered row on the previous key "readable now"',
    async () => {
      const t = await dbs.fresh();
      try {
        await seedProviders(t.db, 2, 1);
        const tamperedId = await insertProvider(t.db, tamper(encryptValue(v1, SECRET)));
        const columns = await resolveColumns(t.db, DEFAULT_COLUMNS);
        const report = await verifyColumns({ db: t.db, ring: ROTATING, columns, onlyPrimary: true });
        const deep = report.columns[0]!.deep!;
        expect(deep).toMatchObject({ checked: 4, ok: 1, failed: 3, unreadableNow: 1 });
        const tampered = deep.failures.find((f) => f.id === tamperedId)!;
        expect(tampered.reason).not.toMatch(/readable now/);
        expect(tampered.reason).toMatch(
          /^on kek-v1, not the primary kek-v2, and does not decrypt with kek-v1 either \(.+\): no configured key can read it$/,
        );
        expect(tampered).toMatchObject({ keyId: 'kek-v1', problem: 'auth-failed' });
        // The intact kek-v1 rows are still the ones that are readable now.
        const intact = deep.failures.filter((f) => f.id !== tamperedId);
        expect(intact.map((f) => f.reason)).toEqual(
          Array(2).fill(
            'on kek-v1, not the primary kek-v2: readable now, unreadable once kek-v1 is removed (rotate it first)',
          ),
        );
        expect(report.problems.at(-1)).toMatch(
          /3 of 4 values do not decrypt with the primary key kek-v2 alone; removing the other keys now would make 2 unreadable; 1 does not decrypt with any configured key either/,
        );
        const text = renderVerifyText(report);
        expect(text).not.toMatch(new RegExp(`id ${tamperedId}: [^\\n]*readable now,`));
        expect(text).not.toContain(SECRET);
      } finally {
        await t.drop();
      }
    },
  );

  it.skipIf(!backend.available)(
    'counts malformed rows as invalid, catches tampered ones only when decrypting, and never shows a secret',
    async () => {
      const t = await dbs.fresh();
      try {
        await seedProviders(t.db, 0, 2);
        const tamperedId = await insertProvider(t.db, tamper(encryptValue(v2, SECRET)));
        for (const value of Object.values(MALFORMED)) await insertProvider(t.db, value);
        const columns = await resolveColumns(t.db, DEFAULT_COLUMNS);
        const counts = await verifyColumns({ db: t.db, ring: ROTATING, columns });
        expect(counts.columns[0]).toMatchObject({ total: 9, invalid: 6, byKeyId: { 'kek-v2': 3 } });
        expect(counts.problems).toEqual([
          "llm_providers.api_key_encrypted: 6 rows are not a valid payload of the application's format; the application cannot read them.",
        ]);

        const deep = await verifyColumns({ db: t.db, ring: ROTATING, columns, deep: true });
        const result = deep.columns[0]!.deep!;
        expect(result).toMatchObject({ checked: 9, ok: 2, failed: 7 });
        expect(result.failures.find((f) => f.id === tamperedId)).toMatchObject({
          keyId: 'kek-v2',
          problem: 'auth-failed',
        });
        expect(result.failures.map((f) => f.problem).sort()).toEqual([
          'auth-failed',
          'empty',
          'not-json',
          'not-json',
          'not-json',
          'not-json',
          'not-object',
        ]);
        expect(deep.problems[1]).toMatch(/7 of 9 values do not decrypt with the key ring/);

        const outputs = [JSON.stringify(deep), renderVerifyText(deep)];
        for (const out of outputs) {
          expect(out).not.toContain(SECRET);
          expect(out).not.toContain(v1.bytes.toString('base64'));
          expect(out).not.toContain(v2.bytes.toString('base64'));
        }
        const text = renderVerifyText(deep);
        expect(text).toContain('llm_providers.api_key_encrypted');
        expect(text).toContain('not a valid payload');
        expect(text).toContain('encode("api_key_encrypted", \'escape\')');
        expect(text).toContain('Verification FAILED:');
        expect(renderVerifyText(await verifyColumns({ db: t.db, columns: [] }))).toContain('Verification passed.');
      } finally {
        await t.drop();
      }
    },
  );

  it.skipIf(!backend.available)(
    'verifies text and jsonb columns of a second table, paging by a bigint id in numeric order',
    async () => {
      const t = await dbs.fresh();
      try {
        await t.db.query(
          'CREATE TABLE integrations (id BIGINT PRIMARY KEY, token_encrypted TEXT, settings_encrypted JSONB)',
        );
        // 12 rows with ids 1..12: text order ('10' < '9') would make a keyset cursor skip rows.
        for (let id = 1; id <= 12; id++) {
          const kek = id % 4 === 0 ? v1 : v2;
          const payload = encryptValue(kek, `${SECRET}-${id}`).toString('utf8');
          await t.db.query('INSERT INTO integrations VALUES ($1, $2, $3::jsonb)', [id, payload, payload]);
        }
        await t.db.query(
          `INSERT INTO integrations VALUES (13, 'not json', '[1,2,3]'), (14, '', '"a string"'), (15, NULL, '{"version":1}')`,
        );
        await t.db.query(`INSERT INTO integrations VALUES (16, NULL, $1::jsonb)`, [
          JSON.stringify({ ...JSON.parse(encryptValue(v2, SECRET).toString()), key_id: 'evil\u001b[31m' }),
        ]);
        const entries = [
          { table: 'integrations', column: 'token_encrypted', idColumn: 'id' },
          { table: 'integrations', column: 'settings_encrypted', idColumn: 'id' },
        ];
        const columns = await resolveColumns(t.db, entries);
        const progress: [number, number, string][] = [];
        const report = await verifyColumns({
          db: t.db,
          ring: ROTATING,
          columns,
          deep: true,
          batchSize: 5,
          onProgress: (...p) => progress.push(p),
        });
        const [text, json] = report.columns;
        expect(text).toMatchObject({
          valueType: 'text',
          total: 16,
          nulls: 2,
          invalid: 2,
          byKeyId: { 'kek-v1': 3, 'kek-v2': 9 },
        });
        expect(text!.deep).toMatchObject({ checked: 14, ok: 12, failed: 2 });
        expect(json).toMatchObject({
          valueType: 'jsonb',
          total: 16,
          nulls: 0,
          invalid: 3,
          byKeyId: { 'kek-v1': 3, 'kek-v2': 9, 'evil\u001b[31m': 1 },
        });
        expect(json!.deep).toMatchObject({ checked: 16, ok: 12, failed: 4 });
        expect(progress.filter((p) => p[2] === 'integrations.token_encrypted')).toEqual([
          [0, 14, 'integrations.token_encrypted'],
          [5, 14, 'integrations.token_encrypted'],
          [10, 14, 'integrations.token_encrypted'],
          [14, 14, 'integrations.token_encrypted'],
        ]);
        const listed: string[] = [];
        for (let after: string | undefined; ;) {
          const q = listRowsSql(columns[0]!, { keyId: 'kek-v2' }, { afterId: after, limit: 4 });
          const { rows } = await t.db.query<{ id: string }>(q.text, q.params);
          if (rows.length === 0) break;
          listed.push(...rows.map((r) => r.id));
          after = listed[listed.length - 1];
        }
        expect(listed).toEqual(['1', '2', '3', '5', '6', '7', '9', '10', '11']);
        const rendered = renderVerifyText(report);
        expect(rendered).not.toContain('\u001b');
        expect(rendered).toContain('on evil\\x1b[31m');
        expect(rendered).not.toContain(SECRET);
      } finally {
        await t.drop();
      }
    },
  );

  it.skipIf(!backend.available)('needs a key ring to decrypt, and stops when cancelled', async () => {
    const t = await dbs.fresh();
    try {
      await seedProviders(t.db, 1, 0);
      const columns = await resolveColumns(t.db, DEFAULT_COLUMNS);
      const noRing = await verifyColumns({ db: t.db, columns });
      expect(noRing).toMatchObject({ passed: true, primaryKeyId: undefined });
      await expect(verifyColumns({ db: t.db, columns, deep: true })).rejects.toThrow(UserError);
      await expect(verifyColumns({ db: t.db, columns, onlyPrimary: true })).rejects.toThrow(
        /--only-primary needs the key ring/,
      );
      const controller = new AbortController();
      controller.abort();
      await expect(
        verifyColumns({ db: t.db, ring: ROTATING, columns, deep: true, signal: controller.signal }),
      ).rejects.toThrow(CancelledError);
    } finally {
      await t.drop();
    }
  });
});
