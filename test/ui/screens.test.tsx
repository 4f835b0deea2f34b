// Each phase screen through the App with a fake actor: what it shows for a given step and
// context, which keys it offers, which events a key press sends, and that it fits 80x24.
import { afterEach, describe, expect, it } from 'vitest';
import { formatKey } from '../../src/crypto/key.js';
import { SecretKey, type RunbookContext } from '../../src/machine/contract.js';
import { App } from '../../src/ui/App.js';
import { fakeActor } from './fake-actor.js';
import { label } from './labels.js';
import { KEYS, renderInk, widestLine, type Rendered } from './render-ink.js';

const OLD = new SecretKey({ id: 'kek-v1', bytes: Buffer.alloc(32, 1) });
const NEW = new SecretKey({ id: 'kek-v2', bytes: Buffer.alloc(32, 0xfe) });
const OLD_B64 = OLD.reveal().bytes.toString('base64');
const NEW_B64 = NEW.reveal().bytes.toString('base64');
const KEYS_CTX: Partial<RunbookContext> = {
  configured: { primaryKeyId: 'kek-v2', previousKeyId: 'kek-v1' },
  newKeyId: 'kek-v2',
  oldKeyId: 'kek-v1',
  secretKeys: { 'kek-v1': OLD, 'kek-v2': NEW },
};
const COLUMN = 'llm_providers.api_key_encrypted';

let r: Rendered | undefined;
afterEach(() => r?.unmount());

/** Footer and text lines wrap at 80 columns; compare with whitespace runs folded. */
const flat = (s: string) => s.replace(/\s+/g, ' ');

async function see(text: string): Promise<string> {
  const frame = await r!.waitFor((f) => flat(f).includes(flat(text)), JSON.stringify(text));
  expect(widestLine(frame)).toBeLessThanOrEqual(r!.stdout.columns);
  expect(frame.trimEnd().split('\n').length, `taller than the terminal:\n${frame}`).toBeLessThanOrEqual(r!.stdout.rows);
  return frame;
}

describe('preflight', () => {
  it('blocked: names the stray key, the repair, and offers the rollback that repairs it', async () => {
    const actor = fakeActor(
      { preflight: 'blocked' },
      {
        configured: { primaryKeyId: 'kek-v2' },
        inventory: [{ label: COLUMN, total: 12, nulls: 1, invalid: 0, byKeyId: { 'kek-v2': 8, 'kek-v0': 3 } }],
        stray: [{ keyId: 'kek-v0', rows: 3, columns: [COLUMN] }],
      },
      ['RETRY', 'START_ROLLBACK', 'QUIT'],
    );
    r = renderInk(<App actor={actor} />);
    const frame = await see('Blocked: 3 rows on kek-v0, which is neither primary nor previous');
    expect(frame).toMatch(/kek-v0\s+3\s+NOT CONFIGURED/);
    expect(frame).toContain('Repair: Configure kek-v0 as SECRETS_ENCRYPTION_KEY_PREVIOUS');
    expect(frame.replace(/\s+/g, ' ')).toContain(`b ${label('preflight.blocked', 'START_ROLLBACK')}`);
    await r.press('b');
    expect(actor.sent).toEqual([{ type: 'START_ROLLBACK' }]);
  });

  it('wrong key: names the variable, the id and the rows tried, offers only to check again', async () => {
    const actor = fakeActor(
      { preflight: 'wrongKey' },
      {
        configured: { primaryKeyId: 'kek-v2' },
        inventory: [{ label: COLUMN, total: 50, nulls: 0, invalid: 0, byKeyId: { 'kek-v2': 50 } }],
        keyProofs: [
          {
            keyId: 'kek-v2',
            source: 'SECRETS_ENCRYPTION_KEY',
            tried: 50,
            decrypted: 0,
            unwrappedOnly: 0,
            keyRejected: 50,
            failures: [],
          },
        ],
      },
      ['RETRY', 'QUIT'],
    );
    r = renderInk(<App actor={actor} />);
    const frame = await see(
      'Blocked: SECRETS_ENCRYPTION_KEY (kek-v2) decrypts none of the 50 rows labelled kek-v2 that were tried: this is not the key these rows were written with',
    );
    expect(flat(frame)).toContain('Repair: Set SECRETS_ENCRYPTION_KEY to the key the application uses for kek-v2');
    expect(flat(frame)).toContain(`r ${label('preflight.wrongKey', 'RETRY')}`);
    expect(flat(frame)).not.toContain(`enter ${label('preflight.ready', 'CHOOSE_PATH')}`);
    expect(flat(frame)).not.toMatch(/enter rotate/);
    await r.press('r');
    expect(actor.sent).toEqual([{ type: 'RETRY' }]);
  });

  it('resume offer: says where the journal stopped; c continues', async () => {
    const actor = fakeActor(
      { preflight: 'resumeOffer' },
      {
        ...KEYS_CTX,
        inventory: [{ label: COLUMN, total: 10, nulls: 0, invalid: 0, byKeyId: { 'kek-v2': 6, 'kek-v1': 4 } }],
        resumeTarget: 'reencrypt',
        resumePoint: {
          rotationId: 'r',
          path: 'rotate',
          phase: 'reencrypt',
          step: 'reencrypt.live',
          outcome: 'cancelled',
          time: 't',
          finished: false,
        },
      },
      ['RESUME_FROM_JOURNAL', 'START_FRESH', 'QUIT'],
    );
    r = renderInk(<App actor={actor} />);
    const frame = await see('A rotation is under way (journal: last step reencrypt.live); it can continue');
    expect(frame).toContain(
      `c ${label('preflight.resumeOffer', 'RESUME_FROM_JOURNAL')} · n ${label('preflight.resumeOffer', 'START_FRESH')}`,
    );
    await r.press('c');
    expect(actor.sent).toEqual([{ type: 'RESUME_FROM_JOURNAL' }]);
  });
});

describe('preflight: the rotation under way lacks its new key', () => {
  it('says which rotation, what each side needs and where the key went; l asks for the file, Enter sends it', async () => {
    const actor = fakeActor(
      { preflight: 'needKey' },
      {
        configured: { primaryKeyId: 'kek-v1' },
        newKeyId: 'kek-v2',
        oldKeyId: 'kek-v1',
        inventory: [{ label: COLUMN, total: 44, nulls: 0, invalid: 0, byKeyId: { 'kek-v1': 31, 'kek-v2': 13 } }],
        resumePoint: {
          rotationId: 'r',
          path: 'rotate',
          phase: 'reencrypt',
          step: 'reencrypt.live',
          outcome: 'cancelled',
          time: '2026-12-03T08:00:00Z',
          newKeyId: 'kek-v2',
          oldKeyId: 'kek-v1',
          finished: false,
          keyFile: '/secure/kek-v2.key',
        },
        resumeTarget: 'load-key',
      },
      ['LOAD_KEY_FILE', 'QUIT'],
    );
    r = renderInk(<App actor={actor} />);
    const frame = await see(
      'A rotation kek-v1 → kek-v2 is under way (journal: reencrypt.live at 2026-12-03T08:00:00Z)',
    );
    expect(flat(frame)).toContain(
      'The application must run with SECRETS_ENCRYPTION_KEY=kek-v2 and SECRETS_ENCRYPTION_KEY_PREVIOUS=kek-v1',
    );
    expect(flat(frame)).toContain('This tool holds only kek-v1: the tool wrote it to /secure/kek-v2.key');
    expect(flat(frame)).not.toMatch(/kek-v2 → kek-v1|roll back/);
    await r.press('l');
    await see('Load the new key from (its contents are never shown): /secure/kek-v2.key');
    await r.press(KEYS.enter);
    await r.waitFor(() => actor.sent.length > 0, 'LOAD_KEY_FILE');
    expect(actor.sent).toEqual([{ type: 'LOAD_KEY_FILE', path: '/secure/kek-v2.key' }]);
  });
});

describe('generate', () => {
  it('masked until the machine says revealed; r asks the machine to reveal', async () => {
    const actor = fakeActor({ generate: 'show' }, { ...KEYS_CTX, keyRevealed: false }, [
      'REVEAL_KEY',
      'WRITE_KEY_FILE',
      'QUIT',
    ]);
    r = renderInk(<App actor={actor} />);
    await see('kek-v2:••••');
    expect(r.allFrames()).not.toContain(NEW_B64);
    await r.press('k');
    expect(actor.sent).toEqual([{ type: 'REVEAL_KEY' }]);
    actor.set({ generate: 'show' }, { keyRevealed: true }, ['HIDE_KEY', 'CONFIRM', 'QUIT']);
    await see(formatKey(NEW.reveal()));
    await see(`y ${label('generate.show', 'CONFIRM')}`);
  });
  it('write to a file: the path prompt can be edited, Esc cancels, Enter sends the path', async () => {
    const actor = fakeActor({ generate: 'show' }, KEYS_CTX, ['REVEAL_KEY', 'WRITE_KEY_FILE', 'QUIT']);
    r = renderInk(<App actor={actor} />);
    await see('w write to a file');
    await r.press('w');
    await see('Write the key to (a new file, mode 0600): kek-v2.key');
    // While typing, q is text, not quit.
    await r.type('q');
    await see('kek-v2.keyq');
    await r.press(KEYS.escape);
    await see('w write to a file');
    await r.press('w');
    for (let i = 0; i < 'kek-v2.key'.length; i++) await r.press(KEYS.backspace);
    await r.type('/secure/k.key');
    await r.press(KEYS.enter);
    await r.waitFor(() => actor.sent.length > 0, 'WRITE_KEY_FILE');
    expect(actor.sent).toEqual([{ type: 'WRITE_KEY_FILE', path: '/secure/k.key' }]);
  });
});

describe('deploy', () => {
  it('stage 2a: old primary, new decrypt-only previous; k shows the values, y confirms', async () => {
    const actor = fakeActor({ deploy: 'stageA' }, { ...KEYS_CTX, deployPlan: 'staged' }, [
      'CONFIRM',
      'CANCEL',
      'ABORT',
      'QUIT',
    ]);
    r = renderInk(<App actor={actor} />);
    let frame = await see('Step 2a of 2: add kek-v2 as decrypt-only previous');
    expect(frame).toContain('SECRETS_ENCRYPTION_KEY=kek-v1:••••');
    expect(frame).toContain('SECRETS_ENCRYPTION_KEY_PREVIOUS=kek-v2:••••');
    expect(r.allFrames()).not.toContain(OLD_B64);
    await r.press('k');
    frame = await see('v shows them whole');
    // Never wrapped by the tool: a line that fits is whole, a wider one is cut and marked.
    expect(frame).toContain(`\nSECRETS_ENCRYPTION_KEY=kek-v1:${OLD_B64}\n`);
    expect(frame).toMatch(/^SECRETS_ENCRYPTION_KEY_PREVIOUS=kek-v2:\S+…$/m);
    await r.press('y');
    expect(actor.sent).toEqual([{ type: 'CONFIRM' }]);
  });
  it('the Kubernetes manifest of the final config scrolls inside 24 rows', async () => {
    const actor = fakeActor({ remove: 'confirmDeploy' }, KEYS_CTX, ['CONFIRM', 'QUIT']);
    r = renderInk(<App actor={actor} />);
    await see('Remove kek-v1: kek-v2 alone');
    await r.press(KEYS.tab);
    await r.press(KEYS.tab);
    const frame = await see('[Kubernetes Secret]');
    expect(frame).toContain('kubectl patch secret');
    await see('↕ lines 1–');
    for (let i = 0; i < 10; i++) await r.press(KEYS.down);
    await see("SECRETS_ENCRYPTION_KEY: 'kek-v2:••••••••••••'");
  });
  it('removal needs the old key id typed; y alone sends nothing', async () => {
    const actor = fakeActor({ remove: 'confirmDeploy' }, KEYS_CTX, ['CONFIRM', 'QUIT']);
    r = renderInk(<App actor={actor} />);
    await see(`y ${label('remove.confirmDeploy', 'CONFIRM')}`);
    await r.press('y');
    await see('Type kek-v1 and press Enter');
    await r.press('q');
    await r.press(KEYS.enter);
    await see('That is not kek-v1');
    expect(actor.sent).toEqual([]);
    await r.press(KEYS.backspace);
    await r.type('kek-v1');
    await r.press(KEYS.enter);
    await r.waitFor(() => actor.sent.length > 0, 'CONFIRM');
    expect(actor.sent).toEqual([{ type: 'CONFIRM' }]);
  });
});

describe('re-encrypt', () => {
  const counts = {
    table: COLUMN,
    total: 1000,
    processed: 400,
    rotated: 390,
    alreadyPrimary: 5,
    nulls: 2,
    failed: 3,
    retried: 1,
    skippedLocked: 0,
    vanished: 0,
    byKeyId: {},
  };
  const failures = Array.from({ length: 12 }, (_, i) => ({
    table: COLUMN,
    id: `0190-${i}`,
    keyId: 'kek-v1',
    problem: 'bad-base64' as const,
    reason: `tampered \u001b[31mvalue ${i}`,
  }));
  it('live: progress with rate and ETA, failures scroll, p pauses', async () => {
    const actor = fakeActor(
      { reencrypt: 'live' },
      {
        ...KEYS_CTX,
        engine: { kind: 'live', tables: [counts], rowsPerSecond: 2500, etaSeconds: 75, paused: false, warnings: [] },
        failures,
      },
      ['PAUSE', 'ABORT', 'QUIT'],
    );
    r = renderInk(<App actor={actor} />);
    let frame = await see('40% 400/1,000 rows');
    expect(frame).toContain('2,500 rows/s  ETA 1:15');
    expect(frame).toContain('12 failed rows (showing 1–5 of 12)');
    expect(frame).toContain('id=0190-0 (kek-v1): tampered \uFFFD[31mvalue 0');
    await r.press(KEYS.pageDown);
    frame = await see('showing 6–10 of 12');
    await r.press('p');
    expect(actor.sent).toEqual([{ type: 'PAUSE' }]);
    actor.set({ reencrypt: 'paused' }, {}, ['RESUME', 'ABORT', 'QUIT']);
    frame = await see('Paused: the batch in flight finished');
    expect(frame).toContain(`p ${label('reencrypt.paused', 'RESUME')}`);
  });
  it('live: q asks before quitting; n keeps running, the other keys are off while asked; y quits', async () => {
    const actor = fakeActor(
      { reencrypt: 'live' },
      {
        ...KEYS_CTX,
        engine: { kind: 'live', tables: [counts], rowsPerSecond: 2500, etaSeconds: 75, paused: false, warnings: [] },
      },
      ['PAUSE', 'ABORT', 'QUIT'],
    );
    r = renderInk(<App actor={actor} />);
    await see('40% 400/1,000 rows');
    await r.press('q');
    await see('Quit while rows are being re-encrypted?');
    expect(actor.sent).toEqual([]);
    await r.press('p'); // the screen's own keys wait for the answer
    expect(actor.sent).toEqual([]);
    await r.press('n');
    await r.waitFor((f) => !f.includes('Quit while rows'), 'the question gone');
    expect(actor.sent).toEqual([]);
    await r.press('q');
    await see('Quit while rows are being re-encrypted?');
    await r.press('y');
    await r.waitFor(() => actor.sent.length > 0, 'QUIT');
    expect(actor.sent).toEqual([{ type: 'QUIT' }]);
  });
  it('a step where the tool works shows a spinner and the time since it began', async () => {
    const actor = fakeActor({ verify: 'counting' }, { ...KEYS_CTX }, ['QUIT']);
    r = renderInk(<App actor={actor} />);
    await see('working · 0:00');
    await see('working · 0:01');
    const quiet = fakeActor({ reencrypt: 'dryRunReview' }, { ...KEYS_CTX }, ['CONFIRM', 'QUIT']);
    r.unmount();
    r = renderInk(<App actor={quiet} />);
    const frame = await see(label('reencrypt.dryRunReview', 'CONFIRM'));
    expect(frame).not.toContain('working ·');
  });
  it('not live: q quits at once', async () => {
    const actor = fakeActor({ reencrypt: 'dryRunReview' }, { ...KEYS_CTX }, ['CONFIRM', 'ABORT', 'QUIT']);
    r = renderInk(<App actor={actor} />);
    await see(label('reencrypt.dryRunReview', 'CONFIRM'));
    await r.press('q');
    await r.waitFor(() => actor.sent.length > 0, 'QUIT');
    expect(actor.sent).toEqual([{ type: 'QUIT' }]);
  });
  it('stopped: both keys work, nothing to roll back, rows per key id', async () => {
    const actor = fakeActor(
      { stopped: 'safe' },
      {
        ...KEYS_CTX,
        inventory: [{ label: COLUMN, total: 10, nulls: 0, invalid: 0, byKeyId: { 'kek-v2': 6, 'kek-v1': 4 } }],
        countsReadAt: undefined,
      },
      ['RESUME', 'QUIT'],
    );
    r = renderInk(<App actor={actor} />);
    // Counts from before the stop are never shown: the screen waits for the fresh ones.
    let frame = await see('Reading the rows per key now…');
    expect(frame).not.toMatch(/kek-v1\s+4 rows/);
    actor.set(
      { stopped: 'safe' },
      {
        ...KEYS_CTX,
        inventory: [{ label: COLUMN, total: 10, nulls: 0, invalid: 0, byKeyId: { 'kek-v2': 6, 'kek-v1': 4 } }],
        countsReadAt: Date.UTC(2026, 11, 3, 9, 30, 5),
      },
      ['RESUME', 'QUIT'],
    );
    frame = await see('Rows per key, read at');
    expect(frame).toContain('Stopped safely. Nothing to roll back.');
    expect(frame).toMatch(/Rows per key, read at \d\d:\d\d:\d\d:/);
    expect(frame).toMatch(/kek-v1\s+4 rows/);
    expect(frame).toContain(`c ${label('stopped.safe', 'RESUME')}`);
  });
});

describe('verify and after removal', () => {
  const longSql = Array.from({ length: 40 }, (_, i) => `-- line ${i}`).join('\n');
  const report = {
    columns: [
      {
        label: COLUMN,
        table: '"public"."llm_providers"',
        valueType: 'bytea',
        sql: longSql,
        total: 10,
        nulls: 1,
        invalid: 0,
        byKeyId: { 'kek-v2': 7, 'kek-v1': 2 },
      },
    ],
    primaryKeyId: 'kek-v2',
    passed: false,
    problems: ['2 rows are still on kek-v1'],
  };
  it('deep check running: clean counts do not say Verified until every value was decrypted', async () => {
    const clean = {
      ...report,
      columns: [{ ...report.columns[0]!, byKeyId: { 'kek-v2': 9 } }],
      passed: true,
      problems: [],
    };
    const running = fakeActor({ verify: 'deepCheck' }, { ...KEYS_CTX, verifySql: clean, refusals: [] }, ['QUIT']);
    r = renderInk(<App actor={running} />);
    await see('kek-v2');
    expect(r.frame()).not.toContain('Verified: every value');
    r.unmount();
    const done = fakeActor(
      { verify: 'passed' },
      {
        ...KEYS_CTX,
        verifySql: clean,
        verifyDeep: {
          ...clean,
          columns: [
            { ...clean.columns[0]!, deep: { checked: 9, ok: 9, failed: 0, failures: [], ring: 'primary-only' } },
          ],
        },
        refusals: [],
      },
      ['CONFIRM', 'QUIT'],
    );
    r = renderInk(<App actor={done} />);
    await see('✓ Verified: every value is on kek-v2.');
  });
  it('refused: rows left on the old key are marked, s shows the SQL inside the screen', async () => {
    const actor = fakeActor(
      { verify: 'refused' },
      {
        ...KEYS_CTX,
        verifySql: report,
        refusals: ['2 rows are still on kek-v1: re-encrypt again before removing it.'],
      },
      ['RETRY', 'ABORT', 'QUIT'],
    );
    r = renderInk(<App actor={actor} />);
    const frame = await see('✗ 2 rows are still on kek-v1: re-encrypt again');
    expect(frame).toMatch(/✗ kek-v1\s+2\s+must be 0/);
    expect(frame).not.toContain('y remove');
    await r.press('s');
    await see('-- line 0');
    await see('of 40 (↑/↓ PgUp/PgDn)');
  });
  it('after removal, rows left on the removed key: offers the rollback', async () => {
    const actor = fakeActor(
      { remove: 'notMigrated' },
      { ...KEYS_CTX, verifySql: report, refusals: ['2 rows are on kek-v1, which is no longer configured.'] },
      ['START_ROLLBACK', 'QUIT'],
    );
    r = renderInk(<App actor={actor} />);
    await see(`b ${label('remove.notMigrated', 'START_ROLLBACK')}`);
    await r.press('b');
    expect(actor.sent).toEqual([{ type: 'START_ROLLBACK' }]);
  });
  it('an effect failed: the error and its hint are shown with retry', async () => {
    const actor = fakeActor(
      { verify: 'failed' },
      { ...KEYS_CTX, error: { message: 'connection reset', hint: 'Check the database and retry.' } },
      ['RETRY', 'ABORT', 'QUIT'],
    );
    r = renderInk(<App actor={actor} />);
    const frame = await see('→ Check the database and retry.');
    expect(frame).toContain('connection reset');
    expect(frame).toContain(`r ${label('verify.failed', 'RETRY')}`);
  });
});

describe('terminal', () => {
  it('redraws on resize: a narrower terminal gets a narrower layout', async () => {
    const actor = fakeActor({ deploy: 'both' }, KEYS_CTX, ['CONFIRM', 'QUIT']);
    r = renderInk(<App actor={actor} />);
    let frame = await see('Both keys, runbook order');
    expect(widestLine(frame)).toBe(80);
    r.resize(60, 24);
    frame = await r.waitFor((f) => widestLine(f) <= 60 && f.includes('SECRETS_ENCRYPTION_KEY'), 'a 60-column frame');
    expect(frame).toContain('SECRETS_ENCRYPTION_KEY=kek-v2:');
  });
});

describe('local state per step', () => {
  it('keys shown in full at 2a are masked again at 2b', async () => {
    const actor = fakeActor({ deploy: 'stageA' }, { ...KEYS_CTX, deployPlan: 'staged' }, ['CONFIRM', 'QUIT']);
    r = renderInk(<App actor={actor} />);
    await see('Step 2a of 2');
    await r.press('k');
    await see('v shows them whole');
    actor.set({ deploy: 'stageB' }, { deployed: ['2a'] }, ['CONFIRM', 'QUIT']);
    const frame = await see('Step 2b of 2');
    expect(frame).toContain('SECRETS_ENCRYPTION_KEY=kek-v2:••••');
    expect(frame).not.toContain(NEW_B64.slice(0, 16));
  });
});

describe('rehearsal activity panel', () => {
  it('shows the application’s latest events under the screen, failures marked, within 24 rows', async () => {
    const { createActivityFeed } = await import('../../src/ui/activity-feed.js');
    const feed = createActivityFeed();
    const actor = fakeActor({ remove: 'confirmDeploy' }, KEYS_CTX, ['CONFIRM', 'QUIT']);
    r = renderInk(<App actor={actor} activity={feed} sandbox />);
    await see('─ application');
    feed.push({ text: 'replica-1: read 0190-1 (kek-v2)', level: 'info' });
    feed.push({ text: 'replica-2: READ FAILED 0190-7: no key for kek-v2\u001b[2J', level: 'failure' });
    const frame = await see('✗ replica-2: READ FAILED 0190-7: no key for kek-v2\uFFFD[2J');
    expect(frame).toContain('(1 read failures in the last 2)');
    expect(frame).toContain('replica-1: read 0190-1 (kek-v2)');
    expect(frame).toContain('[rehearsal]');
  });
});
