// The reference tool's algorithm (everruns reencrypt-secrets) as it really runs, as the baseline:
// pages of `ORDER BY id LIMIT 100 OFFSET k`, and for each row not on the primary key one
// autocommitted `UPDATE ... WHERE id = $2`. No batching, no compare-and-swap, no decrypt-back check
// (the reference has none).
//
// Fair to the reference on two counts (issue 11):
// - Its crypto is native (Rust); ours would be Node's, at 5-10 µs a GCM call. The new values are
//   computed before the clock starts, so the timed part is what the reference does against the
//   database: the OFFSET reads and one UPDATE round trip per row.
// - OFFSET makes each page scan and discard k rows, so the cost grows along the table. It is timed
//   on `limit` rows in four windows starting at 0%, 25%, 50% and 75% of the table, as a run of the
//   whole table would meet them, not on its first rows only.
import { decryptValue, encryptValue } from '../src/crypto/envelope.js';
import { peekKeyId } from '../src/crypto/payload.js';
import type { Db } from '../src/db/db.js';
import { COLUMN, TABLE } from './bench-db.js';
import { rotationRing, type BenchKeys } from './bench-keys.js';

export const REFERENCE_BATCH_SIZE = 100;
export const BASELINE_WINDOWS = [0, 0.25, 0.5, 0.75] as const;

export interface Timing {
  rows: number;
  seconds: number;
}

const PAGE_SQL = `SELECT t.id::text AS id, t.${COLUMN} AS value FROM ${TABLE} t ORDER BY t.id LIMIT $1 OFFSET $2`;

/** Where each window's pages start: page-aligned offsets spread over the table. */
export function baselineWindows(total: number, limit: number): { offset: number; rows: number }[] {
  const per = Math.max(
    REFERENCE_BATCH_SIZE,
    Math.ceil(limit / BASELINE_WINDOWS.length / REFERENCE_BATCH_SIZE) * REFERENCE_BATCH_SIZE,
  );
  return BASELINE_WINDOWS.map((f) => ({
    offset: Math.floor((f * total) / REFERENCE_BATCH_SIZE) * REFERENCE_BATCH_SIZE,
    rows: Math.min(per, total),
  }));
}

export async function runReferenceBaseline(db: Db, keys: BenchKeys, limit: number, total: number): Promise<Timing> {
  const ring = rotationRing(keys);
  const windows = baselineWindows(total, limit);
  // Not timed: the new value of every row the timed pass will meet (the reference's crypto, natively fast).
  const next = new Map<string, Buffer>();
  for (const w of windows) {
    for (let offset = w.offset; offset < w.offset + w.rows; offset += REFERENCE_BATCH_SIZE) {
      const { rows } = await db.query<{ id: string; value: Buffer | null }>(PAGE_SQL, [REFERENCE_BATCH_SIZE, offset]);
      for (const row of rows) {
        if (row.value !== null && peekKeyId(row.value) !== ring.primary.id)
          next.set(row.id, encryptValue(ring.primary, decryptValue(ring, row.value)));
      }
    }
  }
  const started = process.hrtime.bigint();
  let processed = 0;
  for (const w of windows) {
    for (let offset = w.offset; offset < w.offset + w.rows; offset += REFERENCE_BATCH_SIZE) {
      const { rows } = await db.query<{ id: string; value: Buffer | null }>(PAGE_SQL, [REFERENCE_BATCH_SIZE, offset]);
      if (rows.length === 0) break;
      for (const row of rows) {
        processed++;
        // The reference checks the key id of each row it reads (cheap), then writes one row at a time.
        if (row.value === null || peekKeyId(row.value) === ring.primary.id) continue;
        const value = next.get(row.id);
        if (!value) continue;
        await db.query(`UPDATE ${TABLE} SET ${COLUMN} = $1 WHERE id = $2::uuid`, [value, row.id]);
      }
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { rows: processed, seconds };
}
