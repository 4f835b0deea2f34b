// `seed` on a staging database: creates the schema when absent, writes the key to a 0600 file before
// any row is encrypted under it, marks its rows, and refuses a table holding other rows unless forced.
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decryptValue } from '../../src/crypto/envelope.js';
import { generateKek } from '../../src/crypto/generate-key.js';
import { makeKeyRing } from '../../src/crypto/key-ring.js';
import { parseKey } from '../../src/crypto/key.js';
import { UserError } from '../../src/errors.js';
import { seedStagingDatabase } from '../../src/sandbox/seed-staging.js';
import { createApplicationSchema } from '../../src/sandbox/schema.js';
import { BACKENDS, perTestSchema } from '../helpers/test-db.js';

const backends = BACKENDS.map(perTestSchema);
afterAll(async () => {
  for (const b of backends) await b.closeAll();
});

const keyPath = () => join(mkdtempSync(join(tmpdir(), 'kek-rotate-seed-')), 'seed.key');

describe.each(backends)('seedStagingDatabase on $name', (backend) => {
  const live = it.skipIf(!backend.available);

  live('creates the schema, writes the key to a 0600 file, and seeds rows that decrypt with it', async () => {
    const { db, drop } = await backend.fresh();
    try {
      const path = keyPath();
      const result = await seedStagingDatabase({ db, rows: 25, keyOutPath: path });
      expect(result).toMatchObject({
        createdSchema: true,
        inserted: 25,
        keyId: 'kek-v1',
        keyFile: path,
        earlierFixtureRows: 0,
        otherRows: 0,
      });
      expect(statSync(path).mode & 0o777).toBe(0o600);
      const key = parseKey(readFileSync(path, 'utf8'), path);
      const { rows } = await db.query<{ v: Buffer | null; mark: string }>(
        "SELECT api_key_encrypted AS v, settings->>'kek_rotate_fixture' AS mark FROM llm_providers",
      );
      expect(rows).toHaveLength(25);
      expect(rows.filter((r) => r.v === null)).toHaveLength(result.withoutKey);
      for (const row of rows) {
        expect(row.mark).toBe('true');
        if (row.v) expect(decryptValue(makeKeyRing(key), row.v).toString('utf8')).toMatch(/FAKE|deadbeef|test/);
      }
      // The result names the file, never the key.
      expect(JSON.stringify(result)).not.toContain(key.bytes.toString('base64'));
    } finally {
      await drop();
    }
  });

  live('refuses a table holding rows it did not create, unless forced (and then never changes them)', async () => {
    const { db, drop } = await backend.fresh();
    try {
      await createApplicationSchema(db);
      await db.query("INSERT INTO llm_providers (name, provider_type) VALUES ('Real production provider', 'openai')");
      const path = keyPath();
      const refusal = seedStagingDatabase({ db, rows: 5, keyOutPath: path });
      await expect(refusal).rejects.toBeInstanceOf(UserError);
      await expect(refusal).rejects.toThrow(/1 row\(s\) that kek-rotate did not create/);
      expect(() => statSync(path)).toThrow(); // no key file either
      const { rows: before } = await db.query('SELECT * FROM llm_providers');

      const forced = await seedStagingDatabase({ db, rows: 5, keyOutPath: path, force: true });
      expect(forced).toMatchObject({ createdSchema: false, inserted: 5, otherRows: 1 });
      const { rows: after } = await db.query("SELECT * FROM llm_providers WHERE name = 'Real production provider'");
      expect(after).toEqual(before);
    } finally {
      await drop();
    }
  });

  live('adds to its own earlier seed only with the same key', async () => {
    const { db, drop } = await backend.fresh();
    try {
      const path = keyPath();
      await seedStagingDatabase({ db, rows: 5, keyOutPath: path });
      await expect(seedStagingDatabase({ db, rows: 5, keyOutPath: keyPath() })).rejects.toThrow(
        /already encrypted under kek-v1/,
      );
      await expect(seedStagingDatabase({ db, rows: 5, key: generateKek('kek-v1') })).rejects.toThrow(
        /not the key that rows under kek-v1/,
      );
      const key = parseKey(readFileSync(path, 'utf8'), path);
      const again = await seedStagingDatabase({ db, rows: 5, key });
      expect(again).toMatchObject({ inserted: 5, earlierFixtureRows: 5, keyFile: undefined, otherRows: 0 });
    } finally {
      await drop();
    }
  });

  live('refuses a table that is not the application one, and never overwrites a key file', async () => {
    const { db, drop } = await backend.fresh();
    try {
      await db.query('CREATE TABLE llm_providers (id int)');
      await expect(seedStagingDatabase({ db, rows: 5, keyOutPath: keyPath() })).rejects.toThrow(
        /no column name, provider_type/,
      );
      await db.query('DROP TABLE llm_providers');
      const path = keyPath();
      await seedStagingDatabase({ db, rows: 1, keyOutPath: path });
      const fresh = await backend.fresh();
      await expect(seedStagingDatabase({ db: fresh.db, rows: 1, keyOutPath: path })).rejects.toThrow(
        /refusing to overwrite/,
      );
      const { rows } = await fresh.db.query("SELECT to_regclass('llm_providers')::text AS t");
      expect(rows[0]).toEqual({ t: null });
      await fresh.drop();
    } finally {
      await drop();
    }
  });
});
