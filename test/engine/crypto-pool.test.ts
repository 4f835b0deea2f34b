// The crypto worker threads give the same answer as rotateBatch on this thread: same sorting
// (NULL, already primary, unreadable with the same reason), and new values that decrypt to the
// old plaintext under the primary key alone, for bytea and text values, in page order.
import { afterEach, describe, expect, it } from 'vitest';
import { decryptValue, encryptValue } from '../../src/crypto/envelope.js';
import { makeKeyRing } from '../../src/crypto/key-ring.js';
import { openBatchCrypto, type BatchCrypto } from '../../src/engine/crypto-pool.js';
import { rotateBatch } from '../../src/engine/rotate-batch.js';
import type { SourceRow } from '../../src/engine/source-row.js';
import { makeKeys, newKek } from './engine-fixtures.js';

describe('crypto worker threads', () => {
  let crypto: BatchCrypto | undefined;
  afterEach(async () => {
    await crypto?.close();
  });

  function page(keys: ReturnType<typeof makeKeys>): SourceRow[] {
    const rows: SourceRow[] = [];
    for (let i = 0; i < 300; i++) {
      const id = `row-${i}`;
      if (i % 50 === 0) rows.push({ id, value: null });
      else if (i % 50 === 1) rows.push({ id, value: encryptValue(keys.v2, `p-${i}`) });
      else if (i % 50 === 2) rows.push({ id, value: Buffer.from([0xff, 0x00, i & 0xff]) });
      else if (i % 50 === 3) rows.push({ id, value: encryptValue(newKek('kek-v0'), `p-${i}`) });
      else if (i % 7 === 0) rows.push({ id, value: encryptValue(keys.v1, `p-${i}`).toString('utf8') });
      else rows.push({ id, value: encryptValue(keys.v1, `p-${i}`) });
    }
    return rows;
  }

  for (const mode of ['reencrypt', 'rewrap'] as const) {
    it(`${mode}: same outcome as on this thread, new values decrypt with the primary alone`, async () => {
      const keys = makeKeys();
      const opened = openBatchCrypto(keys.ring, 2);
      crypto = opened.crypto;
      expect(opened.fellBack).toBe(false);
      expect(crypto.workers).toBe(2);
      await crypto.started; // from here on the pages go to the workers
      const rows = page(keys);
      const viaWorkers = await crypto.rotate(rows, mode);
      const here = rotateBatch(keys.ring, rows, mode);
      expect(viaWorkers.nulls).toEqual(here.nulls);
      expect(viaWorkers.alreadyPrimary).toEqual(here.alreadyPrimary);
      expect(viaWorkers.unreadable).toEqual(here.unreadable);
      expect(viaWorkers.keyIds).toEqual(here.keyIds);
      expect(viaWorkers.rotated.map((r) => [r.id, r.fromKeyId])).toEqual(here.rotated.map((r) => [r.id, r.fromKeyId]));
      const primaryOnly = makeKeyRing(keys.v2);
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const r of viaWorkers.rotated) {
        expect(r.old).toBe(byId.get(r.id)!.value); // the compare-and-swap compares with what was read
        expect(typeof r.next).toBe(typeof r.old);
        expect(decryptValue(primaryOnly, r.next).toString()).toBe(`p-${r.id.slice(4)}`);
      }
      expect(viaWorkers.rotated.length).toBeGreaterThan(200);
    });
  }

  it('rotates on this thread when asked for no workers', async () => {
    const keys = makeKeys();
    crypto = openBatchCrypto(keys.ring, 0).crypto;
    expect(crypto.workers).toBe(0);
    const out = await crypto.rotate([{ id: 'a', value: encryptValue(keys.v1, 'x') }], 'reencrypt');
    expect(out.rotated).toHaveLength(1);
  });
});
