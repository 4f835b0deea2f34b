// The side paths: stop during re-encryption, rollback after removal, emergency, preflight
// blocking, verify refusing removal, and resuming a rotation from the database and the journal.
import { describe, expect, it } from 'vitest';
import { resumePoint } from '../../src/journal/resume.js';
import { sanitizeEntry } from '../../src/journal/sanitize.js';
import { drive } from './drive.js';

async function toLive(d: ReturnType<typeof drive>) {
  await d.at('preflight.ready');
  d.send({ type: 'CHOOSE_PATH', path: 'rotate' });
  await d.at('generate.show');
  d.send({ type: 'REVEAL_KEY' }, { type: 'CONFIRM' });
  await d.at('deploy.choose');
  d.send({ type: 'CHOOSE_DEPLOY', plan: 'runbook' }, { type: 'CONFIRM' });
  await d.at('reencrypt.dryRunReview');
  d.send({ type: 'CONFIRM' });
}

describe('stop during re-encryption', () => {
  it('pauses (aborting the run), resumes, then stops safely and continues later', async () => {
    const d = drive({ holdLive: true });
    await toLive(d);
    await d.at('reencrypt.live');
    d.send({ type: 'PAUSE' });
    await d.at('reencrypt.paused');
    await new Promise((r) => setTimeout(r, 10));
    expect(d.world.runs.at(-1)).toMatchObject({ kind: 'live', aborted: true });
    expect(d.actor.getSnapshot().context.engine.paused).toBe(true);
    d.send({ type: 'RESUME' });
    await d.at('reencrypt.live');
    expect(d.world.runs.filter((r) => r.kind === 'live')).toHaveLength(2);
    d.send({ type: 'ABORT' });
    await d.at('stopped.safe');
    expect(d.world.journal.some((e) => e.step === 'stopped.safe' && e.outcome === 'cancelled')).toBe(true);
    d.world.holdLive = false;
    d.send({ type: 'RESUME' });
    await d.at('reencrypt.dryRunReview');
  });
});

describe('rollback after removal', () => {
  it('re-adds the old key as previous, re-encrypts, verifies and removes it again', async () => {
    const d = drive();
    await toLive(d);
    await d.at('reencrypt.liveReview');
    d.send({ type: 'CONFIRM' });
    await d.at('verify.passed');
    d.send({ type: 'CONFIRM' });
    await d.at('remove.confirmDeploy');
    // A replica restored from an old backup writes rows under the old key while the removal deploys.
    d.world.rows['kek-v1'] = 3;
    d.send({ type: 'CONFIRM' });
    await d.at('remove.notMigrated');
    d.send({ type: 'START_ROLLBACK' });
    await d.at('rollback.readdOld');
    d.send({ type: 'CONFIRM' });
    await d.at('reencrypt.dryRunReview');
    expect(d.world.config).toEqual({ primaryKeyId: 'kek-v2', previousKeyId: 'kek-v1' });
    d.send({ type: 'CONFIRM' });
    await d.at('reencrypt.liveReview');
    d.send({ type: 'CONFIRM' });
    await d.at('verify.passed');
    d.send({ type: 'CONFIRM' });
    await d.at('remove.confirmDeploy');
    d.send({ type: 'CONFIRM' });
    await d.at('done.summary');
    expect(d.world.rows).toEqual({ 'kek-v2': 13 });
    expect(d.world.deploys.map((x) => x.stage)).toEqual(['both', 'remove', 'rollback', 'remove']);
    expect(d.actor.getSnapshot().context.path).toBe('rollback');
  });

  it('is offered from the summary when the operator says data was not migrated', async () => {
    const d = drive({ config: { primaryKeyId: 'kek-v2', previousKeyId: 'kek-v1' }, rows: { 'kek-v2': 5 } });
    await d.at('preflight.resumeOffer');
    d.send({ type: 'RESUME_FROM_JOURNAL' });
    await d.at('verify.passed');
    d.send({ type: 'CONFIRM' });
    await d.at('remove.confirmDeploy');
    d.send({ type: 'CONFIRM' });
    await d.at('done.summary');
    d.send({ type: 'START_ROLLBACK' });
    await d.at('rollback.readdOld');
  });
});

describe('emergency', () => {
  it('lists what the leaked key protected first, re-encrypts with fresh DEKs without a dry-run stop, removes it, shows the checklist', async () => {
    const d = drive({ rows: { 'kek-v1': 4 } }, { emergency: true });
    await d.at('emergency.show');
    expect(d.actor.getSnapshot().context.credentials).toHaveLength(4);
    d.send({ type: 'REVEAL_KEY' }, { type: 'CONFIRM' });
    await d.at('emergency.deployBoth');
    d.send({ type: 'CONFIRM' });
    await d.at('emergency.removeDeploy');
    expect(d.world.runs.map((r) => `${r.kind}/${r.mode}`)).toEqual(['live/reencrypt']);
    d.send({ type: 'CONFIRM' });
    await d.at('emergency.checklist');
    expect(d.world.config).toEqual({ primaryKeyId: 'kek-v2' });
    expect(d.actor.getSnapshot().context.credentials.map((c) => c.name)).toEqual([
      'provider 0',
      'provider 1',
      'provider 2',
      'provider 3',
    ]);
    d.send({ type: 'CONFIRM' });
    await d.at('done.summary');
    expect(d.world.journal.every((e) => e.phase === 'preflight' || e.path === 'emergency')).toBe(true);
  });

  it('can be chosen at the start, and refuses removal while a row cannot be read', async () => {
    const d = drive({ invalid: 1 });
    await d.at('preflight.ready');
    d.send({ type: 'CHOOSE_PATH', path: 'emergency' });
    await d.at('emergency.show');
    d.send({ type: 'REVEAL_KEY' }, { type: 'CONFIRM' });
    await d.at('emergency.deployBoth');
    d.send({ type: 'CONFIRM' });
    await d.at('emergency.refused');
    expect(d.actor.getSnapshot().context.refusals.join(' ')).toMatch(/1 row is not a valid payload/);
    d.world.invalid = 0;
    d.send({ type: 'RETRY' });
    await d.at('emergency.removeDeploy');
  });
});

describe('preflight', () => {
  it('blocks a new rotation while rows are on a key that is neither primary nor previous, and offers the rollback', async () => {
    const d = drive({ rows: { 'kek-v1': 3, 'kek-v2': 7 }, config: { primaryKeyId: 'kek-v2' } });
    await d.at('preflight.blocked');
    expect(d.actor.getSnapshot().context.stray).toEqual([
      { keyId: 'kek-v1', rows: 3, columns: ['llm_providers.api_key_encrypted'] },
    ]);
    d.send({ type: 'CHOOSE_PATH', path: 'rotate' });
    expect(d.step()).toBe('preflight.blocked');
    d.send({ type: 'START_ROLLBACK' });
    await d.at('rollback.readdOld');
    expect(d.actor.getSnapshot().context).toMatchObject({ newKeyId: 'kek-v2', oldKeyId: 'kek-v1', path: 'rollback' });
  });

  it('blocks the emergency path too, and re-checks after a repair', async () => {
    const d = drive(
      { rows: { 'kek-v0': 1, 'kek-v1': 3, 'kek-v2': 7 }, config: { primaryKeyId: 'kek-v2', previousKeyId: 'kek-v1' } },
      { emergency: true },
    );
    await d.at('preflight.blocked');
    d.send({ type: 'START_ROLLBACK' }); // two keys in play: no automatic rollback
    expect(d.step()).toBe('preflight.blocked');
    delete d.world.rows['kek-v0'];
    d.send({ type: 'RETRY' });
    await d.at('preflight.resumeOffer');
  });

  it('shows a failure with its hint and retries', async () => {
    const d = drive({ failLoad: true });
    await d.at('preflight.failed');
    expect(d.actor.getSnapshot().context.error).toEqual({
      message: 'SECRETS_ENCRYPTION_KEY is not set',
      hint: 'Set it in .env.',
      cause: 'user',
    });
    d.send({ type: 'RETRY' });
    await d.at('preflight.ready');
    expect(d.actor.getSnapshot().context.inventory[0]).toMatchObject({
      total: 12,
      nulls: 2,
      byKeyId: { 'kek-v1': 10 },
    });
  });
});

describe('verify refuses removal', () => {
  it('refuses phase 5 while a row cannot be decrypted, and CONFIRM does nothing', async () => {
    const d = drive({ invalid: 1 });
    await toLive(d);
    await d.at('reencrypt.liveReview');
    expect(d.actor.getSnapshot().context.failures).toHaveLength(1);
    d.send({ type: 'CONFIRM' });
    await d.at('verify.refused');
    d.send({ type: 'CONFIRM' });
    expect(d.step()).toBe('verify.refused');
    expect(d.actor.getSnapshot().context.refusals).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/second dry run cannot read 1 row/),
        expect.stringMatching(/1 row is not a valid payload/),
      ]),
    );
    d.world.invalid = 0; // the operator re-entered the broken credential
    d.send({ type: 'RETRY' });
    await d.at('reencrypt.liveReview');
    d.send({ type: 'CONFIRM' });
    await d.at('verify.passed');
  });

  it('refuses while rows stay on the old key', async () => {
    const d = drive({ unreadable: 2 });
    await toLive(d);
    await d.at('reencrypt.liveReview');
    d.send({ type: 'CONFIRM' });
    await d.at('verify.refused');
    expect(d.actor.getSnapshot().context.refusals.join('\n')).toMatch(/2 rows are still on kek-v1/);
  });
});

describe('resume', () => {
  it('continues the re-encryption when both keys are configured and rows are left on the old key', async () => {
    const d = drive({
      config: { primaryKeyId: 'kek-v2', previousKeyId: 'kek-v1' },
      rows: { 'kek-v1': 4, 'kek-v2': 6 },
    });
    await d.at('preflight.resumeOffer');
    expect(d.actor.getSnapshot().context).toMatchObject({
      resumeTarget: 'reencrypt',
      newKeyId: 'kek-v2',
      oldKeyId: 'kek-v1',
    });
    d.send({ type: 'START_FRESH' }); // would strand kek-v1's rows
    expect(d.step()).toBe('preflight.resumeOffer');
    d.send({ type: 'RESUME_FROM_JOURNAL' });
    await d.at('reencrypt.dryRunReview');
  });

  it('goes to 2b when staged 2a is deployed', async () => {
    const d = drive({ config: { primaryKeyId: 'kek-v1', previousKeyId: 'kek-v2' }, rows: { 'kek-v1': 4 } });
    await d.at('preflight.resumeOffer');
    d.send({ type: 'RESUME_FROM_JOURNAL' });
    await d.at('deploy.stageB');
  });

  it('uses the journal for a key generated but not deployed, keeps its rotation id, and allows starting fresh', async () => {
    const resumePoint = {
      rotationId: 'rot-old',
      path: 'rotate' as const,
      phase: 'generate',
      step: 'generate.show',
      outcome: 'confirmed',
      time: '2024-01-01T00:00:00Z',
      newKeyId: 'kek-v2',
      oldKeyId: 'kek-v1',
      finished: false,
    };
    const d = drive({ resumePoint });
    await d.at('preflight.resumeOffer');
    d.send({ type: 'RESUME_FROM_JOURNAL' });
    await d.at('deploy.choose');
    expect(d.actor.getSnapshot().context).toMatchObject({
      rotationId: 'rot-old',
      newKeyId: 'kek-v2',
      oldKeyId: 'kek-v1',
    });
    const fresh = drive({ resumePoint });
    await fresh.at('preflight.resumeOffer');
    fresh.send({ type: 'START_FRESH' });
    await fresh.at('preflight.ready');
  });

  it('a resumed emergency still shows the credentials listed before its rows moved (from the journal)', async () => {
    const first = drive({ rows: { 'kek-v1': 3 } }, { emergency: true });
    await first.at('emergency.show');
    first.send({ type: 'REVEAL_KEY' }, { type: 'CONFIRM' });
    await first.at('emergency.deployBoth');
    // The session dies here; the next one finds only the journal and a database half way through.
    const written = first.world.journal.map((e, i) => sanitizeEntry(e, `2024-01-01T00:00:0${i}Z`, 'ops@host'));
    const resumePointFromJournal = resumePoint(written);
    expect(resumePointFromJournal?.credentials?.map((c) => c.name)).toEqual(['provider 0', 'provider 1', 'provider 2']);
    const d = drive({
      resumePoint: resumePointFromJournal,
      config: { primaryKeyId: 'kek-v2', previousKeyId: 'kek-v1' },
      rows: { 'kek-v1': 1, 'kek-v2': 2 },
    });
    await d.at('preflight.resumeOffer');
    d.send({ type: 'RESUME_FROM_JOURNAL' });
    await d.at('emergency.removeDeploy');
    d.send({ type: 'CONFIRM' });
    await d.at('emergency.checklist');
    expect(d.actor.getSnapshot().context.credentials.map((c) => c.name)).toEqual([
      'provider 0',
      'provider 1',
      'provider 2',
    ]);
  });

  it('resumes an interrupted emergency on the emergency path', async () => {
    const resumePoint = {
      rotationId: 'rot-e',
      path: 'emergency' as const,
      phase: 'emergency',
      step: 'emergency.reencrypting',
      outcome: 'started',
      time: '2024-01-01T00:00:00Z',
      newKeyId: 'kek-v2',
      oldKeyId: 'kek-v1',
      finished: false,
    };
    const d = drive({
      resumePoint,
      config: { primaryKeyId: 'kek-v2', previousKeyId: 'kek-v1' },
      rows: { 'kek-v1': 4, 'kek-v2': 6 },
    });
    await d.at('preflight.resumeOffer');
    d.send({ type: 'RESUME_FROM_JOURNAL' });
    await d.at('emergency.removeDeploy');
    expect(d.world.runs.map((r) => r.kind)).toEqual(['live']);
  });
});
