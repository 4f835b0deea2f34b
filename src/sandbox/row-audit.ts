// Decrypts every row with every key the session used and compares it with what the simulated
// application last wrote: the facts the debrief judges. Only ids and key ids leave this module.
import { decryptValue } from '../crypto/envelope.js';
import { PayloadError, peekKeyId, type PayloadProblem } from '../crypto/payload.js';
import { ringOf } from './deploy-config.js';
import type { Sandbox } from './sandbox.js';

export interface UnreadableFact {
  readonly id: string;
  readonly keyId: string | undefined;
  readonly problem: PayloadProblem;
}

export interface RowAudit {
  readonly total: number;
  readonly nulls: number;
  readonly byKeyId: Record<string, number>;
  /** The primary of the latest deploy: where every row should end. */
  readonly targetKeyId: string;
  /** Rows whose value is not the one the application last wrote. */
  readonly lostWrites: string[];
  /** Rows that no key of the session decrypts. */
  readonly unreadable: UnreadableFact[];
  /** Rows that decrypt, but not with the deployed keys: the application cannot read them. */
  readonly strandedByDeployedConfig: { id: string; keyId: string | undefined }[];
  /** Rows on another key than the target (readable or not). */
  readonly leftOnOtherKey: { id: string; keyId: string | undefined }[];
  /** Rows the application wrote that are gone, though it never deleted them. */
  readonly missing: string[];
  /** Current stored bytes per row id, for checks such as "left untouched". */
  readonly stored: Map<string, Buffer | null>;
  /** The key id each encrypted row claims (undefined: none readable), to name where a row sits. */
  readonly keyIdOf: Map<string, string | undefined>;
}

interface Row {
  id: string;
  api_key_encrypted: Buffer | null;
}

export async function auditRows(sandbox: Sandbox): Promise<RowAudit> {
  const { rows } = await sandbox.db.query<Row>(
    'SELECT id::text AS id, api_key_encrypted FROM llm_providers ORDER BY id',
  );
  const everyKey = sandbox.keys.ring();
  const deployedRing = ringOf(sandbox.deployed);
  const targetKeyId = sandbox.deployed.primary.id;
  const audit: RowAudit = {
    total: rows.length,
    nulls: 0,
    byKeyId: {},
    targetKeyId,
    lostWrites: [],
    unreadable: [],
    strandedByDeployedConfig: [],
    leftOnOtherKey: [],
    missing: [],
    stored: new Map(),
    keyIdOf: new Map(),
  };
  let nulls = 0;
  const present = new Set<string>();
  for (const row of rows) {
    present.add(row.id);
    audit.stored.set(row.id, row.api_key_encrypted);
    const expected = sandbox.ledger.valueOf(row.id);
    if (row.api_key_encrypted === null) {
      nulls++;
      if (typeof expected === 'string') audit.lostWrites.push(row.id);
      continue;
    }
    const keyId = peekKeyId(row.api_key_encrypted);
    audit.keyIdOf.set(row.id, keyId);
    audit.byKeyId[keyId ?? '(no key id)'] = (audit.byKeyId[keyId ?? '(no key id)'] ?? 0) + 1;
    if (keyId !== targetKeyId) audit.leftOnOtherKey.push({ id: row.id, keyId });
    let plaintext: string;
    try {
      plaintext = decryptValue(everyKey, row.api_key_encrypted).toString('utf8');
    } catch (error) {
      if (!(error instanceof PayloadError)) throw error;
      audit.unreadable.push({ id: row.id, keyId: error.keyId ?? keyId, problem: error.problem });
      continue;
    }
    if (expected !== undefined && expected !== plaintext) audit.lostWrites.push(row.id);
    try {
      decryptValue(deployedRing, row.api_key_encrypted);
    } catch {
      audit.strandedByDeployedConfig.push({ id: row.id, keyId });
    }
  }
  for (const id of sandbox.ledger.ids()) if (!present.has(id)) audit.missing.push(id);
  return { ...audit, nulls };
}
