// The App driven by the real runbook machine with fake effects, through whole rotations, by key
// presses only, at 80 columns: what the operator sees at each step and where the data ends up.
import { afterEach, describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { createRunbookMachine } from '../../src/machine/runbook-machine.js';
import { runInteractive } from '../../src/ui/run-interactive.js';
import { fakeEffects, makeWorld, type FakeWorld } from '../machine/fake-effects.js';
import { label } from './labels.js';
import { createFakeTerminal, KEYS, widestLine, type FakeTerminal } from './render-ink.js';

let stopActor: (() => void) | undefined;
afterEach(() => stopActor?.());

function start(world: FakeWorld, input: { emergency?: boolean } = {}) {
  const actor = createActor(createRunbookMachine(fakeEffects(world)), {
    input: { rotationId: 'test-rotation', ...input },
  });
  stopActor = () => actor.stop();
  const term = createFakeTerminal({ columns: 80, rows: 24 });
  const exit = runInteractive({
    actor,
    color: false,
    stdout: term.stdout as unknown as NodeJS.WriteStream,
    stdin: term.stdin as unknown as NodeJS.ReadStream,
    stderr: term.stderr as unknown as NodeJS.WriteStream,
  });
  return { actor, term, exit };
}

/** Footer and text lines wrap at 80 columns; compare with whitespace runs folded. */
const flat = (s: string) => s.replace(/\s+/g, ' ');

/** Waits for text, then checks the frame fits 80 columns. */
async function see(term: FakeTerminal, text: string): Promise<string> {
  const frame = await term.waitFor((f) => flat(f).includes(flat(text)), JSON.stringify(text));
  expect(widestLine(frame), `wider than 80:\n${frame}`).toBeLessThanOrEqual(80);
  return frame;
}

describe('App with the real machine', () => {
  it('walks a whole rotation by key presses and ends with every row on the new key', async () => {
    const world = makeWorld({ rows: { 'kek-v1': 10 } });
    const { term, exit } = start(world);

    await see(term, 'Ready: Enter starts a rotation');
    let frame = await see(term, 'llm_providers.api_key_encrypted');
    expect(frame).toMatch(/kek-v1\s+10\s+primary/);
    await term.press(KEYS.enter);

    frame = await see(term, 'kek-v2:••••');
    const material = world.keyMaterialSeen[0]!;
    expect(term.allFrames()).not.toContain(material);
    // Confirming before the key was seen or written is not offered.
    expect(frame).not.toContain(`y ${label('generate.show', 'CONFIRM')}`);
    await term.press('k');
    frame = await see(term, material);
    await see(term, `y ${label('generate.show', 'CONFIRM')}`);
    await term.press('y');

    await see(term, '1 Runbook order');
    await term.press('1');
    frame = await see(term, 'Both keys, runbook order: kek-v2 primary now');
    expect(frame).toContain('SECRETS_ENCRYPTION_KEY=kek-v2:••••');
    expect(frame).toContain('SECRETS_ENCRYPTION_KEY_PREVIOUS=kek-v1:••••');
    expect(frame).not.toContain(material);
    await term.press('y');

    await see(term, `y ${label('reencrypt.dryRunReview', 'CONFIRM')}`);
    await term.press('y');
    await see(term, `y ${label('reencrypt.liveReview', 'CONFIRM')}`);
    await term.press('y');

    frame = await see(term, `y ${label('verify.passed', 'CONFIRM')}`);
    expect(frame).toMatch(/✓ kek-v2\s+10/);
    await term.press('y');

    frame = await see(term, 'Remove kek-v1: kek-v2 alone');
    expect(frame).not.toContain('SECRETS_ENCRYPTION_KEY_PREVIOUS=kek-v1');
    await term.press('y');
    await see(term, 'Type kek-v1 and press Enter');
    await term.type('kek-v2');
    await term.press(KEYS.enter);
    await see(term, 'That is not kek-v1; nothing was done.');
    expect(world.deploys.map((d) => d.stage)).toEqual(['both']);
    for (let i = 0; i < 6; i++) await term.press(KEYS.backspace);
    await term.type('kek-v1');
    await term.press(KEYS.enter);

    await see(term, 'Done: kek-v1 → kek-v2');
    await see(term, 'Time per phase: preflight 0:');
    await term.press('q');
    expect(await exit).toBe('finished');

    expect(world.rows).toEqual({ 'kek-v2': 10 });
    expect(world.config).toEqual({ primaryKeyId: 'kek-v2' });
    expect(world.deploys.map((d) => d.stage)).toEqual(['both', 'remove']);
    expect(world.runs.map((r) => r.kind)).toEqual(['dry-run', 'live', 'dry-run']);
  });

  it('staged deploy: 2a puts the new key as decrypt-only previous, 2b swaps', async () => {
    const world = makeWorld({ rows: { 'kek-v1': 4 } });
    const { term, exit } = start(world);
    await see(term, 'Ready');
    await term.press(KEYS.enter);
    await see(term, 'kek-v2:••••');
    await term.press('w');
    await see(term, 'Write the key to (a new file, mode 0600): kek-v2.key');
    await term.press(KEYS.enter);
    await see(term, 'Written to kek-v2.key');
    expect(world.writtenFiles).toEqual(['kek-v2.key:kek-v2']);
    await term.press('y');
    await see(term, '2 Staged');
    await term.press('2');
    let frame = await see(term, 'Step 2a of 2');
    expect(frame).toContain('SECRETS_ENCRYPTION_KEY=kek-v1:••••');
    expect(frame).toContain('SECRETS_ENCRYPTION_KEY_PREVIOUS=kek-v2:••••');
    await term.press('y');
    frame = await see(term, 'Step 2b of 2');
    expect(frame).toContain('SECRETS_ENCRYPTION_KEY=kek-v2:••••');
    await term.press('y');
    await see(term, `y ${label('reencrypt.dryRunReview', 'CONFIRM')}`);
    expect(world.deploys.map((d) => d.stage)).toEqual(['2a', '2b']);
    await term.press('q');
    // Quit before the end: the operator stopped, so the exit code says cancelled.
    expect(await exit).toBe('cancelled');
  });

  it('stop during the live run: the screen says both keys work and nothing needs rolling back', async () => {
    const world = makeWorld({ rows: { 'kek-v1': 4 }, holdLive: true });
    const { term, exit } = start(world);
    await see(term, 'Ready');
    await term.press(KEYS.enter);
    await see(term, 'kek-v2:••••');
    await term.press('k');
    await see(term, `y ${label('generate.show', 'CONFIRM')}`);
    await term.press('y');
    await term.press('1');
    await see(term, 'Both keys, runbook order');
    await term.press('y');
    await see(term, `y ${label('reencrypt.dryRunReview', 'CONFIRM')}`);
    await term.press('y');
    await see(term, `a ${label('reencrypt.live', 'ABORT')}`);
    await term.press('a');
    await see(term, 'Stopped safely. Nothing to roll back.');
    expect(world.runs.at(-1)).toMatchObject({ kind: 'live', aborted: true });
    await term.press('q');
    expect(await exit).toBe('cancelled');
  });

  it('emergency: lists the credentials the leaked key protected, at the end', async () => {
    const world = makeWorld({ rows: { 'kek-v1': 3 } });
    const { term, exit } = start(world, { emergency: true });
    await see(term, 'EMERGENCY');
    await see(term, 'kek-v2:••••');
    await term.press('k');
    await see(term, `y ${label('emergency.show', 'CONFIRM')}`);
    await term.press('y');
    await see(term, 'Emergency: kek-v2 primary, compromised kek-v1 previous');
    await term.press('y');
    await see(term, 'Remove the compromised kek-v1');
    await term.press('y');
    await see(term, 'Type kek-v1');
    await term.type('kek-v1');
    await term.press(KEYS.enter);
    let frame = await see(term, 'Rotate these credentials at their providers (3, 0 ticked)');
    expect(frame).toMatch(/openai \(3, 0 ticked\)/);
    expect(frame).toContain('› [ ] provider 0');
    expect(frame).toContain('1 of 3 · openai · llm_providers.api_key_encrypted id id-0');
    // The files are written as the checklist opens: the line comes once they are.
    await see(term, 'Written (mode 0600): checklist-kek-v1.md and checklist-kek-v1.csv');
    await term.press(KEYS.down);
    await term.press(' ');
    frame = await see(term, '(3, 1 ticked)');
    expect(frame).toMatch(/\[x\] provider 1/);
    await term.press('y');
    await see(term, 'Done: kek-v1 → kek-v2');
    await term.press('q');
    expect(await exit).toBe('finished');
    expect(world.rows).toEqual({ 'kek-v2': 3 });
  });

  it('rollback after removal: rows found on the removed key, b re-adds it, re-encrypt, verify, remove again', async () => {
    const world = makeWorld({ rows: { 'kek-v1': 10 } });
    const { term, exit } = start(world);
    await see(term, 'Enter rotate');
    await term.press(KEYS.enter);
    await see(term, 'kek-v2:••••');
    await term.press('k');
    await see(term, `y ${label('generate.show', 'CONFIRM')}`);
    await term.press('y');
    await term.press('1');
    await see(term, 'Both keys, runbook order');
    await term.press('y');
    await see(term, `y ${label('reencrypt.dryRunReview', 'CONFIRM')}`);
    await term.press('y');
    await see(term, `y ${label('reencrypt.liveReview', 'CONFIRM')}`);
    await term.press('y');
    await see(term, `y ${label('verify.passed', 'CONFIRM')}`);
    await term.press('y');
    await see(term, 'Remove kek-v1: kek-v2 alone');
    // A replica restored from an old backup writes rows under the old key while the removal deploys.
    world.rows['kek-v1'] = 3;
    await term.press('y');
    await term.type('kek-v1');
    await term.press(KEYS.enter);
    await see(term, `b ${label('remove.notMigrated', 'START_ROLLBACK')}`);
    await term.press('b');
    const frame = await see(term, 'Rollback: re-add kek-v1 as previous');
    expect(frame).toContain('SECRETS_ENCRYPTION_KEY_PREVIOUS=kek-v1:••••');
    await term.press('y');
    await see(term, `y ${label('reencrypt.dryRunReview', 'CONFIRM')}`);
    await term.press('y');
    await see(term, `y ${label('reencrypt.liveReview', 'CONFIRM')}`);
    await term.press('y');
    await see(term, `y ${label('verify.passed', 'CONFIRM')}`);
    await term.press('y');
    await see(term, 'Remove kek-v1: kek-v2 alone');
    await term.press('y');
    await term.type('kek-v1');
    await term.press(KEYS.enter);
    await see(term, 'Done: kek-v1 → kek-v2');
    await term.press('q');
    expect(await exit).toBe('finished');
    expect(world.rows).toEqual({ 'kek-v2': 13 });
    expect(world.deploys.map((d) => d.stage)).toEqual(['both', 'remove', 'rollback', 'remove']);
  });
});

describe('runInteractive without a terminal', () => {
  it('refuses with a user error that names the headless commands, before starting the machine', async () => {
    const world = makeWorld();
    const actor = createActor(createRunbookMachine(fakeEffects(world)), { input: { rotationId: 'no-tty' } });
    const term = createFakeTerminal();
    term.stdin.isTTY = false;
    const { UserError } = await import('../../src/errors.js');
    const attempt = runInteractive({
      actor,
      stdin: term.stdin as unknown as NodeJS.ReadStream,
      stdout: term.stdout as unknown as NodeJS.WriteStream,
    });
    await expect(attempt).rejects.toBeInstanceOf(UserError);
    await expect(attempt).rejects.toMatchObject({ hint: expect.stringContaining('kek-rotate reencrypt') });
    expect(actor.getSnapshot().status).toBe('active');
    expect(world.journal).toEqual([]);
  });
});
