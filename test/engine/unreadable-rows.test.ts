// Rows that cannot be rotated (tampered, on a key nobody has, not a payload at all): the dry run
// lists them with a reason, the live run counts them, reports them and leaves them byte for byte.
import { describe, expect, it } from 'vitest';
import { encryptValue } from '../../src/crypto/envelope.js';
import { runReencryption } from '../../src/engine/run-reencryption.js';
import { BACKENDS, SKIP_PG_REASON, TEST_DATABASE_URL, type TestDatabase } from '../helpers/test-db.js';
import {
  keyIdOf,
  llmProvidersColumn,
  makeKeys,
  newKek,
  readProviders,
  recorder,
  seedProviders,
  useFreshApplicationTable,
} from './engine-fixtures.js';

if (!TEST_DATABASE_URL) console.log(SKIP_PG_REASON);

/** The same payload with one byte of its ciphertext flipped: still well-formed, no longer authentic. */
function tamper(payload: Buffer): Buffer {
  const json = JSON.parse(payload.toString('utf8')) as Record<string, string>;
  const ct = Buffer.from(json.ciphertext!, 'base64');
  ct[0] = ct[0]! ^ 0x01;
  return Buffer.from(JSON.stringify({ ...json, ciphertext: ct.toString('base64') }));
}

describe.each(BACKENDS)('unreadable rows on $name', ({ open, available }) => {
  let t: TestDatabase;
  useFreshApplicationTable({ open, available }, (opened) => (t = opened));

  async function seedWithBadRows() {
    const keys = makeKeys();
    const good = await seedProviders(t.db, 20, keys.v1);
    const insert = async (name: string, value: Buffer) =>
      (
        await t.db.query<{ id: string }>(
          "INSERT INTO llm_providers (name, provider_type, api_key_encrypted) VALUES ($1, 'openai', $2) RETURNING id::text AS id",
          [name, value],
        )
      ).rows[0]!.id;
    const bad = {
      tampered: await insert('tampered', tamper(encryptValue(keys.v1, 'secret-tampered'))),
      unknownKey: await insert('unknown', encryptValue(newKek('kek-v0'), 'secret-unknown')),
      junk: await insert('junk', Buffer.from([0xff, 0x00, 0x67, 0x61, 0x72, 0x62])),
    };
    return { keys, good, bad, before: await readProviders(t.db) };
  }

  it.skipIf(!available)('dry run lists each one with its reason and counts the rest', async () => {
    const { keys, bad } = await seedWithBadRows();
    const rec = recorder();
    const summary = await runReencryption({
      db: t.db,
      ring: keys.ring,
      columns: [llmProvidersColumn(t.schema)],
      kind: 'dry-run',
      mode: 'reencrypt',
      batchSize: 6,
      onEvent: rec.onEvent,
    });
    expect(summary.tables[0]).toMatchObject({
      total: 23,
      processed: 23,
      rotated: 20,
      failed: 3,
      alreadyPrimary: 0,
      nulls: 0,
    });
    expect(summary.tables[0]!.byKeyId).toEqual({ 'kek-v1': 21, 'kek-v0': 1 });
    const byId = new Map(summary.failures.map((f) => [f.id, f]));
    expect(byId.get(bad.tampered)).toMatchObject({
      problem: 'auth-failed',
      keyId: 'kek-v1',
      table: 'llm_providers.api_key_encrypted',
    });
    expect(byId.get(bad.tampered)!.reason).toMatch(/authentication failed/);
    expect(byId.get(bad.unknownKey)).toMatchObject({ problem: 'unknown-key-id', keyId: 'kek-v0' });
    expect(byId.get(bad.unknownKey)!.reason).toContain('kek-v2, kek-v1');
    expect(byId.get(bad.junk)).toMatchObject({ problem: 'not-json', keyId: undefined });
    expect(rec.of('row-failed').map((e) => e.failure)).toEqual(summary.failures);
  });

  it.skipIf(!available)('live run leaves them byte for byte, counts them and rotates everything else', async () => {
    const { keys, good, bad, before } = await seedWithBadRows();
    const rec = recorder();
    const summary = await runReencryption({
      db: t.db,
      ring: keys.ring,
      columns: [llmProvidersColumn(t.schema)],
      kind: 'live',
      mode: 'reencrypt',
      batchSize: 6,
      onEvent: rec.onEvent,
    });
    expect(summary.tables[0]).toMatchObject({ processed: 23, rotated: 20, failed: 3 });
    expect(summary.failures.map((f) => f.id).sort()).toEqual(Object.values(bad).sort());
    const after = new Map((await readProviders(t.db)).map((r) => [r.id, r.value]));
    for (const row of before) {
      if (Object.values(bad).includes(row.id)) expect(after.get(row.id)!.equals(row.value!)).toBe(true);
      else expect(keyIdOf(after.get(row.id)!)).toBe('kek-v2');
    }
    // Nothing secret in the event stream: no plaintext, no key material.
    const stream = JSON.stringify(rec.events);
    for (const plaintext of [...good.values(), 'secret-tampered', 'secret-unknown'])
      expect(stream).not.toContain(plaintext);
    for (const key of [keys.v1, keys.v2]) expect(stream).not.toContain(key.bytes.toString('base64'));
  });
});
