// The emergency checklist learns from the engine which rows a live run moved off the leaked key:
// every committed write reports its ids and the key each left, exactly once, never a value; rows
// already on the primary, failed rows and dry runs report nothing.
import { describe, expect, it } from 'vitest';
import { runReencryption } from '../../src/engine/run-reencryption.js';
import { BACKENDS, SKIP_PG_REASON, TEST_DATABASE_URL, type TestDatabase } from '../helpers/test-db.js';
import { llmProvidersColumn, makeKeys, seedProviders, useFreshApplicationTable } from './engine-fixtures.js';

if (!TEST_DATABASE_URL) console.log(SKIP_PG_REASON);

describe.each(BACKENDS)('rows moved by a live run on $name', ({ open, available }) => {
  let t: TestDatabase;
  useFreshApplicationTable({ open, available }, (opened) => (t = opened));

  it.skipIf(!available)(
    'reports each moved row once with the key it left; not the primary ones, not the failed ones',
    async () => {
      const keys = makeKeys();
      const onV1 = [...(await seedProviders(t.db, 37, keys.v1)).keys()];
      const onV2 = [...(await seedProviders(t.db, 5, keys.v2)).keys()];
      const broken = [...(await seedProviders(t.db, 1, keys.v1)).keys()][0]!;
      await t.db.query(`UPDATE llm_providers SET api_key_encrypted = $1 WHERE id = $2::uuid`, [
        Buffer.from('{"key_id":"kek-v1","oops":1}'),
        broken,
      ]);
      const moved: { table: string; id: string; fromKeyId: string }[] = [];
      const common = {
        db: t.db,
        ring: keys.ring,
        columns: [llmProvidersColumn(t.schema)],
        mode: 'reencrypt' as const,
        batchSize: 10,
        onEvent: () => undefined,
      };
      const onMoved = (table: string, rows: readonly { id: string; fromKeyId: string }[]) =>
        moved.push(...rows.map((r) => ({ table, ...r })));

      await runReencryption({ ...common, kind: 'dry-run', onMoved });
      expect(moved).toEqual([]);

      const summary = await runReencryption({ ...common, kind: 'live', onMoved });
      expect(summary.tables[0]).toMatchObject({ rotated: 37, alreadyPrimary: 5, failed: 1 });
      expect(moved.map((m) => m.id).sort()).toEqual([...onV1].sort());
      expect(new Set(moved.map((m) => m.fromKeyId))).toEqual(new Set(['kek-v1']));
      expect(new Set(moved.map((m) => m.table))).toEqual(new Set(['llm_providers.api_key_encrypted']));
      for (const id of [...onV2, broken]) expect(moved.some((m) => m.id === id)).toBe(false);
      // Ids and key ids only: nothing that could carry a value.
      expect(Object.keys(moved[0]!).sort()).toEqual(['fromKeyId', 'id', 'table']);
    },
  );
});
