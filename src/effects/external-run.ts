// Phase 3 with the application's own tool: the same RunRequest run by the admin container or a
// local reencrypt-secrets. Its progress needs a total the tool never prints, so the rows are
// counted first; the keys reach it in its environment only.
import { PREVIOUS_VAR, PRIMARY_VAR, type KeyRing } from '../crypto/key-ring.js';
import { formatKey } from '../crypto/key.js';
import type { EncryptedColumn, ResolvedColumn } from '../db/column.js';
import type { Db } from '../db/db.js';
import { countRowsSql } from '../db/inventory-sql.js';
import type { RunSummary } from '../engine/events.js';
import { runExternalReencrypt, type ExternalEngine } from '../engine/external/run-external.js';
import type { RunRequest } from '../machine/contract.js';

export interface ExternalRunOptions {
  db: Db;
  databaseUrl: string;
  engine: ExternalEngine;
  batchSize: number;
  entries: readonly EncryptedColumn[];
  columns: readonly ResolvedColumn[];
}

export async function countRows(db: Db, columns: readonly ResolvedColumn[]): Promise<number> {
  let total = 0;
  for (const column of columns) {
    const { rows } = await db.query<{ total: unknown }>(countRowsSql(column));
    total += Number(rows[0]?.total ?? 0);
  }
  return total;
}

export async function runExternal(
  options: ExternalRunOptions,
  request: RunRequest,
  ring: KeyRing,
): Promise<RunSummary> {
  return runExternalReencrypt({
    kind: request.kind,
    batchSize: options.batchSize,
    engine: options.engine,
    env: {
      DATABASE_URL: options.databaseUrl,
      [PRIMARY_VAR]: formatKey(ring.primary),
      [PREVIOUS_VAR]: ring.previous ? formatKey(ring.previous) : undefined,
    },
    totalRows: await countRows(options.db, options.columns),
    primaryKeyId: ring.primary.id,
    signal: request.signal,
    onEvent: request.onEvent,
    columns: options.entries,
  });
}
