// Whole rotations through the real runbook machine on the production effects, against PostgreSQL
// and PGlite: keys from an env file re-read after each deploy (or held in memory when the operator
// leaves the tool's env alone), the real engine, verify, the credentials list, and a journal on disk.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { decryptValue } from '../../src/crypto/envelope.js';
import { makeKeyRing } from '../../src/crypto/key-ring.js';
import { formatKey } from '../../src/crypto/key.js';
import { DEFAULT_COLUMNS } from '../../src/db/column.js';
import { createProductionEffects } from '../../src/effects/production-effects.js';
import { openJournalWriter } from '../../src/journal/index.js';
import { perTestSchema, PGLITE_START_TIMEOUT_MS } from '../helpers/test-db.js';
import { insertProvider, tamper } from '../db/seed.js';
import { encryptValue } from '../../src/crypto/envelope.js';
import type { TestDatabase } from '../helpers/test-db.js';
import { BACKENDS } from '../helpers/test-db.js';
import { keyIdCounts, operate, seedTable, tempDir, writeEnv } from './effects-harness.js';

const ROWS = 25;

describe.each(BACKENDS)('production effects on $name', (backend) => {
  const dbs = perTestSchema(backend);
  beforeAll(() => dbs.prepare(), PGLITE_START_TIMEOUT_MS);
  afterAll(() => dbs.closeAll());
  const live = it.skipIf(!backend.available);

  async function setUp(t: TestDatabase) {
    const seeded = await seedTable(t.db, ROWS);
    const dir = tempDir();
    const envFile = writeEnv(dir, seeded.v1);
    const journalPath = join(dir, 'journal.jsonl');
    const effects = createProductionEffects({
      db: t.db,
      env: { cwd: dir, envFile, processEnv: {} },
      columns: DEFAULT_COLUMNS,
      engine: { type: 'builtin' },
      batchSize: 7,
      journal: openJournalWriter(journalPath),
    });
    return { seeded, dir, envFile, journalPath, effects };
  }

  live(
    'a whole rotation driven by UI events leaves every row on the new key and no key material in the journal',
    async () => {
      const t = await dbs.fresh();
      const { seeded, journalPath, effects } = await setUp(t);
      const op = operate(effects);
      await op.at('preflight.ready');
      expect(op.actor.getSnapshot().context.inventory[0]).toMatchObject({
        label: 'llm_providers.api_key_encrypted',
        total: ROWS + 1,
        nulls: 1,
        byKeyId: { 'kek-v1': ROWS },
        invalid: 0,
      });
      op.send({ type: 'CHOOSE_PATH', path: 'rotate' });
      await op.at('generate.show');
      const newKey = op.actor.getSnapshot().context.secretKeys['kek-v2']!.reveal();
      op.send({ type: 'REVEAL_KEY' }, { type: 'CONFIRM' });
      await op.at('deploy.choose');
      op.send({ type: 'CHOOSE_DEPLOY', plan: 'runbook' });
      await op.at('deploy.both');
      // The operator deployed and left the tool's env file alone: the tool uses the keys it holds.
      op.send({ type: 'CONFIRM' });
      await op.at('reencrypt.dryRunReview');
      expect(op.actor.getSnapshot().context.dryRun?.tables[0]?.rotated).toBe(ROWS);
      op.send({ type: 'CONFIRM' });
      await op.at('reencrypt.liveReview');
      expect(op.actor.getSnapshot().context.live?.failures).toEqual([]);
      op.send({ type: 'CONFIRM' });
      await op.at('verify.passed');
      op.send({ type: 'CONFIRM' });
      await op.at('remove.confirmDeploy');
      op.send({ type: 'CONFIRM' });
      await op.at('done.summary');
      expect(op.actor.getSnapshot().context.configured).toEqual({ primaryKeyId: 'kek-v2', previousKeyId: undefined });
      op.send({ type: 'QUIT' });

      expect(await keyIdCounts(t.db)).toEqual({ 'kek-v2': ROWS, NULL: 1 });
      const { rows } = await t.db.query<{ id: string; v: Buffer }>(
        'SELECT id::text AS id, api_key_encrypted AS v FROM llm_providers WHERE api_key_encrypted IS NOT NULL',
      );
      const onlyNew = makeKeyRing(newKey);
      const values = rows.map((r) => decryptValue(onlyNew, r.v).toString('utf8')).sort();
      expect(values).toEqual([...seeded.plaintexts].sort());

      const journal = readFileSync(journalPath, 'utf8');
      expect(journal).toContain('"step":"done.summary"');
      for (const secret of [
        formatKey(seeded.v1),
        formatKey(newKey),
        seeded.v1.bytes.toString('base64'),
        newKey.bytes.toString('base64'),
        'sk-test-',
      ]) {
        expect(journal).not.toContain(secret);
      }
      await t.drop();
    },
    240_000,
  );

  live(
    'an env file the operator updated is read after the deploy; a wrong one is reported with the hint, then fixed',
    async () => {
      const t = await dbs.fresh();
      const { seeded, envFile, effects } = await setUp(t);
      const op = operate(effects);
      await op.at('preflight.ready');
      op.send({ type: 'CHOOSE_PATH', path: 'rotate' });
      await op.at('generate.show');
      const newKey = op.actor.getSnapshot().context.secretKeys['kek-v2']!.reveal();
      op.send({ type: 'REVEAL_KEY' }, { type: 'CONFIRM' }, { type: 'CHOOSE_DEPLOY', plan: 'runbook' });
      await op.at('deploy.both');
      // Forgot the previous key in the tool's env: the machine must refuse, naming what the tool holds.
      writeEnv(join(envFile, '..'), newKey);
      op.send({ type: 'CONFIRM' });
      await op.at('deploy.failed');
      const error = op.actor.getSnapshot().context.error!;
      expect(error.message).toContain('primary kek-v2, no previous key');
      expect(error.hint).toContain('SECRETS_ENCRYPTION_KEY_PREVIOUS');
      writeEnv(join(envFile, '..'), newKey, seeded.v1);
      op.send({ type: 'RETRY' });
      await op.at('deploy.both');
      op.send({ type: 'CONFIRM' });
      await op.at('reencrypt.dryRunReview');
      expect(op.actor.getSnapshot().context.configured).toEqual({ primaryKeyId: 'kek-v2', previousKeyId: 'kek-v1' });
      op.send({ type: 'QUIT' });
      await t.drop();
    },
    240_000,
  );

  live(
    'a key pasted wrongly under the new id is refused: two keys under one id would make rows unreadable',
    async () => {
      const t = await dbs.fresh();
      const { seeded, envFile, effects } = await setUp(t);
      const op = operate(effects);
      await op.at('preflight.ready');
      op.send({ type: 'CHOOSE_PATH', path: 'rotate' });
      await op.at('generate.show');
      op.send({ type: 'REVEAL_KEY' }, { type: 'CONFIRM' }, { type: 'CHOOSE_DEPLOY', plan: 'runbook' });
      await op.at('deploy.both');
      const impostor = { id: 'kek-v2', bytes: Buffer.alloc(32, 7) };
      writeFileSync(
        envFile,
        `SECRETS_ENCRYPTION_KEY=${formatKey(impostor)}\nSECRETS_ENCRYPTION_KEY_PREVIOUS=${formatKey(seeded.v1)}\n`,
      );
      op.send({ type: 'CONFIRM' });
      await op.at('deploy.failed');
      expect(op.actor.getSnapshot().context.error?.message).toContain('is not the kek-v2 generated in this session');
      expect(JSON.stringify(op.actor.getSnapshot().context)).not.toContain(impostor.bytes.toString('base64'));
      op.send({ type: 'QUIT' });
      await t.drop();
    },
    240_000,
  );

  live(
    'a wrong key under the right id blocks preflight before any key is generated; the right key then passes',
    async () => {
      const t = await dbs.fresh();
      const { seeded, envFile, journalPath, effects } = await setUp(t);
      const wrong = { id: 'kek-v1', bytes: Buffer.alloc(32, 9) };
      writeFileSync(envFile, `SECRETS_ENCRYPTION_KEY=${formatKey(wrong)}\n`);
      const op = operate(effects);
      await op.at('preflight.wrongKey');
      const ctx = op.actor.getSnapshot().context;
      expect(ctx.keyProofs).toEqual([
        expect.objectContaining({
          keyId: 'kek-v1',
          source: 'SECRETS_ENCRYPTION_KEY',
          tried: ROWS,
          decrypted: 0,
          keyRejected: ROWS,
        }),
      ]);
      expect(ctx.newKeyId).toBeUndefined();
      expect(Object.keys(ctx.secretKeys)).toEqual(['kek-v1']);
      expect(op.actor.getSnapshot().can({ type: 'CHOOSE_PATH', path: 'rotate' })).toBe(false);
      // The operator fixes the variable and checks again.
      writeFileSync(envFile, `SECRETS_ENCRYPTION_KEY=${formatKey(seeded.v1)}\n`);
      op.send({ type: 'RETRY' });
      await op.at('preflight.ready');
      expect(readFileSync(journalPath, 'utf8')).toContain('"step":"preflight.wrongKey"');
      op.send({ type: 'QUIT' });
      await t.drop();
    },
    240_000,
  );

  live(
    'emergency: lists the credentials on the leaked key by name, re-encrypts, removes it; a damaged row is named in the journal',
    async () => {
      const t = await dbs.fresh();
      const { seeded, journalPath, effects } = await setUp(t);
      const damagedId = await insertProvider(t.db, tamper(encryptValue(seeded.v1, 'sk-damaged')), 'damaged');
      const op = operate(effects, { emergency: true });
      await op.at('emergency.show');
      // Listed in the background: the new key does not wait for it.
      const listed = await waitFor(op.actor, (s) => s.context.credentialListing !== 'running', { timeout: 30_000 });
      const credentials = listed.context.credentials;
      expect(credentials.map((c) => c.id).sort()).toEqual([...seeded.ids, damagedId].sort());
      expect(credentials.find((c) => c.id === damagedId)).toMatchObject({
        name: 'damaged',
        providerType: 'openai',
        table: 'llm_providers.api_key_encrypted',
      });
      op.send({ type: 'REVEAL_KEY' }, { type: 'CONFIRM' });
      await op.at('emergency.deployBoth');
      op.send({ type: 'CONFIRM' });
      // The damaged row cannot move: verification refuses the removal.
      await op.at('emergency.refused');
      expect(readFileSync(journalPath, 'utf8')).toContain(
        `row ${damagedId} of llm_providers.api_key_encrypted (on kek-v1) not rotated`,
      );
      op.send({ type: 'QUIT' });
      expect(await keyIdCounts(t.db)).toEqual({ 'kek-v2': ROWS, 'kek-v1': 1, NULL: 1 });
      await t.drop();
    },
    240_000,
  );
});
