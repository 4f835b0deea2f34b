// Preflight's view of the database for any Effects implementation: rows per key id, NULLs and
// invalid values of every registered column (the bytea-safe inventory, read in id ranges with
// progress), plus the warning about *_encrypted columns the registry misses.
import type { EncryptedColumn, ResolvedColumn } from '../db/column.js';
import type { Db } from '../db/db.js';
import { scanInventory, type ScanOptions } from '../db/inventory-scan.js';
import { describeUnregistered, findUnregisteredColumns } from '../db/unregistered-columns.js';
import { CancelledError } from '../errors.js';
import type { ColumnInventory } from '../machine/contract.js';

/** Counts every column; `scan.onProgress` hears rows read of the total, the rate and the ETA of each. */
export async function readColumnInventory(
  db: Db,
  columns: readonly ResolvedColumn[],
  signal?: AbortSignal,
  scan: Omit<ScanOptions, 'signal'> = {},
): Promise<ColumnInventory[]> {
  const out: ColumnInventory[] = [];
  for (const column of columns) {
    if (signal?.aborted) throw new CancelledError('stopped while counting rows');
    const summary = await scanInventory(db, column, { ...scan, signal });
    out.push({
      label: column.label,
      total: summary.total,
      nulls: summary.nulls,
      byKeyId: summary.byKeyId,
      invalid: summary.invalid,
    });
  }
  return out;
}

/** One sentence per problem with the registry, for preflight's warnings. */
export async function registryWarnings(db: Db, entries: readonly EncryptedColumn[]): Promise<string[]> {
  const warning = describeUnregistered(await findUnregisteredColumns(db, entries));
  return warning ? [`Columns named *_encrypted ${warning}`] : [];
}
