// The crypto half of a batch, pure and synchronous: sorts rows into NULL / already on the
// primary / cannot be rotated / rotated (with the new value, already decrypted back). It takes
// and returns plain data so it can move to a worker thread without changing its callers.
import { decryptValue, rotateValue, type RotationMode } from '../crypto/envelope.js';
import type { KeyRing } from '../crypto/key-ring.js';
import { PayloadError, peekKeyId, type PayloadProblem } from '../crypto/payload.js';
import type { SourceRow, StoredValue } from './source-row.js';

export interface RotatedRow {
  readonly id: string;
  readonly fromKeyId: string;
  /** The value as read: the compare-and-swap's expected value. */
  readonly old: StoredValue;
  /** The new value, in the same representation as `old` (Buffer for bytea, text otherwise). */
  readonly next: StoredValue;
}

export interface UnreadableRow {
  readonly id: string;
  readonly keyId: string | undefined;
  readonly problem: PayloadProblem;
  /** Why, from the payload checks; never contains the value or key material. */
  readonly reason: string;
}

export interface RotatedBatch {
  readonly nulls: string[];
  readonly alreadyPrimary: string[];
  readonly unreadable: UnreadableRow[];
  readonly rotated: RotatedRow[];
  /**
   * Position in the input rows of each `rotated` row. The hand-off between threads pairs values by
   * position, never by id: an id column with repeats would otherwise pair one row's old value with
   * another row's new ciphertext (the registry refuses such columns, this keeps the engine exact).
   */
  readonly rotatedAt: number[];
  /** Key id of every non-NULL row as found (undefined when the value has none). */
  readonly keyIds: (string | undefined)[];
}

/** What to do with each row not yet on the primary: rotate it, or (a dry run) only prove it decrypts. */
export type BatchWork = RotationMode | 'decrypt';

export function rotateBatch(ring: KeyRing, rows: readonly SourceRow[], mode: BatchWork): RotatedBatch {
  const out: RotatedBatch = { nulls: [], alreadyPrimary: [], unreadable: [], rotated: [], rotatedAt: [], keyIds: [] };
  const target = ring.primary;
  for (let at = 0; at < rows.length; at++) {
    const row = rows[at]!;
    if (row.value === null) {
      out.nulls.push(row.id);
      continue;
    }
    const keyId = peekKeyId(row.value);
    out.keyIds.push(keyId);
    try {
      if (keyId === target.id) {
        // Already where it must end up: never rewritten, so a rerun is idempotent. Still decrypted:
        // a row labelled with the primary id but written under other bytes (a forged or mistaken
        // key of the same name) is a failure with its reason, not "already done".
        decryptValue(ring, row.value).fill(0); // only whether it opens matters: the plaintext goes at once
        out.alreadyPrimary.push(row.id);
        continue;
      }
      if (mode === 'decrypt') {
        // A dry run writes nothing: decrypting is what tells whether the row can move (the same
        // parse and checks, the same reasons), and it is a third of the work of rotating.
        decryptValue(ring, row.value).fill(0);
        out.rotated.push({ id: row.id, fromKeyId: keyId!, old: row.value, next: row.value });
        out.rotatedAt.push(at);
        continue;
      }
      const rotated = rotateValue(ring, row.value, target, mode);
      const next = typeof row.value === 'string' ? rotated.payload.toString('utf8') : rotated.payload;
      out.rotated.push({ id: row.id, fromKeyId: rotated.fromKeyId, old: row.value, next });
      out.rotatedAt.push(at);
    } catch (error) {
      if (!(error instanceof PayloadError)) throw error;
      out.unreadable.push({ id: row.id, keyId: error.keyId ?? keyId, problem: error.problem, reason: error.message });
    }
  }
  return out;
}
