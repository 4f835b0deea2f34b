// The ceiling: the database rewriting every encrypted value of the table in one statement, with
// no client round trips and no crypto. The new value has the same bytes (`|| ''`), but
// PostgreSQL writes a new tuple version for every row all the same, fires the same updated_at
// trigger and logs the same WAL an engine write does.
import type { Db } from '../src/db/db.js';
import { COLUMN, TABLE } from './bench-db.js';
import type { Timing } from './baseline-reference.js';

export const CEILING_SQL = `UPDATE ${TABLE} SET ${COLUMN} = ${COLUMN} || ''::bytea WHERE ${COLUMN} IS NOT NULL`;

export async function runCeiling(db: Db): Promise<Timing> {
  const started = process.hrtime.bigint();
  const { rowCount } = await db.query(CEILING_SQL);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { rows: rowCount, seconds };
}
