// `kek-rotate verify`: counts every registered column with the inventory SQL, optionally decrypts
// every value, and decides pass or fail with a sentence per problem.
import { makeKeyRing, type KeyRing } from '../crypto/key-ring.js';
import { CancelledError, UserError } from '../errors.js';
import type { ResolvedColumn } from '../db/column.js';
import type { Db } from '../db/db.js';
import { scanInventory, type ScanProgress } from '../db/inventory-scan.js';
import { inventorySql } from '../db/inventory-sql.js';
import { defaultCryptoWorkers, openBatchCrypto, type BatchCrypto } from '../engine/crypto-pool.js';
import { deepCheckColumn } from './deep-check.js';
import type { ColumnReport, VerifyReport } from './verify-report.js';

export interface VerifyOptions {
  db: Db;
  ring?: KeyRing | undefined;
  columns: readonly ResolvedColumn[];
  /** Decrypt every value with the key ring. */
  deep?: boolean | undefined;
  /** Decrypt every value with the primary key alone (what the application sees once the old key is gone). */
  onlyPrimary?: boolean | undefined;
  /** Without deep or onlyPrimary: decrypt the rows labelled with the primary, so a row counted as done
   * that the primary does not open (another key under the same id) is a failure, not a pass. */
  primaryRows?: boolean | undefined;
  batchSize?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Rows decrypted so far in this column (or, without a deep check, the column done). */
  onProgress?: ((done: number, total: number, label: string) => void) | undefined;
  /** Rows counted so far by the inventory of a column (a whole-table read, in id ranges). */
  onInventoryProgress?: ((progress: ScanProgress) => void) | undefined;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The sentences for one column; empty when it is clean. */
function columnProblems(report: ColumnReport, ring: KeyRing | undefined): string[] {
  const out: string[] = [];
  const at = report.label;
  if (report.invalid > 0) {
    out.push(
      `${at}: ${plural(report.invalid, 'row is', 'rows are')} not a valid payload of the application's format; the application cannot read ${report.invalid === 1 ? 'it' : 'them'}.`,
    );
  }
  if (ring) {
    for (const [keyId, count] of Object.entries(report.byKeyId)) {
      if (keyId === ring.primary.id) continue;
      out.push(
        ring.get(keyId)
          ? `${at}: ${plural(count, 'row is', 'rows are')} still on ${keyId}, not on the primary ${ring.primary.id} (not rotated yet).`
          : `${at}: ${plural(count, 'row is', 'rows are')} on ${keyId}, which is not in the key ring: no configured key can decrypt them.`,
      );
    }
  }
  const deep = report.deep;
  if (deep && deep.failed > 0) {
    const first = deep.failures[0];
    const example = first ? ` (first: id ${first.id}: ${first.reason})` : '';
    const head = `${at}: ${deep.failed} of ${plural(deep.checked, 'value', 'values')} ${deep.failed === 1 ? 'does' : 'do'} not decrypt`;
    if (deep.ring === 'primary-only') {
      // Only rows that decrypt with another configured key are readable now; damaged ones are
      // counted apart and never described as readable.
      const now = deep.unreadableNow ?? 0;
      const later = deep.failed - now;
      const parts = [
        ...(later > 0
          ? [
              `removing the other keys now would make ${later === deep.failed ? (later === 1 ? 'it' : 'them') : later} unreadable`,
            ]
          : []),
        ...(now > 0
          ? [
              `${now === deep.failed ? (now === 1 ? 'it does' : 'they do') : `${now} ${now === 1 ? 'does' : 'do'}`} not decrypt with any configured key either`,
            ]
          : []),
      ];
      out.push(`${head} with the primary key ${ring?.primary.id ?? ''} alone; ${parts.join('; ')}${example}.`);
    } else if (deep.ring === 'primary-rows') {
      out.push(
        `${at}: ${deep.failed} of ${plural(deep.checked, 'value', 'values')} labelled with the primary ${ring?.primary.id ?? ''} ${deep.failed === 1 ? 'does' : 'do'} not decrypt with it: written under another key of that id, or damaged${example}.`,
      );
    } else {
      out.push(`${head} with the key ring${example}.`);
    }
  }
  return out;
}

/** Below this many values to decrypt, this thread finishes before worker threads would have started. */
const WORKERS_FROM_ROWS = 5_000;

export async function verifyColumns(opts: VerifyOptions): Promise<VerifyReport> {
  const { db, ring, signal, onProgress } = opts;
  const deepWanted = Boolean(opts.deep || opts.onlyPrimary);
  const primaryRows = !deepWanted && opts.primaryRows === true && ring !== undefined;
  if (deepWanted && !ring) {
    throw new UserError(
      `${opts.onlyPrimary ? '--only-primary' : '--deep'} needs the key ring, but no key is configured`,
      'Set SECRETS_ENCRYPTION_KEY (and SECRETS_ENCRYPTION_KEY_PREVIOUS) as the application has them, or drop the flag for counts only.',
    );
  }
  const decryptWith = ring && opts.onlyPrimary ? makeKeyRing(ring.primary) : ring;
  // The dry run's crypto workers (decrypting on this thread alone ran at about 0.76x its rows/s),
  // opened for the first column big enough to repay starting threads, and kept for the others.
  let workers: BatchCrypto | undefined;
  const report: VerifyReport = { columns: [], primaryKeyId: ring?.primary.id, passed: true, problems: [] };
  try {
    for (const column of opts.columns) {
      if (signal?.aborted) throw new CancelledError('Verification stopped by the operator');
      const sql = inventorySql(column);
      const counts = await scanInventory(db, column, { signal, onProgress: opts.onInventoryProgress });
      const entry: ColumnReport = {
        label: column.label,
        table: column.qualifiedTable,
        valueType: column.valueType,
        sql,
        ...counts,
      };
      if ((deepWanted || primaryRows) && ring && decryptWith) {
        const expected = primaryRows ? (counts.byKeyId[ring.primary.id] ?? 0) : counts.total - counts.nulls;
        if (expected >= WORKERS_FROM_ROWS) workers ??= openBatchCrypto(decryptWith, defaultCryptoWorkers()).crypto;
        onProgress?.(0, expected, column.label);
        entry.deep = await deepCheckColumn({
          db,
          column,
          ring,
          decryptWith,
          primaryOnly: Boolean(opts.onlyPrimary),
          primaryRowsOnly: primaryRows,
          batchSize: opts.batchSize,
          signal,
          crypto: workers,
          // The application keeps writing: never report more done than the total shown.
          onBatch: (checked) => onProgress?.(checked, Math.max(expected, checked), column.label),
        });
      } else {
        onProgress?.(1, 1, column.label);
      }
      report.columns.push(entry);
      report.problems.push(...columnProblems(entry, ring));
    }
  } finally {
    await workers?.close();
  }
  report.passed = report.problems.length === 0;
  return report;
}
