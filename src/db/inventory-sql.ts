// Read-only SQL that classifies every stored value of one encrypted column: NULL, a payload (and
// its key id), or not a valid payload. Correct on bytea, text and jsonb, and it cannot fail on a
// malformed row, so one bad value never hides the count of the others. Pasteable into psql.
import { UserError } from '../errors.js';
import type { ResolvedColumn } from './column.js';
import { quoteLiteral } from './quote.js';

/*
 * Why it is built this way:
 * - The runbook's `col::text LIKE '%"key_id":"kek-v1"%'` is always 0 on bytea: bytea::text is hex.
 * - `convert_from(col, 'UTF8')::jsonb` decodes, but raises an error (and aborts the whole query)
 *   on one row that is not UTF-8 or not JSON.
 * - encode(col, 'escape') never fails: printable ASCII stays as is, NUL and bytes >= 0x80 become
 *   \ooo and a backslash becomes \\. A value is cast to jsonb only when that text matches a flat
 *   JSON object grammar with no backslash and no control characters, which the cast always
 *   accepts. The application writes exactly such objects; a payload with escapes or nested extra
 *   fields (which the application never writes) is reported as not valid here, and --deep parses
 *   every value with the full parser anyway.
 * - PostgreSQL 15 has no pg_input_is_valid(), so the guard is a regular expression.
 * - That general check is exact but costs a regular expression over the whole value and a jsonb
 *   cast per row; values in the application's own canonical form take a fast path instead (below),
 *   which decides them as the general check would, at about the cost of a bare jsonb GROUP BY.
 */

const WS = '[ \\t\\n\\r]*';
const JSON_STRING = '"[^"\\\\[:cntrl:]]*"';
const JSON_VALUE = `(?:${JSON_STRING}|-?(?:0|[1-9][0-9]*)|true|false|null)`;
const MEMBER = `${WS}${JSON_STRING}${WS}:${WS}${JSON_VALUE}${WS}`;
/** A flat JSON object that the jsonb cast always accepts. */
export const FLAT_JSON_OBJECT = `^${WS}\\{${MEMBER}(?:,${MEMBER})*\\}${WS}$`;
/** Standard base64 with padding, as the application writes it (the same rule as src/crypto/payload.ts). */
export const STANDARD_BASE64 = '^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$';

/** Decoded length of a base64 string already checked against STANDARD_BASE64: computed, never decoded. */
function base64Bytes(expr: string): string {
  return `(length(${expr}) / 4 * 3 - (length(${expr}) - length(rtrim(${expr}, '='))))`;
}

function base64Field(name: string, lengthRule: string): string {
  const value = `j->>'${name}'`;
  return `jsonb_typeof(j->'${name}') = 'string' AND ${value} ~ '${STANDARD_BASE64}' AND ${base64Bytes(value)} ${lengthRule}`;
}

/** The payload rules of src/crypto/payload.ts, on a jsonb object `j` (NULL when not parseable). */
const VALID_PAYLOAD_RULES = [
  `j->'version' = '1'::jsonb`,
  `j->'alg' = '"AES-256-GCM"'::jsonb`,
  `jsonb_typeof(j->'key_id') = 'string' AND j->>'key_id' <> ''`,
  base64Field('dek_wrapped', '>= 28'), // 12-byte nonce + wrapped key + 16-byte tag
  base64Field('nonce', '= 12'),
  base64Field('ciphertext', '>= 16'), // at least the tag
];

/** `j`: the value `v` as a jsonb object, or NULL when it is not one (never an error). */
function jsonExpression(column: ResolvedColumn, v: string): string {
  switch (column.valueType) {
    case 'bytea':
      return `CASE WHEN encode(${v}, 'escape') ~ '${FLAT_JSON_OBJECT}'\n                                 THEN encode(${v}, 'escape')::jsonb END`;
    case 'text':
      return `CASE WHEN ${v} ~ '${FLAT_JSON_OBJECT}' THEN ${v}::jsonb END`;
    case 'jsonb':
      return `CASE WHEN jsonb_typeof(${v}) = 'object' THEN ${v} END`;
    default: {
      const never: never = column.valueType;
      throw new Error(`unknown value type ${String(never)}`);
    }
  }
}

/*
 * The fast path. The general check above costs a regular expression over the whole value and a
 * jsonb cast: fine for the odd row, slow on every row. The application writes one exact form
 * (src/crypto/payload.ts, docs/FORMAT.md):
 *   {"version":1,"alg":"AES-256-GCM","key_id":"K","dek_wrapped":"D","nonce":"N","ciphertext":"C"}
 * and a value in that form is decided with cheap operations: split_part at the quotes, the value
 * rebuilt from its four fields and compared (so the prefix and separators are exactly the canonical
 * ones and no field holds a quote; bytea compares its prefix as bytes first), byte lengths, and one
 * unanchored pattern that looks for a character outside the fields' alphabets (one pass, no match
 * on a good row). What it accepts, the general check accepts with the same key id:
 * - K is not empty and holds only [A-Za-z0-9+/=._-] (translate() maps . _ - to A before the
 *   pattern), D, N and C only [A-Za-z0-9+/=]: no quote, backslash, control or non-ASCII
 *   character anywhere, so the text is the value's own bytes (encode(..., 'escape') changed
 *   nothing), it matches FLAT_JSON_OBJECT and casts to jsonb; version, alg and names are literal;
 * - a base64 field whose `=` are only its last one or two characters (the text before the first
 *   `=` is at most two shorter than the field) and whose length is a multiple of 4 matches
 *   STANDARD_BASE64; with that shape at least 28 decoded bytes is at least 40 characters (36
 *   decode to 27 at most, 40 to 28 at least), at least 16 bytes is at least 24 characters, and
 *   exactly 12 bytes is 16 characters without `=`.
 * Anything else (another order, spaces, escapes, extra fields, another alphabet, a bad field) goes
 * to the general check, which decides it exactly as before. Each step is computed once per row:
 * `OFFSET 0` keeps the planner from copying an expression into every place that uses it (which is
 * what made the whole-table read take 34 s on 200,000 rows: the regular expression ran once per use).
 */
export const CANONICAL_PREFIX = '{"version":1,"alg":"AES-256-GCM","key_id":"';

/**
 * The value as text for the fast path: `s`, the text its four fields are split from (at the quotes,
 * from piece `first` on), and `prefix`, the SQL that puts back what `s` lacks of the canonical form.
 * bytea: what follows the canonical prefix (compared as bytes first, so other values cost nothing
 * more), escaped; text: the value itself, in "C" (byte for byte, whatever the column's collation: a
 * case-insensitive one would let "DEK_WRAPPED" pass for "dek_wrapped"). jsonb has no text form
 * (its keys are reordered): its fields are read directly (jsonbFields).
 */
function canonicalText(column: ResolvedColumn, v: string): { s: string; first: number; prefix: string } | undefined {
  switch (column.valueType) {
    case 'bytea':
      return {
        s: `CASE WHEN substring(${v} FROM 1 FOR ${CANONICAL_PREFIX.length}) = '${CANONICAL_PREFIX}'::bytea\n                              THEN encode(substring(${v} FROM ${CANONICAL_PREFIX.length + 1}), 'escape') COLLATE "C" END`,
        first: 1,
        prefix: '',
      };
    case 'text':
      return { s: `${v} COLLATE "C"`, first: 10, prefix: `'${CANONICAL_PREFIX}' || ` };
    case 'jsonb':
      return undefined;
    default: {
      const never: never = column.valueType;
      throw new Error(`unknown value type ${String(never)}`);
    }
  }
}

/** `=` only as the last one or two characters of base64 field `f` (or none). */
function paddingAtEnd(f: string): string {
  const beforeFirstPad = `octet_length(split_part(${f}, '=', 1))`;
  return `(${beforeFirstPad} >= octet_length(${f}) - 1 OR (${beforeFirstPad} = octet_length(${f}) - 2 AND ${f} LIKE '%=='))`;
}

/** The base64 rules on `dek`, `nonce` and `ct`, once their alphabet is known to be [A-Za-z0-9+/=]. */
const BASE64_LENGTHS = [
  `octet_length(dek) % 4 = 0 AND octet_length(dek) >= 40 AND ${paddingAtEnd('dek')}`, // >= 28 bytes
  `octet_length(nonce) = 16 AND strpos(nonce, '=') = 0`, // exactly 12 bytes
  `octet_length(ct) % 4 = 0 AND octet_length(ct) >= 24 AND ${paddingAtEnd('ct')}`, // >= 16 bytes
];

/** The fast path on `s` and its fields; `prefix` as canonicalText gives it. */
function fastPayload(prefix: string): string {
  return [
    `s = ${prefix}kid || '","dek_wrapped":"' || dek || '","nonce":"' || nonce || '","ciphertext":"' || ct || '"}'`,
    `kid <> ''`,
    `NOT (translate(kid, '._-', 'AAA') || dek || nonce || ct ~ '[^A-Za-z0-9+/=]')`,
    ...BASE64_LENGTHS,
  ].join('\n                      AND ');
}

/*
 * jsonb: the value is already parsed, and the general check is plain rules on its fields; the fast
 * path reads the fields once and applies the same rules with the cheap base64 test above (any
 * non-empty key id string is a key id here, as in the general check). `head`: an object with
 * version 1 and the algorithm, in the general check's own words.
 */
function jsonbFields(v: string): string[] {
  const text = (name: string) => `CASE WHEN jsonb_typeof(${v}->'${name}') = 'string' THEN ${v}->>'${name}' END`;
  return [
    `(jsonb_typeof(${v}) = 'object' AND ${v}->'version' = '1'::jsonb AND ${v}->'alg' = '"AES-256-GCM"'::jsonb) AS head`,
    `${text('key_id')} AS kid`,
    `${text('dek_wrapped')} AS dek`,
    `${text('nonce')} AS nonce`,
    `${text('ciphertext')} AS ct`,
  ];
}

const FAST_JSONB = ['head', `kid <> ''`, `NOT (dek || nonce || ct ~ '[^A-Za-z0-9+/=]')`, ...BASE64_LENGTHS].join(
  '\n                      AND ',
);

/** The general check of value `v`: its key id when it is a valid payload, else NULL. */
function generalKeyId(column: ResolvedColumn, v: string): string {
  const rules = ['j IS NOT NULL', ...VALID_PAYLOAD_RULES].join('\n                                AND ');
  return `(SELECT CASE WHEN ${rules}
                           THEN j->>'key_id' END
                      FROM (SELECT ${jsonExpression(column, v)} AS j OFFSET 0) AS parsed)`;
}

/** A range of ids (as text, compared in the id column's own type): after `after`, up to `upTo` inclusive. */
export interface IdRange {
  readonly after?: string | undefined;
  readonly upTo?: string | undefined;
}

/** `WHERE` conditions on `t.id` for `range`, their parameters appended to `params`. */
function rangeWhere(column: ResolvedColumn, range: IdRange, params: unknown[]): string[] {
  const id = `t.${column.quotedId}`;
  const out: string[] = [];
  if (range.after !== undefined) out.push(`${id} > $${params.push(range.after)}::${column.idType}`);
  if (range.upTo !== undefined) out.push(`${id} <= $${params.push(range.upTo)}::${column.idType}`);
  return out;
}

/** Columns of the table carried along with each classified row: `expression` on row `t`, named `name`. */
interface Carried {
  readonly expression: string;
  readonly name: string;
}

/**
 * Where the values come from: a scan of the table (rows matching `where`; `id`, `v` and `carried`
 * come out), or the current row `t` of a LATERAL join (only `v` comes out; the caller has `t`).
 */
type Source = { kind: 'table'; where: readonly string[]; carried?: readonly Carried[] } | { kind: 'lateral' };

/** Names the layers below give their own columns; a value column of one of these names is carried as `v`. */
const LAYER_NAMES = new Set(['id', 's', 'head', 'kid', 'dek', 'nonce', 'ct', 'key_id', 'j', 'name', 'provider_type']);

/** How the value is named through the layers: the column's own (quoted) name, so the SQL reads as it runs. */
function valueName(column: ResolvedColumn): string {
  return LAYER_NAMES.has(column.column) ? 'v' : column.quotedColumn;
}

/**
 * The subquery `classified`: for every row of `source`, the value (under valueName) and `key_id`:
 * the key id of a valid payload; NULL for a NULL value and for one that is not a valid payload (a
 * valid payload's key id is never empty).
 */
function classifiedRows(column: ResolvedColumn, source: Source): string {
  const tv = `t.${column.quotedColumn}`;
  const v = valueName(column);
  const carried = source.kind === 'table' ? (source.carried ?? []) : [];
  const keep = [...(source.kind === 'table' ? ['id'] : []), v, ...carried.map((c) => c.name)];
  const base = [
    ...(source.kind === 'table' ? [`t.${column.quotedId} AS id`] : []),
    `${tv} AS ${v}`,
    ...carried.map((c) => `${c.expression} AS ${c.name}`),
  ];
  const from =
    source.kind === 'table'
      ? `\n                   FROM ${column.qualifiedTable} AS t${source.where.length > 0 ? `\n                  WHERE ${source.where.join(' AND ')}` : ''}`
      : '';
  const general = generalKeyId(column, v);
  const text = canonicalText(column, tv);
  if (text === undefined) {
    return `(
         SELECT ${keep.join(', ')},
                CASE WHEN ${v} IS NULL THEN NULL
                     WHEN ${FAST_JSONB}
                     THEN kid
                     ELSE ${general} END AS key_id
           FROM (SELECT ${[...base, ...jsonbFields(tv)].join(',\n                        ')}${from}
                 OFFSET 0) AS fields
         OFFSET 0) AS classified`;
  }
  const piece = (n: number) => `split_part(s, '"', ${text.first + n})`;
  return `(
         SELECT ${keep.join(', ')},
                CASE WHEN ${v} IS NULL THEN NULL
                     WHEN ${fastPayload(text.prefix)}
                     THEN kid
                     ELSE ${general} END AS key_id
           FROM (SELECT ${keep.join(', ')}, s, ${piece(0)} AS kid, ${piece(4)} AS dek,
                        ${piece(8)} AS nonce, ${piece(12)} AS ct
                   FROM (SELECT ${base.join(', ')},
                                ${text.s} AS s${from}
                         OFFSET 0) AS rest
                 OFFSET 0) AS fields
         OFFSET 0) AS classified`;
}

/** 'null', 'payload' or 'invalid', from the columns of `classified`. */
function statusExpression(column: ResolvedColumn): string {
  return `CASE WHEN classified.${valueName(column)} IS NULL THEN 'null' WHEN classified.key_id IS NULL THEN 'invalid' ELSE 'payload' END`;
}

function inventoryStatement(column: ResolvedColumn, where: string[]): string {
  return `-- kek-rotate inventory of ${column.label} (${column.valueType}); read-only
SELECT status, key_id, n AS rows, sum(n) OVER () AS total
  FROM (
    SELECT ${statusExpression(column)} AS status,
           classified.key_id, count(*) AS n
      FROM ${classifiedRows(column, { kind: 'table', where })}
     GROUP BY 1, 2
  ) AS counted
 ORDER BY status, key_id;`;
}

/**
 * One read-only statement, no parameters: one row per (status, key_id) with its count, and the
 * table's total on every row. This is the statement printed for operators to paste into psql; the
 * tool runs the same one over consecutive id ranges (inventoryRangeSql), to show its progress.
 */
export function inventorySql(column: ResolvedColumn): string {
  return inventoryStatement(column, []);
}

/** inventorySql restricted to the rows of one id range (an index range scan); `total` is then the range's rows. */
export function inventoryRangeSql(column: ResolvedColumn, range: IdRange): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  const where = rangeWhere(column, range, params);
  return { text: inventoryStatement(column, where), params };
}

export interface Inventory {
  total: number;
  nulls: number;
  invalid: number;
  /** Rows per key id, valid payloads only. */
  byKeyId: Record<string, number>;
}

/** Folds inventorySql's rows (counts may come back as string, bigint or number). */
export function summariseInventory(
  rows: readonly { status: string; key_id: string | null; rows: unknown }[],
): Inventory {
  const out: Inventory = { total: 0, nulls: 0, invalid: 0, byKeyId: {} };
  for (const row of rows) {
    const n = Number(row.rows);
    out.total += n;
    if (row.status === 'null') out.nulls += n;
    else if (row.status === 'invalid') out.invalid += n;
    else out.byKeyId[row.key_id ?? ''] = (out.byKeyId[row.key_id ?? ''] ?? 0) + n;
  }
  return out;
}

/** Which rows to list: those on `keyId`, the invalid ones, or both. */
export interface RowFilter {
  keyId?: string | undefined;
  invalid?: boolean | undefined;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

function filterCondition(column: ResolvedColumn, filter: RowFilter, keyIdSql: string | undefined): string {
  const parts: string[] = [];
  if (filter.keyId !== undefined) {
    if (!KEY_ID.test(filter.keyId))
      throw new UserError(`${JSON.stringify(filter.keyId)} is not a key id`, 'Key ids look like kek-v2.');
    parts.push(`classified.key_id = ${keyIdSql}`);
  }
  if (filter.invalid) parts.push(`(classified.${valueName(column)} IS NOT NULL AND classified.key_id IS NULL)`);
  if (parts.length === 0) throw new Error('listRowsSql needs a keyId or invalid: true');
  return `(${parts.join(' OR ')})`;
}

/**
 * One page of the rows matching `condition`, in id order: the table is read on its id index, row
 * by row (a LATERAL join), and the read stops at `limit` matches.
 */
function listPage(column: ResolvedColumn, where: string[], limit: string): string {
  return `SELECT t.${column.quotedId}::text AS id, ${statusExpression(column)} AS status, classified.key_id
  FROM ${column.qualifiedTable} AS t
       CROSS JOIN LATERAL ${classifiedRows(column, { kind: 'lateral' })}
 WHERE ${where.join('\n   AND ')}
 ORDER BY t.${column.quotedId}
 LIMIT ${limit}`;
}

/**
 * Ids (as text) of the rows matching `filter`, one keyset page: ids after `afterId`, in the id
 * column's own order (`t.id`, never the text output alias, which would sort bigint ids as strings
 * and make the cursor skip rows).
 */
export function listRowsSql(
  column: ResolvedColumn,
  filter: RowFilter,
  page: { afterId?: string | undefined; limit: number },
): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  const keyIdSql = filter.keyId !== undefined ? `$${params.push(filter.keyId)}` : undefined;
  const where = [filterCondition(column, filter, keyIdSql), ...rangeWhere(column, { after: page.afterId }, params)];
  const limit = `$${params.push(page.limit)}`;
  return { text: listPage(column, where, limit), params };
}

/** The same listing with values inlined, for an operator to paste into psql. */
export function listRowsLiteralSql(column: ResolvedColumn, filter: RowFilter, limit = 100): string {
  const condition = filterCondition(
    column,
    filter,
    filter.keyId !== undefined ? quoteLiteral(filter.keyId) : undefined,
  );
  const what = `${filter.keyId !== undefined ? `on ${filter.keyId}` : ''}${filter.keyId !== undefined && filter.invalid ? ' or ' : ''}${filter.invalid ? 'that are not a valid payload' : ''}`;
  return `-- kek-rotate: rows of ${column.label} ${what}; read-only
${listPage(column, [condition], String(Math.max(1, Math.floor(limit))))};`;
}

/**
 * Every row of one id range whose value is on `keyId`, in id order, with `carried` columns of the
 * table (e.g. a name): the emergency listing reads the table range by range, naming in the same pass.
 */
export function rowsOnKeyInRangeSql(
  column: ResolvedColumn,
  keyId: string,
  range: IdRange,
  carried: readonly Carried[] = [],
): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  const condition = filterCondition(column, { keyId }, `$${params.push(keyId)}`);
  const where = rangeWhere(column, range, params);
  const select = ['classified.id::text AS id', ...carried.map((c) => `classified.${c.name}`)];
  return {
    text: `SELECT ${select.join(', ')}
  FROM ${classifiedRows(column, { kind: 'table', where, carried })}
 WHERE ${condition}
 ORDER BY classified.id`,
    params,
  };
}

/**
 * Ids that split the column into `parts` ranges of about equal rows: percentiles of a sample of the
 * ids (TABLESAMPLE SYSTEM reads some pages, not the table; all of it below `sampleRows` rows). One
 * row, `b`: the ids as text, in order, possibly repeated; NULL when the sample holds no row.
 */
export function rangeBoundsSql(
  column: ResolvedColumn,
  total: number,
  parts: number,
  sampleRows = 20_000,
): { text: string; params: unknown[] } {
  const percent = total <= sampleRows ? 100 : (100 * sampleRows) / total;
  const sample = percent >= 100 ? '' : ` TABLESAMPLE SYSTEM (${percent.toFixed(6)})`;
  const fractions = Array.from({ length: Math.max(0, parts - 1) }, (_, i) => (i + 1) / parts);
  return {
    text: `SELECT (percentile_disc($1::float8[]) WITHIN GROUP (ORDER BY t.${column.quotedId}))::text[] AS b
  FROM ${column.qualifiedTable} AS t${sample}`,
    params: [fractions],
  };
}

/** Rows in the table (NULLs included): the total a progress bar counts towards. Cheap, no decoding. */
export function countRowsSql(column: ResolvedColumn): string {
  return `SELECT count(*) AS total FROM ${column.qualifiedTable};`;
}
