// The standard rotation end to end on fake effects: runbook-order and staged deploys, the key
// guard, deploy checks, and the journal/snapshot never holding key material.
import { describe, expect, it } from 'vitest';
import { drive } from './drive.js';

async function throughGenerate(d: ReturnType<typeof drive>) {
  await d.at('preflight.ready');
  d.send({ type: 'CHOOSE_PATH', path: 'rotate' });
  await d.at('generate.show');
  d.send({ type: 'REVEAL_KEY' }, { type: 'CONFIRM' });
  await d.at('deploy.choose');
}

async function reencryptVerifyRemove(d: ReturnType<typeof drive>) {
  await d.at('reencrypt.dryRunReview');
  d.send({ type: 'CONFIRM' });
  await d.at('reencrypt.liveReview');
  d.send({ type: 'CONFIRM' });
  await d.at('verify.passed');
  d.send({ type: 'CONFIRM' });
  await d.at('remove.confirmDeploy');
  d.send({ type: 'CONFIRM' });
  await d.at('done.summary');
}

describe('standard rotation', () => {
  it('goes straight through in runbook order and ends with every row on the new key', async () => {
    const d = drive();
    await throughGenerate(d);
    d.send({ type: 'CHOOSE_DEPLOY', plan: 'runbook' });
    await d.at('deploy.both');
    d.send({ type: 'CONFIRM' });
    await reencryptVerifyRemove(d);
    expect(d.world.rows).toEqual({ 'kek-v2': 10 });
    expect(d.world.deploys.map((x) => x.stage)).toEqual(['both', 'remove']);
    expect(d.world.deploys[0]!.config).toEqual({ primaryKeyId: 'kek-v2', previousKeyId: 'kek-v1' });
    expect(d.world.runs.map((r) => `${r.kind}/${r.mode}`)).toEqual([
      'dry-run/reencrypt',
      'live/reencrypt',
      'dry-run/reencrypt',
    ]);
    const ctx = d.actor.getSnapshot().context;
    expect([ctx.oldKeyId, ctx.newKeyId]).toEqual(['kek-v1', 'kek-v2']);
    expect(ctx.refusals).toEqual([]);
    expect(Object.keys(ctx.phaseStartedAt)).toEqual(
      expect.arrayContaining(['preflight', 'generate', 'deploy', 'reencrypt', 'verify', 'remove', 'done']),
    );
  });

  it('deploys staged: 2a puts the new key in PREVIOUS, 2b swaps', async () => {
    const d = drive();
    await throughGenerate(d);
    d.send({ type: 'CHOOSE_DEPLOY', plan: 'staged' });
    await d.at('deploy.stageA');
    d.send({ type: 'CONFIRM' });
    await d.at('deploy.stageB');
    expect(d.world.config).toEqual({ primaryKeyId: 'kek-v1', previousKeyId: 'kek-v2' });
    d.send({ type: 'CONFIRM' });
    await reencryptVerifyRemove(d);
    expect(d.world.deploys.map((x) => `${x.stage}:${x.config.primaryKeyId}/${x.config.previousKeyId ?? '-'}`)).toEqual([
      '2a:kek-v1/kek-v2',
      '2b:kek-v2/kek-v1',
      'remove:kek-v2/-',
    ]);
  });

  it('will not leave the key step until the key was revealed or written to a file', async () => {
    const d = drive();
    await d.at('preflight.ready');
    d.send({ type: 'CHOOSE_PATH', path: 'rotate' });
    await d.at('generate.show');
    d.send({ type: 'CONFIRM' });
    expect(d.step()).toBe('generate.show');
    d.send({ type: 'WRITE_KEY_FILE', path: '/tmp/exists.key' });
    await d.at('generate.failed');
    expect(d.actor.getSnapshot().context.error?.message).toMatch(/refusing to overwrite/);
    d.send({ type: 'RETRY' });
    await d.at('generate.show');
    // The error was shown where it happened; the step it returns to is clean.
    expect(d.actor.getSnapshot().context.error).toBeUndefined();
    d.send({ type: 'WRITE_KEY_FILE', path: '/tmp/new.key' });
    await d.at('generate.show');
    expect(d.actor.getSnapshot().context.keyFile).toBe('/tmp/new.key');
    expect(d.world.writtenFiles).toEqual(['/tmp/new.key:kek-v2']);
    d.send({ type: 'CONFIRM' });
    await d.at('deploy.choose');
  });

  it('refuses to go on when kek-rotate itself does not have the deployed keys, and retries the deploy step', async () => {
    const d = drive();
    await throughGenerate(d);
    d.send({ type: 'CHOOSE_DEPLOY', plan: 'runbook' });
    d.world.ignoreNextDeploy = true;
    d.send({ type: 'CONFIRM' });
    await d.at('deploy.failed');
    expect(d.actor.getSnapshot().context.error?.message).toMatch(
      /kek-rotate itself has primary kek-v1, no previous key, but this step needs primary kek-v2, previous kek-v1/,
    );
    d.send({ type: 'RETRY' });
    await d.at('deploy.both');
    d.send({ type: 'CONFIRM' });
    await d.at('reencrypt.dryRunReview');
  });

  it('goes back to the failed run on RETRY after the engine throws', async () => {
    const d = drive({ failNextRun: 'dry-run' });
    await throughGenerate(d);
    d.send({ type: 'CHOOSE_DEPLOY', plan: 'runbook' }, { type: 'CONFIRM' });
    await d.at('reencrypt.failed');
    expect(d.actor.getSnapshot().context.error).toEqual({
      message: 'connection reset',
      hint: 'Check the database and retry.',
      cause: 'database',
    });
    d.send({ type: 'RETRY' });
    await d.at('reencrypt.dryRunReview');
  });

  it('never puts key material in the journal or in a persisted snapshot', async () => {
    const d = drive();
    await throughGenerate(d);
    const material = d.world.keyMaterialSeen[0]!;
    const secret = d.actor.getSnapshot().context.secretKeys['kek-v2']!;
    expect(secret.reveal().bytes.toString('base64')).toBe(material); // the holder does hold it
    d.send({ type: 'CHOOSE_DEPLOY', plan: 'runbook' }, { type: 'CONFIRM' });
    await reencryptVerifyRemove(d);
    const journal = JSON.stringify(d.world.journal);
    const snapshot = JSON.stringify(d.actor.getPersistedSnapshot());
    expect(journal).toContain('kek-v2');
    expect(journal).not.toContain(material);
    expect(snapshot).toContain('kek-v2');
    expect(snapshot).not.toContain(material);
    expect(String(secret)).toBe('SecretKey(kek-v2)');
  });
});
