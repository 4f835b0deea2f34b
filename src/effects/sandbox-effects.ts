// The runbook's effects in a rehearsal: the same database work as production, but the keys are the
// simulated application's deployed configuration, and confirming a deploy applies it to the
// simulated replicas (rolling, if the scenario says so). The trainee's archive holds a scenario's old key.
import path from 'node:path';
import { chooseNewKeyId, generateKek, writeKeyFile } from '../crypto/generate-key.js';
import type { Kek } from '../crypto/key.js';
import { DEFAULT_COLUMNS, type EncryptedColumn } from '../db/column.js';
import { readJournal, resumePoint } from '../journal/index.js';
import type { JournalEntryInput } from '../journal/entry.js';
import { SecretKey, type Effects } from '../machine/contract.js';
import { applyDeployByIds } from '../sandbox/deploy-by-ids.js';
import { ringOf } from '../sandbox/deploy-config.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import { databaseEffects, type EngineTuning } from './database-effects.js';
import { journalTap } from './journal-tap.js';
import { writeChecklistFiles } from '../emergency/checklist-files.js';
import { UserError } from '../errors.js';
import { configIdsOf, secretKeysOf } from './key-ring-views.js';

export interface SandboxEffectsOptions extends EngineTuning {
  sandbox: Sandbox;
  journal: { path: string; append(entry: JournalEntryInput): unknown };
  columns?: readonly EncryptedColumn[] | undefined;
  /** Where a key file the trainee asks for is written (relative paths). */
  cwd?: string | undefined;
}

export function createSandboxEffects(options: SandboxEffectsOptions): Effects {
  const { sandbox } = options;
  const data = databaseEffects({
    db: sandbox.db,
    entries: options.columns ?? DEFAULT_COLUMNS,
    batchSize: options.batchSize,
    maxRate: options.maxRate,
    concurrency: options.concurrency,
  });
  const generated = new Map<string, Kek>();
  // What the trainee did, for the debrief's criteria, even if the journal cannot be written.
  const tap = journalTap(
    (entry) => options.journal.append(entry),
    (entry) => sandbox.recordStep(entry),
  );
  // The tool holds what the application was last given.
  const ring = () => ringOf(sandbox.deployed);

  return {
    async loadInventory({ signal }) {
      const current = ring();
      const { columns, warnings, keyProofs } = await data.inventory(signal, current);
      const archived = sandbox.archivedKeys.filter((k) => current.get(k.id) === undefined).map((k) => new SecretKey(k));
      return {
        configured: configIdsOf(current),
        columns,
        warnings,
        keyProofs,
        keys: [...secretKeysOf(current), ...archived],
      };
    },
    async readResumePoint() {
      return resumePoint(readJournal(options.journal.path));
    },
    async generateKey({ currentPrimaryId, idsInDatabase }) {
      // Every key the rehearsal has seen counts as used, except one generated here (a retry gets it back).
      const seen = sandbox.keys
        .all()
        .map((k) => k.id)
        .filter((id) => !generated.has(id));
      const id = chooseNewKeyId({ ring: ring(), currentPrimaryId, idsInDatabase: [...idsInDatabase, ...seen] });
      const kek = generated.get(id) ?? generateKek(id);
      generated.set(id, kek);
      sandbox.keys.remember(kek);
      return new SecretKey(kek);
    },
    readCounts: ({ signal }) => data.counts(signal),
    async loadKeyFile() {
      // The rehearsal's tool is configured as the simulated application is: it never lacks a key.
      throw new UserError(
        'a rehearsal holds its keys itself: there is no key file to load',
        'Continue with the keys the rehearsal shows.',
      );
    },
    async writeKeyFile({ path: file, key }) {
      await writeKeyFile(path.resolve(options.cwd ?? process.cwd(), file), key.reveal());
    },
    async applyDeploy(request) {
      const toolConfig = await applyDeployByIds(sandbox, request.config, [
        ...request.keys.map((k) => k.reveal()),
        ...generated.values(),
      ]);
      return { toolConfig };
    },
    async runReencryption(request) {
      const summary = await data.runBuiltin(request, ring());
      tap.recordFailures(summary);
      return summary;
    },
    async verify({ check, signal }) {
      return data.verify(check, ring(), signal);
    },
    async listCredentialsProtectedBy({ keyId, signal }) {
      return data.listCredentials(keyId, signal);
    },
    async completeCredentialList({ keyId, listed, signal }) {
      return data.completeCredentialList(keyId, listed, signal);
    },
    async writeChecklistFiles({ rotationId, keyId, credentials }) {
      return writeChecklistFiles({
        dir: options.cwd ?? process.cwd(),
        rotationId,
        keyId,
        credentials,
        now: sandbox.now,
      });
    },
    readProgress: data.readProgress,
    appendJournal: (entry) => tap.append(entry),
    now: sandbox.now,
  };
}
