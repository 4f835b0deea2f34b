// Before a headless command reads values with the keys or writes anything: each configured key
// must open a sample of the rows that claim its id (exit 2 when one opens none).
import type { KeyRing } from '../crypto/key-ring.js';
import type { ResolvedColumn } from '../db/column.js';
import type { Db } from '../db/db.js';
import { assertKeysProven, proveKeys } from '../engine/prove-keys.js';
import { asDatabaseError } from './database-errors.js';
import type { Output } from './output.js';

export async function proveConfiguredKeys(
  db: Db,
  columns: readonly ResolvedColumn[],
  ring: KeyRing,
  out: Output,
): Promise<void> {
  const proofs = await proveKeys(db, columns, ring).catch((error: unknown) => {
    throw asDatabaseError(error, 'decrypting a sample of rows with each configured key');
  });
  for (const warning of assertKeysProven(proofs)) out.warn(warning);
}
