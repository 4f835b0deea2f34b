// The simulated application: replicas decrypt with the keys their deploy gave them, write under
// their primary, report typed events without values, and a rolling deploy updates one at a time.
import { afterAll, describe, expect, it } from 'vitest';
import { generateKek } from '../../src/crypto/generate-key.js';
import { peekKeyId } from '../../src/crypto/payload.js';
import type { AppEvent } from '../../src/sandbox/app-events.js';
import { createSandbox } from '../../src/sandbox/sandbox.js';
import { BACKENDS, perTestSchema } from '../helpers/test-db.js';

const backends = BACKENDS.map(perTestSchema);
afterAll(async () => {
  for (const b of backends) await b.closeAll();
});

async function storedKeyId(
  db: { query: (sql: string, p: unknown[]) => Promise<{ rows: Record<string, unknown>[] }> },
  id: string,
) {
  const { rows } = await db.query('SELECT api_key_encrypted FROM llm_providers WHERE id = $1', [id]);
  return peekKeyId(rows[0]!.api_key_encrypted as Buffer);
}

describe.each(backends)('the simulated application on $name', (backend) => {
  it.skipIf(!backend.available)(
    'a replica without the new key fails to read a value written under it; one with it reads',
    async () => {
      const { db, drop } = await backend.fresh();
      const sandbox = await createSandbox({ db, rows: 20 });
      try {
        // Only the requests this test makes (no half-way request of the deploy's own).
        const app = sandbox.startApp({ replicas: 2, ratePerSecond: 0, rollingCrossRead: false });
        const events: AppEvent[] = [];
        app.subscribe((e) => events.push(e));
        const v2 = generateKek('kek-v2');
        const rolling = app.deploy({ primary: v2, previous: sandbox.initialKey }, { rolling: true, stepMs: 400 });
        // replica-1 has the new configuration at once; replica-2 only after the step.
        expect(app.replicas()).toEqual([
          { replica: 'replica-1', keyIds: ['kek-v2', 'kek-v1'] },
          { replica: 'replica-2', keyIds: ['kek-v1'] },
        ]);
        const id = sandbox.ledger.ids()[3]!;
        const write = await app.perform('replica-1', { kind: 'update', id, mode: 'new-key' });
        expect(write).toMatchObject({ type: 'write', replica: 'replica-1', id, keyId: 'kek-v2' });
        expect(await storedKeyId(db, id)).toBe('kek-v2');
        const failed = await app.perform('replica-2', { kind: 'read', id });
        expect(failed).toMatchObject({
          type: 'read-failed',
          replica: 'replica-2',
          id,
          keyId: 'kek-v2',
          problem: 'unknown-key-id',
          reason: 'no key for kek-v2',
        });
        await rolling;
        expect(await app.perform('replica-2', { kind: 'read', id })).toMatchObject({ type: 'read', keyId: 'kek-v2' });
        expect(app.readFailures()).toEqual([expect.objectContaining({ replica: 'replica-2', id, keyId: 'kek-v2' })]);
        expect(app.stats().find((s) => s.replica === 'replica-2')).toMatchObject({ reads: 1, readFailures: 1 });
        expect(events.map((e) => e.type)).toEqual(['deploy', 'write', 'read-failed', 'deploy', 'read']);
        // Events name ids and key ids only: no value the application wrote appears in them.
        const secret = sandbox.plaintextOf(id)!;
        expect(secret.length).toBeGreaterThan(20);
        expect(JSON.stringify(events)).not.toContain(secret);
      } finally {
        await sandbox.close();
        await drop();
      }
    },
  );

  it.skipIf(!backend.available)(
    'half-way through a rolling deploy, a request saved by the updated replica is read by one not updated: it fails exactly when the new key went out as primary, on the row the seed picks',
    async () => {
      const picked: number[] = [];
      for (const plan of ['staged 2a', 'runbook order', 'runbook order again'] as const) {
        const { db, drop } = await backend.fresh();
        const sandbox = await createSandbox({ db, rows: 20, seed: 3 });
        try {
          const app = sandbox.startApp({ replicas: 3, ratePerSecond: 0 });
          const events: AppEvent[] = [];
          app.subscribe((e) => events.push(e));
          const v1 = sandbox.initialKey;
          const v2 = generateKek('kek-v2');
          if (plan === 'staged 2a') {
            // The updated replica still writes under kek-v1: the others read it.
            await app.deploy({ primary: v1, previous: v2 }, { rolling: true, stepMs: 10 });
            expect(events.map((e) => `${e.replica} ${e.type}`)).toEqual([
              'replica-1 deploy',
              'replica-1 write',
              'replica-2 read',
              'replica-2 deploy',
              'replica-3 deploy',
            ]);
            expect(app.readFailures()).toEqual([]);
            continue;
          }
          // The runbook order: replica-1 writes under kek-v2 at once, and replica-2 has only kek-v1.
          await app.deploy({ primary: v2, previous: v1 }, { rolling: true, stepMs: 10 });
          expect(events.map((e) => `${e.replica} ${e.type}`)).toEqual([
            'replica-1 deploy',
            'replica-1 write',
            'replica-2 read-failed',
            'replica-2 deploy',
            'replica-3 deploy',
          ]);
          const failed = events.find((e) => e.type === 'read-failed') as Extract<AppEvent, { type: 'read-failed' }>;
          expect(failed).toMatchObject({ keyId: 'kek-v2', reason: 'no key for kek-v2' });
          expect(app.readFailures()).toEqual([
            expect.objectContaining({ replica: 'replica-2', id: failed.id, keyId: 'kek-v2' }),
          ]);
          picked.push(sandbox.ledger.ids().indexOf(failed.id));
          // All at once: no replica lags, so no such request.
          events.length = 0;
          await app.deploy({ primary: v2 });
          expect(events.map((e) => e.type)).toEqual(['deploy', 'deploy', 'deploy']);
        } finally {
          await sandbox.close();
          await drop();
        }
      }
      // The same seed picks the same row.
      expect(picked[0]).toBeGreaterThanOrEqual(0);
      expect(picked[1]).toBe(picked[0]);
    },
  );

  it.skipIf(!backend.available)(
    'inserts, re-saves and deletes through ordinary SQL, and the ledger follows',
    async () => {
      const { db, drop } = await backend.fresh();
      const sandbox = await createSandbox({ db, rows: 10 });
      try {
        const app = sandbox.startApp({ replicas: 1, ratePerSecond: 0 });
        const inserted = await app.perform('replica-1', { kind: 'insert' });
        expect(inserted?.type).toBe('insert');
        const newId = (inserted as Extract<AppEvent, { type: 'insert' }>).id;
        expect(sandbox.ledger.has(newId)).toBe(true);

        const keyed = sandbox.ledger.ids().find((id) => typeof sandbox.plaintextOf(id) === 'string')!;
        const before = sandbox.plaintextOf(keyed);
        await app.perform('replica-1', { kind: 'update', id: keyed, mode: 'resave' });
        expect(sandbox.plaintextOf(keyed)).toBe(before);
        await app.perform('replica-1', { kind: 'update', id: keyed, mode: 'new-key' });
        expect(sandbox.plaintextOf(keyed)).not.toBe(before);

        expect(await app.perform('replica-1', { kind: 'delete', id: keyed })).toMatchObject({
          type: 'delete',
          id: keyed,
        });
        expect(sandbox.ledger.wasDeleted(keyed)).toBe(true);
        expect(await app.perform('replica-1', { kind: 'read', id: keyed })).toBeUndefined();
        const { rows } = await db.query('SELECT count(*)::int AS n FROM llm_providers');
        expect(rows[0]).toEqual({ n: 10 });
      } finally {
        await sandbox.close();
        await drop();
      }
    },
  );

  it.skipIf(!backend.available)('runs by itself at the given rate and stops cleanly', async () => {
    const { db, drop } = await backend.fresh();
    const sandbox = await createSandbox({ db, rows: 15 });
    try {
      const app = sandbox.startApp({ replicas: 3, ratePerSecond: 60 });
      const events: AppEvent[] = [];
      app.subscribe((e) => events.push(e));
      await new Promise((r) => setTimeout(r, 800));
      await app.stop();
      const count = events.length;
      expect(count).toBeGreaterThan(5);
      expect(new Set(events.map((e) => e.replica)).size).toBe(3);
      expect(events.some((e) => e.type === 'error')).toBe(false);
      await new Promise((r) => setTimeout(r, 200));
      expect(events.length).toBe(count);
    } finally {
      await sandbox.close();
      await drop();
    }
  });

  it.skipIf(!backend.available)(
    'refuses a configuration with a duplicate key id, as the application does',
    async () => {
      const { db, drop } = await backend.fresh();
      const sandbox = await createSandbox({ db, rows: 1 });
      try {
        const app = sandbox.startApp({ replicas: 1, ratePerSecond: 0 });
        await expect(app.deploy({ primary: generateKek('kek-v1'), previous: sandbox.initialKey })).rejects.toThrow(
          /already used/,
        );
        expect(app.replicas()[0]!.keyIds).toEqual(['kek-v1']);
      } finally {
        await sandbox.close();
        await drop();
      }
    },
  );
});
