// Splits a column's id space into disjoint ranges of about equal row counts, for workers that run
// side by side. Boundaries come from percentile_disc over a sample of ids (TABLESAMPLE SYSTEM reads
// a few pages, not the table), so the split costs little even at millions of rows; the first range
// is open at the start and the last at the end, so rows inserted meanwhile are still covered.
import type { Queryable } from '../db/db.js';
import type { ResolvedColumn } from '../db/column.js';
import type { KeysetRange } from './keyset-reader.js';

/** About this many ids are sampled to place the boundaries. */
const SAMPLE_ROWS = 20_000;

export async function splitIdRanges(db: Queryable, column: ResolvedColumn, total: number, parts: number): Promise<KeysetRange[]> {
  if (parts <= 1 || total <= 1) return [{}];
  const percent = Math.min(100, (100 * SAMPLE_ROWS) / total);
  const sample = percent >= 100 ? '' : ` TABLESAMPLE SYSTEM (${percent.toFixed(6)})`;
  const fractions = Array.from({ length: parts - 1 }, (_, i) => (i + 1) / parts);
  const { rows } = await db.query<{ b: string[] | null }>(
    `SELECT (percentile_disc($1::float8[]) WITHIN GROUP (ORDER BY ${column.quotedId}))::text[] AS b FROM ${column.qualifiedTable}${sample}`,
    [fractions],
  );
  // Duplicates (a small or skewed sample) would give empty ranges: keep each boundary once, in order.
  const bounds = [...new Set((rows[0]?.b ?? []).filter((b): b is string => b !== null))];
  if (bounds.length === 0) return [{}];
  const ranges: KeysetRange[] = [{ upTo: bounds[0] }];
  for (let i = 1; i < bounds.length; i++) ranges.push({ after: bounds[i - 1], upTo: bounds[i] });
  ranges.push({ after: bounds[bounds.length - 1] });
  return ranges;
}
