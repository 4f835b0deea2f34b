// The machine's context: everything the UI reads about where the rotation stands. Plain data
// except `secretKeys`, whose SecretKey values hide their material from every serialised form.
import type { RotationMode } from '../crypto/envelope.js';
import type { VerifyReport } from '../verify/verify-report.js';
import type { KeyProof } from '../engine/prove-keys.js';
import type { RowFailure, RunKind, RunSummary, TableCounts } from '../engine/events.js';
import type { CredentialRef } from '../journal/entry.js';
import type { SecretKey } from '../crypto/secret-key.js';
import type { PhaseId, StepId } from './steps.js';
import type { ColumnInventory, DeployStage, KeyConfigIds, ResumePoint, ResumeTarget } from './effect-types.js';

export type RunbookPath = 'rotate' | 'emergency' | 'rollback';
export type DeployPlan = 'runbook' | 'staged';

export interface MachineError {
  readonly message: string;
  readonly hint?: string | undefined;
  /** What kind of failure it was, for the exit code once the session ends (absent: a bug). */
  readonly cause?: 'user' | 'database' | 'external' | undefined;
}

export interface EngineProgress {
  kind: RunKind | undefined;
  /** Latest counts per table label, in the order the run announced them. */
  tables: TableCounts[];
  rowsPerSecond: number;
  etaSeconds: number | undefined;
  paused: boolean;
  warnings: string[];
}

/** Rows on a key that is neither primary nor previous: they block a new rotation. */
export interface StrayKey {
  readonly keyId: string;
  readonly rows: number;
  readonly columns: string[];
}

export interface RunbookInput {
  /** `kek-rotate --emergency`: skip the path choice. */
  readonly emergency?: boolean | undefined;
  /** Groups journal lines; the CLI passes a fresh one (a resume reuses the journal's). */
  readonly rotationId: string;
  /** Re-encryption mode of the standard path (default 'reencrypt': fresh DEKs). Emergency is always 'reencrypt'. */
  readonly mode?: RotationMode | undefined;
}

export interface RunbookContext {
  rotationId: string;
  mode: RotationMode;
  path: RunbookPath | undefined;
  emergencyRequested: boolean;
  /** Configured at preflight (updated after each deploy). Ids only. */
  configured: KeyConfigIds | undefined;
  /** The key being introduced and the key being retired (ids only). */
  newKeyId: string | undefined;
  oldKeyId: string | undefined;
  inventory: ColumnInventory[];
  warnings: string[];
  stray: StrayKey[];
  /** From preflight: how each configured key did on a sample of its rows. */
  keyProofs: readonly KeyProof[];
  /** When `inventory` was last read (ms since the epoch): screens after a stop say how fresh it is. */
  countsReadAt: number | undefined;
  /** Rows moved onto the new key by every live pass of this session (a pause and resume is two passes). */
  movedSoFar: number;
  /** Rows earlier sessions of a resumed rotation moved (from the journal): Done gives the rotation's total. */
  movedEarlier: number;
  resumePoint: ResumePoint | undefined;
  resumeTarget: ResumeTarget | undefined;
  /** The new key is on screen now (REVEAL_KEY / HIDE_KEY). */
  keyRevealed: boolean;
  /** It was revealed at least once: the operator could copy it. */
  keyShown: boolean;
  /** Where it was written (mode 0600), if the operator chose a file. */
  keyFile: string | undefined;
  deployPlan: DeployPlan | undefined;
  /** Stages deployed so far in this session, in order. */
  deployed: DeployStage[];
  engine: EngineProgress;
  dryRun: RunSummary | undefined;
  live: RunSummary | undefined;
  secondDryRun: RunSummary | undefined;
  /** Failures of the latest run. */
  failures: RowFailure[];
  verifySql: VerifyReport | undefined;
  verifyDeep: VerifyReport | undefined;
  /** Why removal is refused (one sentence each); empty when allowed. */
  refusals: string[];
  /** Emergency: the credentials the leaked key protected (the listing, then the rows moved off it). */
  credentials: CredentialRef[];
  /**
   * The emergency listing runs in the background from the path's first step, so the new key is not
   * held up by a whole-table read: 'running' until it settles. 'done' when resumed from a journal
   * that has it (the rows have moved since: listing again would find fewer).
   */
  credentialListing: 'idle' | 'running' | 'done' | 'failed';
  /** Why the background listing failed (the checklist then rests on the rows the engine moved). */
  credentialListingError: string | undefined;
  /** Credentials the listing missed and the engine moved off the leaked key (written under it later). */
  credentialsAdded: number;
  /** Credentials ticked as rotated at their provider (by credentialKey). */
  ticked: string[];
  /** The checklist written to files (0600), or why it could not be. */
  checklistFiles: { markdown: string; csv: string } | undefined;
  checklistFilesError: string | undefined;
  error: MachineError | undefined;
  /** The step a failed state's RETRY goes back to. */
  failedStep: StepId | undefined;
  /** Epoch ms when each phase was first entered (debrief: time per phase). */
  phaseStartedAt: Partial<Record<PhaseId, number>>;
  /**
   * NEVER journaled or logged. Key material by key id, each hidden inside a SecretKey (private
   * field, toJSON/inspect show the id only), so a persisted snapshot or JSON dump holds no key.
   */
  secretKeys: Record<string, SecretKey>;
}
