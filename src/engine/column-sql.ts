// The SQL the engine runs against one encrypted column, built once from the registry's quoted
// identifiers. Ids travel as text and are cast back to the id column's own type so every
// comparison uses the primary key index. The statements run once per batch are named, so the pg
// adapter prepares each once per connection; the names are fresh per build, so a table recreated
// with another column type between runs can never meet a statement prepared for the old one.
import { randomBytes } from 'node:crypto';
import type { ResolvedColumn, ValueType } from '../db/column.js';
import type { NamedStatement } from '../db/db.js';
import { UserError } from '../errors.js';
import type { RotatedRow } from './rotate-batch.js';

export interface ColumnSql {
  readonly count: string;
  /** First page: `$1` = limit. */
  readonly firstPage: NamedStatement;
  /** Next page: `$1` = last id seen, `$2` = limit. */
  readonly nextPage: NamedStatement;
  /** First page of a range with an end: `$1` = limit, `$2` = last id of the range (inclusive). */
  readonly firstPageUpTo: NamedStatement;
  /** Next page of a range with an end: `$1` = last id seen, `$2` = limit, `$3` = last id of the range. */
  readonly nextPageUpTo: NamedStatement;
  /** Current values of some rows: `$1` = ids. Deleted rows are simply absent. */
  readonly reread: NamedStatement;
  /** Sets this transaction's lock_timeout (`$1`) and statement_timeout (`$2`), as text such as '2000ms'. */
  readonly setTimeouts: NamedStatement;
  /** Locks the rows nobody else holds: `$1` = ids. Returns the ids it locked. */
  readonly lockFree: NamedStatement;
  /** Batched compare-and-swap, parameters from `compareAndSwapParams`. Returns the ids written. */
  readonly compareAndSwap: NamedStatement;
  /** The compare-and-swap's parameters: each row written only if it still holds `old`. */
  compareAndSwapParams(rows: readonly RotatedRow[]): unknown[];
}

// format_type() output such as `uuid`, `bigint`, `character varying(64)`, `"my type"`, `public.t`.
const SAFE_TYPE = /^[A-Za-z_"][A-Za-z0-9_ ."(),]*$/;

/** The SQL type values travel as in parameters, and how a selected value is rendered. */
function valueSql(
  valueType: ValueType,
  column: string,
): { select: string; param: string; cast: (p: string) => string } {
  switch (valueType) {
    case 'bytea':
      return { select: column, param: 'bytea', cast: (p) => p };
    case 'text':
      return { select: column, param: 'text', cast: (p) => p };
    case 'jsonb':
      // jsonb is read as its text rendering and compared/written as jsonb: the database stores
      // parsed JSON, so the application's byte form is not preserved by anyone, including it.
      return { select: `${column}::text`, param: 'text', cast: (p) => `${p}::jsonb` };
    default: {
      const never: never = valueType;
      throw new Error(`unknown value type ${String(never)}`);
    }
  }
}

/**
 * bytea values travel as one binary parameter holding every old and new value back to back, with
 * their 1-based offsets and lengths: an array of bytea would be sent as hex text, built and parsed
 * value by value (measured: the packed form writes ~1.4x as many rows a second on PostgreSQL 15).
 */
function packedByteaParams(rows: readonly RotatedRow[]): unknown[] {
  const n = rows.length;
  const ids = new Array<string>(n);
  const oldAt = new Array<number>(n);
  const oldLength = new Array<number>(n);
  const nextAt = new Array<number>(n);
  const nextLength = new Array<number>(n);
  const parts: Buffer[] = [];
  let at = 1;
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    const old = row.old as Buffer;
    const next = row.next as Buffer;
    ids[i] = row.id;
    oldAt[i] = at;
    oldLength[i] = old.length;
    at += old.length;
    nextAt[i] = at;
    nextLength[i] = next.length;
    at += next.length;
    parts.push(old, next);
  }
  return [ids, Buffer.concat(parts, at - 1), oldAt, oldLength, nextAt, nextLength];
}

function arrayParams(rows: readonly RotatedRow[]): unknown[] {
  return [rows.map((r) => r.id), rows.map((r) => r.old), rows.map((r) => r.next)];
}

export function buildColumnSql(column: ResolvedColumn): ColumnSql {
  if (!SAFE_TYPE.test(column.idType)) {
    throw new UserError(
      `${column.label}: unexpected id column type ${JSON.stringify(column.idType)}`,
      'Use an id column of a plain type such as uuid, bigint or text.',
    );
  }
  const t = column.qualifiedTable;
  const id = column.quotedId;
  const col = column.quotedColumn;
  const idType = column.idType;
  const v = valueSql(column.valueType, `t.${col}`);
  // Every reference to the id is qualified with the table alias: a bare ORDER BY "id" would name
  // the text output column `id` when the id column is itself called id (the application's is),
  // sorting every remaining row as text on each page instead of walking the index, and for a
  // numeric id paging in text order ('10' < '9'), which skips rows.
  const select = `SELECT t.${id}::text AS id, ${v.select} AS value FROM ${t} AS t`;
  const upTo = (n: number) => ` AND t.${id} <= $${n}::${idType}`;
  const prefix = `kek_${randomBytes(6).toString('hex')}_`;
  const named = (name: string, text: string): NamedStatement => ({ name: prefix + name, text });
  const packed = column.valueType === 'bytea';
  return {
    count: `SELECT count(*)::bigint::text AS n FROM ${t}`,
    firstPage: named('first_page', `${select} ORDER BY t.${id} LIMIT $1`),
    nextPage: named('next_page', `${select} WHERE t.${id} > $1::${idType} ORDER BY t.${id} LIMIT $2`),
    firstPageUpTo: named('first_page_up_to', `${select} WHERE true${upTo(2)} ORDER BY t.${id} LIMIT $1`),
    nextPageUpTo: named(
      'next_page_up_to',
      `${select} WHERE t.${id} > $1::${idType}${upTo(3)} ORDER BY t.${id} LIMIT $2`,
    ),
    reread: named('reread', `${select} WHERE t.${id} = ANY($1::${idType}[])`),
    setTimeouts: named(
      'set_timeouts',
      `SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', $2, true)`,
    ),
    lockFree: named(
      'lock_free',
      `SELECT ${id}::text AS id FROM ${t} WHERE ${id} = ANY($1::${idType}[]) FOR UPDATE SKIP LOCKED`,
    ),
    compareAndSwap: packed
      ? named(
          'compare_and_swap',
          `UPDATE ${t} AS t SET ${col} = substring($2::bytea FROM v.new_at FOR v.new_length) ` +
            `FROM unnest($1::${idType}[], $3::int4[], $4::int4[], $5::int4[], $6::int4[]) AS v(id, old_at, old_length, new_at, new_length) ` +
            `WHERE t.${id} = v.id AND t.${col} = substring($2::bytea FROM v.old_at FOR v.old_length) RETURNING t.${id}::text AS id`,
        )
      : named(
          'compare_and_swap',
          `UPDATE ${t} AS t SET ${col} = ${v.cast('v.new')} ` +
            `FROM unnest($1::${idType}[], $2::${v.param}[], $3::${v.param}[]) AS v(id, old, new) ` +
            `WHERE t.${id} = v.id AND t.${col} = ${v.cast('v.old')} RETURNING t.${id}::text AS id`,
        ),
    compareAndSwapParams: packed ? packedByteaParams : arrayParams,
  };
}
