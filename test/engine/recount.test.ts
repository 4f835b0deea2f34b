// The recount that ends every live run: rows an old-key writer puts back during the run (a replica
// still on the old configuration) are found, counted per key id and listed with their cause, on
// bytea, text and jsonb columns; rows on the primary in any JSON spelling are not miscounted.
import { describe, expect, it } from 'vitest';
import { encryptValue } from '../../src/crypto/envelope.js';
import { leftBehindTotal } from '../../src/engine/events.js';
import { describeLeftBehind, recountColumn } from '../../src/engine/recount.js';
import { runReencryption } from '../../src/engine/run-reencryption.js';
import { BACKENDS, SKIP_PG_REASON, TEST_DATABASE_URL, type TestDatabase } from '../helpers/test-db.js';
import {
  column,
  interceptDb,
  llmProvidersColumn,
  makeKeys,
  seedProviders,
  useFreshApplicationTable,
} from './engine-fixtures.js';

if (!TEST_DATABASE_URL) console.log(SKIP_PG_REASON);

describe.each(BACKENDS)('the recount after a live run on $name', ({ open, available }) => {
  let t: TestDatabase;
  useFreshApplicationTable({ open, available }, (opened) => (t = opened));

  it.skipIf(!available)(
    'finds rows an old-key writer wrote during the run: counted, listed with the cause, not a clean run',
    async () => {
      const keys = makeKeys();
      const ids = [...(await seedProviders(t.db, 40, keys.v1)).keys()].sort();
      let pages = 0;
      let rewritten: string | undefined;
      // Before the third page is read, a replica still on kek-v1 re-saves a row the run already moved.
      const db = interceptDb(t.db, /ORDER BY t\.\S+ LIMIT \$/, async () => {
        if (pages++ !== 2) return;
        rewritten = ids[0]!;
        await t.db.query('UPDATE llm_providers SET api_key_encrypted = $1 WHERE id = $2::uuid', [
          encryptValue(keys.v1, 'resaved'),
          rewritten,
        ]);
      });
      const summary = await runReencryption({
        db,
        ring: keys.ring,
        columns: [llmProvidersColumn(t.schema)],
        kind: 'live',
        mode: 'reencrypt',
        batchSize: 10,
        onEvent: () => undefined,
      });
      expect(summary.tables[0]).toMatchObject({ rotated: 40, failed: 0 });
      expect(summary.failures).toEqual([]);
      expect(leftBehindTotal(summary)).toBe(1);
      const recount = summary.leftBehind![0]!;
      expect(recount).toEqual({
        table: 'llm_providers.api_key_encrypted',
        count: 1,
        byKeyId: { 'kek-v1': 1 },
        rows: [{ id: rewritten, keyId: 'kek-v1', cause: 'written-during-run' }],
      });
      expect(describeLeftBehind(recount, 'kek-v2')).toBe(
        'llm_providers.api_key_encrypted: 1 row is not on kek-v2 at the end of the run (kek-v1: 1): 1 were written under an old key during the run (a replica may still have the old configuration)',
      );
    },
  );

  it.skipIf(!available)('a clean run recounts zero; a dry run does not recount', async () => {
    const keys = makeKeys();
    await seedProviders(t.db, 25, keys.v1);
    const dry = await runReencryption({
      db: t.db,
      ring: keys.ring,
      columns: [llmProvidersColumn(t.schema)],
      kind: 'dry-run',
      mode: 'reencrypt',
      batchSize: 10,
      onEvent: () => undefined,
    });
    expect(dry.leftBehind).toBeUndefined();
    const live = await runReencryption({
      db: t.db,
      ring: keys.ring,
      columns: [llmProvidersColumn(t.schema)],
      kind: 'live',
      mode: 'reencrypt',
      batchSize: 10,
      onEvent: () => undefined,
    });
    expect(live.leftBehind).toEqual([{ table: 'llm_providers.api_key_encrypted', count: 0, byKeyId: {}, rows: [] }]);
  });

  it.skipIf(!available)('labels exactly as the engine does, in every column type and JSON spelling', async () => {
    const keys = makeKeys();
    const canonical = (kek: typeof keys.v1, plain: string) => encryptValue(kek, plain).toString('utf8');
    const primary = canonical(keys.v2, 'a');
    const respaced = JSON.stringify(JSON.parse(primary), null, 1); // on kek-v2, not canonical
    const relabelled = primary.replace('"ciphertext"', '"key_id":"kek-v1","ciphertext"'); // JSON's last key_id wins: kek-v1
    const escaped = primary.replace('"ciphertext"', '"key\\u005fid":"kek-v1","ciphertext"'); // the same, spelled with an escape
    const values: [string, string | null][] = [
      ['1', primary],
      ['2', respaced],
      ['3', relabelled],
      ['4', escaped],
      ['5', canonical(keys.v1, 'b')],
      ['6', null],
      ['7', 'not json'],
    ];
    for (const type of ['bytea', 'text', 'jsonb'] as const) {
      if (type === 'jsonb') values.pop(); // not storable as jsonb
      await t.db.query('DROP TABLE IF EXISTS held');
      await t.db.query(`CREATE TABLE held (id int PRIMARY KEY, secret ${type})`);
      for (const [id, value] of values) {
        const param = value === null ? null : type === 'bytea' ? Buffer.from(value, 'utf8') : value;
        await t.db.query(`INSERT INTO held VALUES ($1, $2${type === 'jsonb' ? '::jsonb' : ''})`, [Number(id), param]);
      }
      const recount = await recountColumn(
        t.db,
        column(t.schema, 'held', 'secret', 'id', 'integer', type),
        'kek-v2',
        [],
      );
      const expected = type === 'jsonb' ? ['3', '4', '5'] : ['3', '4', '5', '7'];
      expect(
        recount.rows.map((r) => r.id),
        type,
      ).toEqual(expected);
      expect(recount.byKeyId, type).toEqual(type === 'jsonb' ? { 'kek-v1': 3 } : { 'kek-v1': 3, '(no key id)': 1 });
    }
  });
});
