// The effects every runbook implementation shares, given the database and the key ring the tool
// holds right now: inventory, the built-in re-encryption, verification and the credentials list.
// Production and rehearsal differ only in where the keys come from and what "deploy" does.
import type { KeyRing } from '../crypto/key-ring.js';
import type { EncryptedColumn, ResolvedColumn } from '../db/column.js';
import type { Db } from '../db/db.js';
import { resolveColumns } from '../db/registry.js';
import type { RunSummary } from '../engine/events.js';
import { runReencryption, type ReencryptOptions } from '../engine/run-reencryption.js';
import { describePartlyProven, proveKeys, verdictOf, type KeyProof } from '../engine/prove-keys.js';
import type { ColumnInventory, CredentialRef, RunRequest, VerifyCheck } from '../machine/contract.js';
import { verifyColumns } from '../verify/verify-columns.js';
import type { VerifyReport } from '../verify/verify-report.js';
import { readColumnInventory, registryWarnings } from './column-inventory.js';
import { credentialsForIds, listCredentialsOnKey } from './credentials-sql.js';
import { MovedRowsRecorder } from './moved-rows.js';
import { DEFAULT_BATCH_SIZE } from '../engine/batch-size.js';
import { ReadProgressFeed } from '../db/read-progress.js';

/** How the built-in engine runs (the runbook's --batch-size, --max-rate, --concurrency). */
export interface EngineTuning {
  batchSize?: number | undefined;
  maxRate?: number | undefined;
  /** Workers per column (the engine's default when absent). */
  concurrency?: number | undefined;
  /** --wait: wait for another live run on a column to finish instead of failing. */
  waitForLock?: boolean | undefined;
}

export interface DatabaseEffectsOptions extends EngineTuning {
  db: Db;
  /** Registry entries (the default column, or --config). */
  entries: readonly EncryptedColumn[];
  /** Only this registered table (--table). */
  table?: string | undefined;
}

export interface DatabaseEffects {
  readonly db: Db;
  /** Rows read of the total, rate and ETA of the inventory, verification and credential listing. */
  readonly readProgress: ReadProgressFeed;
  /** The resolved columns (resolved again at every inventory, so a fixed registry is picked up on retry). */
  columns(): Promise<ResolvedColumn[]>;
  /** Counts per key id, and (with the ring) each key proven on a sample of its rows. */
  inventory(
    signal: AbortSignal,
    ring?: KeyRing,
  ): Promise<{ columns: ColumnInventory[]; warnings: string[]; keyProofs: KeyProof[] }>;
  /** Rows per key id per column, read now. */
  counts(signal: AbortSignal): Promise<ColumnInventory[]>;
  runBuiltin(request: RunRequest, ring: KeyRing): Promise<RunSummary>;
  verify(check: VerifyCheck, ring: KeyRing, signal: AbortSignal): Promise<VerifyReport>;
  listCredentials(keyId: string, signal: AbortSignal): Promise<CredentialRef[]>;
  /**
   * `listed` plus every row this session's live runs moved off `keyId` that it lacks (looked up by
   * id, with its name): the rows written under the leaked key after the listing read them.
   */
  completeCredentialList(
    keyId: string,
    listed: readonly CredentialRef[],
    signal: AbortSignal,
  ): Promise<{ credentials: CredentialRef[]; added: CredentialRef[] }>;
}

export function databaseEffects(options: DatabaseEffectsOptions): DatabaseEffects {
  const { db, entries } = options;
  let resolved: ResolvedColumn[] | undefined;
  const resolve = async () => {
    resolved = await resolveColumns(db, entries, { table: options.table });
    return resolved;
  };
  const columns = async () => resolved ?? (await resolve());
  const moved = new MovedRowsRecorder();
  const readProgress = new ReadProgressFeed();
  const counting = (task: 'inventory' | 'verify') => {
    readProgress.clear(task);
    return { onProgress: (p: Parameters<ReadProgressFeed['report']>[2]) => readProgress.report(task, 'Counting', p) };
  };
  return {
    db,
    readProgress,
    columns,
    async inventory(signal, ring) {
      const scan = counting('inventory');
      const list = await resolve();
      const keyProofs = ring ? await proveKeys(db, list, ring) : [];
      const partly = keyProofs.filter((proof) => verdictOf(proof) === 'partly').map(describePartlyProven);
      return {
        columns: await readColumnInventory(db, list, signal, scan),
        warnings: [...partly, ...(await registryWarnings(db, entries))],
        keyProofs,
      };
    },
    async counts(signal) {
      return readColumnInventory(db, await columns(), signal, counting('inventory'));
    },
    async runBuiltin(request, ring) {
      // Absent, the engine picks its own default (2 workers on PostgreSQL, 1 on PGlite).
      const run: ReencryptOptions = {
        ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
        db,
        ring,
        columns: await columns(),
        kind: request.kind,
        mode: request.mode,
        batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
        maxRate: options.maxRate,
        signal: request.signal,
        onEvent: request.onEvent,
        waitForLock: options.waitForLock,
        ...(request.recordMovedFrom !== undefined ? { onMoved: moved.listenerFor(request.recordMovedFrom) } : {}),
      };
      return runReencryption(run);
    },
    async verify(check, ring, signal) {
      const list = await columns();
      return verifyColumns({
        db,
        ring,
        columns: list,
        deep: check === 'deep',
        onlyPrimary: check === 'only-primary',
        signal,
        onInventoryProgress: counting('verify').onProgress,
        onProgress: (done, total, label) => readProgress.reportCount('verify', 'Decrypting', label, done, total),
      });
    },
    async listCredentials(keyId, signal) {
      readProgress.clear('credentials');
      return listCredentialsOnKey(db, await columns(), keyId, signal, {
        onProgress: (p) => readProgress.report('credentials', 'Listing', p),
      });
    },
    async completeCredentialList(keyId, listed, signal) {
      const known = new Set(listed.map((c) => `${c.table}\0${c.id}`));
      const added: CredentialRef[] = [];
      for (const column of await columns()) {
        const ids = [...(moved.movedOff(keyId).get(column.label) ?? [])].filter(
          (id) => !known.has(`${column.label}\0${id}`),
        );
        added.push(...(await credentialsForIds(db, column, ids, signal)));
      }
      return { credentials: [...listed, ...added], added };
    },
  };
}
