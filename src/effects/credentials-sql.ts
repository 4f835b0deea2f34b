// The emergency checklist: which credentials were readable with a compromised key. Rows are found
// with the inventory's bytea-safe classification (a malformed row cannot break the listing), then
// named from the table's `name` / `provider_type` columns when it has them.
import type { ResolvedColumn } from '../db/column.js';
import type { Db } from '../db/db.js';
import { listRowsSql } from '../db/inventory-sql.js';
import { CancelledError } from '../errors.js';
import type { CredentialRef } from '../machine/contract.js';

const PAGE = 1000;

async function namingColumns(db: Db, column: ResolvedColumn): Promise<{ name: boolean; providerType: boolean }> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT a.attname AS name FROM pg_catalog.pg_attribute a
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attname IN ('name', 'provider_type')`,
    [column.qualifiedTable],
  );
  const have = new Set(rows.map((r) => r.name));
  return { name: have.has('name'), providerType: have.has('provider_type') };
}

async function idsOnKey(db: Db, column: ResolvedColumn, keyId: string, signal?: AbortSignal): Promise<string[]> {
  const ids: string[] = [];
  let afterId: string | undefined;
  for (;;) {
    if (signal?.aborted) throw new CancelledError('stopped while listing credentials');
    const query = listRowsSql(column, { keyId }, { afterId, limit: PAGE });
    const { rows } = await db.query<{ id: string }>(query.text, query.params);
    ids.push(...rows.map((r) => r.id));
    if (rows.length < PAGE) return ids;
    afterId = rows.at(-1)!.id;
  }
}

/** Every row of every column whose value is on `keyId`, with the provider's name and type (names unfiltered: escape before display). */
export async function listCredentialsOnKey(db: Db, columns: readonly ResolvedColumn[], keyId: string, signal?: AbortSignal): Promise<CredentialRef[]> {
  const out: CredentialRef[] = [];
  for (const column of columns) {
    const ids = await idsOnKey(db, column, keyId, signal);
    if (ids.length === 0) continue;
    const has = await namingColumns(db, column);
    const select = [
      `${column.quotedId}::text AS id`,
      has.name ? 'name::text AS name' : `NULL::text AS name`,
      has.providerType ? 'provider_type::text AS provider_type' : `NULL::text AS provider_type`,
    ].join(', ');
    const byId = new Map<string, { name: string | null; provider_type: string | null }>();
    for (let i = 0; i < ids.length; i += PAGE) {
      const { rows } = await db.query<{ id: string; name: string | null; provider_type: string | null }>(
        `SELECT ${select} FROM ${column.qualifiedTable} WHERE ${column.quotedId}::text = ANY($1::text[])`,
        [ids.slice(i, i + PAGE)],
      );
      for (const row of rows) byId.set(row.id, row);
    }
    for (const id of ids) {
      const row = byId.get(id);
      // A row deleted since it was listed no longer holds a credential: nothing to rotate.
      if (!row) continue;
      out.push({ table: column.label, id, name: row.name ?? '', providerType: row.provider_type ?? '' });
    }
  }
  return out;
}
