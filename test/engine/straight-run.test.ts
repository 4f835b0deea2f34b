// A run with nobody else writing: every value lands on the new key and still decrypts to its
// plaintext; NULLs and rows already on the primary are left alone; a dry run writes nothing.
import { describe, expect, it } from 'vitest';
import { encryptValue } from '../../src/crypto/envelope.js';
import { parsePayload } from '../../src/crypto/payload.js';
import { runReencryption } from '../../src/engine/run-reencryption.js';
import { BACKENDS, SKIP_PG_REASON, TEST_DATABASE_URL, type TestDatabase } from '../helpers/test-db.js';
import {
  column,
  keyIdOf,
  llmProvidersColumn,
  makeKeys,
  plaintextOf,
  readProviders,
  recorder,
  seedProviders,
  useFreshApplicationTable,
} from './engine-fixtures.js';

if (!TEST_DATABASE_URL) console.log(SKIP_PG_REASON);

describe.each(BACKENDS)('re-encryption on $name', ({ open, available }) => {
  let t: TestDatabase;
  useFreshApplicationTable({ open, available }, (opened) => (t = opened));

  /** 57 rows on kek-v1, 5 already on kek-v2, 3 NULL. */
  async function seedMixed() {
    const keys = makeKeys();
    const old = await seedProviders(t.db, 57, keys.v1, 'old');
    const onPrimary = await seedProviders(t.db, 5, keys.v2, 'new');
    await t.db.query(
      `INSERT INTO llm_providers (name, provider_type) SELECT 'null-' || g, 'anthropic' FROM generate_series(1, 3) g`,
    );
    const plaintexts = new Map([...old, ...onPrimary]);
    return { keys, old, onPrimary, plaintexts, before: await readProviders(t.db) };
  }

  it.skipIf(!available)(
    'moves every value onto the new key with its plaintext, leaves NULLs and primary rows byte for byte',
    async () => {
      const { keys, onPrimary, plaintexts, before } = await seedMixed();
      const rec = recorder();
      const summary = await runReencryption({
        db: t.db,
        ring: keys.ring,
        columns: [llmProvidersColumn(t.schema)],
        kind: 'live',
        mode: 'reencrypt',
        batchSize: 10,
        onEvent: rec.onEvent,
      });

      expect(summary.cancelled).toBe(false);
      expect(summary.failures).toEqual([]);
      expect(summary.tables[0]).toMatchObject({
        total: 65,
        processed: 65,
        rotated: 57,
        alreadyPrimary: 5,
        nulls: 3,
        failed: 0,
        skippedLocked: 0,
        vanished: 0,
        retried: 0,
      });
      expect(summary.tables[0]!.byKeyId).toEqual({ 'kek-v1': 57, 'kek-v2': 5 });

      const after = await readProviders(t.db);
      expect(after.map((r) => r.id)).toEqual(before.map((r) => r.id));
      const beforeById = new Map(before.map((r) => [r.id, r.value]));
      let nulls = 0;
      for (const row of after) {
        if (row.value === null) {
          nulls++;
          expect(beforeById.get(row.id)).toBeNull();
          continue;
        }
        expect(keyIdOf(row.value)).toBe('kek-v2');
        // Decrypts with the new key alone: what the application sees once kek-v1 is removed.
        expect(plaintextOf(keys.ring, row.value)).toBe(plaintexts.get(row.id));
        if (onPrimary.has(row.id)) expect(row.value.equals(beforeById.get(row.id)!)).toBe(true);
        else expect(row.value.equals(beforeById.get(row.id)!)).toBe(false);
      }
      expect(nulls).toBe(3);
      expect(rec.of('run-start')[0]).toMatchObject({
        primaryKeyId: 'kek-v2',
        tables: [{ table: 'llm_providers.api_key_encrypted', total: 65 }],
      });
      expect(rec.events.at(-1)).toEqual({ type: 'run-done', summary });

      // A rerun finds nothing to do and writes nothing.
      const again = await runReencryption({
        db: t.db,
        ring: keys.ring,
        columns: [llmProvidersColumn(t.schema)],
        kind: 'live',
        mode: 'reencrypt',
        batchSize: 7,
        onEvent: () => undefined,
      });
      expect(again.tables[0]).toMatchObject({ rotated: 0, alreadyPrimary: 62, nulls: 3 });
      const third = await readProviders(t.db);
      third.forEach((row, i) =>
        expect(row.value === null ? null : row.value.toString('hex')).toBe(
          after[i]!.value === null ? null : after[i]!.value!.toString('hex'),
        ),
      );
    },
  );

  it.skipIf(!available)('dry run decrypts and counts without writing anything', async () => {
    const { keys, before } = await seedMixed();
    const summary = await runReencryption({
      db: t.db,
      ring: keys.ring,
      columns: [llmProvidersColumn(t.schema)],
      kind: 'dry-run',
      mode: 'reencrypt',
      batchSize: 8,
      onEvent: () => undefined,
    });
    expect(summary.kind).toBe('dry-run');
    expect(summary.tables[0]).toMatchObject({
      total: 65,
      processed: 65,
      rotated: 57,
      alreadyPrimary: 5,
      nulls: 3,
      failed: 0,
    });
    expect(summary.tables[0]!.byKeyId).toEqual({ 'kek-v1': 57, 'kek-v2': 5 });
    const after = await readProviders(t.db);
    expect(after.map((r) => r.value?.toString('hex') ?? null)).toEqual(
      before.map((r) => r.value?.toString('hex') ?? null),
    );
    const { rows } = await t.db.query<{ n: string }>(
      'SELECT count(*)::text AS n FROM llm_providers WHERE updated_at <> created_at',
    );
    expect(rows[0]!.n).toBe('0');
  });

  it.skipIf(!available)('rewrap mode keeps nonce and ciphertext, changes only the wrapped key', async () => {
    const { keys, before, plaintexts } = await seedMixed();
    await runReencryption({
      db: t.db,
      ring: keys.ring,
      columns: [llmProvidersColumn(t.schema)],
      kind: 'live',
      mode: 'rewrap',
      batchSize: 16,
      onEvent: () => undefined,
    });
    const after = new Map((await readProviders(t.db)).map((r) => [r.id, r.value]));
    let rewrapped = 0;
    for (const row of before) {
      if (row.value === null || keyIdOf(row.value) !== 'kek-v1') continue;
      const was = parsePayload(row.value);
      const now = parsePayload(after.get(row.id)!);
      expect(now.keyId).toBe('kek-v2');
      expect(now.nonce.equals(was.nonce)).toBe(true);
      expect(now.ciphertext.equals(was.ciphertext)).toBe(true);
      expect(now.wrappedDek.equals(was.wrappedDek)).toBe(false);
      expect(plaintextOf(keys.ring, after.get(row.id)!)).toBe(plaintexts.get(row.id));
      rewrapped++;
    }
    expect(rewrapped).toBe(57);
  });

  it.skipIf(!available)('rotates text and jsonb columns keyed by bigint', async () => {
    const keys = makeKeys();
    await t.db.query('DROP TABLE IF EXISTS vault_items');
    await t.db.query(
      'CREATE TABLE vault_items (item_id bigint PRIMARY KEY, token_encrypted text, blob_encrypted jsonb)',
    );
    const secrets = Array.from({ length: 23 }, (_, i) => `tok-${i}`);
    for (const [i, s] of secrets.entries()) {
      await t.db.query('INSERT INTO vault_items VALUES ($1, $2, $3::jsonb)', [
        i * 1000 + 1,
        encryptValue(keys.v1, s).toString('utf8'),
        encryptValue(keys.v1, `blob-${s}`).toString('utf8'),
      ]);
    }
    const text = column(t.schema, 'vault_items', 'token_encrypted', 'item_id', 'bigint', 'text');
    const json = column(t.schema, 'vault_items', 'blob_encrypted', 'item_id', 'bigint', 'jsonb');
    const summary = await runReencryption({
      db: t.db,
      ring: keys.ring,
      columns: [text, json],
      kind: 'live',
      mode: 'reencrypt',
      batchSize: 5,
      onEvent: () => undefined,
    });
    expect(summary.tables.map((c) => [c.table, c.rotated, c.failed])).toEqual([
      ['vault_items.token_encrypted', 23, 0],
      ['vault_items.blob_encrypted', 23, 0],
    ]);
    const { rows } = await t.db.query<{ token_encrypted: string; blob: string }>(
      'SELECT token_encrypted, blob_encrypted::text AS blob FROM vault_items ORDER BY item_id',
    );
    rows.forEach((row, i) => {
      expect(keyIdOf(row.token_encrypted)).toBe('kek-v2');
      expect(plaintextOf(keys.ring, row.token_encrypted)).toBe(secrets[i]);
      // The text column keeps the application's exact compact form.
      expect(row.token_encrypted.startsWith('{"version":1,"alg":"AES-256-GCM","key_id":"kek-v2"')).toBe(true);
      expect(keyIdOf(row.blob)).toBe('kek-v2');
      expect(plaintextOf(keys.ring, row.blob)).toBe(`blob-${secrets[i]}`);
    });
    await t.db.query('DROP TABLE vault_items');
  });

  it.skipIf(!available)(
    'coalesces progress: a frozen clock gets only the first batch and the final count, a fast clock one per batch with a rate and ETA',
    async () => {
      const { keys } = await seedMixed();
      const frozen = recorder();
      await runReencryption({
        db: t.db,
        ring: keys.ring,
        columns: [llmProvidersColumn(t.schema)],
        kind: 'dry-run',
        mode: 'reencrypt',
        batchSize: 5,
        onEvent: frozen.onEvent,
        now: () => 0,
      });
      expect(frozen.of('progress').map((p) => p.counts.processed)).toEqual([5, 65]);

      let clock = 0;
      const ticking = recorder();
      await runReencryption({
        db: t.db,
        ring: keys.ring,
        columns: [llmProvidersColumn(t.schema)],
        kind: 'dry-run',
        mode: 'reencrypt',
        batchSize: 5,
        onEvent: ticking.onEvent,
        now: () => (clock += 1000),
      });
      const progress = ticking.of('progress');
      expect(progress.length).toBe(13 + 1); // 13 pages of 5 rows, then the forced final one
      expect(progress.map((p) => p.counts.processed)).toEqual([
        ...Array.from({ length: 13 }, (_, i) => Math.min(65, (i + 1) * 5)),
        65,
      ]);
      expect(progress[3]!.rowsPerSecond).toBeGreaterThan(0);
      expect(progress[3]!.etaSeconds).toBeGreaterThan(0);
      expect(progress.at(-1)!.etaSeconds).toBe(0);
    },
  );

  it.skipIf(!available)('honours maxRate', async () => {
    const { keys } = await seedMixed();
    const started = Date.now();
    await runReencryption({
      db: t.db,
      ring: keys.ring,
      columns: [llmProvidersColumn(t.schema)],
      kind: 'dry-run',
      mode: 'reencrypt',
      batchSize: 10,
      maxRate: 100,
      onEvent: () => undefined,
    });
    // 65 rows at 100 rows/s: the last batch is due at 650 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
  });
});
