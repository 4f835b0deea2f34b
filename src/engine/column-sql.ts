// The SQL the engine runs against one encrypted column, built once from the registry's quoted
// identifiers. Ids travel as text and are cast back to the id column's own type so every
// comparison uses the primary key index.
import type { ResolvedColumn, ValueType } from '../db/column.js';
import { UserError } from '../errors.js';

export interface ColumnSql {
  readonly count: string;
  /** First page: `$1` = limit. */
  readonly firstPage: string;
  /** Next page: `$1` = last id seen, `$2` = limit. */
  readonly nextPage: string;
  /** First page of a range with an end: `$1` = limit, `$2` = last id of the range (inclusive). */
  readonly firstPageUpTo: string;
  /** Next page of a range with an end: `$1` = last id seen, `$2` = limit, `$3` = last id of the range. */
  readonly nextPageUpTo: string;
  /** Current values of some rows: `$1` = ids. Deleted rows are simply absent. */
  readonly reread: string;
  /** Locks the rows nobody else holds: `$1` = ids. Returns the ids it locked. */
  readonly lockFree: string;
  /** Batched compare-and-swap: `$1` ids, `$2` values as read, `$3` new values. Returns the ids written. */
  readonly compareAndSwap: string;
}

// format_type() output such as `uuid`, `bigint`, `character varying(64)`, `"my type"`, `public.t`.
const SAFE_TYPE = /^[A-Za-z_"][A-Za-z0-9_ ."(),]*$/;

/** The SQL type values travel as in parameters, and how a selected value is rendered. */
function valueSql(valueType: ValueType, column: string): { select: string; param: string; cast: (p: string) => string } {
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

export function buildColumnSql(column: ResolvedColumn): ColumnSql {
  if (!SAFE_TYPE.test(column.idType)) {
    throw new UserError(`${column.label}: unexpected id column type ${JSON.stringify(column.idType)}`, 'Use an id column of a plain type such as uuid, bigint or text.');
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
  return {
    count: `SELECT count(*)::bigint::text AS n FROM ${t}`,
    firstPage: `${select} ORDER BY t.${id} LIMIT $1`,
    nextPage: `${select} WHERE t.${id} > $1::${idType} ORDER BY t.${id} LIMIT $2`,
    firstPageUpTo: `${select} WHERE true${upTo(2)} ORDER BY t.${id} LIMIT $1`,
    nextPageUpTo: `${select} WHERE t.${id} > $1::${idType}${upTo(3)} ORDER BY t.${id} LIMIT $2`,
    reread: `${select} WHERE t.${id} = ANY($1::${idType}[])`,
    lockFree: `SELECT ${id}::text AS id FROM ${t} WHERE ${id} = ANY($1::${idType}[]) FOR UPDATE SKIP LOCKED`,
    compareAndSwap:
      `UPDATE ${t} AS t SET ${col} = ${v.cast('v.new')} ` +
      `FROM unnest($1::${idType}[], $2::${v.param}[], $3::${v.param}[]) AS v(id, old, new) ` +
      `WHERE t.${id} = v.id AND t.${col} = ${v.cast('v.old')} RETURNING t.${id}::text AS id`,
  };
}
