// The public contract of the runbook machine: its steps, the context the UI reads, the events the
// UI sends, and the effects it needs. Types plus a few pure helpers; no XState, no React.
import { inspect } from 'node:util';
import { DatabaseError, ExternalProcessError, KekRotateError, UserError } from '../errors.js';
import type { Kek } from '../crypto/key.js';
import type { RotationMode } from '../crypto/envelope.js';
import type { EngineEvent, RowFailure, RunKind, RunSummary, TableCounts } from '../engine/events.js';
import type { VerifyReport } from '../verify/verify-report.js';
import type { CredentialRef, JournalEntryInput } from '../journal/entry.js';
import type { KeyProof } from '../engine/prove-keys.js';

// ---------------------------------------------------------------------------------------------
// Phases and steps
// ---------------------------------------------------------------------------------------------

/** The numbered phases of the standard rotation, in order (PhaseBar shows these). */
export const ROTATION_PHASES = ['preflight', 'generate', 'deploy', 'reencrypt', 'verify', 'remove'] as const;
/** Every phase id: the numbered ones, plus the side paths and the end. */
export type PhaseId = (typeof ROTATION_PHASES)[number] | 'stopped' | 'rollback' | 'emergency' | 'done';

/**
 * Every step the machine can be in, named `<phase>.<step>`: exactly the machine's state path joined
 * with '.'. The UI picks its screen by step id; runbook/ holds the text for each one.
 */
export const STEP_IDS = [
  // Phase 0: read the configuration and the database, work out where a rotation stands.
  'preflight.loading', // invoke loadInventory
  'preflight.readingJournal', // invoke readResumePoint
  'preflight.failed', // error: RETRY | QUIT
  'preflight.blocked', // rows on a key neither primary nor previous: repair text; RETRY | START_ROLLBACK (one stray key) | QUIT
  'preflight.wrongKey', // a configured key opens none of the rows that claim its id: RETRY | QUIT
  'preflight.needKey', // the journal's rotation is under way but the tool lacks its new key: LOAD_KEY_FILE {path} | QUIT
  'preflight.loadingKey', // invoke loadKeyFile
  'preflight.resumeOffer', // a rotation is under way: RESUME_FROM_JOURNAL | START_FRESH (guarded) | QUIT
  'preflight.ready', // inventory shown: CHOOSE_PATH {path} | QUIT
  // Phase 1: a new key.
  'generate.creating', // invoke generateKey
  'generate.show', // masked until REVEAL_KEY; WRITE_KEY_FILE {path}; CONFIRM (stored in the secrets manager; needs reveal or file)
  'generate.writingFile', // invoke writeKeyFile
  'generate.failed', // RETRY | QUIT
  // Phase 2: deploy with both keys.
  'deploy.choose', // CHOOSE_DEPLOY {plan}
  'deploy.both', // runbook order: new primary + old previous. CONFIRM | CANCEL (back to choose) | ABORT
  'deploy.applyingBoth', // invoke applyDeploy
  'deploy.stageA', // staged 2a: old primary + new as decrypt-only previous. CONFIRM | CANCEL | ABORT
  'deploy.applyingA',
  'deploy.stageB', // staged 2b: swap: new primary + old previous. CONFIRM | ABORT
  'deploy.applyingB',
  'deploy.failed', // RETRY | ABORT
  // Phase 3: re-encrypt.
  'reencrypt.dryRun', // invoke runReencryption (dry-run). ABORT
  'reencrypt.dryRunReview', // counts per key id, undecryptable rows listed. CONFIRM (go live) | ABORT
  'reencrypt.live', // invoke runReencryption (live). PAUSE | ABORT
  'reencrypt.paused', // leaving `live` aborted the run (batch in flight finished). RESUME | ABORT
  'reencrypt.liveReview', // summary + failures. CONFIRM (verify) | RETRY (run live again) | ABORT
  'reencrypt.failed', // the engine threw. RETRY | ABORT
  // Phase 4: verify.
  'verify.secondDryRun', // invoke runReencryption (dry-run): must find nothing to rotate
  'verify.counting', // invoke verify {check: 'sql'}
  'verify.deepCheck', // invoke verify {check: 'only-primary'}
  'verify.passed', // CONFIRM -> remove
  'verify.refused', // removal refused, reasons listed. RETRY (re-encrypt again) | ABORT
  'verify.failed', // an effect threw. RETRY | ABORT
  // Phase 5: remove the old key.
  'remove.confirmDeploy', // final config without previous key + archive reminder. CONFIRM
  'remove.applying', // invoke applyDeploy
  'remove.checking', // invoke verify {check: 'sql'} after removal
  'remove.notMigrated', // rows left on a removed key: START_ROLLBACK | QUIT
  'remove.failed', // RETRY | QUIT
  // Stop during phases 2-3: both keys work, nothing to roll back.
  'stopped.safe', // RESUME (back to the re-encryption) | QUIT
  // Rollback after removal: re-add the old key as previous, deploy, re-encrypt, verify, remove again.
  'rollback.readdOld', // snippets with the old key as previous. CONFIRM | QUIT
  'rollback.applying', // invoke applyDeploy, then -> reencrypt.dryRun (path 'rollback')
  'rollback.failed', // RETRY | QUIT
  // Emergency: the key leaked.
  'emergency.listingCredentials', // invoke listCredentialsProtectedBy(compromised) BEFORE rows move off it
  'emergency.generating', // invoke generateKey
  'emergency.show', // as generate.show
  'emergency.writingFile',
  'emergency.deployBoth', // new primary + compromised as previous, at once. CONFIRM
  'emergency.applying',
  'emergency.reencrypting', // live, mode 'reencrypt' (fresh DEKs), no dry-run stop. ABORT
  'emergency.counting', // verify sql
  'emergency.deepCheck', // verify only-primary
  'emergency.refused', // RETRY (re-encrypt again) | QUIT
  'emergency.removeDeploy', // config without the compromised key. CONFIRM
  'emergency.applyingRemoval',
  'emergency.checklist', // credentials to rotate at their providers. CONFIRM -> done
  'emergency.failed', // RETRY | QUIT
  // The end.
  'done.summary', // START_ROLLBACK ("some data was not migrated") | QUIT
  'quit', // final
] as const;
export type StepId = (typeof STEP_IDS)[number];

/** The phase a step belongs to. */
export function phaseOf(step: StepId): PhaseId {
  return (step === 'quit' ? 'done' : step.slice(0, step.indexOf('.'))) as PhaseId;
}

/** The step id of an XState state value (`{ deploy: 'stageA' }` -> 'deploy.stageA'). */
export function stepIdOf(value: string | Record<string, unknown>): StepId {
  const parts: string[] = [];
  let node: unknown = value;
  while (node !== undefined) {
    if (typeof node === 'string') {
      parts.push(node);
      break;
    }
    const [key] = Object.keys(node as Record<string, unknown>);
    if (key === undefined) break;
    parts.push(key);
    node = (node as Record<string, unknown>)[key];
  }
  const id = parts.join('.');
  if (!(STEP_IDS as readonly string[]).includes(id)) throw new Error(`not a runbook step: ${id}`);
  return id as StepId;
}

// ---------------------------------------------------------------------------------------------
// Key material: kept out of every serialised form
// ---------------------------------------------------------------------------------------------

/**
 * A key whose material must never be journaled, logged or serialised. The material sits in a
 * private class field (#kek): JSON.stringify, structuredClone-free snapshots, Object.keys and
 * console.log / util.inspect see only the id. `reveal()` is the one way to the bytes: the UI calls
 * it to show the key after REVEAL_KEY and to render env snippets; effects call it to use the key.
 */
export class SecretKey {
  readonly id: string;
  readonly #kek: Kek;

  constructor(kek: Kek) {
    this.id = kek.id;
    this.#kek = kek;
  }

  reveal(): Kek {
    return this.#kek;
  }

  toJSON(): { id: string; material: '[hidden]' } {
    return { id: this.id, material: '[hidden]' };
  }

  toString(): string {
    return `SecretKey(${this.id})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

// ---------------------------------------------------------------------------------------------
// What the effects return
// ---------------------------------------------------------------------------------------------

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
  listCredentialsProtectedBy(input: { keyId: string; signal: AbortSignal }): Promise<CredentialRef[]>;
  /** Rows per key id per column, read now (the keys are not re-read). */
  readCounts(input: { signal: AbortSignal }): Promise<ColumnInventory[]>;
  /** Synchronous and durable (fsync) so a crash right after a step still has its line. Must not throw. */
  appendJournal(entry: JournalEntryInput): void;
  now(): number;
}

// ---------------------------------------------------------------------------------------------
// The context the UI reads
// ---------------------------------------------------------------------------------------------

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
  credentials: CredentialRef[];
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

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

/** What the UI (or a test) sends. */
export type UiEvent =
  | { type: 'CONFIRM' }
  | { type: 'CANCEL' }
  | { type: 'REVEAL_KEY' }
  | { type: 'HIDE_KEY' }
  | { type: 'WRITE_KEY_FILE'; path: string }
  | { type: 'LOAD_KEY_FILE'; path: string }
  | { type: 'CHOOSE_PATH'; path: 'rotate' | 'emergency' }
  | { type: 'CHOOSE_DEPLOY'; plan: DeployPlan }
  | { type: 'PAUSE' }
  | { type: 'RESUME' }
  | { type: 'ABORT' }
  | { type: 'START_ROLLBACK' }
  | { type: 'RESUME_FROM_JOURNAL' }
  | { type: 'START_FRESH' }
  | { type: 'RETRY' }
  | { type: 'QUIT' };

/** Sent by the engine actor to the machine (not by the UI). */
export type InternalEvent =
  | { type: 'ENGINE_EVENT'; event: EngineEvent }
  | { type: 'RUN_DONE'; summary: RunSummary }
  | { type: 'RUN_FAILED'; error: MachineError };

export type RunbookEvent = UiEvent | InternalEvent;
export type UiEventType = UiEvent['type'];

// ---------------------------------------------------------------------------------------------
// Small pure helpers for renderers
// ---------------------------------------------------------------------------------------------

/** The configuration a deploy stage asks for (ids), or undefined when the keys are not known yet. */
export function deployConfigFor(ctx: Pick<RunbookContext, 'newKeyId' | 'oldKeyId'>, stage: DeployStage): KeyConfigIds | undefined {
  const { newKeyId, oldKeyId } = ctx;
  switch (stage) {
    case '2a':
      return oldKeyId && newKeyId ? { primaryKeyId: oldKeyId, previousKeyId: newKeyId } : undefined;
    case 'both':
    case '2b':
    case 'rollback':
    case 'emergency-both':
      return newKeyId ? { primaryKeyId: newKeyId, previousKeyId: oldKeyId } : undefined;
    case 'remove':
    case 'emergency-remove':
      return newKeyId ? { primaryKeyId: newKeyId } : undefined;
    default: {
      const never: never = stage;
      throw new Error(`unknown deploy stage ${String(never)}`);
    }
  }
}

/** The deploy stage a step shows snippets for, if any. */
export function deployStageOfStep(step: StepId): DeployStage | undefined {
  const map: Partial<Record<StepId, DeployStage>> = {
    'deploy.both': 'both',
    'deploy.stageA': '2a',
    'deploy.stageB': '2b',
    'remove.confirmDeploy': 'remove',
    'rollback.readdOld': 'rollback',
    'emergency.deployBoth': 'emergency-both',
    'emergency.removeDeploy': 'emergency-remove',
  };
  return map[step];
}

/** Rows per key id summed over every column. */
export function rowsByKeyId(columns: readonly ColumnInventory[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const column of columns) {
    for (const [keyId, n] of Object.entries(column.byKeyId)) out[keyId] = (out[keyId] ?? 0) + n;
  }
  return out;
}

/** The error shape of the context, from anything thrown (message + hint of UserError and friends). */
export function toMachineError(error: unknown): MachineError {
  if (error instanceof Error) {
    const hint = error instanceof KekRotateError ? error.hint : undefined;
    const cause = error instanceof UserError ? 'user' : error instanceof DatabaseError ? 'database' : error instanceof ExternalProcessError ? 'external' : undefined;
    return { message: error.message, hint, ...(cause ? { cause } : {}) };
  }
  return { message: String(error) };
}
