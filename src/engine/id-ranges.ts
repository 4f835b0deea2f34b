// Splits a column's id space into disjoint ranges of about equal row counts, for workers that run
// side by side. Boundaries come from percentile_disc over a sample of ids (TABLESAMPLE SYSTEM reads
// a few pages, not the table), so the split costs little even at millions of rows; the first range
// is open at the start and the last at the end, so rows inserted meanwhile are still covered.
// The same sampling places the boundaries of --shard (shard-plan.ts), and splits one shard's range
// among its own workers (`within`).
import type { Queryable } from '../db/db.js';
import type { ResolvedColumn } from '../db/column.js';
import type { KeysetRange } from './keyset-reader.js';

/** About this many ids are sampled to place the boundaries. */
const SAMPLE_ROWS = 20_000;

/**
 * How ids are sampled. SYSTEM (the default, each run's split between its workers) picks whole pages:
 * cheap, but ids that sit together on disk (UUIDv7, serials) come in clumps, so ranges end up only
 * roughly equal (4 ranges of 200,000 rows measured 43,144 to 57,402 rows). BERNOULLI picks rows one by
 * one from every page: it reads the table once (as the count before it does), for ranges within a
 * fraction of a percent; the shard plan, made once per rotation and waited for by the slowest shard, uses it.
 */
export interface SampleMethod {
  readonly method: 'SYSTEM' | 'BERNOULLI';
  readonly rows: number;
}

const DEFAULT_SAMPLE: SampleMethod = { method: 'SYSTEM', rows: SAMPLE_ROWS };

/** `WHERE` conditions keeping `range` (ids as text, cast back to the id column's type), and their parameters from `$first` on. */
export function rangeCondition(
  column: ResolvedColumn,
  range: KeysetRange | undefined,
  first = 1,
  alias = '',
): { sql: string; params: string[] } {
  const id = `${alias}${column.quotedId}`;
  const parts: string[] = [];
  const params: string[] = [];
  if (range?.after !== undefined) {
    params.push(range.after);
    parts.push(`${id} > $${first + params.length - 1}::${column.idType}`);
  }
  if (range?.upTo !== undefined) {
    params.push(range.upTo);
    parts.push(`${id} <= $${first + params.length - 1}::${column.idType}`);
  }
  return { sql: parts.length === 0 ? 'true' : parts.join(' AND '), params };
}

/**
 * The `parts - 1` ids at the 1/parts, 2/parts, ... percentiles of a sample of the column's ids
 * (only those in `within`, when given; `total` is how many rows that holds), as text, duplicates
 * and all: null each when there is no row to sample.
 */
export async function sampleBoundaries(
  db: Queryable,
  column: ResolvedColumn,
  total: number,
  parts: number,
  within?: KeysetRange,
  how: SampleMethod = DEFAULT_SAMPLE,
): Promise<(string | null)[]> {
  if (parts <= 1) return [];
  const percent = total <= 0 ? 100 : Math.min(100, (100 * how.rows) / total);
  const sample = percent >= 100 ? '' : ` TABLESAMPLE ${how.method} (${percent.toFixed(6)})`;
  const fractions = Array.from({ length: parts - 1 }, (_, i) => (i + 1) / parts);
  const where = rangeCondition(column, within, 2);
  const { rows } = await db.query<{ b: (string | null)[] | null }>(
    `SELECT (percentile_disc($1::float8[]) WITHIN GROUP (ORDER BY ${column.quotedId}))::text[] AS b FROM ${column.qualifiedTable}${sample} WHERE ${where.sql}`,
    [fractions, ...where.params],
  );
  const bounds = rows[0]?.b ?? [];
  return Array.from({ length: parts - 1 }, (_, i) => bounds[i] ?? null);
}

/**
 * Disjoint ranges covering every id (every id in `within`, when given), about equal in rows.
 * `total` is the rows of the column (of `within`).
 */
export async function splitIdRanges(
  db: Queryable,
  column: ResolvedColumn,
  total: number,
  parts: number,
  within: KeysetRange = {},
): Promise<KeysetRange[]> {
  if (parts <= 1 || total <= 1) return [within];
  // Duplicates (a small or skewed sample) would give empty ranges: keep each boundary once, in order.
  const bounds = [
    ...new Set((await sampleBoundaries(db, column, total, parts, within)).filter((b): b is string => b !== null)),
  ];
  if (bounds.length === 0) return [within];
  const ranges: KeysetRange[] = [{ after: within.after, upTo: bounds[0] }];
  for (let i = 1; i < bounds.length; i++) ranges.push({ after: bounds[i - 1], upTo: bounds[i] });
  ranges.push({ after: bounds[bounds.length - 1], upTo: within.upTo });
  return ranges;
}
