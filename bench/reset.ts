// Puts the table back to its seeded state before each measurement: TRUNCATE and reload from the
// pristine copy (a fresh heap and index, no dead tuples left by the previous run), then VACUUM
// ANALYZE (visibility map and hint bits set, so the next run does not pay for them) and a
// CHECKPOINT (so no checkpoint of the previous run's dirty pages lands inside the next timing).
import type { Db } from '../src/db/db.js';
import { TABLE } from './bench-db.js';
import { PRISTINE } from './seed.js';

export async function resetTable(db: Db): Promise<void> {
  await db.query(`TRUNCATE ${TABLE}`);
  await db.query(`INSERT INTO ${TABLE} SELECT * FROM ${PRISTINE}`);
  await db.query(`VACUUM ANALYZE ${TABLE}`);
  await db.query('CHECKPOINT').catch(() => undefined); // needs superuser or pg_checkpoint; best effort
}

/** Rows on each key id right now: a run reported as fast must also have done the work. */
export async function countByKeyId(db: Db): Promise<Record<string, number>> {
  const { rows } = await db.query<{ key_id: string | null; n: string }>(
    `SELECT CASE WHEN position('"key_id":"kek-v2"'::bytea IN api_key_encrypted) > 0 THEN 'kek-v2'
                 WHEN position('"key_id":"kek-v1"'::bytea IN api_key_encrypted) > 0 THEN 'kek-v1'
                 ELSE NULL END AS key_id, count(*)::text AS n
       FROM ${TABLE} GROUP BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.key_id ?? 'other', Number(r.n)]));
}
