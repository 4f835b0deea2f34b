// Each configured key is proven on a sample of the rows that claim its id, on bytea/text/jsonb and
// on pg and PGlite: the right key is proven, a wrong key under the right id opens none, a key that
// opens some but not all is reported with the rows it does not open, a key no row claims is unused.
import { describe, expect, it } from 'vitest';
import { encryptValue } from '../../src/crypto/envelope.js';
import { makeKeyRing } from '../../src/crypto/key-ring.js';
import { assertKeysProven, KEY_PROOF_SAMPLE, proveKeys, verdictOf } from '../../src/engine/prove-keys.js';
import { UserError } from '../../src/errors.js';
import { BACKENDS, SKIP_PG_REASON, TEST_DATABASE_URL, type TestDatabase } from '../helpers/test-db.js';
import {
  column,
  llmProvidersColumn,
  makeKeys,
  newKek,
  seedProviders,
  useFreshApplicationTable,
} from './engine-fixtures.js';

if (!TEST_DATABASE_URL) console.log(SKIP_PG_REASON);

describe.each(BACKENDS)('proving the configured keys on $name', ({ open, available }) => {
  let t: TestDatabase;
  useFreshApplicationTable({ open, available }, (opened) => (t = opened));

  it.skipIf(!available)(
    'right keys are proven; a wrong key under the right id opens none and blocks with exit 2',
    async () => {
      const keys = makeKeys();
      await seedProviders(t.db, 100, keys.v1);
      await seedProviders(t.db, 3, keys.v2, 'v2');
      const columns = [llmProvidersColumn(t.schema)];
      const right = await proveKeys(t.db, columns, keys.ring);
      expect(right.map((p) => [p.keyId, p.source, p.tried, p.decrypted, verdictOf(p)])).toEqual([
        ['kek-v2', 'SECRETS_ENCRYPTION_KEY', 3, 3, 'proven'],
        ['kek-v1', 'SECRETS_ENCRYPTION_KEY_PREVIOUS', KEY_PROOF_SAMPLE, KEY_PROOF_SAMPLE, 'proven'],
      ]);
      expect(assertKeysProven(right)).toEqual([]);

      const wrongPrevious = makeKeyRing(keys.v2, newKek('kek-v1'));
      const proofs = await proveKeys(t.db, columns, wrongPrevious);
      expect(verdictOf(proofs[1]!)).toBe('wrong-key');
      expect(() => assertKeysProven(proofs)).toThrow(UserError);
      expect(() => assertKeysProven(proofs)).toThrow(
        `SECRETS_ENCRYPTION_KEY_PREVIOUS (kek-v1) decrypts none of the ${KEY_PROOF_SAMPLE} rows labelled kek-v1 that were tried: this is not the key these rows were written with. Nothing was written`,
      );
    },
  );

  it.skipIf(!available)(
    'a key that opens some of its rows is a warning naming the rows; a key no row claims is unused',
    async () => {
      const keys = makeKeys();
      await seedProviders(t.db, 5, keys.v2);
      const forged = (
        await t.db.query<{ id: string }>(
          "INSERT INTO llm_providers (name, provider_type, api_key_encrypted) VALUES ('forged', 'openai', $1) RETURNING id::text AS id",
          [encryptValue(newKek('kek-v2'), 'x')],
        )
      ).rows[0]!.id;
      const proofs = await proveKeys(t.db, [llmProvidersColumn(t.schema)], keys.ring);
      expect(proofs.map((p) => [p.keyId, p.tried, p.decrypted, verdictOf(p)])).toEqual([
        ['kek-v2', 6, 5, 'partly'],
        ['kek-v1', 0, 0, 'unused'],
      ]);
      expect(assertKeysProven(proofs)).toEqual([
        `SECRETS_ENCRYPTION_KEY (kek-v2) decrypts 5 of 6 rows labelled kek-v2 that were tried; these do not: llm_providers.api_key_encrypted id=${forged}`,
      ]);
    },
  );

  it.skipIf(!available)('samples text and jsonb columns by their key id too', async () => {
    const keys = makeKeys();
    for (const type of ['text', 'jsonb'] as const) {
      await t.db.query('DROP TABLE IF EXISTS held');
      await t.db.query(`CREATE TABLE held (id int PRIMARY KEY, secret ${type})`);
      for (let i = 0; i < 4; i++)
        await t.db.query(`INSERT INTO held VALUES ($1, $2${type === 'jsonb' ? '::jsonb' : ''})`, [
          i,
          encryptValue(keys.v1, `s${i}`).toString('utf8'),
        ]);
      const proofs = await proveKeys(
        t.db,
        [column(t.schema, 'held', 'secret', 'id', 'integer', type)],
        makeKeyRing(keys.v2, newKek('kek-v1')),
      );
      expect(
        proofs.map((p) => [p.keyId, p.tried, p.decrypted]),
        type,
      ).toEqual([
        ['kek-v2', 0, 0],
        ['kek-v1', 4, 0],
      ]);
    }
  });
});
