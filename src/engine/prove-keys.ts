// Proves each configured key against the rows that claim it, before anything depends on the key:
// a bounded random sample of the rows labelled with its id is decrypted. A key that opens none of
// them is not the key those rows were written with (a wrong key under the right id), whatever its
// id says; finding that out after the deploy or mid-run is too late.
import { decryptValue } from '../crypto/envelope.js';
import { PREVIOUS_VAR, PRIMARY_VAR, type KeyRing } from '../crypto/key-ring.js';
import { PayloadError } from '../crypto/payload.js';
import type { Queryable } from '../db/db.js';
import type { ResolvedColumn } from '../db/column.js';
import { UserError } from '../errors.js';

/** Rows tried per key id and column: all of them when fewer. */
export const KEY_PROOF_SAMPLE = 64;

export interface KeyProof {
  readonly keyId: string;
  /** Where the key came from: the variable, or "an archived key". */
  readonly source: string;
  /** Rows labelled with this id that were tried (0: no row claims it, nothing to prove). */
  readonly tried: number;
  readonly decrypted: number;
  /** Rows whose data key this key unwrapped but whose value then failed (damaged values, right key). */
  readonly unwrappedOnly: number;
  /** Rows whose data key this key could not unwrap: what a wrong key does to every row. */
  readonly keyRejected: number;
  /** The rows that did not decrypt (id and reason; never a value). */
  readonly failures: { readonly table: string; readonly id: string; readonly reason: string }[];
}

export type KeyVerdict = 'proven' | 'unused' | 'wrong-key' | 'partly';

/**
 * A key is wrong when it unwrapped no data key at all and refused at least one: a value damaged
 * after its data key was unwrapped still proves the key (GCM told the two apart), and a row too
 * malformed to try proves nothing either way.
 */
export function verdictOf(proof: KeyProof): KeyVerdict {
  if (proof.tried === 0) return 'unused';
  if (proof.decrypted + proof.unwrappedOnly === 0 && proof.keyRejected > 0) return 'wrong-key';
  return proof.decrypted < proof.tried ? 'partly' : 'proven';
}

/** Rows of `column` labelled `keyId` in the canonical form the application writes, at random. */
function sampleSql(column: ResolvedColumn): { text: string; param: (keyId: string) => unknown } {
  const t = column.qualifiedTable;
  const col = `t.${column.quotedColumn}`;
  const select = (value: string, where: string) =>
    `SELECT t.${column.quotedId}::text AS id, ${value} AS value FROM ${t} AS t WHERE ${col} IS NOT NULL AND ${where} ORDER BY random() LIMIT ${KEY_PROOF_SAMPLE}`;
  const prefix = (keyId: string) => `{"version":1,"alg":"AES-256-GCM","key_id":"${keyId}",`;
  switch (column.valueType) {
    case 'bytea':
      return {
        text: select(col, `substring(${col} FROM 1 FOR length($1::bytea)) = $1::bytea`),
        param: (keyId) => Buffer.from(prefix(keyId), 'utf8'),
      };
    case 'text':
      return { text: select(col, `left(${col}, length($1::text)) = $1::text`), param: prefix };
    case 'jsonb':
      return { text: select(`${col}::text`, `${col} ->> 'key_id' = $1::text`), param: (keyId) => keyId };
    default: {
      const never: never = column.valueType;
      throw new Error(`unknown value type ${String(never)}`);
    }
  }
}

function sourceOf(ring: KeyRing, keyId: string): string {
  if (ring.primary.id === keyId) return PRIMARY_VAR;
  if (ring.previous?.id === keyId) return PREVIOUS_VAR;
  return 'an archived key (--keys-file)';
}

/** Decrypts a sample of each configured key's rows in every column. Reads only. */
export async function proveKeys(db: Queryable, columns: readonly ResolvedColumn[], ring: KeyRing): Promise<KeyProof[]> {
  const proofs: KeyProof[] = [];
  for (const keyId of ring.ids()) {
    let tried = 0;
    let decrypted = 0;
    let unwrappedOnly = 0;
    let keyRejected = 0;
    const failures: KeyProof['failures'][number][] = [];
    for (const column of columns) {
      const { text, param } = sampleSql(column);
      const { rows }: { rows: { id: string; value: Buffer | string }[] } = await db.query(text, [param(keyId)]);
      for (const row of rows) {
        tried++;
        try {
          decryptValue(ring, row.value);
          decrypted++;
        } catch (error) {
          if (!(error instanceof PayloadError)) throw error;
          if (error.problem === 'auth-failed') unwrappedOnly++;
          if (error.problem === 'dek-auth-failed') keyRejected++;
          failures.push({ table: column.label, id: row.id, reason: error.message });
        }
      }
    }
    proofs.push({ keyId, source: sourceOf(ring, keyId), tried, decrypted, unwrappedOnly, keyRejected, failures });
  }
  return proofs;
}

/** The sentence for a key that opened none of its rows. */
export function describeWrongKey(proof: KeyProof): string {
  return (
    `${proof.source} (${proof.keyId}) decrypts none of the ${proof.tried} rows labelled ${proof.keyId} that were tried: ` +
    `this is not the key these rows were written with` +
    (proof.tried < 3 ? ` (or, with so few rows, ${proof.tried === 1 ? 'that row is' : 'those rows are'} damaged)` : '')
  );
}

/** The sentence for a key that opened some of its rows but not all. */
export function describePartlyProven(proof: KeyProof): string {
  const ids = proof.failures
    .slice(0, 5)
    .map((f) => `${f.table} id=${f.id}`)
    .join(', ');
  return `${proof.source} (${proof.keyId}) decrypts ${proof.decrypted} of ${proof.tried} rows labelled ${proof.keyId} that were tried; these do not: ${ids}${proof.failures.length > 5 ? ', …' : ''}`;
}

/**
 * For headless commands: throws (exit 2, before anything is written) when a configured key opens
 * none of the rows that claim it; returns the warnings for keys that open only some.
 */
export function assertKeysProven(proofs: readonly KeyProof[]): string[] {
  const wrong = proofs.filter((p) => verdictOf(p) === 'wrong-key');
  if (wrong.length > 0) {
    throw new UserError(
      `${wrong.map(describeWrongKey).join('; ')}. Nothing was written`,
      `Set ${wrong.map((p) => p.source).join(' and ')} to the key the application uses for ${wrong.map((p) => p.keyId).join(' and ')} ` +
        '(from your secrets manager), then run the same command again.',
    );
  }
  return proofs.filter((p) => verdictOf(p) === 'partly').map(describePartlyProven);
}
