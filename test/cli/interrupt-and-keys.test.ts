// Ctrl-C on a throttled live run (real PostgreSQL): exit 130 with a summary, every row on the old
// key or the new one and decrypting, a rerun finishes. And generate-key against the rows' key ids.
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decryptValue } from '../../src/crypto/envelope.js';
import { makeKeyRing } from '../../src/crypto/key-ring.js';
import { formatKey, parseKey } from '../../src/crypto/key.js';
import { peekKeyId } from '../../src/crypto/payload.js';
import { freshPg, TEST_DATABASE_URL, type TestDatabase } from '../helpers/test-db.js';
import { cli, emptyDir, keyIdCounts, seed, start } from './cli-harness.js';

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out waiting for the subprocess');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!TEST_DATABASE_URL)('interrupting and generating keys on PostgreSQL', () => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.drop();
    t = undefined;
  });

  it('SIGINT during a slow run: exit 130, a summary, consistent rows, and a rerun finishes', async () => {
    t = await freshPg('cli');
    const s = await seed(t.db, { rows: 200 });
    const env = { DATABASE_URL: t.url, ...s.keysEnv };
    const child = start(['reencrypt', '--max-rate', '40', '-b', '10'], env);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor(() => stderr.includes('Processing table: llm_providers'), 30_000);
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    const line = String(result.stdout).trimEnd().split('\n').at(-1)!;
    const match = /^Re-encrypted (\d+) of (\d+) records$/.exec(line);
    expect(match, String(result.stdout)).not.toBeNull();
    const reported = Number(match![1]);
    expect(reported).toBeGreaterThan(0);
    expect(reported).toBeLessThan(200);
    expect(String(result.stderr)).toContain('stopped:');

    // Every row decrypts with the two keys, and exactly the reported ones moved.
    const ring = makeKeyRing(s.v2, s.v1);
    const { rows } = await t.db.query<{ v: Buffer }>('SELECT api_key_encrypted AS v FROM llm_providers');
    for (const row of rows) expect(decryptValue(ring, row.v).toString()).toMatch(/^sk-test-\d+$/);
    expect(rows.filter((r) => peekKeyId(r.v) === 'kek-v2')).toHaveLength(reported);

    const rerun = await cli(['reencrypt', '-b', '50'], env);
    expect(rerun.exitCode).toBe(0);
    expect(rerun.stdout.trimEnd().split('\n').at(-1)).toBe(`Re-encrypted ${200 - reported} of 200 records`);
    expect(await keyIdCounts(t.db)).toEqual({ 'kek-v2': 200 });
  });

  it('generate-key: the id after the primary, ids on rows refused, --out writes a 0600 file', async () => {
    t = await freshPg('cli');
    const s = await seed(t.db, { rows: 2, onV2: 1 });
    const env = { DATABASE_URL: t.url, ...s.keysEnv };

    const printed = await cli(['generate-key'], env);
    expect(printed.exitCode).toBe(0);
    const key = parseKey(printed.stdout.trim(), 'stdout');
    expect(key.id).toBe('kek-v3');
    expect(printed.stderr).toMatch(/WARN .*secret key kek-v3/);

    // Only kek-v1 configured, but kek-v2 is on a row: the natural next id is refused.
    const stale = await cli(['generate-key'], { DATABASE_URL: t.url, SECRETS_ENCRYPTION_KEY: formatKey(s.v1) });
    expect(stale.exitCode).toBe(2);
    expect(stale.stderr).toContain('kek-v2 is already used');
    expect(stale.stdout).toBe('');

    const taken = await cli(['generate-key', '--id', 'kek-v1'], env);
    expect(taken.exitCode).toBe(2);

    const file = join(emptyDir(), 'new.key');
    const written = await cli(['generate-key', '--out', file], env);
    expect(written.exitCode).toBe(0);
    expect(written.stdout).toBe('');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(parseKey(readFileSync(file, 'utf8'), file).id).toBe('kek-v3');
    expect(written.stderr).not.toContain(readFileSync(file, 'utf8').trim().split(':')[1]);
  });
});
