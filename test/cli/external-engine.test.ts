// `kek-rotate reencrypt --engine command` through the real built binary against a real PostgreSQL
// schema, with the fake reencrypt-secrets as the application's tool: the summary line, exit codes
// 0 / 1 (failed row listed) / 4 (tool exited non-zero, its last lines shown), and no key material
// in any output or on the tool's command line.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatKey } from '../../src/crypto/key.js';
import { freshPg, TEST_DATABASE_URL, type TestDatabase } from '../helpers/test-db.js';
import { cli, REPO, seed, type CliResult, type Seeded } from './cli-harness.js';

const FAKE = join(REPO, 'test/fixtures/fake-reencrypt-secrets');
const lastLine = (text: string) => text.trimEnd().split('\n').at(-1);

/** Both halves of every key: the whole `id:base64` and the base64 alone. */
function keyMaterial(s: Seeded): string[] {
  return [s.v1, s.v2].flatMap((k) => [formatKey(k), formatKey(k).split(':')[1]!]);
}

function expectNoKeyMaterial(r: CliResult, s: Seeded, label: string): void {
  for (const secret of keyMaterial(s)) expect(r.stdout + r.stderr, label).not.toContain(secret);
}

interface Recorded {
  argv: string[];
  variables: string[];
}

describe.skipIf(!TEST_DATABASE_URL)('kek-rotate reencrypt --engine command on PostgreSQL', () => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.drop();
    t = undefined;
  });

  /** A seeded schema matching the fake's default story (3 rows to move, 2 already on the primary). */
  async function setup() {
    t = await freshPg('ext');
    const s = await seed(t.db, { rows: 3, onV2: 2 });
    const record = join(mkdtempSync(join(tmpdir(), 'kek-fake-')), 'argv.json');
    const run = (extraArgs: string[], fakeEnv: Record<string, string> = {}) =>
      cli(['reencrypt', ...extraArgs, '--engine', 'command', '--command', FAKE], {
        DATABASE_URL: t!.url,
        ...s.keysEnv,
        FAKE_RECORD: record,
        ...fakeEnv,
      });
    const recorded = () => JSON.parse(readFileSync(record, 'utf8')) as Recorded;
    return { s, run, recorded };
  }

  it('live run: the tool gets the keys in its environment only, the summary line is the reference one, exit 0', async () => {
    const { s, run, recorded } = await setup();
    const r = await run([]);
    expect(r.stderr).not.toContain('error:');
    expect(r.exitCode).toBe(0);
    expect(lastLine(r.stdout)).toBe('Re-encrypted 3 of 5 records');
    expect(r.stdout).toMatch(/re-encrypted to kek-v2 +3/);
    expect(r.stdout).toMatch(/already on kek-v2 +2/);
    expect(r.stderr).toContain('Encryption service initialized. Primary key: kek-v2');
    expectNoKeyMaterial(r, s, 'live');

    const seen = recorded();
    expect(seen.argv).toEqual(['--batch-size', '100']);
    expect(seen.variables).toEqual(['DATABASE_URL', 'SECRETS_ENCRYPTION_KEY', 'SECRETS_ENCRYPTION_KEY_PREVIOUS']);
    for (const secret of keyMaterial(s)) expect(seen.argv.join(' ')).not.toContain(secret);
  });

  it('--dry-run: passed on to the tool, the DRY RUN summary line, exit 0', async () => {
    const { s, run, recorded } = await setup();
    const r = await run(['--dry-run', '-b', '7']);
    expect(r.exitCode).toBe(0);
    expect(lastLine(r.stdout)).toBe('DRY RUN: Would re-encrypt 3 of 5 records');
    expect(r.stdout).toMatch(/to rotate to kek-v2 +3 +\(kek-v1: 3\)/);
    expectNoKeyMaterial(r, s, 'dry run');
    expect(recorded().argv).toEqual(['--dry-run', '--batch-size', '7']);
  });

  it('a row the tool reports as failed: listed with its id and reason, exit 1', async () => {
    const { s, run } = await setup();
    const r = await run([], { FAKE_FAILURES: '1' });
    expect(r.exitCode).toBe(1);
    expect(lastLine(r.stdout)).toBe('Re-encrypted 3 of 6 records');
    expect(r.stdout).toContain('Rows not re-encrypted (1)');
    expect(r.stdout).toMatch(/id=01900000-0000-7000-8000-000000000006 .*Unknown key_id 'kek-v0'/);
    expect(r.stderr).toContain('error: 1 row(s) were not re-encrypted');
    expectNoKeyMaterial(r, s, 'failed row');
  });

  it('the tool exits non-zero: exit 4, its exit code and last lines shown, a key it echoed scrubbed', async () => {
    const { s, run } = await setup();
    for (const args of [[], ['--dry-run']]) {
      const r = await run(args, { FAKE_EXIT: '3', FAKE_ECHO_KEY: '1' });
      expect(r.exitCode, args.join(' ')).toBe(4);
      expect(r.stderr).toMatch(/error: .*fake-reencrypt-secrets .*exited with code 3/);
      expect(r.stderr).toContain('last lines of its output:');
      expect(r.stderr).toContain('connection reset by peer');
      // The line where the tool echoed the primary key is shown, with the key replaced.
      expect(r.stderr).toContain("Invalid key format. Expected 'key_id:base64_key', got: kek-v2:<redacted>");
      expect(r.stdout).not.toMatch(/records$/m);
      expectNoKeyMaterial(r, s, `exit 3 ${args.join(' ')}`);
    }
  });
});
