// The runbook's effects against a real database (PostgreSQL or a PGlite directory): keys from the
// environment / .env / --env-file / --keys-file, re-read after each deploy the operator confirms;
// the built-in engine or the application's own tool; the journal on disk.
import path from 'node:path';
import { inputWarnings } from '../config/env-file.js';
import { chooseNewKeyId, generateKek, writeKeyFile } from '../crypto/generate-key.js';
import type { EncryptedColumn } from '../db/column.js';
import type { Db } from '../db/db.js';
import type { ExternalEngine } from '../engine/external/run-external.js';
import { UserError } from '../errors.js';
import { makeKeyRing, readKeysFile } from '../crypto/key-ring.js';
import { describeWrongKey, proveKeys, verdictOf } from '../engine/prove-keys.js';
import { readJournal, resumePoint } from '../journal/index.js';
import type { JournalEntryInput } from '../journal/entry.js';
import { SecretKey, type Effects } from '../machine/contract.js';
import { databaseEffects, type EngineTuning } from './database-effects.js';
import { DEFAULT_BATCH_SIZE } from '../engine/batch-size.js';
import { runExternal } from './external-run.js';
import { journalTap } from './journal-tap.js';
import { writeChecklistFiles } from '../emergency/checklist-files.js';
import { configIdsOf, secretKeysOf } from './key-ring-views.js';
import { ProductionKeys, type EnvironmentSource } from './production-keys.js';

export type EngineChoice = { type: 'builtin' } | ExternalEngine;

export interface ProductionEffectsOptions extends EngineTuning {
  db: Db;
  /** Where the keys come from: the process environment, then ./.env or --env-file (read again after each deploy). */
  env: EnvironmentSource;
  /** --keys-file: archived decrypt-only keys. */
  keysFile?: string | undefined;
  /** Registry entries (default column or --config). */
  columns: readonly EncryptedColumn[];
  table?: string | undefined;
  engine: EngineChoice;
  /** Needed by the external engines (the tool connects itself). */
  databaseUrl?: string | undefined;
  /** Appends one journal line durably; may throw (the effects swallow it). */
  journal: { path: string; append(entry: JournalEntryInput): unknown };
  now?: () => number;
}

export function createProductionEffects(options: ProductionEffectsOptions): Effects {
  const { engine } = options;
  if (engine.type !== 'builtin' && !options.databaseUrl) {
    throw new UserError(
      `--engine ${engine.type} needs a database URL: the application's tool connects to the database itself`,
      'Give --database-url URL (or DATABASE_URL); an embedded --pglite database can only be used with --engine builtin.',
    );
  }
  const keys = new ProductionKeys(options.env, options.keysFile);
  const data = databaseEffects({
    db: options.db,
    entries: options.columns,
    table: options.table,
    batchSize: options.batchSize,
    maxRate: options.maxRate,
    concurrency: options.concurrency,
    waitForLock: options.waitForLock,
  });
  const tap = journalTap((entry) => options.journal.append(entry));
  const cwd = options.env.cwd;

  return {
    async loadInventory({ signal }) {
      const ring = keys.load();
      const { columns, warnings, keyProofs } = await data.inventory(signal, ring);
      return {
        configured: configIdsOf(ring),
        keyProofs,
        columns,
        warnings: [...inputWarnings(options.env, options.keysFile), ...warnings],
        keys: secretKeysOf(ring),
      };
    },
    async readResumePoint() {
      return resumePoint(readJournal(options.journal.path));
    },
    async generateKey({ currentPrimaryId, idsInDatabase }) {
      const ring = keys.active();
      const id = chooseNewKeyId({ ring, currentPrimaryId, idsInDatabase });
      // Asked twice in one session (a retry), the tool hands back the key it already showed rather
      // than a second key under the same id.
      const kek = keys.held(id) ?? generateKek(id, ring);
      keys.hold(kek);
      return new SecretKey(kek);
    },
    readCounts: ({ signal }) => data.counts(signal),
    async loadKeyFile({ path: file, keyId, previousKeyId, signal }) {
      const where = path.resolve(cwd, file);
      const key = readKeysFile(where).find((k) => k.id === keyId);
      if (!key) {
        throw new UserError(
          `${where} holds no key ${keyId}`,
          `Give the file the new key was written to (one line: ${keyId}:<base64>), or save it there from your secrets manager.`,
        );
      }
      const current = keys.active();
      if (current.primary.id !== previousKeyId) {
        throw new UserError(
          `the tool is configured with ${current.primary.id}, not ${previousKeyId}`,
          `Run the tool with SECRETS_ENCRYPTION_KEY set to ${previousKeyId}, as when the rotation started.`,
        );
      }
      // Proven on the rows that claim its id before the tool uses it for anything.
      const proof = (await proveKeys(options.db, await data.columns(), makeKeyRing(key, current.primary))).find(
        (p) => p.keyId === keyId,
      );
      signal.throwIfAborted();
      if (proof && verdictOf(proof) === 'wrong-key') {
        throw new UserError(
          `${describeWrongKey({ ...proof, source: where })}`,
          `That file does not hold the ${keyId} the rotation wrote its rows with: find the right one (the file the tool wrote, or your secrets manager).`,
        );
      }
      return { key: new SecretKey(key), toolConfig: configIdsOf(keys.adopt(key)) };
    },
    async writeKeyFile({ path: file, key }) {
      await writeKeyFile(path.resolve(cwd, file), key.reveal());
    },
    async applyDeploy(request) {
      return { toolConfig: keys.afterDeploy(request) };
    },
    async runReencryption(request) {
      const ring = keys.active();
      const summary =
        engine.type === 'builtin'
          ? await data.runBuiltin(request, ring)
          : await runExternal(
              {
                db: options.db,
                databaseUrl: options.databaseUrl!,
                engine,
                batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
                entries: options.columns,
                columns: await data.columns(),
              },
              request,
              ring,
            );
      tap.recordFailures(summary);
      return summary;
    },
    async verify({ check, signal }) {
      return data.verify(check, keys.active(), signal);
    },
    async listCredentialsProtectedBy({ keyId, signal }) {
      return data.listCredentials(keyId, signal);
    },
    async completeCredentialList({ keyId, listed, signal }) {
      return data.completeCredentialList(keyId, listed, signal);
    },
    async writeChecklistFiles({ rotationId, keyId, credentials }) {
      return writeChecklistFiles({ dir: cwd, rotationId, keyId, credentials, now: options.now ?? Date.now });
    },
    readProgress: data.readProgress,
    appendJournal: (entry) => tap.append(entry),
    now: options.now ?? Date.now,
  };
}
