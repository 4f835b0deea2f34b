// Columns that look encrypted (named *_encrypted, the application's convention) but are not in
// the registry: a rotation would leave them on the old key, so every command warns about them.
import type { EncryptedColumn } from './column.js';
import type { Queryable } from './db.js';
import { findTable } from './registry.js';

export interface UnregisteredColumn {
  schema: string;
  table: string;
  column: string;
}

/**
 * Looks in the schemas the application can reach unqualified (the search_path) and in any schema a
 * registry entry names. Other schemas of the same database belong to other tenants or tools (and,
 * in tests, to other test runs), so warning about them would be noise.
 */
export async function findUnregisteredColumns(
  db: Queryable,
  entries: readonly EncryptedColumn[],
): Promise<UnregisteredColumn[]> {
  const registered = new Set<string>();
  for (const entry of entries) {
    const found = await findTable(db, entry.table, entry.schema);
    if (found) registered.add(`${found.schema}.${entry.table}.${entry.column}`);
  }
  const extraSchemas = [...new Set(entries.flatMap((e) => (e.schema ? [e.schema] : [])))];
  const { rows } = await db.query<UnregisteredColumn>(
    `SELECT n.nspname AS schema, c.relname AS "table", a.attname AS "column"
       FROM pg_catalog.pg_attribute a
       JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
        AND a.attname LIKE '%\\_encrypted'
        AND (n.nspname = ANY (pg_catalog.current_schemas(false)) OR n.nspname = ANY ($1::text[]))
      ORDER BY 1, 2, 3`,
    [extraSchemas],
  );
  return rows.filter((r) => !registered.has(`${r.schema}.${r.table}.${r.column}`));
}

/** The warning every command prints for these columns. */
export function describeUnregistered(columns: readonly UnregisteredColumn[]): string | undefined {
  if (columns.length === 0) return undefined;
  const names = columns.map((c) => `${c.schema}.${c.table}.${c.column}`).join(', ');
  return `not in the column registry, so a rotation would leave them on the old key: ${names}. Add them to a --config file if they hold encrypted secrets.`;
}
