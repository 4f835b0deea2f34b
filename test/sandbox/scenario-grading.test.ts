// Every scenario driven through the real runbook machine with the right and the wrong choices: the
// debrief grades what the trainee did (the path and decisions the lesson is about, not only the
// state of the data), passes nothing that needs an action when the trainee quits at once, and says
// only lessons about what was done.
import { afterAll, describe, expect, it } from 'vitest';
import { listScenarios } from '../../runbook/scenarios/index.js';
import { renderDebrief } from '../../src/cli/render-debrief.js';
import { describeAppEvent, followUpOf, type AppEvent, type Debrief } from '../../src/sandbox/index.js';
import type { CriterionResult } from '../../src/sandbox/criteria.js';
import { phaseTimes } from '../../src/ui/app/view-models.js';
import { emergency, quit, rehearse, rollback, standardRotation, type Rehearsal } from './machine-session.js';
import { BACKENDS, perTestSchema } from '../helpers/test-db.js';

const backends = BACKENDS.map(perTestSchema);
afterAll(async () => {
  for (const b of backends) await b.closeAll();
});

const LONG = 240_000;

function outcomes(report: Debrief): Record<string, CriterionResult['outcome']> {
  return Object.fromEntries(report.criteria.map((c) => [c.id, c.outcome]));
}

function criterion(report: Debrief, id: CriterionResult['id']): CriterionResult {
  const found = report.criteria.find((c) => c.id === id);
  if (!found) throw new Error(`criterion ${id} not in the debrief`);
  return found;
}

function failedIds(report: Debrief): string[] {
  return report.criteria.filter((c) => c.outcome === 'failed').map((c) => c.id);
}

/** The lessons the scenario holds for an outcome of a criterion. */
function lessonOf(scenario: string, id: CriterionResult['id'], outcome: 'passed' | 'failed'): string {
  const text = listScenarios()
    .find((s) => s.name === scenario)
    ?.passCriteria.find((c) => c.id === id)?.lesson?.[outcome];
  if (!text) throw new Error(`no ${outcome} lesson for ${id} in ${scenario}`);
  return text;
}

/** Every lesson line belongs to a criterion with that very outcome: never one about something not done. */
function expectLessonsMatchOutcomes(report: Debrief): void {
  expect(report.lessons.length).toBeGreaterThan(0);
  for (const line of report.lessons) expect(criterion(report, line.criterion).outcome).toBe(line.outcome);
}

it('every scenario puts the path or decision its lesson is about among its criteria, each with a lesson', () => {
  const pathCriteria: Record<string, string> = {
    'happy-path': 'old-key-removed',
    'rolling-deploy': 'staged-deploy',
    'stray-old-key': 'stray-rows-repaired',
    'tampered-row': 'tampered-row-reported',
    'removed-too-early': 'old-key-redeployed',
    'compromised-key': 'emergency-path',
  };
  for (const scenario of listScenarios()) {
    const ids = scenario.passCriteria.map((c) => c.id);
    expect(ids, scenario.name).toContain(pathCriteria[scenario.name]);
    for (const c of scenario.passCriteria) expect(c.lesson?.failed, `${scenario.name}: ${c.id}`).toBeTruthy();
  }
});

describe.each(backends)('scenarios graded through the machine on $name', (backend) => {
  const live = it.skipIf(!backend.available);

  async function withRehearsal(scenario: string, body: (r: Rehearsal) => Promise<void>): Promise<void> {
    const r = await rehearse(backend, scenario);
    try {
      await body(r);
    } finally {
      await r.done();
    }
  }

  live(
    'quitting at once passes nothing in any scenario: every criterion fails or is not checked, and the lesson is only about what failed',
    async () => {
      for (const scenario of listScenarios()) {
        await withRehearsal(scenario.name, async (r) => {
          const op = r.session();
          await op.at(
            scenario.name === 'stray-old-key' || scenario.name === 'removed-too-early'
              ? 'preflight.blocked'
              : 'preflight.ready',
          );
          quit(r, op);
          const report = await r.judge();
          expect(report.passed, scenario.name).toBe(false);
          expect(
            report.criteria.filter((c) => c.outcome === 'passed'),
            scenario.name,
          ).toEqual([]);
          expect(
            report.lessons.every((l) => l.outcome === 'failed'),
            scenario.name,
          ).toBe(true);
          expectLessonsMatchOutcomes(report);
        });
      }
    },
    LONG,
  );

  live(
    'happy-path: the standard rotation passes with the lessons of what was done; the debrief times the phases as the summary screen does',
    async () => {
      await withRehearsal('happy-path', async (r) => {
        const op = r.session();
        await standardRotation(r, op, 'runbook');
        const summaryTimes = phaseTimes(op.actor.getSnapshot().context.phaseStartedAt);
        quit(r, op);
        const report = await r.judge();
        expect(failedIds(report)).toEqual([]);
        expect(report.criteria.every((c) => c.outcome === 'passed')).toBe(true);
        expect(report.passed).toBe(true);
        expect(report.lesson).toContain(lessonOf('happy-path', 'no-lost-writes', 'passed'));
        expectLessonsMatchOutcomes(report);
        // The summary screen showed these times; the debrief prints the same ones.
        expect(summaryTimes).toBe(
          'preflight 1:00 · generate 1:00 · deploy 1:00 · reencrypt 2:00 · verify 1:00 · remove 1:00',
        );
        expect(renderDebrief(report, 200)).toContain(`Time per phase: ${summaryTimes}`);
        // Without the stamps, rebuilt from the recorded steps: the same again.
        expect(renderDebrief(await r.judge({ stamps: false }), 200)).toContain(`Time per phase: ${summaryTimes}`);
      });
    },
    LONG,
  );

  live(
    'rolling-deploy: the runbook order makes a replica fail to read a value (seeded, every time) and fails the scenario, saying why',
    async () => {
      await withRehearsal('rolling-deploy', async (r) => {
        const feed: AppEvent[] = [];
        r.sandbox.app!.subscribe((event) => feed.push(event));
        const op = r.session();
        await standardRotation(r, op, 'runbook');
        quit(r, op);
        // The activity feed under the screen showed the failure as it happened.
        const failure = feed.find((e) => e.type === 'read-failed');
        expect(failure).toMatchObject({
          type: 'read-failed',
          replica: 'replica-2',
          keyId: 'kek-v2',
          reason: 'no key for kek-v2',
        });
        expect(describeAppEvent(failure!)).toMatch(/^replica-2: READ FAILED [0-9a-f-]{36}: no key for kek-v2$/);
        const report = await r.judge();
        expect(report.passed).toBe(false);
        expect(failedIds(report)).toEqual(['staged-deploy', 'no-replica-read-failures']);
        expect(criterion(report, 'staged-deploy').detail).toMatch(
          /kek-v2 was primary in the first deploy that carried it \(runbook order\)/,
        );
        expect(criterion(report, 'no-replica-read-failures').detail).toMatch(/^1 failed read\(s\): replica-2\//);
        expect(report.lesson).toContain(lessonOf('rolling-deploy', 'staged-deploy', 'failed'));
        expect(report.lesson).not.toContain(lessonOf('rolling-deploy', 'staged-deploy', 'passed'));
        expectLessonsMatchOutcomes(report);
      });
    },
    LONG,
  );

  live(
    'rolling-deploy: the staged deploy passes, no replica ever failing to read, with the lesson of the staged deploy',
    async () => {
      await withRehearsal('rolling-deploy', async (r) => {
        const op = r.session();
        await standardRotation(r, op, 'staged');
        quit(r, op);
        expect(r.sandbox.app!.readFailures()).toEqual([]);
        const report = await r.judge();
        expect(failedIds(report)).toEqual([]);
        expect(report.passed).toBe(true);
        expect(criterion(report, 'staged-deploy')).toMatchObject({
          outcome: 'passed',
          detail: 'kek-v2 went out decrypt-only first (2a), then became primary (2b)',
        });
        expect(report.lesson).toContain(lessonOf('rolling-deploy', 'staged-deploy', 'passed'));
        expectLessonsMatchOutcomes(report);
      });
    },
    LONG,
  );

  live(
    'compromised-key: the emergency path passes with the time taken against the target; the standard path fails, saying why',
    async () => {
      for (const path of ['emergency', 'standard'] as const) {
        await withRehearsal('compromised-key', async (r) => {
          const op = r.session();
          if (path === 'emergency') await emergency(r, op);
          else await standardRotation(r, op, 'runbook');
          quit(r, op);
          const report = await r.judge();
          const contained = criterion(report, 'compromised-key-contained');
          if (path === 'emergency') {
            expect(failedIds(report)).toEqual([]);
            expect(report.passed).toBe(true);
            // Five key presses a minute apart: kek-v1 left the last replica at the fourth.
            expect(contained.detail).toBe('kek-v1 out of service after 4 min 0 s (target: within 15 min)');
            expect(report.lesson).toContain(lessonOf('compromised-key', 'emergency-path', 'passed'));
          } else {
            expect(report.passed).toBe(false);
            expect(failedIds(report)).toEqual(['emergency-path']);
            expect(criterion(report, 'emergency-path').detail).toBe(
              'you took the standard rotation (Enter at preflight), not the emergency path (e)',
            );
            expect(contained.detail).toMatch(/^kek-v1 out of service after \d+ min \d+ s \(target: within 15 min\)$/);
            expect(report.lesson).toContain(lessonOf('compromised-key', 'emergency-path', 'failed'));
            expect(report.lesson).not.toContain(lessonOf('compromised-key', 'emergency-path', 'passed'));
          }
          expectLessonsMatchOutcomes(report);
        });
      }
    },
    LONG,
  );

  live(
    'stray-old-key: after the repair the rotation is offered; repair then rotation passes, the repair alone fails for the rotation not done',
    async () => {
      for (const rotate of [true, false]) {
        await withRehearsal('stray-old-key', async (r) => {
          const repair = r.session();
          await rollback(r, repair);
          quit(r, repair);
          expect(r.sandbox.deployed.primary.id).toBe('kek-v1');
          const offer = followUpOf(r.sandbox);
          expect(offer?.text).toMatch(
            /The repair is done: the rows that were on kek-v0 are on kek-v1.*rotation of kek-v1 to a new key/,
          );
          if (rotate) {
            const rotation = r.session();
            await standardRotation(r, rotation, 'runbook');
            quit(r, rotation);
            expect(followUpOf(r.sandbox)).toBeUndefined();
          }
          const report = await r.judge();
          expect(report.passed).toBe(rotate);
          expect(criterion(report, 'stray-rows-repaired').outcome).toBe('passed');
          if (rotate) {
            expect(failedIds(report)).toEqual([]);
            expect(report.phases.map((p) => p.session)).toEqual(expect.arrayContaining(['1. repair', '2. rotation']));
          } else {
            expect(failedIds(report)).toEqual(['all-rows-on-deployed-primary', 'old-key-removed']);
            expect(report.lesson).toContain('The repair was only the first half');
          }
          expectLessonsMatchOutcomes(report);
        });
      }
    },
    LONG,
  );

  live(
    'tampered-row: rotating past the damaged row passes with sentences that agree with the row counts; quitting after the dry run fails',
    async () => {
      for (const finish of [true, false]) {
        await withRehearsal('tampered-row', async (r) => {
          const [tamperedId] = [...r.sandbox.scenario!.tampered.keys()];
          const op = r.session();
          await op.at('preflight.ready');
          op.send({ type: 'CHOOSE_PATH', path: 'rotate' });
          await op.at('generate.show');
          op.send({ type: 'REVEAL_KEY' }, { type: 'CONFIRM' }, { type: 'CHOOSE_DEPLOY', plan: 'runbook' });
          await op.at('deploy.both');
          op.send({ type: 'CONFIRM' });
          await op.at('reencrypt.dryRunReview');
          if (finish) {
            op.send({ type: 'CONFIRM' });
            await op.at('reencrypt.liveReview');
            op.send({ type: 'CONFIRM' });
            // The damaged row is still on kek-v1: removal is refused, and the trainee stops there.
            await op.at('verify.refused');
          }
          quit(r, op);
          const report = await r.judge();
          expect(report.passed).toBe(finish);
          if (!finish) {
            expect(failedIds(report)).toEqual(['all-rows-on-deployed-primary']);
            return;
          }
          expect(failedIds(report)).toEqual([]);
          const onV2 = report.rows.byKeyId['kek-v2'];
          expect(report.rows.byKeyId).toEqual({ 'kek-v2': onV2, 'kek-v1': 1 });
          // Never "every row is on kek-v2" beside "1 on kek-v1".
          expect(criterion(report, 'all-rows-on-deployed-primary').detail).toBe(
            `every other row is on kek-v2; the 1 damaged row (${tamperedId}, on kek-v1) stays as it was`,
          );
          expect(criterion(report, 'no-unreadable-rows').detail).toBe(
            `every other row decrypts; the 1 damaged row (${tamperedId}, on kek-v1) does not, as planted`,
          );
          const text = renderDebrief(report);
          expect(text).toContain(`1 on kek-v1`);
          expect(text).not.toMatch(/every row is on kek-v2/);
          expectLessonsMatchOutcomes(report);
        });
      }
    },
    LONG,
  );

  live(
    'removed-too-early: the rollback passes; quitting at preflight never says the old key was removed again',
    async () => {
      for (const rollBack of [true, false]) {
        await withRehearsal('removed-too-early', async (r) => {
          const op = r.session();
          if (rollBack) await rollback(r, op);
          else await op.at('preflight.blocked');
          quit(r, op);
          const report = await r.judge();
          expect(report.passed).toBe(rollBack);
          if (rollBack) {
            expect(failedIds(report)).toEqual([]);
            expect(criterion(report, 'old-key-removed')).toMatchObject({
              outcome: 'passed',
              detail: 'only kek-v2 is deployed: you removed kek-v1',
            });
          } else {
            expect(outcomes(report)['old-key-removed']).toBe('failed');
            expect(criterion(report, 'old-key-removed').detail).toMatch(
              /kek-v1 was already out of the deploy when you started, and no deploy of yours put it back/,
            );
            expect(report.lesson).toContain(lessonOf('removed-too-early', 'old-key-redeployed', 'failed'));
          }
          expectLessonsMatchOutcomes(report);
        });
      }
    },
    LONG,
  );
});
