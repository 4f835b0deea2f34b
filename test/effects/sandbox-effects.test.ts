// The rehearsal's effects through the real runbook machine: deploys reach the simulated application,
// the tool's keys follow its deployed configuration, and scenarios end with the debrief they should.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSandboxEffects } from '../../src/effects/sandbox-effects.js';
import { openJournalWriter, readJournal } from '../../src/journal/index.js';
import { applyScenario, createSandbox, debrief, type JournalEntryLike, type Sandbox } from '../../src/sandbox/index.js';
import { BACKENDS, perTestSchema } from '../helpers/test-db.js';
import { keyIdCounts, operate, tempDir } from './effects-harness.js';

const backends = BACKENDS.map(perTestSchema);
afterAll(async () => {
  for (const b of backends) await b.closeAll();
});

describe.each(backends)('sandbox effects on $name', (backend) => {
  const live = it.skipIf(!backend.available);

  async function start(scenario: string) {
    const fresh = await backend.fresh();
    const sandbox: Sandbox = await createSandbox({ db: fresh.db, rows: 20, seed: 5 });
    await applyScenario(sandbox, scenario);
    const dir = tempDir();
    const journalPath = join(dir, 'journal.jsonl');
    const effects = createSandboxEffects({ sandbox, journal: openJournalWriter(journalPath), batchSize: 6, cwd: dir });
    const judge = async () => debrief(sandbox, readJournal(journalPath).entries as unknown as JournalEntryLike[]);
    return {
      sandbox,
      effects,
      judge,
      done: async () => {
        await sandbox.close();
        await fresh.drop();
      },
    };
  }

  live(
    'happy-path: the standard rotation through the machine passes the debrief, every deploy applied to the application',
    async () => {
      const { sandbox, effects, judge, done } = await start('happy-path');
      const op = operate(effects);
      await op.at('preflight.ready');
      op.send({ type: 'CHOOSE_PATH', path: 'rotate' });
      await op.at('generate.show');
      op.send({ type: 'REVEAL_KEY' }, { type: 'CONFIRM' }, { type: 'CHOOSE_DEPLOY', plan: 'staged' });
      await op.at('deploy.stageA');
      op.send({ type: 'CONFIRM' });
      await op.at('deploy.stageB');
      expect(sandbox.deployed.primary.id).toBe('kek-v1');
      expect(sandbox.deployed.previous?.id).toBe('kek-v2');
      op.send({ type: 'CONFIRM' });
      await op.at('reencrypt.dryRunReview');
      op.send({ type: 'CONFIRM' });
      await op.at('reencrypt.liveReview');
      op.send({ type: 'CONFIRM' });
      await op.at('verify.passed');
      op.send({ type: 'CONFIRM' });
      await op.at('remove.confirmDeploy');
      op.send({ type: 'CONFIRM' });
      await op.at('done.summary');
      op.send({ type: 'QUIT' });
      expect(sandbox.deployLog().map((d) => d.keyIds)).toEqual([
        ['kek-v1', 'kek-v2'],
        ['kek-v2', 'kek-v1'],
        ['kek-v2'],
      ]);
      const report = await judge();
      expect(report.criteria.filter((c) => c.outcome === 'failed')).toEqual([]);
      expect(report.passed).toBe(true);
      expect(report.phases.map((p) => p.phase)).toEqual(
        expect.arrayContaining(['preflight', 'generate', 'deploy', 'reencrypt', 'verify', 'remove']),
      );
      const counts = await keyIdCounts(sandbox.db);
      expect(Object.keys(counts).filter((k) => k !== 'NULL')).toEqual(['kek-v2']);
      await done();
    },
    240_000,
  );

  live(
    'removed-too-early: preflight blocks, the rollback re-adds the archived old key, and the rotation finishes',
    async () => {
      const { sandbox, effects, judge, done } = await start('removed-too-early');
      const op = operate(effects);
      await op.at('preflight.blocked');
      expect(op.actor.getSnapshot().context.stray.map((s) => s.keyId)).toEqual(['kek-v1']);
      op.send({ type: 'START_ROLLBACK' });
      await op.at('rollback.readdOld');
      op.send({ type: 'CONFIRM' });
      await op.at('reencrypt.dryRunReview');
      expect(sandbox.deployed.previous?.id).toBe('kek-v1');
      op.send({ type: 'CONFIRM' });
      await op.at('reencrypt.liveReview');
      op.send({ type: 'CONFIRM' });
      await op.at('verify.passed');
      op.send({ type: 'CONFIRM' });
      await op.at('remove.confirmDeploy');
      op.send({ type: 'CONFIRM' });
      await op.at('done.summary');
      op.send({ type: 'QUIT' });
      const report = await judge();
      expect(report.criteria.filter((c) => c.outcome === 'failed')).toEqual([]);
      expect(report.passed).toBe(true);
      await done();
    },
    240_000,
  );

  live(
    'tampered-row: the dry run names the damaged row in the journal and leaves it as it was; quitting there fails the scenario',
    async () => {
      const { sandbox, effects, judge, done } = await start('tampered-row');
      const op = operate(effects);
      await op.at('preflight.ready');
      op.send({ type: 'CHOOSE_PATH', path: 'rotate' });
      await op.at('generate.show');
      op.send({ type: 'REVEAL_KEY' }, { type: 'CONFIRM' }, { type: 'CHOOSE_DEPLOY', plan: 'runbook' });
      await op.at('deploy.both');
      op.send({ type: 'CONFIRM' });
      await op.at('reencrypt.dryRunReview');
      const [tamperedId] = [...sandbox.scenario!.tampered.keys()];
      expect(op.actor.getSnapshot().context.failures.map((f) => f.id)).toContain(tamperedId);
      op.send({ type: 'QUIT' });
      const report = await judge();
      expect(report.criteria.find((c) => c.id === 'tampered-row-reported')?.outcome).toBe('passed');
      expect(report.criteria.find((c) => c.id === 'tampered-row-untouched')?.outcome).toBe('passed');
      // Quit before the live run: the rotation is not done, so the scenario is not passed.
      expect(report.passed).toBe(false);
      await done();
    },
    240_000,
  );
});
