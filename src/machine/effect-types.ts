// What the machine asks of the outside world: the named effects and the shapes they return.
// Production and sandbox implement them (src/effects/); tests pass fakes.
import type { RotationMode } from '../crypto/envelope.js';
import type { VerifyReport } from '../verify/verify-report.js';
import type { KeyProof } from '../engine/prove-keys.js';
import type { EngineEvent, RunKind, RunSummary } from '../engine/events.js';
import type { CredentialRef, JournalEntryInput } from '../journal/entry.js';
import type { SecretKey } from '../crypto/secret-key.js';
import type { ReadProgressFeed } from '../db/read-progress.js';

/** A key configuration by ids: what SECRETS_ENCRYPTION_KEY / _PREVIOUS hold. */
export interface KeyConfigIds {
  readonly primaryKeyId: string;
  readonly previousKeyId?: string | undefined;
}

export interface ColumnInventory {
  readonly label: string; // table.column
  total: number;
  nulls: number;
  byKeyId: Record<string, number>;
  invalid: number;
}

export interface Inventory {
  /** What the tool is configured with right now (environment, .env, --env-file). */
  readonly configured: KeyConfigIds;
  readonly columns: ColumnInventory[];
  /** e.g. unregistered *_encrypted columns; one sentence each. */
  readonly warnings: string[];
  /** The configured keys, as SecretKey (for snippets). Stored in context.secretKeys, never journaled. */
  readonly keys: SecretKey[];
  /** Each configured key tried on a sample of the rows that claim its id (ids and counts only). */
  readonly keyProofs: readonly KeyProof[];
}

/** What a journal tells about the last rotation (src/journal/resume.ts works it out). */
export interface ResumePoint {
  readonly rotationId: string;
  readonly path: 'rotate' | 'emergency' | 'rollback';
  /** Last step reached and its outcome. */
  readonly phase: string;
  readonly step: string;
  readonly outcome: string;
  readonly time: string;
  readonly newKeyId?: string | undefined;
  readonly oldKeyId?: string | undefined;
  /** True when the journal's last entry closes the rotation (done): nothing to resume. */
  readonly finished: boolean;
  /** Where the tool wrote the new key (a path, never the key), when it did. */
  readonly keyFile?: string | undefined;
  /** Emergency path: the credentials listed before any row moved (the checklist at the end). */
  readonly credentials?: readonly CredentialRef[] | undefined;
  /** Rows the rotation's live passes moved in earlier sessions (the journal's pass lines). */
  readonly movedEarlier?: number | undefined;
  /** Journal lines skipped because they are not entries kek-rotate wrote (line numbers): nothing above comes from them. */
  readonly skippedLines?: readonly number[] | undefined;
}

/** Where preflight proposes to continue, worked out from the database (and the journal). */
export type ResumeTarget =
  | 'load-key' // the journal's rotation has rows on its new key, and the tool holds only the old one
  | 'deploy' // the journal says a key was generated but it is not deployed yet
  | 'deploy-2b' // staged 2a is deployed (new key is the previous): swap next
  | 'reencrypt' // both keys deployed, rows left on the old key
  | 'verify'; // both keys deployed, no row left on the old key: verify, then remove

export type DeployStage = 'both' | '2a' | '2b' | 'remove' | 'rollback' | 'emergency-both' | 'emergency-remove';

export interface DeployRequest {
  readonly stage: DeployStage;
  readonly config: KeyConfigIds;
  /** The keys the machine holds (configured + generated); an effect may find others itself (e.g. re-read .env). */
  readonly keys: readonly SecretKey[];
}

export interface LoadedKey {
  readonly key: SecretKey;
  /** The tool's configuration from now on (the loaded key primary, the old one previous). */
  readonly toolConfig: KeyConfigIds;
}

export interface DeployResult {
  /**
   * The keys the tool itself will use from now on. Production: after the operator deployed, the
   * effect re-reads the tool's environment; sandbox: the simulated application's config. The
   * machine refuses to go on when this differs from the requested config.
   */
  readonly toolConfig: KeyConfigIds;
}

export interface RunRequest {
  readonly kind: RunKind;
  readonly mode: RotationMode;
  readonly signal: AbortSignal;
  readonly onEvent: (event: EngineEvent) => void;
  /** Emergency: remember the rows this run moves off that key (the leaked one), for the checklist. */
  readonly recordMovedFrom?: string | undefined;
}

export type VerifyCheck = 'sql' | 'deep' | 'only-primary';

/** A credential readable with a compromised key: to rotate at its provider (one type, defined with the journal's schema). */
export type { CredentialRef };

/**
 * Every side effect the machine needs. The machine refers to them by name (actors/actions);
 * `createRunbookMachine(effects)` wires them; tests pass fakes. Keys travel as SecretKey, never as text.
 */
export interface Effects {
  /** Config + database: configured key ids, counts per column, warnings. */
  loadInventory(input: { signal: AbortSignal }): Promise<Inventory>;
  /** The journal's view of the last rotation, or undefined when there is none. */
  readResumePoint(): Promise<ResumePoint | undefined>;
  /** A new random key under the next free id (refusing ids in use). */
  generateKey(input: { currentPrimaryId: string; idsInDatabase: string[]; signal: AbortSignal }): Promise<SecretKey>;
  /** Writes the key to a new file with mode 0600 (refuses to overwrite). */
  writeKeyFile(input: { path: string; key: SecretKey }): Promise<void>;
  /**
   * Reads the key `keyId` from a key file (as `generate-key --out` and the runbook write them), proves
   * it on the rows that claim its id, and makes it the tool's primary with `previousKeyId` as previous.
   */
  loadKeyFile(input: { path: string; keyId: string; previousKeyId: string; signal: AbortSignal }): Promise<LoadedKey>;
  /** Production: no-op after the operator confirmed, then re-read the tool's keys; sandbox: applies to the simulated application. */
  applyDeploy(input: DeployRequest): Promise<DeployResult>;
  /** The built-in engine or the external one; resolves with the summary (cancelled: true when aborted). */
  runReencryption(input: RunRequest): Promise<RunSummary>;
  verify(input: { check: VerifyCheck; signal: AbortSignal }): Promise<VerifyReport>;
  /** Every row on `keyId` with its name and provider type (a whole-table read; progress goes to `readProgress`). */
  listCredentialsProtectedBy(input: { keyId: string; signal: AbortSignal }): Promise<CredentialRef[]>;
  /**
   * The emergency checklist made complete: `listed` plus the rows the live runs of this session moved
   * off `keyId` that it lacks (written under the leaked key after the listing read them).
   */
  completeCredentialList(input: {
    keyId: string;
    listed: readonly CredentialRef[];
    signal: AbortSignal;
  }): Promise<{ credentials: CredentialRef[]; added: CredentialRef[] }>;
  /**
   * Writes the checklist to two new files (mode 0600) next to the journal: Markdown to read and tick,
   * CSV for a spreadsheet or a ticket system. Resolves with their paths.
   */
  writeChecklistFiles(input: {
    rotationId: string;
    keyId: string;
    credentials: readonly CredentialRef[];
  }): Promise<{ markdown: string; csv: string }>;
  /** Rows per key id per column, read now (the keys are not re-read). */
  readCounts(input: { signal: AbortSignal }): Promise<ColumnInventory[]>;
  /** Synchronous and durable (fsync) so a crash right after a step still has its line. Must not throw. */
  appendJournal(entry: JournalEntryInput): void;
  now(): number;
  /** Where the whole-table reads above report rows read, rate and ETA (the screen shows them). */
  readonly readProgress?: ReadProgressFeed | undefined;
}
