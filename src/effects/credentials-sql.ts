// The emergency checklist: which credentials were readable with a compromised key. The table is read
// once, in consecutive id ranges (a keyset scan: each range is an index range scan, with progress),
// each range classified with the inventory's bytea-safe SQL (a malformed row cannot break the
// listing) and named from the table's `name` / `provider_type` columns in the same statement.
import type { ResolvedColumn } from '../db/column.js';
import type { Db } from '../db/db.js';
import { scanIdRanges, type ScanOptions } from '../db/inventory-scan.js';
import { rowsOnKeyInRangeSql } from '../db/inventory-sql.js';
import type { CredentialRef } from '../machine/contract.js';

async function namingColumns(db: Db, column: ResolvedColumn): Promise<{ name: boolean; providerType: boolean }> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT a.attname AS name FROM pg_catalog.pg_attribute a
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attname IN ('name', 'provider_type')`,
    [column.qualifiedTable],
  );
  const have = new Set(rows.map((r) => r.name));
  return { name: have.has('name'), providerType: have.has('provider_type') };
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
      const { rows } = await db.query<{ id: string; name: string | null; provider_type: string | null }>(q.text, q.params);
      for (const row of rows) out.push({ table: column.label, id: row.id, name: row.name ?? '', providerType: row.provider_type ?? '' });
      return undefined;
    });
  }
  return out;
}
