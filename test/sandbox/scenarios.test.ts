// Every scenario: its setup plants what it says, and the debrief passes when the trainee does the
// right thing and fails (naming why) when they do not. Deploys go through the sandbox, re-encryption
// through the real engine, concurrent application writes through the simulated replicas.
import { afterAll, describe, expect, it } from 'vitest';
import { listScenarios } from '../../runbook/scenarios/index.js';
import { generateKek } from '../../src/crypto/generate-key.js';
import { makeKeyRing } from '../../src/crypto/key-ring.js';
import { peekKeyId } from '../../src/crypto/payload.js';
import { applyScenario } from '../../src/sandbox/apply-scenario.js';
import { applyDeployByIds } from '../../src/sandbox/deploy-by-ids.js';
import type { CriterionResult } from '../../src/sandbox/criteria.js';
import { debrief, type Debrief } from '../../src/sandbox/debrief.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';
import { UserError } from '../../src/errors.js';
import { BACKENDS, perTestSchema } from '../helpers/test-db.js';
import { journalFrom, reencrypt, standardRotation } from './scenario-driver.js';

const backends = BACKENDS.map(perTestSchema);
afterAll(async () => {
  for (const b of backends) await b.closeAll();
});

function outcome(report: Debrief, id: CriterionResult['id']): CriterionResult['outcome'] {
  const found = report.criteria.find((c) => c.id === id);
  if (!found) throw new Error(`criterion ${id} not in the debrief`);
  return found.outcome;
}

function failedIds(report: Debrief): string[] {
  return report.criteria.filter((c) => c.outcome === 'failed').map((c) => c.id);
}

async function keyIdOf(sandbox: Sandbox, id: string): Promise<string | undefined> {
  const { rows } = await sandbox.db.query<{ v: Buffer }>(
    'SELECT api_key_encrypted AS v FROM llm_providers WHERE id = $1',
    [id],
  );
  return rows[0] ? peekKeyId(rows[0].v) : undefined;
}

it('lists the six scenarios, each with a goal, a setup and pass criteria', () => {
  expect(listScenarios().map((s) => s.name)).toEqual([
    'happy-path',
    'rolling-deploy',
    'stray-old-key',
    'tampered-row',
    'removed-too-early',
    'compromised-key',
  ]);
  for (const s of listScenarios()) {
    expect(s.goal.length).toBeGreaterThan(20);
    expect(s.passCriteria.length).toBeGreaterThan(1);
  }
});

describe.each(backends)('scenarios on $name', (backend) => {
  let clock = Date.now();
  async function start(name: string | undefined, rows = 30): Promise<{ sandbox: Sandbox; done: () => Promise<void> }> {
    const fresh = await backend.fresh();
    clock = Date.now();
    const sandbox = await createSandbox({ db: fresh.db, rows, seed: 11, now: () => clock });
    if (name) await applyScenario(sandbox, name);
    return {
      sandbox,
      done: async () => {
        await sandbox.close();
        await fresh.drop();
      },
    };
  }
  const live = it.skipIf(!backend.available);

  live('an unknown scenario is a user error naming the scenarios', async () => {
    const { sandbox, done } = await start(undefined, 1);
    await expect(applyScenario(sandbox, 'nope')).rejects.toThrow(UserError);
    await done();
  });

  live('happy-path passes: standard rotation while replicas keep writing, every write kept', async () => {
    const { sandbox, done } = await start('happy-path');
    try {
      const app = sandbox.startApp({ replicas: 3, ratePerSecond: 40 });
      const v2 = generateKek('kek-v2');
      const ids = sandbox.ledger.ids();
      // Besides the replicas' own pace, a burst of updates that is sure to overlap the engine's batches.
      const writer = (async () => {
        for (let i = 0; i < 20; i++)
          await app.perform(`replica-${(i % 3) + 1}`, { kind: 'update', id: ids[i % ids.length]!, mode: 'new-key' });
      })();
      await Promise.all([standardRotation(sandbox, sandbox.initialKey, v2), writer]);
      const report = await debrief(sandbox);
      expect(app.stats().reduce((n, s) => n + s.writes, 0)).toBeGreaterThanOrEqual(20);
      expect(failedIds(report)).toEqual([]);
      expect(report.passed).toBe(true);
      expect(report.rows.byKeyId).toEqual({ 'kek-v2': report.rows.total - report.rows.nulls });
      expect(report.lostWrites).toEqual([]);
      expect(report.scenario?.name).toBe('happy-path');
    } finally {
      await done();
    }
  });

  live(
    'happy-path fails: a write overwritten by a tool without compare-and-swap, and the new key made sole primary at once',
    async () => {
      const { sandbox, done } = await start('happy-path');
      try {
        const app = sandbox.startApp({ replicas: 2, ratePerSecond: 0 });
        const v2 = generateKek('kek-v2');
        const id = sandbox.ledger.ids().find((i) => typeof sandbox.plaintextOf(i) === 'string')!;
        // The reference tool reads the row, the application changes it, the tool writes its stale copy back.
        const { rows } = await sandbox.db.query<{ v: Buffer }>(
          'SELECT api_key_encrypted AS v FROM llm_providers WHERE id = $1',
          [id],
        );
        await app.perform('replica-1', { kind: 'update', id, mode: 'new-key' });
        await sandbox.db.query('UPDATE llm_providers SET api_key_encrypted = $1 WHERE id = $2', [rows[0]!.v, id]);
        await sandbox.applyDeploy({ primary: v2 });
        const other = sandbox.ledger.ids().find((i) => i !== id && typeof sandbox.plaintextOf(i) === 'string')!;
        expect(await app.perform('replica-2', { kind: 'read', id: other })).toMatchObject({
          type: 'read-failed',
          reason: 'no key for kek-v1',
        });
        const report = await debrief(sandbox);
        expect(report.passed).toBe(false);
        expect(report.lostWrites).toEqual([id]);
        expect(failedIds(report)).toEqual(
          expect.arrayContaining(['no-lost-writes', 'all-rows-on-deployed-primary', 'no-replica-read-failures']),
        );
        expect(report.replicaReadFailures).toEqual([{ replica: 'replica-2', count: 1, keyIds: ['kek-v1'] }]);
      } finally {
        await done();
      }
    },
  );

  live('rolling-deploy passes with the staged deploy: no replica ever meets a key it lacks', async () => {
    const { sandbox, done } = await start('rolling-deploy');
    try {
      sandbox.deployStyle = { rolling: true, stepMs: 300 };
      const app = sandbox.startApp({ replicas: 3, ratePerSecond: 0 });
      const v1 = sandbox.initialKey;
      const v2 = generateKek('kek-v2');
      const id = sandbox.ledger.ids()[2]!;
      for (const config of [
        { primary: v1, previous: v2 },
        { primary: v2, previous: v1 },
      ]) {
        const deploying = sandbox.applyDeploy(config);
        await app.perform('replica-1', { kind: 'update', id, mode: 'new-key' });
        await app.perform('replica-3', { kind: 'read', id });
        await deploying;
      }
      await reencrypt(sandbox, makeKeyRing(v2, v1));
      await sandbox.applyDeploy({ primary: v2 });
      const report = await debrief(sandbox);
      expect(app.readFailures()).toEqual([]);
      expect(failedIds(report)).toEqual([]);
      expect(report.passed).toBe(true);
    } finally {
      await done();
    }
  });

  live('rolling-deploy fails with the runbook order: an old replica cannot read what a new one wrote', async () => {
    const { sandbox, done } = await start('rolling-deploy');
    try {
      sandbox.deployStyle = { rolling: true, stepMs: 300 };
      const app = sandbox.startApp({ replicas: 3, ratePerSecond: 0 });
      const v2 = generateKek('kek-v2');
      const id = sandbox.ledger.ids()[2]!;
      const deploying = sandbox.applyDeploy({ primary: v2, previous: sandbox.initialKey });
      await app.perform('replica-1', { kind: 'update', id, mode: 'new-key' });
      expect(await app.perform('replica-3', { kind: 'read', id })).toMatchObject({
        type: 'read-failed',
        keyId: 'kek-v2',
      });
      await deploying;
      await reencrypt(sandbox, makeKeyRing(v2, sandbox.initialKey));
      await sandbox.applyDeploy({ primary: v2 });
      // Besides the test's own request, the deploy's half-way request (seeded) failed too.
      expect(
        app
          .readFailures()
          .map((f) => [f.replica, f.keyId])
          .sort(),
      ).toEqual([
        ['replica-2', 'kek-v2'],
        ['replica-3', 'kek-v2'],
      ]);
      const report = await debrief(sandbox);
      expect(failedIds(report)).toEqual(['staged-deploy', 'no-replica-read-failures']);
      expect(report.lesson).toMatch(/choose the staged deploy/);
      expect(report.lesson).not.toMatch(/Deploying the new key as decrypt-only first/);
    } finally {
      await done();
    }
  });

  live(
    'stray-old-key: rows planted on kek-v0; repaired with the archived key it passes, rotated over them it fails',
    async () => {
      for (const repair of [true, false]) {
        const { sandbox, done } = await start('stray-old-key');
        try {
          const state = sandbox.scenario!;
          expect(state.strayIds).toHaveLength(6);
          for (const id of state.strayIds) expect(await keyIdOf(sandbox, id)).toBe('kek-v0');
          const v0 = sandbox.archivedKeys[0]!;
          expect(v0.id).toBe('kek-v0');
          const v1 = sandbox.initialKey;
          const v2 = generateKek('kek-v2');
          if (repair) {
            // The repair as the runbook does it: kek-v0 back as the previous key, re-encrypt, remove it again.
            await sandbox.applyDeploy({ primary: v1, previous: v0 });
            const summary = await reencrypt(sandbox, makeKeyRing(v1, v0));
            expect(summary.failures).toEqual([]);
            await sandbox.applyDeploy({ primary: v1 });
            await standardRotation(sandbox, v1, v2);
          } else {
            await sandbox.applyDeploy({ primary: v2, previous: v1 });
            const summary = await reencrypt(sandbox, makeKeyRing(v2, v1));
            expect(summary.failures.map((f) => f.problem)).toEqual(Array(6).fill('unknown-key-id'));
            await sandbox.applyDeploy({ primary: v2 });
          }
          const report = await debrief(sandbox);
          expect(report.passed).toBe(repair);
          if (!repair) {
            expect(failedIds(report)).toEqual([
              'stray-rows-repaired',
              'readable-by-deployed-config',
              'all-rows-on-deployed-primary',
            ]);
            expect(report.strandedByDeployedConfig.map((s) => s.id).sort()).toEqual([...state.strayIds].sort());
          }
        } finally {
          await done();
        }
      }
    },
  );

  live(
    'tampered-row: the engine reports it and leaves it; overwriting it fails, and without a journal the report is not checked',
    async () => {
      const { sandbox, done } = await start('tampered-row');
      try {
        const [tamperedId] = [...sandbox.scenario!.tampered.keys()];
        expect(tamperedId).toBeDefined();
        const v2 = generateKek('kek-v2');
        sandbox.startApp({ replicas: 2, ratePerSecond: 30 });
        const dry = await reencrypt(sandbox, makeKeyRing(v2, sandbox.initialKey), { kind: 'dry-run' });
        expect(dry.failures.map((f) => [f.id, f.problem])).toEqual([[tamperedId, 'auth-failed']]);
        const summary = await standardRotation(sandbox, sandbox.initialKey, v2);
        expect(summary.failures.map((f) => f.id)).toEqual([tamperedId]);
        const report = await debrief(sandbox, journalFrom(summary));
        expect(failedIds(report)).toEqual([]);
        expect(outcome(report, 'tampered-row-reported')).toBe('passed');
        expect(report.unreadable.map((u) => u.id)).toEqual([tamperedId]);

        expect(outcome(await debrief(sandbox), 'tampered-row-reported')).toBe('not-checked');
        await sandbox.db.query('UPDATE llm_providers SET api_key_encrypted = NULL, api_key_set = false WHERE id = $1', [
          tamperedId,
        ]);
        const overwritten = await debrief(sandbox, [{ time: new Date().toISOString(), phase: 're-encrypt' }]);
        expect(failedIds(overwritten)).toEqual(['tampered-row-reported', 'tampered-row-untouched']);
      } finally {
        await done();
      }
    },
  );

  live(
    'removed-too-early: replicas fail on kek-v1 rows; the rollback passes, re-encrypting without redeploying fails',
    async () => {
      for (const rollback of [true, false]) {
        const { sandbox, done } = await start('removed-too-early');
        try {
          expect(sandbox.deployed.previous).toBeUndefined();
          expect(sandbox.deployed.primary.id).toBe('kek-v2');
          const v1 = sandbox.archivedKeys[0]!;
          expect(v1.id).toBe('kek-v1');
          const app = sandbox.startApp({ replicas: 2, ratePerSecond: 0 });
          const { rows } = await sandbox.db.query<{ id: string; v: Buffer }>(
            'SELECT id::text AS id, api_key_encrypted AS v FROM llm_providers WHERE api_key_encrypted IS NOT NULL',
          );
          const onV1 = rows.filter((r) => peekKeyId(r.v) === 'kek-v1');
          expect(onV1.length).toBeGreaterThan(3);
          expect(onV1.length).toBeLessThan(rows.length);
          clock += 1000;
          expect(await app.perform('replica-1', { kind: 'read', id: onV1[0]!.id })).toMatchObject({
            type: 'read-failed',
            reason: 'no key for kek-v1',
          });
          clock += 1000;
          const v2 = sandbox.deployed.primary;
          if (rollback) {
            await sandbox.applyDeploy({ primary: v2, previous: v1 });
            clock += 1000;
            expect(await app.perform('replica-2', { kind: 'read', id: onV1[1]!.id })).toMatchObject({ type: 'read' });
          }
          await reencrypt(sandbox, makeKeyRing(v2, undefined, [v1]));
          await sandbox.applyDeploy({ primary: v2 });
          const report = await debrief(sandbox);
          expect(report.passed).toBe(rollback);
          // Without the rollback, kek-v1 was never put back, so it was not "removed again" either.
          if (!rollback)
            expect(failedIds(report)).toEqual([
              'old-key-redeployed',
              'no-read-failures-after-rollback',
              'old-key-removed',
            ]);
        } finally {
          await done();
        }
      }
    },
  );

  live(
    'compromised-key: re-encrypted and removed in time passes with the credentials listed; rewrapped or too slow fails',
    async () => {
      for (const variant of ['pass', 'rewrap', 'slow'] as const) {
        const { sandbox, done } = await start('compromised-key');
        try {
          const state = sandbox.scenario!;
          expect(state.compromisedKeyId).toBe('kek-v1');
          const app = sandbox.startApp({ replicas: 2, ratePerSecond: 0 });
          const v2 = generateKek('kek-v2');
          clock += 60_000;
          await sandbox.applyDeploy({ primary: v2, previous: sandbox.initialKey });
          await reencrypt(sandbox, makeKeyRing(v2, sandbox.initialKey), {
            mode: variant === 'rewrap' ? 'rewrap' : 'reencrypt',
          });
          clock += variant === 'slow' ? 20 * 60_000 : 3 * 60_000;
          await sandbox.applyDeploy({ primary: v2 });
          expect(app.replicas().every((r) => r.keyIds.join() === 'kek-v2')).toBe(true);
          // The emergency path's steps, as the runbook journals them.
          const report = await debrief(sandbox, [
            {
              time: new Date(clock).toISOString(),
              rotationId: 'r',
              path: 'emergency',
              phase: 'emergency',
              step: 'emergency.reencrypting',
              outcome: 'ok',
            },
          ]);
          expect(report.credentialsToRotate.length).toBe(state.exposed.length);
          expect(report.credentialsToRotate[0]).toEqual({
            id: expect.any(String),
            name: expect.any(String),
            providerType: expect.any(String),
          });
          const expected = { pass: [], rewrap: ['fresh-data-keys'], slow: ['compromised-key-contained'] }[variant];
          expect(failedIds(report)).toEqual(expected);
          const contained = report.criteria.find((c) => c.id === 'compromised-key-contained')!;
          expect(contained.detail).toBe(
            variant === 'slow'
              ? 'kek-v1 out of service after 21 min 0 s, over the 15 min target'
              : 'kek-v1 out of service after 4 min 0 s (target: within 15 min)',
          );
          // Without a record of the emergency path, the same work is not the emergency path.
          expect(failedIds(await debrief(sandbox))).toEqual(['emergency-path', ...expected]);
        } finally {
          await done();
        }
      }
    },
  );

  live('a deploy named by key ids reaches every replica, and an unknown id is refused', async () => {
    const { sandbox, done } = await start('happy-path', 3);
    try {
      const app = sandbox.startApp({ replicas: 2, ratePerSecond: 0 });
      const v2 = generateKek('kek-v2');
      await expect(applyDeployByIds(sandbox, { primaryKeyId: 'kek-v2', previousKeyId: 'kek-v1' })).rejects.toThrow(
        UserError,
      );
      expect(await applyDeployByIds(sandbox, { primaryKeyId: 'kek-v2', previousKeyId: 'kek-v1' }, [v2])).toEqual({
        primaryKeyId: 'kek-v2',
        previousKeyId: 'kek-v1',
      });
      expect(app.replicas().map((r) => r.keyIds)).toEqual([
        ['kek-v2', 'kek-v1'],
        ['kek-v2', 'kek-v1'],
      ]);
      expect(sandbox.keys.get('kek-v2')).toBe(v2);
    } finally {
      await done();
    }
  });

  live('the debrief never contains a value the application wrote', async () => {
    const { sandbox, done } = await start('happy-path', 12);
    try {
      const report = await debrief(sandbox);
      const text = JSON.stringify(report);
      for (const id of sandbox.ledger.ids()) {
        const value = sandbox.plaintextOf(id);
        if (value) expect(text).not.toContain(value);
      }
      expect(report.passed).toBe(false); // nothing was rotated
    } finally {
      await done();
    }
  });
});
