// The rehearsal database: the application's schema exactly, uuidv7 ids, the updated_at trigger,
// fixtures under a fresh kek-v1 that decrypt to what the sandbox remembers; a temporary directory
// removed on close, a given one kept.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decryptValue } from '../../src/crypto/envelope.js';
import { makeKeyRing } from '../../src/crypto/key-ring.js';
import { peekKeyId } from '../../src/crypto/payload.js';
import { PRIMARY_VAR } from '../../src/crypto/key-ring.js';
import { createSandbox } from '../../src/sandbox/sandbox.js';
import { UserError } from '../../src/errors.js';
import { BACKENDS, perTestSchema } from '../helpers/test-db.js';

const backends = BACKENDS.map(perTestSchema);
afterAll(async () => {
  for (const b of backends) await b.closeAll();
});

const EXPECTED_COLUMNS = [
  ['id', 'uuid', 'NO', 'uuidv7()'],
  ['name', 'text', 'NO', null],
  ['provider_type', 'text', 'NO', null],
  ['base_url', 'text', 'YES', null],
  ['api_key_encrypted', 'bytea', 'YES', null],
  ['api_key_set', 'boolean', 'NO', 'false'],
  ['settings', 'jsonb', 'NO', "'{}'::jsonb"],
  ['status', 'text', 'NO', "'active'::text"],
  ['created_at', 'timestamp with time zone', 'NO', 'now()'],
  ['updated_at', 'timestamp with time zone', 'NO', 'now()'],
];

describe.each(backends)('createSandbox on $name', (backend) => {
  it.skipIf(!backend.available)(
    'creates the application table exactly, with uuidv7 ids and the updated_at trigger',
    async () => {
      const { db, drop } = await backend.fresh();
      const sandbox = await createSandbox({ db, rows: 40, seed: 5 });
      try {
        const { rows: columns } = await db.query<{
          column_name: string;
          data_type: string;
          is_nullable: string;
          column_default: string | null;
        }>(
          `SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns
          WHERE table_name = 'llm_providers' AND table_schema = current_schema() ORDER BY ordinal_position`,
        );
        expect(
          columns.map((c) => [
            c.column_name,
            c.data_type,
            c.is_nullable,
            c.column_default?.replace(/^public\.|^\w+\./, '') ?? null,
          ]),
        ).toEqual(EXPECTED_COLUMNS);

        const { rows } = await db.query<{
          id: string;
          api_key_set: boolean;
          api_key_encrypted: Buffer | null;
          updated_at: Date;
        }>('SELECT id::text AS id, api_key_set, api_key_encrypted, updated_at FROM llm_providers ORDER BY id');
        expect(rows).toHaveLength(40);
        for (const row of rows) {
          expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
          expect(row.api_key_set).toBe(row.api_key_encrypted !== null);
        }
        const first = rows[0]!;
        await new Promise((r) => setTimeout(r, 20));
        await db.query("UPDATE llm_providers SET status = 'disabled' WHERE id = $1", [first.id]);
        const { rows: after } = await db.query<{ updated_at: Date }>(
          'SELECT updated_at FROM llm_providers WHERE id = $1',
          [first.id],
        );
        expect(after[0]!.updated_at.getTime()).toBeGreaterThan(first.updated_at.getTime());
      } finally {
        await sandbox.close();
        await drop();
      }
    },
  );

  it.skipIf(!backend.available)(
    'encrypts every key under a fresh kek-v1, and plaintextOf knows what each row holds',
    async () => {
      const { db, drop } = await backend.fresh();
      const sandbox = await createSandbox({ db, rows: 60 });
      try {
        expect(sandbox.initialKey.id).toBe('kek-v1');
        expect(sandbox.initialKey.bytes).toHaveLength(32);
        const ring = makeKeyRing(sandbox.initialKey);
        const { rows } = await db.query<{ id: string; api_key_encrypted: Buffer | null }>(
          'SELECT id::text AS id, api_key_encrypted FROM llm_providers',
        );
        const nulls = rows.filter((r) => r.api_key_encrypted === null);
        expect(nulls.length).toBeGreaterThan(0);
        for (const row of rows) {
          if (row.api_key_encrypted === null) {
            expect(sandbox.plaintextOf(row.id)).toBeNull();
            continue;
          }
          expect(peekKeyId(row.api_key_encrypted)).toBe('kek-v1');
          expect(decryptValue(ring, row.api_key_encrypted).toString('utf8')).toBe(sandbox.plaintextOf(row.id));
        }
        expect(sandbox.environment()[PRIMARY_VAR]).toMatch(/^kek-v1:[A-Za-z0-9+/]{43}=$/);
      } finally {
        await sandbox.close();
        await drop();
      }
    },
  );

  it.skipIf(!backend.available)('refuses a database whose llm_providers already holds rows', async () => {
    const { db, drop } = await backend.fresh();
    const first = await createSandbox({ db, rows: 3 });
    await first.close();
    await expect(createSandbox({ db, rows: 3 })).rejects.toBeInstanceOf(UserError);
    await drop();
  });
});

// PGlite on disk takes tens of seconds to initialise on a busy machine: one database per test, generous limits.
describe('the sandbox directory', () => {
  it('is a temporary directory, removed on close', async () => {
    const temporary = await createSandbox({ rows: 2 });
    expect(temporary.dataDir && existsSync(temporary.dataDir)).toBeTruthy();
    await temporary.close();
    expect(existsSync(temporary.dataDir!)).toBe(false);
  }, 180_000);

  it('is kept on close when it was given', async () => {
    const given = join(mkdtempSync(join(tmpdir(), 'kek-rotate-test-')), 'rehearsal');
    const kept = await createSandbox({ rows: 2, dataDir: given });
    await kept.close();
    expect(existsSync(given)).toBe(true);
    rmSync(given, { recursive: true, force: true });
  }, 180_000);

  it('refuses a row count out of range', async () => {
    await expect(createSandbox({ rows: -3 })).rejects.toBeInstanceOf(UserError);
  });
});
