// The reference tool's algorithm (everruns reencrypt-secrets), rewritten here as the baseline:
// pages of `ORDER BY id LIMIT b OFFSET k`, and for each row not on the primary key a decrypt, a
// re-encrypt with a fresh DEK, and one autocommitted `UPDATE ... WHERE id = $2`. No batching, no
// compare-and-swap, no decrypt-back check (the reference has none).
//
// Timed on the first `limit` rows of the full table. OFFSET makes each page scan and discard
// k rows, so its cost grows with the table: a prefix flatters the baseline, which only makes our
// ratio against it conservative.
import { decryptValue, encryptValue } from '../src/crypto/envelope.js';
import { peekKeyId } from '../src/crypto/payload.js';
import type { Db } from '../src/db/db.js';
import { COLUMN, TABLE } from './bench-db.js';
import { rotationRing, type BenchKeys } from './bench-keys.js';

export const REFERENCE_BATCH_SIZE = 100;

export interface Timing {
  rows: number;
  seconds: number;
}

export async function runReferenceBaseline(db: Db, keys: BenchKeys, limit: number): Promise<Timing> {
  const ring = rotationRing(keys);
  const started = process.hrtime.bigint();
  let processed = 0;
  for (let offset = 0; processed < limit; offset += REFERENCE_BATCH_SIZE) {
    const { rows } = await db.query<{ id: string; value: Buffer | null }>(
      // ORDER BY t.id, not the bare name: that would be the text alias and sort every page in full.
      `SELECT t.id::text AS id, t.${COLUMN} AS value FROM ${TABLE} t ORDER BY t.id LIMIT $1 OFFSET $2`,
      [REFERENCE_BATCH_SIZE, offset],
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      if (processed >= limit) break;
      processed++;
      if (row.value === null || peekKeyId(row.value) === ring.primary.id) continue;
      const plaintext = decryptValue(ring, row.value);
      const next = encryptValue(ring.primary, plaintext);
      await db.query(`UPDATE ${TABLE} SET ${COLUMN} = $1 WHERE id = $2::uuid`, [next, row.id]);
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { rows: processed, seconds };
}
