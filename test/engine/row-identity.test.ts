// Each new value goes back to the exact row it was computed from, and each value the run calls
// done has been decrypted: rows are paired by position across the crypto threads (never by id),
// and a row labelled with the primary id that does not open with the primary key is a failure.
import { describe, expect, it } from 'vitest';
import { encryptValue } from '../../src/crypto/envelope.js';
import { runReencryption } from '../../src/engine/run-reencryption.js';
import { BACKENDS, SKIP_PG_REASON, TEST_DATABASE_URL, freshPg, type TestDatabase } from '../helpers/test-db.js';
import {
  column,
  keyIdOf,
  llmProvidersColumn,
  makeKeys,
  newKek,
  plaintextOf,
  readProviders,
  seedProviders,
  useFreshApplicationTable,
} from './engine-fixtures.js';

if (!TEST_DATABASE_URL) console.log(SKIP_PG_REASON);

describe.skipIf(!TEST_DATABASE_URL)('an id column with repeats, crypto on worker threads (postgresql)', () => {
  it("never gives a row another row's secret: 30,000 rows, each id on 3 rows, three runs", async () => {
    const t: TestDatabase = await freshPg('dup');
    try {
      const keys = makeKeys();
      // No primary key: every id is on three rows, as in a table the registry was wrongly pointed at.
      await t.db.query('CREATE TABLE secrets (id int, secret bytea, plain text NOT NULL)');
      const n = 30_000;
      const plains = Array.from({ length: n }, (_, i) => `secret-${i}`);
      for (let i = 0; i < n; i += 5000) {
        const chunk = plains.slice(i, i + 5000);
        await t.db.query(
          'INSERT INTO secrets (id, secret, plain) SELECT (v.ord - 1 + $3::int) / 3, v.enc, v.plain FROM unnest($1::text[], $2::bytea[]) WITH ORDINALITY AS v(plain, enc, ord)',
          [chunk, chunk.map((p) => encryptValue(keys.v1, p)), i],
        );
      }
      const secrets = column(t.schema, 'secrets', 'secret', 'id', 'integer', 'bytea');
      for (let run = 0; run < 3; run++) {
        await runReencryption({
          db: t.db,
          ring: keys.ring,
          columns: [secrets],
          kind: 'live',
          mode: 'reencrypt',
          batchSize: 1000,
          cryptoWorkers: 2,
          concurrency: 1,
          onEvent: () => undefined,
        });
      }
      const { rows } = await t.db.query<{ secret: Buffer; plain: string }>('SELECT secret, plain FROM secrets');
      expect(rows).toHaveLength(n);
      const swapped = rows.filter((r) => plaintextOf(keys.ring, r.secret) !== r.plain).length;
      expect(swapped).toBe(0);
      // Some rows did move (the engine ran on the worker path at all).
      expect(rows.filter((r) => keyIdOf(r.secret) === 'kek-v2').length).toBeGreaterThan(n / 2);
    } finally {
      await t.drop();
    }
  });
});

describe.each(BACKENDS)(
  'a row labelled with the primary id, written under other bytes, on $name',
  ({ open, available }) => {
    let t: TestDatabase;
    useFreshApplicationTable({ open, available }, (opened) => (t = opened));

    async function seedWithForgedPrimaryRow() {
      const keys = makeKeys();
      await seedProviders(t.db, 10, keys.v1);
      await seedProviders(t.db, 5, keys.v2, 'on-v2');
      const impostor = newKek('kek-v2'); // another key that is also called kek-v2
      const forged = (
        await t.db.query<{ id: string }>(
          "INSERT INTO llm_providers (name, provider_type, api_key_encrypted) VALUES ('forged', 'openai', $1) RETURNING id::text AS id",
          [encryptValue(impostor, 'forged-secret')],
        )
      ).rows[0]!.id;
      return { keys, forged, before: await readProviders(t.db) };
    }

    it.skipIf(!available)('the dry run decrypts it and lists it as a failure, not "already on kek-v2"', async () => {
      const { keys, forged } = await seedWithForgedPrimaryRow();
      const summary = await runReencryption({
        db: t.db,
        ring: keys.ring,
        columns: [llmProvidersColumn(t.schema)],
        kind: 'dry-run',
        mode: 'reencrypt',
        batchSize: 4,
        onEvent: () => undefined,
      });
      expect(summary.tables[0]).toMatchObject({ total: 16, rotated: 10, alreadyPrimary: 5, failed: 1 });
      expect(summary.failures).toEqual([
        expect.objectContaining({ id: forged, keyId: 'kek-v2', problem: 'dek-auth-failed' }),
      ]);
    });

    it.skipIf(!available)('the live run fails it with its reason and leaves it byte for byte', async () => {
      const { keys, forged, before } = await seedWithForgedPrimaryRow();
      const summary = await runReencryption({
        db: t.db,
        ring: keys.ring,
        columns: [llmProvidersColumn(t.schema)],
        kind: 'live',
        mode: 'reencrypt',
        batchSize: 4,
        onEvent: () => undefined,
      });
      expect(summary.tables[0]).toMatchObject({ rotated: 10, alreadyPrimary: 5, failed: 1 });
      expect(summary.failures.map((f) => f.id)).toEqual([forged]);
      const after = await readProviders(t.db);
      expect(after.find((r) => r.id === forged)!.value!.equals(before.find((r) => r.id === forged)!.value!)).toBe(true);
    });
  },
);
