// Decrypts every non-NULL value of one column, reading keyset pages in id order (no OFFSET), so
// memory stays bounded and rows deleted meanwhile cannot make it skip others. The decryption is the
// dry run's (rotateBatch in mode 'decrypt'), on the crypto worker threads when the caller opened
// them, so a deep verify reads as fast as a dry run. Plaintexts are wiped as soon as they have been
// produced; only ids, key ids and reasons are kept.
import { decryptValue } from '../crypto/envelope.js';
import type { KeyRing } from '../crypto/key-ring.js';
import { PayloadError, peekKeyId } from '../crypto/payload.js';
import { CancelledError } from '../errors.js';
import type { ResolvedColumn } from '../db/column.js';
import type { Queryable } from '../db/db.js';
import { inThreadCrypto, type BatchCrypto } from '../engine/crypto-pool.js';
import { MAX_LISTED_FAILURES, type DeepResult } from './verify-report.js';

export interface DeepCheckOptions {
  db: Queryable;
  column: ResolvedColumn;
  /** Every configured key (what the application can read today). */
  ring: KeyRing;
  /** The ring that must decrypt: `ring` itself, or one holding only its primary. */
  decryptWith: KeyRing;
  primaryOnly: boolean;
  /** Only the rows labelled with the primary id are decrypted (and counted in `checked`). */
  primaryRowsOnly?: boolean | undefined;
  batchSize?: number;
  signal?: AbortSignal | undefined;
  onBatch?: (checked: number) => void;
  /** Decrypts the pages, opened with `decryptWith` (worker threads); absent, this thread does. */
  crypto?: BatchCrypto | undefined;
}

function pageSql(column: ResolvedColumn, after: boolean): string {
  // jsonb comes back as text so the parser sees it as the application would (JSON text).
  const value = column.valueType === 'jsonb' ? `${column.quotedColumn}::text` : column.quotedColumn;
  // ORDER BY names the table's column explicitly: a bare `id` would sort by the text output alias
  // ('10' < '9'), and the keyset cursor would then skip rows.
  return `SELECT t.${column.quotedId}::text AS id, t.${value} AS v
  FROM ${column.qualifiedTable} AS t
 WHERE t.${column.quotedColumn} IS NOT NULL${after ? ` AND t.${column.quotedId} > $2` : ''}
 ORDER BY t.${column.quotedId}
 LIMIT $1`;
}

/** Undefined when `value` decrypts with `ring` (the plaintext is wiped at once), else why it does not. */
function readsWith(ring: KeyRing, value: Buffer | string): PayloadError | undefined {
  try {
    decryptValue(ring, value).fill(0);
    return undefined;
  } catch (error) {
    if (error instanceof PayloadError) return error;
    throw error;
  }
}

export async function deepCheckColumn(opts: DeepCheckOptions): Promise<DeepResult> {
  const { db, column, ring, decryptWith, primaryOnly } = opts;
  // Pages as large as the dry run at its fastest: fewer round trips to the server and the workers.
  const batchSize = opts.batchSize ?? 2000;
  const ringKind: DeepResult['ring'] = primaryOnly
    ? 'primary-only'
    : opts.primaryRowsOnly
      ? 'primary-rows'
      : 'all-keys';
  const result: DeepResult = {
    checked: 0,
    ok: 0,
    failed: 0,
    failures: [],
    ring: ringKind,
    ...(primaryOnly ? { unreadableNow: 0 } : {}),
  };
  const crypto = opts.crypto ?? inThreadCrypto(decryptWith);
  let afterId: string | undefined;
  for (;;) {
    if (opts.signal?.aborted) throw new CancelledError('Verification stopped by the operator');
    const params: unknown[] = afterId === undefined ? [batchSize] : [batchSize, afterId];
    const { rows } = await db.query<{ id: string; v: Buffer | string }>(pageSql(column, afterId !== undefined), params);
    const checked = opts.primaryRowsOnly ? rows.filter((row) => peekKeyId(row.v) === ring.primary.id) : rows;
    const batch = await crypto.rotate(
      checked.map((row) => ({ id: row.id, value: row.v })),
      'decrypt',
    );
    result.checked += checked.length;
    result.ok += batch.alreadyPrimary.length + batch.rotated.length;
    const valueOf = batch.unreadable.length > 0 ? new Map(checked.map((row) => [row.id, row.v])) : undefined;
    for (const failure of batch.unreadable) {
      result.failed++;
      const value = valueOf!.get(failure.id)!;
      const keyId = failure.keyId ?? peekKeyId(value);
      // --only-primary: a row on another configured key is readable now (rotate it first) or
      // damaged; decrypting it with the whole ring tells which (a second decryption, only for
      // rows that failed). A row that does not decrypt is never called readable.
      const onOtherKey =
        primaryOnly && failure.problem === 'unknown-key-id' && keyId !== undefined && ring.get(keyId) !== undefined;
      const now = onOtherKey ? readsWith(ring, value) : failure;
      if (primaryOnly && now !== undefined) result.unreadableNow = (result.unreadableNow ?? 0) + 1;
      if (result.failures.length >= MAX_LISTED_FAILURES) continue;
      let problem = failure.problem;
      let reason = failure.reason;
      if (onOtherKey && now === undefined) {
        reason = `on ${keyId}, not the primary ${ring.primary.id}: readable now, unreadable once ${keyId} is removed (rotate it first)`;
      } else if (onOtherKey && now instanceof PayloadError) {
        problem = now.problem;
        reason = `on ${keyId}, not the primary ${ring.primary.id}, and does not decrypt with ${keyId} either (${now.message}): no configured key can read it`;
      }
      result.failures.push({ id: failure.id, keyId, problem, reason });
    }
    opts.onBatch?.(result.checked);
    if (rows.length < batchSize) return result;
    afterId = rows[rows.length - 1]!.id;
  }
}
