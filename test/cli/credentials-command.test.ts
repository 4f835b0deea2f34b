// `kek-rotate credentials` through the real binary, on PostgreSQL and on a PGlite directory: every
// row on the key, grouped by provider, in text, CSV, Markdown and JSON, never a value; a file is
// written private and never over another; bad input exits 2 before anything is read.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encryptValue } from '../../src/crypto/envelope.js';
import { freshPg, SKIP_PG_REASON, TEST_DATABASE_URL, type TestDatabase } from '../helpers/test-db.js';
import { insertProvider } from '../db/seed.js';
import { cli, emptyDir, seed, seededPgliteDir } from './cli-harness.js';

if (!TEST_DATABASE_URL) console.log(SKIP_PG_REASON);

describe.skipIf(!TEST_DATABASE_URL)('kek-rotate credentials on PostgreSQL', () => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.drop();
    t = undefined;
  });

  it('lists the rows on the key, grouped, in every format; names made safe; CSV never a formula', async () => {
    t = await freshPg('credentials');
    const s = await seed(t.db, { rows: 5, onV2: 3, nulls: 1 });
    await insertProvider(t.db, encryptValue(s.v1, 'sk-formula'), '=HYPERLINK("http://x","y")\u001b[31m');
    const env = { DATABASE_URL: t.url };

    const text = await cli(['credentials', '--key-id', 'kek-v1'], env);
    expect(text.exitCode).toBe(0);
    expect(text.stdout.split('\n')[0]).toBe('openai (6)');
    expect(text.stdout).toContain('[ ] p0  llm_providers.api_key_encrypted id ');
    expect(text.stdout).not.toContain('\u001b');
    expect(text.stdout).not.toContain('n0'); // on kek-v2
    expect(text.stderr).toContain('6 credentials on kek-v1: openai 6');
    expect(text.stdout + text.stderr).not.toContain('sk-');

    const csv = await cli(['credentials', '--key-id', 'kek-v1', '--format', 'csv'], env);
    expect(csv.stdout.trimEnd().split('\r\n')).toHaveLength(7); // the header and 6 rows
    expect(csv.stdout).toContain(`openai,"'=HYPERLINK(""http://x"",""y"")\uFFFD[31m"`);

    const json = await cli(['credentials', '--key-id', 'kek-v2', '--json'], env);
    const parsed = JSON.parse(json.stdout) as {
      keyId: string;
      total: number;
      byProviderType: Record<string, number>;
      credentials: { name: string }[];
    };
    expect(parsed).toMatchObject({ keyId: 'kek-v2', total: 3, byProviderType: { openai: 3 } });
    expect(parsed.credentials.map((c) => c.name).sort()).toEqual(['n0', 'n1', 'n2']);
    expect(json.stderr).toContain('"type":"progress","phase":"credentials"');

    const dir = emptyDir();
    const written = await cli(
      ['credentials', '--key-id', 'kek-v1', '--format', 'markdown', '--output', 'leaked.md'],
      env,
      undefined,
      dir,
    );
    expect(written.exitCode).toBe(0);
    expect(written.stdout).toBe('');
    expect(statSync(join(dir, 'leaked.md')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'leaked.md'), 'utf8')).toContain('## openai (6)');

    writeFileSync(join(dir, 'taken.csv'), 'keep me');
    const refused = await cli(['credentials', '--key-id', 'kek-v1', '--output', 'taken.csv'], env, undefined, dir);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('refusing to overwrite');
    expect(refused.stderr).not.toContain('Listing rows');
    expect(readFileSync(join(dir, 'taken.csv'), 'utf8')).toBe('keep me');

    const none = await cli(['credentials', '--key-id', 'kek-v9'], env);
    expect(none.exitCode).toBe(0);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('No row is on kek-v9');
  });
});

describe('kek-rotate credentials on PGlite, and its usage errors', () => {
  it('lists from a PGlite directory', async () => {
    const { dir } = await seededPgliteDir({ rows: 4 });
    const r = await cli(['credentials', '--key-id', 'kek-v1', '--pglite', dir]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('openai (4)');
  });

  it('exits 2 with what to do when the key id is missing or not a key id', async () => {
    const missing = await cli(['credentials', '--database-url', 'postgres://nobody@127.0.0.1:1/x']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('--key-id is required');
    const bad = await cli(['credentials', '--key-id', 'kek v1', '--database-url', 'postgres://nobody@127.0.0.1:1/x']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('is not a key id');
    const both = await cli([
      'credentials',
      '--key-id',
      'kek-v1',
      '--json',
      '--format',
      'csv',
      '--database-url',
      'postgres://nobody@127.0.0.1:1/x',
    ]);
    expect(both.exitCode).toBe(2);
  });
});
