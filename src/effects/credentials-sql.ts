// The emergency checklist: which credentials were readable with a compromised key. The table is read
// once, in consecutive id ranges (a keyset scan: each range is an index range scan, with progress),
// each range classified with the inventory's bytea-safe SQL (a malformed row cannot break the
// listing) and named from the table's `name` / `provider_type` columns in the same statement.
import type { ResolvedColumn } from '../db/column.js';
import type { Db } from '../db/db.js';
import { scanIdRanges, type ScanOptions } from '../db/inventory-scan.js';
import { rowsOnKeyInRangeSql } from '../db/inventory-sql.js';
import type { CredentialRef } from '../machine/contract.js';

export async function namingColumns(db: Db, column: ResolvedColumn): Promise<{ name: boolean; providerType: boolean }> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT a.attname AS name FROM pg_catalog.pg_attribute a
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attname IN ('name', 'provider_type')`,
    [column.qualifiedTable],
  );
  const have = new Set(rows.map((r) => r.name));
  return { name: have.has('name'), providerType: have.has('provider_type') };
}

/** Ids looked up per statement: one index scan each, and a parameter of bounded size. */
export const NAME_LOOKUP_CHUNK = 1000;

/**
 * The name and provider type of the given rows of one column (ids as text, as the engine and the
 * listing report them), in id order. The ids are cast to the id column's own type, so each chunk is
 * an index lookup (never `id::text = ANY(...)`, which reads the whole table per chunk). Rows deleted
 * meanwhile are kept, named "(row deleted)": the leaked key could read them, the provider still must
 * revoke them.
 */
export async function credentialsForIds(
  db: Db,
  column: ResolvedColumn,
  ids: readonly string[],
  signal?: AbortSignal,
): Promise<CredentialRef[]> {
  if (ids.length === 0) return [];
  const has = await namingColumns(db, column);
  const name = has.name ? 't.name::text' : 'NULL::text';
  const providerType = has.providerType ? 't.provider_type::text' : 'NULL::text';
  const found = new Map<string, CredentialRef>();
  for (let start = 0; start < ids.length; start += NAME_LOOKUP_CHUNK) {
    signal?.throwIfAborted();
    const chunk = ids.slice(start, start + NAME_LOOKUP_CHUNK);
    const { rows } = await db.query<{ id: string; name: string | null; provider_type: string | null }>(
      `SELECT t.${column.quotedId}::text AS id, ${name} AS name, ${providerType} AS provider_type
         FROM ${column.qualifiedTable} AS t
        WHERE t.${column.quotedId} = ANY($1::text[]::${column.idType}[])`,
      [chunk],
    );
    for (const row of rows)
      found.set(row.id, {
        table: column.label,
        id: row.id,
        name: row.name ?? '',
        providerType: row.provider_type ?? '',
      });
  }
  return ids.map((id) => found.get(id) ?? { table: column.label, id, name: '(row deleted)', providerType: '' });
}

/**
 * Every row of every column whose value is on `keyId`, in id order, with the provider's name and
 * type (names unfiltered: escape before display). `scan.onProgress` hears rows read of the total,
 * the rate and the ETA of each column.
 */
export async function listCredentialsOnKey(
  db: Db,
  columns: readonly ResolvedColumn[],
  keyId: string,
  signal?: AbortSignal,
  scan: Omit<ScanOptions, 'signal'> = {},
): Promise<CredentialRef[]> {
  const out: CredentialRef[] = [];
  for (const column of columns) {
    const has = await namingColumns(db, column);
    const carried = [
      { expression: has.name ? 't.name::text' : 'NULL::text', name: 'name' },
      { expression: has.providerType ? 't.provider_type::text' : 'NULL::text', name: 'provider_type' },
    ];
    await scanIdRanges(db, column, { ...scan, signal }, async (range) => {
      const q = rowsOnKeyInRangeSql(column, keyId, range, carried);
      const { rows } = await db.query<{ id: string; name: string | null; provider_type: string | null }>(
        q.text,
        q.params,
      );
      for (const row of rows)
        out.push({ table: column.label, id: row.id, name: row.name ?? '', providerType: row.provider_type ?? '' });
      return undefined;
    });
  }
  return out;
}
