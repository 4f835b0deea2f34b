// The result of `kek-rotate verify`: counts per column, the SQL that produced them, what the
// deep checks found, and whether it passed. Plain data, ready for JSON; never a secret in it.
import type { PayloadProblem } from '../crypto/payload.js';

export interface DeepFailure {
  readonly id: string;
  readonly keyId?: string | undefined;
  readonly problem: PayloadProblem;
  readonly reason: string;
}

export interface DeepResult {
  /** Non-NULL values read and decrypted. */
  checked: number;
  ok: number;
  failed: number;
  /** The first failures (at most MAX_LISTED_FAILURES); `failed` is the full count. */
  failures: DeepFailure[];
  /** Which ring decrypted: all configured keys, the primary alone (--only-primary), or the primary on
   * the rows labelled with it only (plain verify with keys: the rows it calls done must open). */
  ring: 'all-keys' | 'primary-only' | 'primary-rows';
  /** --only-primary: of the `failed`, those that do not decrypt with any configured key either (the
   * rest are readable now and would become unreadable once the other keys are removed). */
  unreadableNow?: number;
}

export interface ColumnReport {
  readonly label: string;
  readonly table: string; // "schema"."table", as in the SQL
  readonly valueType: string;
  /** The statement that produced the counts, exactly as it ran: paste it into psql. */
  readonly sql: string;
  total: number;
  nulls: number;
  byKeyId: Record<string, number>;
  invalid: number;
  deep?: DeepResult;
}

export interface VerifyReport {
  columns: ColumnReport[];
  /** The key ring's primary, when a ring was given. */
  primaryKeyId?: string | undefined;
  passed: boolean;
  /** Why it did not pass, one sentence each. */
  problems: string[];
}

export const MAX_LISTED_FAILURES = 1000;
