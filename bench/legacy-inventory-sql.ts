// The inventory SQL as it was before the fast path (issue 11), frozen here for the bench's side-by-side
// comparison only: the classification is the same, but the planner inlined the parsed value into
// every place that used it, so the regular expression and the jsonb cast ran about fifteen times a
// row. Not used by the tool.
import { UserError } from '../src/errors.js';
import type { ResolvedColumn } from '../src/db/column.js';

const WS = '[ \\t\\n\\r]*';
const JSON_STRING = '"[^"\\\\[:cntrl:]]*"';
const JSON_VALUE = `(?:${JSON_STRING}|-?(?:0|[1-9][0-9]*)|true|false|null)`;
const MEMBER = `${WS}${JSON_STRING}${WS}:${WS}${JSON_VALUE}${WS}`;
/** A flat JSON object that the jsonb cast always accepts. */
const FLAT_JSON_OBJECT = `^${WS}\\{${MEMBER}(?:,${MEMBER})*\\}${WS}$`;
/** Standard base64 with padding, as the application writes it (the same rule as src/crypto/payload.ts). */
const STANDARD_BASE64 = '^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$';

/** Decoded length of a base64 string already checked against STANDARD_BASE64: computed, never decoded. */
function base64Bytes(expr: string): string {
  return `(length(${expr}) / 4 * 3 - (length(${expr}) - length(rtrim(${expr}, '='))))`;
}

function base64Field(name: string, lengthRule: string): string {
  const value = `j->>'${name}'`;
  return `jsonb_typeof(j->'${name}') = 'string' AND ${value} ~ '${STANDARD_BASE64}' AND ${base64Bytes(value)} ${lengthRule}`;
}

/** The payload rules of src/crypto/payload.ts, on a jsonb object `j` (NULL when not parseable). */
const VALID_PAYLOAD = [
  `j->'version' = '1'::jsonb`,
  `j->'alg' = '"AES-256-GCM"'::jsonb`,
  `jsonb_typeof(j->'key_id') = 'string' AND j->>'key_id' <> ''`,
  base64Field('dek_wrapped', '>= 28'), // 12-byte nonce + wrapped key + 16-byte tag
  base64Field('nonce', '= 12'),
  base64Field('ciphertext', '>= 16'), // at least the tag
].join('\n             AND ');

/** `j`: the value as a jsonb object, or NULL when it is not one (never an error). */
function jsonExpression(column: ResolvedColumn): string {
  const c = column.quotedColumn;
  switch (column.valueType) {
    case 'bytea':
      return `CASE WHEN encode(${c}, 'escape') ~ '${FLAT_JSON_OBJECT}'\n                 THEN encode(${c}, 'escape')::jsonb END`;
    case 'text':
      return `CASE WHEN ${c} ~ '${FLAT_JSON_OBJECT}' THEN ${c}::jsonb END`;
    case 'jsonb':
      return `CASE WHEN jsonb_typeof(${c}) = 'object' THEN ${c} END`;
    default: {
      const never: never = column.valueType;
      throw new Error(`unknown value type ${String(never)}`);
    }
  }
}

/** Every row as (id, status, key_id): status is 'null', 'payload' or 'invalid'; key_id only for payloads. */
function classifiedRows(column: ResolvedColumn): string {
  return `(
  SELECT id,
         CASE WHEN v IS NULL THEN 'null' WHEN ok THEN 'payload' ELSE 'invalid' END AS status,
         CASE WHEN ok THEN j->>'key_id' END AS key_id
    FROM (
      SELECT id, v, j,
             j IS NOT NULL
             AND ${VALID_PAYLOAD} AS ok
        FROM (
          SELECT ${column.quotedId} AS id, ${column.quotedColumn} AS v,
                 ${jsonExpression(column)} AS j
            FROM ${column.qualifiedTable}
        ) AS parsed
    ) AS checked
) AS classified`;
}

/**
 * One read-only statement, no parameters: one row per (status, key_id) with its count, and the
 * table's total on every row. What verify runs is exactly what it prints.
 */
export function legacyInventorySql(column: ResolvedColumn): string {
  return `-- kek-rotate inventory of ${column.label} (${column.valueType}); read-only
SELECT status, key_id, count(*) AS rows, sum(count(*)) OVER () AS total
  FROM ${classifiedRows(column)}
 GROUP BY status, key_id
 ORDER BY status, key_id;`;
}

interface RowFilter {
  keyId?: string | undefined;
  invalid?: boolean | undefined;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

function filterCondition(filter: RowFilter, keyIdSql: string | undefined): string {
  const parts: string[] = [];
  if (filter.keyId !== undefined) {
    if (!KEY_ID.test(filter.keyId))
      throw new UserError(`${JSON.stringify(filter.keyId)} is not a key id`, 'Key ids look like kek-v2.');
    parts.push(`key_id = ${keyIdSql}`);
  }
  if (filter.invalid) parts.push(`status = 'invalid'`);
  if (parts.length === 0) throw new Error('listRowsSql needs a keyId or invalid: true');
  return `(${parts.join(' OR ')})`;
}

/**
 * Ids (as text) of the rows matching `filter`, one keyset page: ids after `afterId`, in the id
 * column's own order. `classified.id` is the table's column; a bare `id` in ORDER BY would be the
 * text output alias, sorting bigint ids as strings and making the cursor skip rows.
 */
export function legacyListRowsSql(
  column: ResolvedColumn,
  filter: RowFilter,
  page: { afterId?: string | undefined; limit: number },
): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  const keyIdSql = filter.keyId !== undefined ? `$${params.push(filter.keyId)}` : undefined;
  const condition = filterCondition(filter, keyIdSql);
  const after = page.afterId !== undefined ? ` AND classified.id > $${params.push(page.afterId)}` : '';
  const limit = `$${params.push(page.limit)}`;
  return {
    text: `SELECT id::text AS id, status, key_id
  FROM ${classifiedRows(column)}
 WHERE ${condition}${after}
 ORDER BY classified.id
 LIMIT ${limit}`,
    params,
  };
}
