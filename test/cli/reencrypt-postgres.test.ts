// The real binary against real PostgreSQL (a fresh schema per test): the reference tool's summary
// lines, failures that make the exit code non-zero, verify before and after, JSON lines, piped
// output without ANSI, and the reencrypt-secrets alias.
import { afterEach, describe, expect, it } from 'vitest';
import { formatKey } from '../../src/crypto/key.js';
import { freshPg, SKIP_PG_REASON, TEST_DATABASE_URL, type TestDatabase } from '../helpers/test-db.js';
import { cli, keyIdCounts, REENCRYPT_SECRETS, seed, withoutTimes } from './cli-harness.js';

const ANSI = /\u001b\[/;
const lastLine = (text: string) => text.trimEnd().split('\n').at(-1);

describe('PostgreSQL is available where it must be', () => {
  it('CI runs these tests instead of skipping them', () => {
    if (process.env.CI) expect(TEST_DATABASE_URL, SKIP_PG_REASON).toBeTruthy();
  });
});

describe.skipIf(!TEST_DATABASE_URL)('kek-rotate reencrypt and verify on PostgreSQL', () => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.drop();
    t = undefined;
  });
  const open = async () => (t = await freshPg('cli'));

  it('dry run: the reference summary line, the breakdown, the unreadable row, nothing written, exit 1', async () => {
    const { db, url } = await open();
    const s = await seed(db, { rows: 30, onV2: 4, nulls: 3, tampered: true });
    const before = await keyIdCounts(db);
    const r = await cli(['reencrypt', '--dry-run'], { DATABASE_URL: url, ...s.keysEnv });
    expect(r.exitCode).toBe(1);
    expect(lastLine(r.stdout)).toBe('DRY RUN: Would re-encrypt 30 of 38 records');
    // The tampered kek-v1 row is not "to rotate": it has its own line.
    expect(r.stdout).toMatch(/to rotate to kek-v2 +30 +\(kek-v1: 30\)/);
    expect(r.stdout).toMatch(/already on kek-v2 +4/);
    expect(r.stdout).toMatch(/NULL +3/);
    expect(r.stdout).toMatch(/cannot be decrypted +1 +\(kek-v1: 1\)/);
    expect(r.stdout).toContain(`id=${s.tamperedId}`);
    expect(r.stderr).toContain('Encryption service initialized. Primary key: kek-v2');
    expect(r.stderr).toContain('Available keys: ["kek-v2", "kek-v1"]');
    expect(r.stderr).toContain('Processing table: llm_providers');
    expect(r.stderr).toContain('error: 1 row(s) cannot be decrypted');
    expect(r.stdout + r.stderr).not.toMatch(ANSI);
    expect(await keyIdCounts(db)).toEqual(before);
  });

  it('live run: the reference summary line, then verify passes with the primary key alone', async () => {
    const { db, url } = await open();
    const s = await seed(db, { rows: 30, onV2: 4, nulls: 3 });
    const env = { DATABASE_URL: url, ...s.keysEnv };
    const before = await cli(['verify'], env);
    expect(before.exitCode).toBe(1);
    expect(before.stdout).toContain('Verification FAILED');

    const r = await cli(['reencrypt', '-b', '7'], env);
    expect(r.stderr).not.toContain('error:');
    expect(r.exitCode).toBe(0);
    expect(lastLine(r.stdout)).toBe('Re-encrypted 30 of 37 records');
    expect(await keyIdCounts(db)).toEqual({ 'kek-v2': 34, NULL: 3 });

    const after = await cli(['verify', '--only-primary'], env);
    expect(after.exitCode).toBe(0);
    expect(after.stdout).toContain('Verification passed.');
    expect(after.stdout).toContain('SELECT status, key_id');

    const again = await cli(['reencrypt'], env);
    expect(lastLine(again.stdout)).toBe('Re-encrypted 0 of 37 records');
  });

  it('live run with an unreadable row: the rest moves, the row is listed and untouched, exit 1', async () => {
    const { db, url } = await open();
    const s = await seed(db, { rows: 10, tampered: true });
    const stored = async () =>
      (await db.query<{ v: Buffer }>('SELECT api_key_encrypted AS v FROM llm_providers WHERE id = $1', [s.tamperedId]))
        .rows[0]!.v;
    const original = await stored();
    const r = await cli(['reencrypt'], { DATABASE_URL: url, ...s.keysEnv });
    expect(r.exitCode).toBe(1);
    expect(lastLine(r.stdout)).toBe('Re-encrypted 10 of 11 records');
    expect(r.stdout).toContain('Rows not re-encrypted (1)');
    expect(r.stdout).toContain(`id=${s.tamperedId}`);
    expect(r.stderr).toContain(`Failed to re-encrypt llm_providers.api_key_encrypted (id=${s.tamperedId})`);
    expect((await stored()).equals(original)).toBe(true);
    const verify = await cli(['verify', '--deep'], { DATABASE_URL: url, ...s.keysEnv });
    expect(verify.exitCode).toBe(1);
  });

  it('--json: every stdout line is one JSON event, ending with the summary', async () => {
    const { db, url } = await open();
    const s = await seed(db, { rows: 12, nulls: 1 });
    const r = await cli(['reencrypt', '--json', '-b', '5'], { DATABASE_URL: url, ...s.keysEnv });
    expect(r.exitCode).toBe(0);
    const events = r.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; summary?: { tables: { rotated: number }[] } });
    expect(events[0]!.type).toBe('run-start');
    expect(events.map((e) => e.type)).toContain('table-start');
    const done = events.at(-1)!;
    expect(done.type).toBe('run-done');
    expect(done.summary!.tables[0]!.rotated).toBe(12);
    expect(r.stderr).toContain('Re-encrypted 12 of 13 records');

    const verify = await cli(['verify', '--json'], { DATABASE_URL: url, ...s.keysEnv });
    const report = JSON.parse(verify.stdout) as { passed: boolean; columns: { byKeyId: Record<string, number> }[] };
    expect(report.passed).toBe(true);
    expect(report.columns[0]!.byKeyId).toEqual({ 'kek-v2': 12 });
  });

  it('reencrypt-secrets behaves exactly as kek-rotate reencrypt', async () => {
    const { db, url } = await open();
    const s = await seed(db, { rows: 5, nulls: 1 });
    const env = { DATABASE_URL: url, ...s.keysEnv };
    const a = await cli(['reencrypt', '-n'], env);
    const b = await cli(['-n'], env, REENCRYPT_SECRETS);
    expect(b.exitCode).toBe(a.exitCode);
    expect(b.stdout).toBe(a.stdout);
    expect(withoutTimes(b.stderr)).toBe(withoutTimes(a.stderr));
    const helpA = await cli(['reencrypt', '--help']);
    const helpB = await cli(['--help'], {}, REENCRYPT_SECRETS);
    expect(helpB.stdout).toBe(helpA.stdout);
    const bad = await cli(['--nope'], {}, REENCRYPT_SECRETS);
    expect(bad.exitCode).toBe(2);
  });

  it('the database password never appears in any output', async () => {
    const { db, url } = await open();
    const s = await seed(db, { rows: 3, tampered: true });
    // The server trusts local connections, so a password in the URL is accepted and ignored.
    const withPassword = url!.replace('postgres@', 'postgres:Sup3rS3cretPw@');
    const env = { DATABASE_URL: withPassword, ...s.keysEnv };
    for (const args of [
      ['reencrypt', '-n'],
      ['reencrypt', '--json'],
      ['reencrypt'],
      ['verify', '--deep'],
      ['generate-key', '--id', 'kek-v9'],
    ]) {
      const r = await cli(args, env);
      expect(r.stderr, args.join(' ')).toContain('postgres:****@');
      expect(r.stdout + r.stderr, args.join(' ')).not.toContain('Sup3rS3cretPw');
    }
  });

  it('a malformed key exits 2 naming the variable, without the key material', async () => {
    const { db, url } = await open();
    const s = await seed(db, { rows: 1 });
    const material = Buffer.alloc(31, 7).toString('base64');
    const r = await cli(['reencrypt', '-n'], {
      DATABASE_URL: url,
      SECRETS_ENCRYPTION_KEY: `kek-v2:${material}`,
      SECRETS_ENCRYPTION_KEY_PREVIOUS: formatKey(s.v1),
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('SECRETS_ENCRYPTION_KEY: key kek-v2: decodes to 31 bytes, expected 32');
    expect(r.stdout + r.stderr).not.toContain(material);
    expect(r.stdout + r.stderr).not.toContain(formatKey(s.v1).split(':')[1]);

    const prev = await cli(['verify'], {
      DATABASE_URL: url,
      SECRETS_ENCRYPTION_KEY: formatKey(s.v2),
      SECRETS_ENCRYPTION_KEY_PREVIOUS: 'kek-v1',
    });
    expect(prev.exitCode).toBe(2);
    expect(prev.stderr).toContain('SECRETS_ENCRYPTION_KEY_PREVIOUS');
  });

  it('warns about *_encrypted columns missing from the registry', async () => {
    const { db, url } = await open();
    const s = await seed(db, { rows: 2 });
    await db.query('ALTER TABLE llm_providers ADD COLUMN webhook_secret_encrypted bytea');
    for (const command of ['reencrypt', 'verify']) {
      const r = await cli([command, ...(command === 'reencrypt' ? ['-n'] : [])], { DATABASE_URL: url, ...s.keysEnv });
      expect(r.stderr).toMatch(/WARN .*llm_providers\.webhook_secret_encrypted/);
    }
  });

  it('--table outside the registry is a usage error', async () => {
    const { db, url } = await open();
    const s = await seed(db, { rows: 1 });
    const r = await cli(['reencrypt', '-t', 'users'], { DATABASE_URL: url, ...s.keysEnv });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--table users: not a registered table');
  });
});
