// The emergency path through the real binary in tmux (80x24) on PostgreSQL, as an incident
// responder runs it: the new key is stored and deployed while the listing may still run; rows the
// application writes under the leaked key meanwhile reach the checklist; the checklist file and the
// report hold exactly the rows that were on the leaked key (counted with SQL), never a value.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encryptValue } from '../../src/crypto/envelope.js';
import { formatKey } from '../../src/crypto/key.js';
import { insertProvider } from '../db/seed.js';
import { freshPg, SKIP_PG_REASON, TEST_DATABASE_URL, type TestDatabase } from '../helpers/test-db.js';
import { keyIdCounts, seed } from '../cli/cli-harness.js';
import { hasTmux, openTmux, type TmuxTerminal } from './tmux-terminal.js';

const bin = join(resolve(import.meta.dirname, '../..'), 'bin/kek-rotate');
const STEP = 45_000;
const skip = !hasTmux ? 'tmux is not installed' : !TEST_DATABASE_URL ? SKIP_PG_REASON : '';
if (skip) console.log(`emergency e2e on PostgreSQL skipped: ${skip}`);

let term: TmuxTerminal | undefined;
let t: TestDatabase | undefined;
afterEach(async () => {
  term?.kill();
  term = undefined;
  await t?.drop();
  t = undefined;
});

describe.skipIf(Boolean(skip))('the emergency path on PostgreSQL through the real binary', () => {
  it('every credential ever on the leaked key is in the checklist file and the report, rows written mid-path included', async () => {
    t = await freshPg('emergency_e2e');
    const s = await seed(t.db, { rows: 2000, nulls: 5 });
    const work = mkdtempSync(join(tmpdir(), 'kek-e2e-emergency-'));
    const env = (primary: string, previous?: string) =>
      writeFileSync(
        join(work, '.env'),
        `SECRETS_ENCRYPTION_KEY=${primary}\n${previous ? `SECRETS_ENCRYPTION_KEY_PREVIOUS=${previous}\n` : ''}`,
        { mode: 0o600 },
      );
    env(formatKey(s.v1));
    const journal = join(work, 'journal.jsonl');
    term = openTmux(`node ${bin} --emergency --journal ${journal}`, {
      cwd: work,
      env: { DATABASE_URL: t.url!, NO_COLOR: '1' },
    });

    await term.waitFor('kek-v2:••••', STEP);
    term.send('w');
    await term.waitFor('Write the key to', STEP);
    term.send('Enter');
    await term.waitFor('Written to kek-v2.key (mode 0600)', STEP);
    // The application keeps writing under the leaked key until the deploy.
    for (let i = 0; i < 3; i++) await insertProvider(t.db, encryptValue(s.v1, `sk-late-${i}`), `written late ${i}`);
    const onLeaked = (await keyIdCounts(t.db))['kek-v1'];
    expect(onLeaked).toBe(2003);
    term.send('y');
    await term.waitFor('Deploy both keys now', STEP);
    const newKey = readFileSync(join(work, 'kek-v2.key'), 'utf8').trim();
    env(newKey, formatKey(s.v1));
    term.send('y');
    await term.waitFor('Remove the leaked key', STEP);
    env(newKey);
    term.send('y');
    await term.waitFor('Type kek-v1 and press Enter', STEP);
    term.send('-l', 'kek-v1');
    await term.waitFor('Enter (Esc cancels): kek-v1', STEP);
    term.send('Enter');
    const checklist = await term.waitFor('Rotate these credentials at their providers (2,003, 0 ticked)', STEP);
    expect(checklist).toContain('3 of them were written under the leaked key after the listing');
    term.send('y');
    await term.waitFor('Done: kek-v1 → kek-v2', STEP);
    term.send('q');
    await term.waitFor('EXIT=0', STEP);

    expect(await keyIdCounts(t.db)).toEqual({ 'kek-v2': 2003, NULL: 5 });
    const files = readdirSync(work).filter((f) => f.startsWith('kek-rotate-checklist-kek-v1-'));
    const markdown = readFileSync(
      join(
        work,
        files.find((f) => f.endsWith('.md'))!,
      ),
      'utf8',
    );
    expect(markdown.split('\n').filter((l) => l.startsWith('- [ ] '))).toHaveLength(2003);
    expect(markdown).toContain('written late 2');
    const csv = readFileSync(
      join(
        work,
        files.find((f) => f.endsWith('.csv'))!,
      ),
      'utf8',
    );
    expect(csv.trimEnd().split('\r\n')).toHaveLength(2004);
    for (const f of files) expect(statSync(join(work, f)).mode & 0o777).toBe(0o600);
    const report = execFileSync('node', [bin, 'report', '--journal', journal], { cwd: work, encoding: 'utf8' });
    expect(report).toContain('### Credentials to rotate at their providers (2003, 0 ticked as rotated)');
    for (const text of [markdown, csv, report, readFileSync(journal, 'utf8')]) expect(text).not.toContain('sk-');
    rmSync(work, { recursive: true, force: true });
  }, 240_000);
});
