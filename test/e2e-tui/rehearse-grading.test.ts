// The real built binary in a real pseudo-terminal (tmux, 80 columns): `kek-rotate rehearse` grades
// what the trainee did. rolling-deploy with the runbook order shows a replica failing to read under
// the screen and ends FAILED with a lesson that says why; with the staged deploy it passes. The same
// for compromised-key without and with the emergency path (e). The briefing waits for Enter.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasTmux, openTmux, type TmuxTerminal } from './tmux-terminal.js';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/kek-rotate');
// dist/ is built by the global setup (test/setup/build-fresh.ts): its absence fails, never skips.
if (!existsSync(join(root, 'dist/src/cli/main.js')))
  throw new Error('dist/src/cli/main.js is missing after the global setup built dist/');
const skipReason = !hasTmux ? 'tmux is not installed (apt-get install tmux; .ci/run installs it)' : '';
if (skipReason) console.log(`rehearse grading e2e skipped: ${skipReason}`);

// PGlite start-up, the simulated application and rolling deploys (4 s per replica) make steps slow.
const STEP = 45_000;
const START = 60_000;
const LONG = 300_000;

let term: TmuxTerminal | undefined;
let work = '';
afterEach(() => {
  term?.kill();
  term = undefined;
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const flat = (s: string) => s.replace(/\s+/g, ' ');

async function press(t: TmuxTerminal, text: string, ...keys: string[]): Promise<string> {
  const screen = await t.waitFor(text, STEP);
  t.send(...keys);
  return screen;
}

async function typeRemoval(t: TmuxTerminal, oldId: string): Promise<void> {
  await t.waitFor(`Type ${oldId} and press Enter`, STEP);
  t.send('-l', oldId);
  await t.waitFor(`Enter (Esc cancels): ${oldId}`, STEP);
  t.send('Enter');
}

async function exitCode(t: TmuxTerminal): Promise<number> {
  const screen = await t.waitFor('EXIT=', STEP);
  return Number(/EXIT=(\d+)/.exec(screen)![1]);
}

/** Starts `rehearse --scenario NAME`: the briefing stays on screen until Enter. */
async function begin(scenario: string, tag: string): Promise<TmuxTerminal> {
  const t = openTmux(`node ${bin} rehearse --scenario ${scenario} --rows 30 --journal ${join(work, `${tag}.jsonl`)}`, {
    cwd: work,
    env: { XDG_STATE_HOME: join(work, 'state'), NO_COLOR: '1' },
  });
  const briefing = await t.waitFor('Press Enter to begin (q leaves).', START);
  expect(briefing).toContain('Goal:');
  // Nothing has started behind it: no runbook screen yet.
  expect(briefing).not.toContain('Enter rotate');
  t.send('Enter');
  return t;
}

/** Generate and reveal the key, then choose the deploy plan at phase 2. */
async function generateAndChoose(t: TmuxTerminal, plan: '1' | '2'): Promise<void> {
  await press(t, 'Enter rotate', 'Enter');
  await press(t, 'kek-v2:••••', 'k');
  await press(t, 'Visible now', 'y');
  await press(t, '1 runbook order', plan);
}

/** Phases 3 to 5 and the summary's q. */
async function reencryptVerifyRemove(t: TmuxTerminal): Promise<void> {
  await press(t, 'y start the live run', 'y');
  await press(t, 'Live run result', 'y');
  await press(t, 'Verified: every value is on kek-v2', 'y');
  await press(t, 'Remove kek-v1', 'y');
  await typeRemoval(t, 'kek-v1');
  await press(t, 'Done: kek-v1 → kek-v2', 'q');
}

/** The debrief, scrollback included; throws if the verdict line is not there. */
async function debriefOf(t: TmuxTerminal, scenario: string): Promise<{ verdict: string; text: string }> {
  const all = flat(await t.waitForInHistory('Journal:', STEP));
  const verdict = new RegExp(`Debrief: .*\\(${scenario}\\): (PASSED|FAILED) in`).exec(all)?.[1];
  if (!verdict) throw new Error(`no verdict for ${scenario} in:\n${all}`);
  return { verdict, text: all.slice(all.indexOf('Debrief:')) };
}

describe.skipIf(Boolean(skipReason))('kek-rotate rehearse grades what the trainee did (tmux 80x24)', () => {
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'kek-e2e-grading-'));
  });

  it(
    'rolling-deploy with the runbook order: a replica fails to read on screen, the debrief says FAILED and why, exit 1',
    async () => {
      term = await begin('rolling-deploy', 'rolling-runbook');
      await generateAndChoose(term, '1');
      await press(term, 'Both keys, runbook order', 'y');
      // While the deploy rolls: the activity feed under the screen shows the failed read.
      const feed = await term.waitFor('read failures in the last', STEP);
      expect(feed).toMatch(/application \(\d+ read failures in the last \d+\)/);
      await reencryptVerifyRemove(term);
      expect(await exitCode(term)).toBe(1);
      const { verdict, text } = await debriefOf(term, 'rolling-deploy');
      expect(verdict).toBe('FAILED');
      expect(text).toContain(
        '[FAIL] The staged deploy: the new key decrypt-only first (2a), primary only once every replica had it (2b).',
      );
      expect(text).toContain('kek-v2 was primary in the first deploy that carried it (runbook order)');
      expect(text).toMatch(/\[FAIL\] No replica ever failed to read a value\. \d+ failed read\(s\): replica-2\//);
      expect(text).toContain(
        'Lesson: - Making the new key primary in one rolling deploy lets the replicas updated first write values that the others cannot read yet',
      );
      expect(text).toContain('choose the staged deploy');
      expect(text).not.toContain('Deploying the new key as decrypt-only first');
    },
    LONG,
  );

  it(
    'rolling-deploy with the staged deploy: PASSED with the lesson of the staged deploy, exit 0',
    async () => {
      term = await begin('rolling-deploy', 'rolling-staged');
      await generateAndChoose(term, '2');
      await press(term, 'Step 2a of 2', 'y');
      await press(term, 'Step 2b of 2', 'y');
      await reencryptVerifyRemove(term);
      expect(await exitCode(term)).toBe(0);
      const { verdict, text } = await debriefOf(term, 'rolling-deploy');
      expect(verdict).toBe('PASSED');
      expect(text).not.toContain('[FAIL]');
      expect(text).toContain('[PASS] The staged deploy');
      expect(text).toContain('Replica read failures: none');
      expect(text).toContain('Deploying the new key as decrypt-only first meant every replica could read it');
    },
    LONG,
  );

  it(
    'compromised-key on the standard path: FAILED, the lesson says a leaked key calls for the emergency path, exit 1',
    async () => {
      term = await begin('compromised-key', 'leak-standard');
      await generateAndChoose(term, '1');
      await press(term, 'Both keys, runbook order', 'y');
      await reencryptVerifyRemove(term);
      expect(await exitCode(term)).toBe(1);
      const { verdict, text } = await debriefOf(term, 'compromised-key');
      expect(verdict).toBe('FAILED');
      expect(text).toContain(
        '[FAIL] The emergency path (e at preflight), not the standard rotation. you took the standard rotation (Enter at preflight), not the emergency path (e)',
      );
      expect(text).toMatch(/kek-v1 out of service after \d+ min \d+ s \(target: within 15 min\)/);
      expect(text).toContain('Lesson: - A leaked key calls for the emergency path (e at preflight)');
    },
    LONG,
  );

  it(
    'compromised-key on the emergency path: PASSED, the time it took against the target, exit 0',
    async () => {
      term = await begin('compromised-key', 'leak-emergency');
      await press(term, 'e emergency: key leaked', 'e');
      await press(term, 'kek-v2:••••', 'k');
      await press(term, 'Visible now', 'y');
      await press(term, 'Deploy both keys now', 'y');
      await press(term, 'Remove the leaked key', 'y');
      await typeRemoval(term, 'kek-v1');
      await press(term, 'Rotate these credentials at their providers', 'y');
      await press(term, 'Done: kek-v1 → kek-v2', 'q');
      expect(await exitCode(term)).toBe(0);
      const { verdict, text } = await debriefOf(term, 'compromised-key');
      expect(verdict).toBe('PASSED');
      expect(text).not.toContain('[FAIL]');
      expect(text).toMatch(
        /\[PASS\] kek-v1 is out of service on every replica within 15 minutes\. kek-v1 out of service after \d+ min \d+ s \(target: within 15 min\)/,
      );
      expect(text).toContain('[PASS] The emergency path (e at preflight)');
      expect(text).toContain('kek-v1 now protects nothing');
    },
    LONG,
  );
});
