// The real built binary (bin/kek-rotate -> dist/) in a real pseudo-terminal (tmux, 80 columns):
// whole rotations driven by key presses, as a person would — the rehearsal, the runbook on a
// seeded PGlite database (then checked with `verify --only-primary`), and the emergency path.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
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
if (skipReason) console.log(`real-binary e2e skipped: ${skipReason}`);

// PGlite start-up and the simulated application make each step slow on a loaded machine.
const STEP = 45_000;
const START = 60_000;
// A key as `kek-vN:` + 44 base64 characters (32 bytes); the masked form is `kek-vN:••••`.
const KEY_ON_SCREEN = /kek-v\d+:([A-Za-z0-9+/]{43}=)/;
const KEY_ANYWHERE = /[A-Za-z0-9+/]{43}=/;

let term: TmuxTerminal | undefined;
let work = '';
afterEach(() => {
  term?.kill();
  term = undefined;
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Presses `key` once `text` is on the screen. */
async function press(t: TmuxTerminal, text: string, ...keys: string[]): Promise<string> {
  const screen = await t.waitFor(text, STEP);
  t.send(...keys);
  return screen;
}

/** Types the old key id at the removal prompt and confirms. */
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

describe.skipIf(Boolean(skipReason))('the real kek-rotate binary in a terminal (tmux 80x24)', () => {
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'kek-e2e-real-'));
  });

  it('rehearse happy-path: a whole rotation by key presses, key masked until revealed, debrief PASSED, exit 0', async () => {
    term = openTmux(`node ${bin} rehearse --scenario happy-path --rows 30 --journal ${join(work, 'happy.jsonl')}`, {
      cwd: work,
      env: { XDG_STATE_HOME: join(work, 'state'), NO_COLOR: '1' },
    });
    await press(term, 'Press Enter to begin', 'Enter');
    await press(term, 'Enter rotate', 'Enter');
    await term.waitFor('kek-v2:••••', STEP);
    expect(KEY_ON_SCREEN.test(term.history()), 'key material on screen before k').toBe(false);
    term.send('k');
    const revealed = await term.waitFor('Visible now', STEP);
    expect(revealed).toMatch(KEY_ON_SCREEN);
    term.send('y');
    await press(term, '1 runbook order', '1');
    await press(term, 'Both keys, runbook order', 'y');
    await press(term, 'y start the live run', 'y');
    await press(term, 'Live run result', 'y');
    await press(term, 'Verified: every value is on kek-v2', 'y');
    await press(term, 'Remove kek-v1', 'y');
    await typeRemoval(term, 'kek-v1');
    await press(term, 'Done: kek-v1 → kek-v2', 'q');
    expect(await exitCode(term)).toBe(0);
    const all = await term.waitForInHistory('Debrief:', STEP);
    expect(all).toMatch(/Debrief: .*\(happy-path\): PASSED/);
    expect(all).not.toContain('[FAIL]');
    expect(all).toContain('[PASS] Every row is on the new key.');
  }, 240_000);

  it('runbook on a seeded PGlite database: key written to a 0600 file, every row on kek-v2 and decrypting, journal without key material', async () => {
    const db = join(work, 'db');
    const oldKeyFile = join(work, 'kek-v1.key');
    const journal = join(work, 'runbook.jsonl');
    const seeded = spawnSync('node', [bin, 'seed', '--pglite', db, '--rows', '20', '--key-out', oldKeyFile], {
      cwd: work,
      encoding: 'utf8',
      timeout: START,
    });
    expect(seeded.status, seeded.stderr).toBe(0);
    expect(seeded.stdout).toContain('inserted 20 providers');
    const oldKey = readFileSync(oldKeyFile, 'utf8').trim();
    expect(oldKey).toMatch(/^kek-v1:/);

    term = openTmux(`node ${bin} --pglite ${db} --journal ${journal}`, {
      cwd: work,
      env: { SECRETS_ENCRYPTION_KEY: oldKey, XDG_STATE_HOME: join(work, 'state'), NO_COLOR: '1' },
    });
    const preflight = await term.waitFor('Enter rotate', START);
    expect(preflight).toMatch(/kek-v1\s+17\s+primary/);
    term.send('Enter');
    await press(term, 'kek-v2:••••', 'w');
    await press(term, 'Write the key to', 'Enter');
    await term.waitFor('Written to kek-v2.key (mode 0600)', STEP);
    expect(KEY_ON_SCREEN.test(term.history()), 'key material on screen before k').toBe(false);
    const newKeyFile = join(work, 'kek-v2.key');
    expect(statSync(newKeyFile).mode & 0o777).toBe(0o600);
    const newKey = readFileSync(newKeyFile, 'utf8').trim();
    // The revealed key is the one in the file.
    term.send('k');
    const revealed = await term.waitFor('Visible now', STEP);
    expect(KEY_ON_SCREEN.exec(revealed)?.[0]).toBe(newKey);
    term.send('y');
    await press(term, '1 runbook order', '1');
    // The environment stays untouched: the tool takes the deployed keys from memory.
    await press(term, 'Both keys, runbook order', 'y');
    await press(term, 'y start the live run', 'y');
    const live = await press(term, 'Live run result', 'y');
    expect(live).toMatch(/rotated 17\s+already 0\s+NULL 3\s+failed 0/);
    await press(term, 'Verified: every value is on kek-v2', 'y');
    await press(term, 'Remove kek-v1', 'y');
    await typeRemoval(term, 'kek-v1');
    await press(term, 'Done: kek-v1 → kek-v2', 'q');
    expect(await exitCode(term)).toBe(0);
    term.kill();
    term = undefined;

    // The database, read back by the binary with the new key alone.
    const verify = spawnSync('node', [bin, 'verify', '--pglite', db, '--only-primary', '--json'], {
      cwd: work,
      encoding: 'utf8',
      timeout: START,
      env: { ...process.env, SECRETS_ENCRYPTION_KEY: newKey, SECRETS_ENCRYPTION_KEY_PREVIOUS: '' },
    });
    expect(verify.status, verify.stderr).toBe(0);
    const report = JSON.parse(verify.stdout) as {
      passed: boolean;
      primaryKeyId: string;
      columns: {
        total: number;
        nulls: number;
        invalid: number;
        byKeyId: Record<string, number>;
        deep: { checked: number; ok: number; failed: number; ring: string };
      }[];
    };
    expect(report.passed).toBe(true);
    expect(report.primaryKeyId).toBe('kek-v2');
    expect(report.columns).toHaveLength(1);
    const [column] = report.columns;
    expect(column).toMatchObject({ total: 20, nulls: 3, invalid: 0, byKeyId: { 'kek-v2': 17 } });
    expect(column!.deep).toMatchObject({ checked: 17, ok: 17, failed: 0, ring: 'primary-only' });

    // The old key alone no longer reads the rows (they really moved).
    const withOld = spawnSync('node', [bin, 'verify', '--pglite', db, '--only-primary', '--json'], {
      cwd: work,
      encoding: 'utf8',
      timeout: START,
      env: { ...process.env, SECRETS_ENCRYPTION_KEY: oldKey, SECRETS_ENCRYPTION_KEY_PREVIOUS: '' },
    });
    expect(withOld.status).toBe(1);

    // The journal tells the story without key material.
    const text = readFileSync(journal, 'utf8');
    expect(text).toContain('kek-v2');
    for (const key of [oldKey, newKey])
      expect(text.includes(key.split(':')[1]!), 'key material in the journal').toBe(false);
    expect(KEY_ANYWHERE.test(text), 'a 32-byte base64 value in the journal').toBe(false);
    const rendered = execFileSync('node', [bin, 'report', '--journal', journal], { cwd: work, encoding: 'utf8' });
    expect(rendered).toContain('kek-v2');
    expect(KEY_ANYWHERE.test(rendered), 'a 32-byte base64 value in the report').toBe(false);
  }, 300_000);

  it('a wrong key under the right id is blocked at preflight, before any key is generated', async () => {
    const dir = mkdtempSync(join(work, 'wrong-'));
    const db = join(dir, 'db');
    const seeded = spawnSync(
      'node',
      [bin, 'seed', '--pglite', db, '--rows', '20', '--key-out', join(dir, 'right-v1.key')],
      { cwd: dir, encoding: 'utf8', timeout: START },
    );
    expect(seeded.status, seeded.stderr).toBe(0);
    const wrong = `kek-v1:${Buffer.alloc(32, 0x5a).toString('base64')}`;
    term = openTmux(`node ${bin} --pglite ${db} --journal ${join(dir, 'wrong.jsonl')}`, {
      cwd: dir,
      env: { SECRETS_ENCRYPTION_KEY: wrong, XDG_STATE_HOME: join(work, 'state'), NO_COLOR: '1' },
    });
    const screen = await term.waitFor('this is not the key these rows were written with', START);
    expect(screen.replace(/\s+/g, ' ')).toContain(
      'SECRETS_ENCRYPTION_KEY (kek-v1) decrypts none of the 17 rows labelled kek-v1 that were tried',
    );
    expect(screen).not.toContain('Enter rotate');
    expect(screen).not.toContain('kek-v2');
    term.send('q');
    // Stopped before anything changed, for a key problem: exit 2, and it says so.
    expect(await exitCode(term)).toBe(2);
    expect(term.history()).toContain('Nothing was changed: preflight only reads.');
    expect(term.history()).not.toContain('every row is on its old key or the new one');
    expect(readdirSync(dir).filter((f) => f.endsWith('.key'))).toEqual(['right-v1.key']);
    expect(KEY_ANYWHERE.test(term.history().replace(wrong.slice(7), '')), 'key material on screen').toBe(false);
  }, 240_000);

  it('an interrupted rotation resumed with the environment left alone continues kek-v1 -> kek-v2 after loading the key from its file', async () => {
    const dir = mkdtempSync(join(work, 'resume-'));
    const db = join(dir, 'db');
    const oldKeyFile = join(dir, 'kek-v1.key');
    const journal = join(dir, 'resume.jsonl');
    const seeded = spawnSync('node', [bin, 'seed', '--pglite', db, '--rows', '300', '--key-out', oldKeyFile], {
      cwd: dir,
      encoding: 'utf8',
      timeout: START,
    });
    expect(seeded.status, seeded.stderr).toBe(0);
    const env = {
      SECRETS_ENCRYPTION_KEY: readFileSync(oldKeyFile, 'utf8').trim(),
      XDG_STATE_HOME: join(dir, 'state'),
      NO_COLOR: '1',
    };
    // Slow enough that the live run is still going when the test pauses it, even on a loaded machine.
    const command = `node ${bin} --pglite ${db} --journal ${journal} --max-rate 20 --batch-size 10`;
    const keyedRows = () => {
      const out = spawnSync('node', [bin, 'verify', '--pglite', db, '--json'], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 2 * START,
        env: { ...process.env, SECRETS_ENCRYPTION_KEY: '' },
      });
      return (JSON.parse(out.stdout) as { columns: { byKeyId: Record<string, number> }[] }).columns[0]!.byKeyId;
    };
    const before = keyedRows();
    expect(Object.keys(before)).toEqual(['kek-v1']);

    // Session 1: generate, write kek-v2.key, deploy (environment untouched), live run, pause, quit.
    term = openTmux(command, { cwd: dir, env });
    await term.waitFor('Enter rotate', 2 * START); // PGlite's start-up and the inventory, on a busy machine
    term.send('Enter');
    await press(term, 'kek-v2:••••', 'w');
    await press(term, 'Write the key to', 'Enter');
    await press(term, 'Written to kek-v2.key (mode 0600)', 'y');
    await press(term, '1 runbook order', '1');
    await press(term, 'Both keys, runbook order', 'y');
    await press(term, 'y start the live run', 'y');
    // Some rows moved, most not yet.
    for (const started = Date.now(); !/\b[1-9]\d*\/\d+ rows/.test(term.screen());) {
      if (Date.now() - started > STEP) throw new Error(`no progress on screen:\n${term.screen()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // q during the live run asks first; n keeps it running.
    term.send('q');
    await term.waitFor('Quit while rows are being re-encrypted?', STEP);
    term.send('n');
    term.send('p');
    await term.waitFor('Paused', STEP);
    term.send('q');
    // Left mid-rotation: 130, and the hint names the command and the variables, never a value.
    expect(await exitCode(term)).toBe(130);
    const left = term.history().replace(/\s+/g, ' ');
    expect(left).toContain(
      'keep the application on SECRETS_ENCRYPTION_KEY=kek-v2 and SECRETS_ENCRYPTION_KEY_PREVIOUS=kek-v1',
    );
    expect(left).toContain(`run \`kek-rotate --pglite ${db} --journal ${journal}\` again`);
    expect(KEY_ANYWHERE.test(term.history()), 'key material on screen').toBe(false);
    // The summary's counts are the database's, read after the screen closed.
    const summary =
      /Rows per key now in llm_providers\.api_key_encrypted \(read at [\d:]+ UTC\): kek-v1 ([\d,]+), kek-v2 ([\d,]+)/.exec(
        left,
      );
    expect(summary, left).not.toBeNull();
    const now = keyedRows();
    expect([Number(summary![1]!.replaceAll(',', '')), Number(summary![2]!.replaceAll(',', ''))]).toEqual([
      now['kek-v1'],
      now['kek-v2'],
    ]);
    expect(left).toMatch(
      new RegExp(`Moved onto kek-v2 in this session: ${now['kek-v2']!.toLocaleString('en-US')} rows\\.`),
    );
    term.kill();

    // Session 2: the same command and environment. Never kek-v2 -> kek-v1; load kek-v2 from its file.
    term = openTmux(command.replace('--max-rate 20 ', ''), { cwd: dir, env });
    const need = await term.waitFor('This tool holds only kek-v1', 2 * START);
    expect(need.replace(/\s+/g, ' ')).toContain('A rotation kek-v1 → kek-v2 is under way');
    expect(need.replace(/\s+/g, ' ')).toContain('the tool wrote it to kek-v2.key');
    expect(term.history()).not.toContain('kek-v2 → kek-v1');
    term.send('l');
    await press(term, 'Load the new key from', 'Enter');
    await press(term, 'c continue', 'c');
    await press(term, 'y start the live run', 'y');
    await press(term, 'Live run result', 'y');
    await press(term, 'Verified: every value is on kek-v2', 'y');
    expect(term.history()).not.toContain('kek-v2 → kek-v1');
    await press(term, 'Remove kek-v1', 'y');
    await typeRemoval(term, 'kek-v1');
    // Done gives the rotation's total over both sessions, as psql counts it, and says what came before.
    const done = (await term.waitFor('Done: kek-v1 → kek-v2', STEP)).replace(/\s+/g, ' ');
    const total = before['kek-v1']!;
    const earlier = now['kek-v2']!;
    expect(done).toContain(
      `Rows re-encrypted: ${total.toLocaleString('en-US')} (${earlier.toLocaleString('en-US')} before this session). Failed: 0.`,
    );
    term.send('q');
    expect(await exitCode(term)).toBe(0);
    term.kill();
    term = undefined;
    expect(keyedRows()).toEqual({ 'kek-v2': total });
    // One rotation, one section, its totals over every pass of both sessions.
    const report = execFileSync('node', [bin, 'report', '--journal', journal], { cwd: dir, encoding: 'utf8' });
    expect(report.match(/^## Rotation /gm)).toHaveLength(1);
    expect(report).toMatch(new RegExp(`Rows re-encrypted:\\*\\* ${total} over \\d+ live passes \\(failed: 0\\)`));
    expect(report).toContain('**Outcome:** finished');
  }, 300_000);

  it('rehearse compromised-key: the emergency path to the credentials checklist, debrief decides the exit code', async () => {
    term = openTmux(
      `node ${bin} rehearse --scenario compromised-key --rows 30 --journal ${join(work, 'emergency.jsonl')}`,
      {
        cwd: work,
        env: { XDG_STATE_HOME: join(work, 'state'), NO_COLOR: '1' },
      },
    );
    await press(term, 'Press Enter to begin', 'Enter');
    await press(term, 'e emergency: key leaked', 'e');
    await term.waitFor('EMERGENCY: key compromised', STEP);
    await term.waitFor('kek-v2:••••', STEP);
    expect(KEY_ON_SCREEN.test(term.history()), 'key material on screen before k').toBe(false);
    term.send('k');
    await press(term, 'Visible now', 'y');
    await press(term, 'Deploy both keys now', 'y');
    // Re-encryption and verification run on their own on the emergency path.
    await press(term, 'Remove the leaked key', 'y');
    await typeRemoval(term, 'kek-v1');
    const checklist = await term.waitFor('Rotate these credentials at their providers', STEP);
    const listed = /Rotate these credentials at their providers \(([\d,]+), 0 ticked\)/.exec(checklist)?.[1];
    expect(listed).toBeDefined();
    expect(checklist).toContain('Compromised key kek-v1 removed');
    // Written for the incident ticket, private, in the directory the trainee ran it from.
    await term.waitFor('Written (mode 0600)', STEP);
    const files = readdirSync(work).filter((f) => f.startsWith('kek-rotate-checklist-kek-v1-'));
    expect(files.map((f) => f.slice(f.lastIndexOf('.'))).sort()).toEqual(['.csv', '.md']);
    for (const f of files) expect(statSync(join(work, f)).mode & 0o777).toBe(0o600);
    expect(
      readFileSync(
        join(
          work,
          files.find((f) => f.endsWith('.md'))!,
        ),
        'utf8',
      ),
    ).toContain(`${listed} credentials`);
    term.send(' ');
    await term.waitFor(`(${listed}, 1 ticked)`, STEP);
    term.send('y');
    await press(term, 'Done: kek-v1 → kek-v2', 'q');
    const code = await exitCode(term);
    const all = await term.waitForInHistory('Debrief:', STEP);
    const verdict = /Debrief: .*\(compromised-key\): (PASSED|FAILED) in/.exec(all)?.[1];
    expect(verdict).toBeDefined();
    expect(code).toBe(verdict === 'PASSED' ? 0 : 1);
    // Driven correctly, the emergency scenario passes.
    expect(verdict).toBe('PASSED');
    expect(all).toContain('[PASS] Every value got a fresh data key');
  }, 240_000);
});
