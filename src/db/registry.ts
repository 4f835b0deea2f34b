// Checks registry entries against the database: the table, the encrypted column and the id column
// exist, and the value type is one we can read. Produces ResolvedColumns with quoted identifiers.
import { UserError } from '../errors.js';
import type { EncryptedColumn, ResolvedColumn, ValueType } from './column.js';
import type { Queryable } from './db.js';
import { assertIdentifier, quoteIdent } from './quote.js';

const VALUE_TYPES: readonly ValueType[] = ['bytea', 'text', 'jsonb'];
const CONFIG_HINT = 'list the right columns in a JSON file given with --config';

interface FoundTable {
  schema: string;
  oid: number;
}

/**
 * Where `table` lives: in `schema` when given, else the first schema on the search_path that has
 * it (the one the application's unqualified SQL reaches). Only ordinary and partitioned tables.
 */
export async function findTable(db: Queryable, table: string, schema?: string): Promise<FoundTable | undefined> {
  const { rows } = await db.query<{ schema: string; oid: number | string }>(
    `SELECT n.nspname AS schema, c.oid::int8 AS oid
       FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN unnest(pg_catalog.current_schemas(false)) WITH ORDINALITY AS sp(name, pos) ON sp.name = n.nspname
      WHERE c.relname = $1 AND c.relkind IN ('r', 'p')
        AND (CASE WHEN $2::text IS NULL THEN sp.pos IS NOT NULL ELSE n.nspname = $2::text END)
      ORDER BY sp.pos
      LIMIT 1`,
    [table, schema ?? null],
  );
  const row = rows[0];
  return row ? { schema: row.schema, oid: Number(row.oid) } : undefined;
}

async function searchPath(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>('SELECT unnest(pg_catalog.current_schemas(false)) AS name');
  return rows.map((r) => r.name);
}

interface ColumnInfo {
  name: string;
  type: string;
}

async function columnsOf(db: Queryable, oid: number): Promise<ColumnInfo[]> {
  // Domains are looked through to their base type: a domain over bytea stores bytea.
  const { rows } = await db.query<ColumnInfo>(
    `SELECT a.attname AS name,
            pg_catalog.format_type(CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE a.atttypid END,
                                   CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END) AS type
       FROM pg_catalog.pg_attribute a
       JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
      WHERE a.attrelid = $1::int8::oid AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [oid],
  );
  return rows;
}

/** Keeps the entries `--table` names (a table name, or schema.table); refuses a name not in the registry. */
export function selectTable(entries: readonly EncryptedColumn[], table: string | undefined): EncryptedColumn[] {
  if (table === undefined) return [...entries];
  const chosen = entries.filter(
    (e) => e.table === table || (e.schema !== undefined && `${e.schema}.${e.table}` === table),
  );
  if (chosen.length === 0) {
    const registered = [...new Set(entries.map((e) => (e.schema ? `${e.schema}.${e.table}` : e.table)))];
    throw new UserError(
      `--table ${table}: not a registered table (registered: ${registered.join(', ')})`,
      `Use one of the registered tables, or ${CONFIG_HINT}.`,
    );
  }
  return chosen;
}

/** PostgreSQL's own schemas: never the application's data, and never ours to rewrite. */
export function isSystemSchema(schema: string): boolean {
  return schema === 'information_schema' || schema.startsWith('pg_');
}

/**
 * Whether the id column alone identifies a row: NOT NULL and the only key column of a valid,
 * non-partial, non-expression unique index (a primary key is one). The engine pages by the id
 * (`id > last`) and writes each row by it: with repeated ids a page boundary inside a run of equal
 * ids skips rows, and NULL ids are never read at all, so such a column is refused, not tolerated.
 */
async function idIsUniqueAndNotNull(
  db: Queryable,
  oid: number,
  idColumn: string,
): Promise<{ unique: boolean; notNull: boolean }> {
  const { rows } = await db.query<{ unique: boolean; not_null: boolean }>(
    `SELECT a.attnotnull AS not_null,
            EXISTS (SELECT 1 FROM pg_catalog.pg_index i
                     WHERE i.indrelid = a.attrelid AND i.indisunique AND i.indisvalid
                       AND i.indpred IS NULL AND i.indexprs IS NULL
                       AND i.indnkeyatts = 1 AND i.indkey[0] = a.attnum) AS unique
       FROM pg_catalog.pg_attribute a
      WHERE a.attrelid = $1::int8::oid AND a.attname = $2 AND NOT a.attisdropped`,
    [oid, idColumn],
  );
  const row = rows[0];
  return { unique: row?.unique === true, notNull: row?.not_null === true };
}

async function resolveOne(db: Queryable, entry: EncryptedColumn, where: string): Promise<ResolvedColumn> {
  const label = `${entry.table}.${entry.column}`;
  assertIdentifier(entry.table, `table of ${label}`);
  assertIdentifier(entry.column, `column of ${label}`);
  assertIdentifier(entry.idColumn, `id column of ${label}`);
  if (entry.schema !== undefined) assertIdentifier(entry.schema, `schema of ${label}`);

  const found = await findTable(db, entry.table, entry.schema);
  if (!found) {
    const place = entry.schema
      ? `schema ${entry.schema}`
      : `any schema on the search_path (${(await searchPath(db)).join(', ') || 'empty'})`;
    throw new UserError(
      `table ${entry.table} (registered for ${label}) does not exist in ${place} of ${where}`,
      `Check that you are connected to the application's database and schema (DATABASE_URL, options=-c search_path=...), or ${CONFIG_HINT}.`,
    );
  }
  const qualified = `${found.schema}.${entry.table}`;
  if (isSystemSchema(found.schema)) {
    throw new UserError(
      `${qualified} (registered for ${label}) is in a PostgreSQL system schema; kek-rotate never reads or writes those`,
      `Register the application's own tables only: ${CONFIG_HINT}.`,
    );
  }
  const columns = await columnsOf(db, found.oid);
  const missing = (name: string, role: string) => {
    const encrypted = columns.filter((c) => c.name.endsWith('_encrypted')).map((c) => c.name);
    return new UserError(
      `${role} ${name} (registered for ${label}) does not exist in table ${qualified}`,
      `${encrypted.length ? `Columns named *_encrypted there: ${encrypted.join(', ')}. ` : ''}Fix the registry: ${CONFIG_HINT}.`,
    );
  };
  const value = columns.find((c) => c.name === entry.column);
  if (!value) throw missing(entry.column, 'column');
  const id = columns.find((c) => c.name === entry.idColumn);
  if (!id) throw missing(entry.idColumn, 'id column');
  const identity = await idIsUniqueAndNotNull(db, found.oid, entry.idColumn);
  if (!identity.unique || !identity.notNull) {
    const problems = [
      ...(identity.unique ? [] : ['no primary key or unique index on it alone']),
      ...(identity.notNull ? [] : ['it allows NULL']),
    ];
    throw new UserError(
      `id column ${entry.idColumn} of ${qualified} (registered for ${label}) does not identify one row: ${problems.join(', and ')}`,
      'kek-rotate reads in id order and writes each row by its id: repeated or NULL ids would leave rows behind unseen. ' +
        `Register the table's primary key as "idColumn" (${CONFIG_HINT}), or give the table one ` +
        `(ALTER TABLE ${qualified} ADD PRIMARY KEY (${entry.idColumn})) after removing repeats and NULLs.`,
    );
  }
  if (!(VALUE_TYPES as readonly string[]).includes(value.type)) {
    throw new UserError(
      `${qualified}.${entry.column} has type ${value.type}; encrypted columns must be bytea, text or jsonb`,
      `Check that the registry names the encrypted column (${CONFIG_HINT}).`,
    );
  }
  return {
    schema: found.schema,
    table: entry.table,
    column: entry.column,
    idColumn: entry.idColumn,
    valueType: value.type as ValueType,
    idType: id.type,
    qualifiedTable: `${quoteIdent(found.schema)}.${quoteIdent(entry.table)}`,
    quotedColumn: quoteIdent(entry.column),
    quotedId: quoteIdent(entry.idColumn),
    label,
  };
}

/**
 * Checks every registry entry (or only those of `opts.table`) against the database. Throws a
 * UserError naming what is missing; never returns a partial list.
 */
export async function resolveColumns(
  db: Queryable & { label?: string },
  entries: readonly EncryptedColumn[],
  opts: { table?: string | undefined } = {},
): Promise<ResolvedColumn[]> {
  const chosen = selectTable(entries, opts.table);
  const where = db.label ?? 'the database';
  const resolved: ResolvedColumn[] = [];
  for (const entry of chosen) resolved.push(await resolveOne(db, entry, where));
  return resolved;
}
