// Runs whose table changes under them or that are stopped half way: deletes and inserts between
// pages make nothing get skipped (the reference's OFFSET paging does skip), and an abort ends
// after the batch in flight, leaving every row readable for a rerun to finish.
import { describe, expect, it } from 'vitest';
import { encryptValue, rotateValue } from '../../src/crypto/envelope.js';
import type { KeyRing } from '../../src/crypto/key-ring.js';
import type { Db } from '../../src/db/db.js';
import { runReencryption } from '../../src/engine/run-reencryption.js';
import { createApplicationSchema } from '../../src/sandbox/schema.js';
import { BACKENDS, SKIP_PG_REASON, TEST_DATABASE_URL, type TestDatabase } from '../helpers/test-db.js';
import {
  interceptDb,
  keyIdOf,
  llmProvidersColumn,
  makeKeys,
  plaintextOf,
  readProviders,
  seedProviders,
  useFreshApplicationTable,
} from './engine-fixtures.js';

if (!TEST_DATABASE_URL) console.log(SKIP_PG_REASON);

/** The reference tool's algorithm (EVERRUNS.md): OFFSET pages, one autocommitted UPDATE per row. */
async function referenceOffsetRun(
  db: Db,
  ring: KeyRing,
  batchSize: number,
  beforePage: (page: number) => Promise<void>,
): Promise<void> {
  for (let page = 0, offset = 0; ; page++) {
    await beforePage(page);
    const { rows } = await db.query<{ id: string; value: Buffer | null }>(
      'SELECT id::text AS id, api_key_encrypted AS value FROM llm_providers ORDER BY id LIMIT $1 OFFSET $2',
      [batchSize, offset],
    );
    if (rows.length === 0) return;
    for (const row of rows) {
      if (row.value === null || keyIdOf(row.value) === ring.primary.id) continue;
      const { payload } = rotateValue(ring, row.value, ring.primary, 'reencrypt');
      await db.query('UPDATE llm_providers SET api_key_encrypted = $1 WHERE id = $2::uuid', [payload, row.id]);
    }
    offset += rows.length;
  }
}

describe.each(BACKENDS)('changing and interrupted runs on $name', ({ open, available }) => {
  let t: TestDatabase;
  useFreshApplicationTable({ open, available }, (opened) => (t = opened));

  /** Before the third page: the application deletes 15 rows already done and adds 5 on the old key. */
  function churn(keys: ReturnType<typeof makeKeys>) {
    return async (page: number) => {
      if (page !== 2) return;
      await t.db.query('DELETE FROM llm_providers WHERE id IN (SELECT id FROM llm_providers ORDER BY id LIMIT 15)');
      for (let i = 0; i < 5; i++) {
        await t.db.query(
          "INSERT INTO llm_providers (name, provider_type, api_key_encrypted) VALUES ($1, 'openai', $2)",
          [`late-${i}`, encryptValue(keys.v1, `late-${i}`)],
        );
      }
    };
  }

  it.skipIf(!available)(
    'deletes and inserts during a run make nothing get skipped (the OFFSET algorithm skips 15)',
    async () => {
      const keys = makeKeys();
      const plaintexts = await seedProviders(t.db, 60, keys.v1);
      let pages = 0;
      const onPage = churn(keys);
      const db = interceptDb(t.db, /ORDER BY .* LIMIT/, async () => onPage(pages++));
      const summary = await runReencryption({
        db,
        ring: keys.ring,
        columns: [llmProvidersColumn(t.schema)],
        kind: 'live',
        mode: 'reencrypt',
        batchSize: 10,
        onEvent: () => undefined,
      });
      expect(summary.tables[0]).toMatchObject({ total: 60, rotated: 65, failed: 0 });
      const rows = await readProviders(t.db);
      expect(rows).toHaveLength(50);
      for (const row of rows) {
        expect(keyIdOf(row.value)).toBe('kek-v2');
        const name = plaintexts.get(row.id);
        if (name) expect(plaintextOf(keys.ring, row.value!)).toBe(name);
      }

      // The same story under the reference algorithm leaves rows behind on the old key.
      await t.db.query('DROP TABLE llm_providers');
      await createApplicationSchema(t.db);
      await seedProviders(t.db, 60, keys.v1);
      await referenceOffsetRun(t.db, keys.ring, 10, churn(keys));
      const left = (await readProviders(t.db)).filter((r) => keyIdOf(r.value) === 'kek-v1');
      expect(left).toHaveLength(15);
    },
  );

  it.skipIf(!available)(
    'an abort mid-batch lets that batch commit, reports cancelled, and a rerun finishes',
    async () => {
      const keys = makeKeys();
      const plaintexts = await seedProviders(t.db, 80, keys.v1);
      const controller = new AbortController();
      let writes = 0;
      // Abort while the third batch's UPDATE is on its way: that transaction still commits whole.
      const db = interceptDb(t.db, /^UPDATE/, async () => {
        if (++writes === 3) controller.abort();
      });
      const events: string[] = [];
      const summary = await runReencryption({
        db,
        ring: keys.ring,
        columns: [llmProvidersColumn(t.schema)],
        kind: 'live',
        mode: 'reencrypt',
        batchSize: 10,
        signal: controller.signal,
        onEvent: (e) => events.push(e.type),
      });
      expect(summary.cancelled).toBe(true);
      expect(summary.tables[0]).toMatchObject({ processed: 30, rotated: 30 });
      expect(events.at(-1)).toBe('run-done');
      const rows = await readProviders(t.db);
      expect(rows.filter((r) => keyIdOf(r.value) === 'kek-v2')).toHaveLength(30);
      expect(rows.filter((r) => keyIdOf(r.value) === 'kek-v1')).toHaveLength(50);
      for (const row of rows) expect(plaintextOf(keys.ring, row.value!)).toBe(plaintexts.get(row.id));

      const rerun = await runReencryption({
        db: t.db,
        ring: keys.ring,
        columns: [llmProvidersColumn(t.schema)],
        kind: 'live',
        mode: 'reencrypt',
        batchSize: 10,
        onEvent: () => undefined,
      });
      expect(rerun).toMatchObject({ cancelled: false, failures: [] });
      expect(rerun.tables[0]).toMatchObject({ rotated: 50, alreadyPrimary: 30 });
      for (const row of await readProviders(t.db)) {
        expect(keyIdOf(row.value)).toBe('kek-v2');
        expect(plaintextOf(keys.ring, row.value!)).toBe(plaintexts.get(row.id));
      }
    },
  );

  it.skipIf(!available)('an abort before the start processes nothing', async () => {
    const keys = makeKeys();
    await seedProviders(t.db, 5, keys.v1);
    const summary = await runReencryption({
      db: t.db,
      ring: keys.ring,
      columns: [llmProvidersColumn(t.schema)],
      kind: 'live',
      mode: 'reencrypt',
      batchSize: 10,
      signal: AbortSignal.abort(),
      onEvent: () => undefined,
    });
    expect(summary.cancelled).toBe(true);
    expect((await readProviders(t.db)).every((r) => keyIdOf(r.value) === 'kek-v1')).toBe(true);
  });
});
