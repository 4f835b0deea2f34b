// The emergency checklist on a real database: the listing reads the table once; rows the
// application writes under the leaked key afterwards are moved by the live run, which reports them,
// and completing the list looks their names up by id (typed to the id column, one index lookup per
// chunk). A row deleted before the lookup is kept and named as deleted.
import { describe, expect, it } from 'vitest';
import { databaseEffects } from '../../src/effects/database-effects.js';
import { credentialsForIds, NAME_LOOKUP_CHUNK } from '../../src/effects/credentials-sql.js';
import { BACKENDS, SKIP_PG_REASON, TEST_DATABASE_URL, type TestDatabase } from '../helpers/test-db.js';
import { llmProvidersColumn, makeKeys, seedProviders, useFreshApplicationTable } from '../engine/engine-fixtures.js';

if (!TEST_DATABASE_URL) console.log(SKIP_PG_REASON);

describe.each(BACKENDS)('completing the emergency checklist on $name', ({ open, available }) => {
  let t: TestDatabase;
  useFreshApplicationTable({ open, available }, (opened) => (t = opened));

  it.skipIf(!available)(
    'adds what the live run moved off the leaked key that the listing had not seen, with names',
    async () => {
      const keys = makeKeys();
      const first = await seedProviders(t.db, 25, keys.v1, 'before');
      const data = databaseEffects({
        db: t.db,
        entries: [{ schema: t.schema, table: 'llm_providers', column: 'api_key_encrypted', idColumn: 'id' }],
      });
      const signal = new AbortController().signal;
      const listed = await data.listCredentials('kek-v1', signal);
      expect(listed.map((c) => c.id).sort()).toEqual([...first.keys()].sort());
      expect(data.readProgress.current().credentials?.progress.finished).toBe(true);

      // Written under the leaked key after the listing read the table (it stays primary until the deploy).
      const later = await seedProviders(t.db, 3, keys.v1, 'later');
      await data.runBuiltin(
        { kind: 'live', mode: 'reencrypt', signal, onEvent: () => undefined, recordMovedFrom: 'kek-v1' },
        keys.ring,
      );

      const { credentials, added } = await data.completeCredentialList('kek-v1', listed, signal);
      expect(added.map((c) => c.id).sort()).toEqual([...later.keys()].sort());
      for (const c of added)
        expect(c).toEqual({
          table: 'llm_providers.api_key_encrypted',
          id: c.id,
          name: later.get(c.id),
          providerType: 'openai',
        });
      expect(credentials).toHaveLength(28);
      // Nothing is added twice when completing again.
      expect((await data.completeCredentialList('kek-v1', credentials, signal)).added).toEqual([]);
    },
  );

  it.skipIf(!available)('looks names up in chunks, keeps the order asked for, and names a deleted row', async () => {
    const keys = makeKeys();
    const rows = await seedProviders(t.db, NAME_LOOKUP_CHUNK + 7, keys.v1, 'n');
    const ids = [...rows.keys()].reverse();
    await t.db.query('DELETE FROM llm_providers WHERE id = $1::uuid', [ids[3]]);
    const found = await credentialsForIds(t.db, llmProvidersColumn(t.schema), ids);
    expect(found.map((c) => c.id)).toEqual(ids);
    expect(found[3]?.name).toBe('(row deleted)');
    expect(found[NAME_LOOKUP_CHUNK + 2]?.name).toBe(rows.get(ids[NAME_LOOKUP_CHUNK + 2]!));
  });
});
