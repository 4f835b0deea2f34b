// The recount at the end of a live run: which rows of a column are not on the primary key now.
// A run can end with rows back on an old key that it never failed on: a replica still configured
// with the old key writing during the run, a row inserted behind the cursor. The run's own counters
// cannot see those; reading the column again can, and a run that leaves rows behind must say so.
import { peekKeyId } from '../crypto/payload.js';
import type { Queryable } from '../db/db.js';
import type { ResolvedColumn } from '../db/column.js';
import type { LeftBehind, LeftBehindRow, RowFailure } from './events.js';
import type { KeysetRange } from './keyset-reader.js';

/** Rows listed per column; beyond this they are counted. */
export const MAX_LISTED_LEFT_BEHIND = 1000;
const PAGE = 5000;

/**
 * The SQL of the recount: pages, in id order, of the rows that may not be on key `$1`.
 *
 * Rows in the canonical form the application and kek-rotate write, labelled with the primary, are
 * skipped in SQL: they start with `{"version":1,"alg":"AES-256-GCM","key_id":"<primary>",` and hold
 * no other `"key_id"` and no backslash (so no escaped second spelling of it), which makes their label
 * the primary by JSON's own rules. Every other non-NULL row comes back and is labelled here with the
 * same peek the engine uses. Byte functions (no regular expression, no decoding per row) keep this
 * at the speed of reading the column once.
 */
function recountSql(column: ResolvedColumn, upTo: boolean): { text: string; param: (primaryId: string) => unknown } {
  const t = column.qualifiedTable;
  const id = `t.${column.quotedId}`;
  const col = `t.${column.quotedColumn}`;
  // A shard's range (`upTo`: its last id, inclusive, as $3); its start is the first page's `after`.
  const after = `($2::${column.idType} IS NULL OR ${id} > $2::${column.idType})${upTo ? ` AND ${id} <= $3::${column.idType}` : ''}`;
  const prefix = (primaryId: string) => `{"version":1,"alg":"AES-256-GCM","key_id":"${primaryId}",`;
  const page = (value: string, offPrimary: string) =>
    `SELECT ${id}::text AS id, ${value} AS value FROM ${t} AS t WHERE ${after} AND ${col} IS NOT NULL AND ${offPrimary} ORDER BY ${id} LIMIT ${PAGE}`;
  switch (column.valueType) {
    case 'bytea': {
      const rest = `substring(${col} FROM length($1::bytea) + 1)`;
      return {
        // decode(...): the bytes of "key_id" (with its quotes) and of a backslash.
        text: page(
          col,
          `NOT (substring(${col} FROM 1 FOR length($1::bytea)) = $1::bytea ` +
            `AND position(decode('226b65795f696422', 'hex') IN ${rest}) = 0 AND position(decode('5c', 'hex') IN ${rest}) = 0)`,
        ),
        param: (primaryId) => Buffer.from(prefix(primaryId), 'utf8'),
      };
    }
    case 'text': {
      const rest = `substr(${col}, length($1::text) + 1)`;
      return {
        text: page(
          col,
          `NOT (left(${col}, length($1::text)) = $1::text AND strpos(${rest}, '"key_id"') = 0 AND strpos(${rest}, chr(92)) = 0)`,
        ),
        param: prefix,
      };
    }
    case 'jsonb':
      // Stored parsed: the database's own ->> is the label, with JSON's rules for repeated keys.
      return {
        text: page(`${col}::text`, `(${col} ->> 'key_id') IS DISTINCT FROM $1::text`),
        param: (primaryId) => primaryId,
      };
    default: {
      const never: never = column.valueType;
      throw new Error(`unknown value type ${String(never)}`);
    }
  }
}

/** Why a row is still off the primary, as far as this run knows. */
function causeOf(
  keyId: string | undefined,
  failed: ReadonlyMap<string, RowFailure>,
  id: string,
): LeftBehindRow['cause'] {
  const failure = failed.get(id);
  if (failure) return failure.problem === 'locked' ? 'locked' : 'failed';
  if (keyId === undefined) return 'not-a-payload';
  return 'written-during-run';
}

/**
 * Reads `column` once more and returns the rows whose key id is not `primaryId` (NULLs excepted),
 * with their count per key id and the cause where the run knows it (`failures`: this run's listed
 * failures of this column). With `range` (a shard's), only the rows in that id range.
 */
export async function recountColumn(
  db: Queryable,
  column: ResolvedColumn,
  primaryId: string,
  failures: readonly RowFailure[],
  range?: KeysetRange,
): Promise<LeftBehind> {
  const upTo = range?.upTo;
  const { text, param } = recountSql(column, upTo !== undefined);
  const failed = new Map(failures.map((f) => [f.id, f]));
  const out: LeftBehind = { table: column.label, count: 0, byKeyId: {}, rows: [] };
  let last: string | null = range?.after ?? null;
  for (;;) {
    const { rows }: { rows: { id: string; value: Buffer | string }[] } = await db.query(text, [
      param(primaryId),
      last,
      ...(upTo !== undefined ? [upTo] : []),
    ]);
    for (const row of rows) {
      const keyId = peekKeyId(row.value);
      if (keyId === primaryId) continue;
      out.count++;
      const label = keyId ?? '(no key id)';
      out.byKeyId[label] = (out.byKeyId[label] ?? 0) + 1;
      if (out.rows.length < MAX_LISTED_LEFT_BEHIND)
        out.rows.push({ id: row.id, keyId, cause: causeOf(keyId, failed, row.id) });
    }
    if (rows.length < PAGE) return out;
    last = rows[rows.length - 1]!.id;
  }
}

/**
 * One sentence for operators: how many rows are off the primary, on which keys, and why where known,
 * e.g. "llm_providers.api_key_encrypted: 114 rows are not on kek-v2 at the end of the run (kek-v1: 114):
 * 114 written under an old key during the run (a replica may still have the old configuration)".
 * `scope` names the part of the column the recount read (a shard's range), after the column.
 */
export function describeLeftBehind(l: LeftBehind, primaryId: string, scope?: string): string {
  const keys = Object.entries(l.byKeyId)
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ');
  const causes = new Map<LeftBehindRow['cause'], number>();
  for (const row of l.rows) causes.set(row.cause, (causes.get(row.cause) ?? 0) + 1);
  const words: Record<LeftBehindRow['cause'], string> = {
    failed: 'could not be re-encrypted (listed as failed)',
    locked: 'were locked by other transactions throughout',
    'written-during-run':
      'were written under an old key during the run (a replica may still have the old configuration)',
    'not-a-payload': 'hold no key id (not a payload of this format)',
  };
  const listed = [...causes].map(([cause, n]) => `${n} ${words[cause]}`);
  if (l.count > l.rows.length) listed.push(`${l.count - l.rows.length} more not listed`);
  return `${l.table}${scope ? ` (${scope})` : ''}: ${l.count} row${l.count === 1 ? ' is' : 's are'} not on ${primaryId} at the end of the run (${keys}): ${listed.join('; ')}`;
}
