// Fake effects for machine tests: a tiny in-memory "database" of rows per key id that the fake
// engine really moves, a deploy that records configs, and a journal that keeps every entry.
import { randomBytes } from 'node:crypto';
import type { EngineEvent, RunSummary, TableCounts } from '../../src/engine/events.js';
import type { VerifyReport } from '../../src/verify/verify-report.js';
import type { JournalEntryInput } from '../../src/journal/entry.js';
import { nextKeyId } from '../../src/crypto/key-id.js';
import { DatabaseError, UserError } from '../../src/errors.js';
import {
  SecretKey,
  type CredentialRef,
  type Effects,
  type KeyConfigIds,
  type ResumePoint,
  type RunRequest,
} from '../../src/machine/contract.js';

export const LABEL = 'llm_providers.api_key_encrypted';

export interface FakeWorld {
  /** What the tool is configured with. */
  config: KeyConfigIds;
  /** Rows per key id in the one column. */
  rows: Record<string, number>;
  nulls: number;
  invalid: number;
  /** Rows the live run cannot move (reported as failures each run). */
  unreadable: number;
  resumePoint?: ResumePoint | undefined;
  journal: JournalEntryInput[];
  deploys: { stage: string; config: KeyConfigIds }[];
  /** When set, the next applyDeploy leaves the tool config as is (operator forgot the tool's env). */
  ignoreNextDeploy?: boolean;
  /** When set, the next run of this kind throws. */
  failNextRun?: 'dry-run' | 'live';
  /** When set, loadInventory throws once. */
  failLoad?: boolean;
  /** When true, live runs wait for the abort signal (to test pause/abort). */
  holdLive?: boolean;
  writtenFiles: string[];
  keyMaterialSeen: string[];
  runs: { kind: string; mode: string; aborted: boolean }[];
  /** Ids each live run moved off the key it was asked to record (RunRequest.recordMovedFrom). */
  movedOff: Record<string, string[]>;
  /** When set, the credential listing waits for it (to see the path go on meanwhile). */
  listingGate?: Promise<void> | undefined;
  /** When set, the credential listing fails with this message. */
  failListing?: string | undefined;
  now: number;
}

export function makeWorld(partial: Partial<FakeWorld> = {}): FakeWorld {
  return {
    config: { primaryKeyId: 'kek-v1' },
    rows: { 'kek-v1': 10 },
    nulls: 2,
    invalid: 0,
    unreadable: 0,
    journal: [],
    deploys: [],
    writtenFiles: [],
    keyMaterialSeen: [],
    runs: [],
    movedOff: {},
    now: 1_700_000_000_000,
    ...partial,
  };
}

function total(world: FakeWorld): number {
  return Object.values(world.rows).reduce((a, b) => a + b, 0) + world.nulls + world.invalid;
}

function counts(world: FakeWorld, rotated: number, failed: number): TableCounts {
  const t = total(world);
  return {
    table: LABEL,
    total: t,
    processed: t,
    rotated,
    alreadyPrimary: world.rows[world.config.primaryKeyId] ?? 0,
    nulls: world.nulls,
    failed,
    retried: 0,
    skippedLocked: 0,
    vanished: 0,
    byKeyId: { ...world.rows },
  };
}

function runFailures(world: FakeWorld) {
  return Array.from({ length: world.unreadable + world.invalid }, (_, i) => ({
    table: LABEL,
    id: `row-${i}`,
    keyId: undefined,
    problem: 'not-json' as const,
    reason: 'not a payload',
  }));
}

async function fakeRun(world: FakeWorld, request: RunRequest): Promise<RunSummary> {
  const record = { kind: request.kind, mode: request.mode, aborted: false };
  world.runs.push(record);
  if (world.failNextRun === request.kind) {
    world.failNextRun = undefined;
    throw new DatabaseError('connection reset', 'Check the database and retry.');
  }
  const emit = (event: EngineEvent) => request.onEvent(event);
  emit({
    type: 'run-start',
    kind: request.kind,
    mode: request.mode,
    primaryKeyId: world.config.primaryKeyId,
    keyIds: [world.config.primaryKeyId],
    tables: [{ table: LABEL, total: total(world) }],
  });
  emit({ type: 'table-start', table: LABEL, total: total(world) });
  if (request.kind === 'live' && world.holdLive) {
    await new Promise<void>((resolve) => request.signal.addEventListener('abort', () => resolve(), { once: true }));
    record.aborted = true;
  }
  const primary = world.config.primaryKeyId;
  const movable = Object.entries(world.rows)
    .filter(([id]) => id !== primary && id === world.config.previousKeyId)
    .reduce((n, [, rows]) => n + rows, 0);
  const movableNow = Math.max(0, movable - world.unreadable);
  const failures = runFailures(world);
  failures.forEach((failure) => emit({ type: 'row-failed', failure }));
  if (request.kind === 'live' && !request.signal.aborted && world.config.previousKeyId) {
    const prev = world.config.previousKeyId;
    const stay = Math.min(world.unreadable, world.rows[prev] ?? 0);
    if (request.recordMovedFrom === prev) {
      const moved = (world.rows[prev] ?? 0) - stay;
      world.movedOff[prev] = [
        ...(world.movedOff[prev] ?? []),
        ...Array.from({ length: moved }, (_, i) => `id-${stay + i}`),
      ];
    }
    world.rows[primary] = (world.rows[primary] ?? 0) + (world.rows[prev] ?? 0) - stay;
    world.rows[prev] = stay;
    if (stay === 0) delete world.rows[prev];
  }
  const c = counts(world, movableNow, failures.length);
  emit({ type: 'progress', counts: c, rowsPerSecond: 100, etaSeconds: 0 });
  emit({ type: 'table-done', counts: c });
  const summary: RunSummary = {
    kind: request.kind,
    mode: request.mode,
    primaryKeyId: primary,
    tables: [c],
    failures,
    cancelled: request.signal.aborted,
    elapsedMs: 5,
  };
  emit({ type: 'run-done', summary });
  return summary;
}

function fakeVerify(world: FakeWorld, check: string): VerifyReport {
  const primary = world.config.primaryKeyId;
  const notPrimary = Object.entries(world.rows)
    .filter(([id]) => id !== primary)
    .reduce((n, [, r]) => n + r, 0);
  const deepFailed = check === 'sql' ? 0 : notPrimary + world.invalid;
  const column = {
    label: LABEL,
    table: '"public"."llm_providers"',
    valueType: 'bytea',
    sql: 'SELECT 1',
    total: total(world),
    nulls: world.nulls,
    byKeyId: { ...world.rows },
    invalid: world.invalid,
    ...(check === 'sql'
      ? {}
      : {
          deep: {
            checked: total(world) - world.nulls,
            ok: total(world) - world.nulls - deepFailed,
            failed: deepFailed,
            failures: [],
            ring: 'primary-only' as const,
          },
        }),
  };
  return { columns: [column], primaryKeyId: primary, passed: deepFailed === 0 && notPrimary === 0, problems: [] };
}

export function fakeEffects(world: FakeWorld): Effects {
  return {
    loadInventory: async () => {
      if (world.failLoad) {
        world.failLoad = false;
        throw new UserError('SECRETS_ENCRYPTION_KEY is not set', 'Set it in .env.');
      }
      return {
        keyProofs: [],
        configured: { ...world.config },
        columns: [
          { label: LABEL, total: total(world), nulls: world.nulls, byKeyId: { ...world.rows }, invalid: world.invalid },
        ],
        warnings: [],
        keys: [],
      };
    },
    readResumePoint: async () => world.resumePoint,
    generateKey: async ({ currentPrimaryId }) => {
      const bytes = randomBytes(32);
      world.keyMaterialSeen.push(bytes.toString('base64'));
      return new SecretKey({ id: nextKeyId(currentPrimaryId), bytes });
    },
    writeKeyFile: async ({ path, key }) => {
      if (path.includes('exists')) throw new UserError(`refusing to overwrite ${path}`, 'Give a new file name.');
      world.writtenFiles.push(`${path}:${key.id}`);
    },
    readCounts: async () => [
      { label: LABEL, total: total(world), nulls: world.nulls, byKeyId: { ...world.rows }, invalid: world.invalid },
    ],
    loadKeyFile: async ({ path, keyId, previousKeyId }) => {
      if (path.includes('wrong'))
        throw new UserError(`${path} holds no key ${keyId}`, 'Give the file the key was written to.');
      world.config = { primaryKeyId: keyId, previousKeyId };
      return { key: new SecretKey({ id: keyId, bytes: Buffer.alloc(32, 0x42) }), toolConfig: { ...world.config } };
    },
    applyDeploy: async ({ stage, config }) => {
      world.deploys.push({ stage, config });
      if (world.ignoreNextDeploy) world.ignoreNextDeploy = false;
      else world.config = { ...config };
      return { toolConfig: { ...world.config } };
    },
    runReencryption: (request) => fakeRun(world, request),
    verify: async ({ check }) => fakeVerify(world, check),
    listCredentialsProtectedBy: async ({ keyId }): Promise<CredentialRef[]> => {
      // Read when the listing starts, as a scan would; the gate holds only its answer back.
      const rows = world.rows[keyId] ?? 0;
      await world.listingGate;
      if (world.failListing) throw new DatabaseError(world.failListing, 'Check the database.');
      return Array.from({ length: rows }, (_, i) => ({
        table: LABEL,
        id: `id-${i}`,
        name: `provider ${i}`,
        providerType: 'openai',
      }));
    },
    completeCredentialList: async ({ keyId, listed }) => {
      const known = new Set(listed.map((c) => c.id));
      const added = (world.movedOff[keyId] ?? [])
        .filter((id) => !known.has(id))
        .map((id) => ({ table: LABEL, id, name: `written later ${id}`, providerType: 'anthropic' }));
      return { credentials: [...listed, ...added], added };
    },
    writeChecklistFiles: async ({ keyId, credentials }) => {
      world.writtenFiles.push(`checklist:${keyId}:${credentials.length}`);
      return { markdown: `checklist-${keyId}.md`, csv: `checklist-${keyId}.csv` };
    },
    appendJournal: (entry) => {
      world.journal.push(structuredClone(entry));
    },
    now: () => (world.now += 1000),
  };
}
