// `kek-rotate status` through the real binary: text and --json in several stages, with exit codes,
// on PostgreSQL and on a PGlite directory. It reads only: the rows are the same afterwards.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { encryptValue } from '../../src/crypto/envelope.js';
import { formatKey } from '../../src/crypto/key.js';
import { freshPg, SKIP_PG_REASON, TEST_DATABASE_URL, type TestDatabase } from '../helpers/test-db.js';
import { makeKek } from '../db/seed.js';
import { cli, emptyDir, keyIdCounts, seed, seededPgliteDir } from './cli-harness.js';

if (!TEST_DATABASE_URL) console.log(SKIP_PG_REASON);

interface StatusJson {
  keys: { variable: string; keyId: string; verdict: string; tried: number; decrypted: number }[];
  columns: { label: string; byKeyId: Record<string, number>; nulls: number }[];
  stage: string;
  percentOnNew?: number;
  next: string;
}

describe.skipIf(!TEST_DATABASE_URL)('kek-rotate status on PostgreSQL', () => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.drop();
    t = undefined;
  });

  it('not started (exit 0), re-encrypting with the share on the new key (exit 1), blocked on a wrong key (exit 1)', async () => {
    t = await freshPg('status');
    const s = await seed(t.db, { rows: 30, nulls: 2 });
    const journal = join(emptyDir(), 'none.jsonl');
    const before = await keyIdCounts(t.db);

    const idle = await cli(['status', '--journal', journal], {
      DATABASE_URL: t.url,
      SECRETS_ENCRYPTION_KEY: formatKey(s.v1),
    });
    expect(idle.exitCode).toBe(0);
    expect(idle.stdout).toContain('Stage: not started: every keyed row is on kek-v1');
    expect(idle.stdout).toMatch(/SECRETS_ENCRYPTION_KEY\s+kek-v1\s+decrypts its sample \(30 of 30 rows\)/);
    expect(idle.stdout).toMatch(/kek-v1\s+30\n\s+NULL\s+2/);
    // The whole-table read reports how far it is, on stderr.
    expect(idle.stderr).toMatch(/Counting llm_providers\.api_key_encrypted: 32 of 32 rows \(100%\)/);

    // 12 of the 30 rows moved to kek-v2 (as a run stopped part way would leave them).
    await t.db.query(
      `UPDATE llm_providers SET api_key_encrypted = $1 WHERE id IN (SELECT id FROM llm_providers WHERE api_key_encrypted IS NOT NULL ORDER BY id LIMIT 12)`,
      [encryptValue(s.v2, 'moved')],
    );
    const mid = await cli(['status', '--json', '--journal', journal], { DATABASE_URL: t.url, ...s.keysEnv });
    expect(mid.exitCode).toBe(1);
    const report = JSON.parse(mid.stdout) as StatusJson;
    expect(report.stage).toBe('re-encrypting');
    expect(mid.stderr).toContain('"type":"progress","phase":"inventory"');
    expect(report.percentOnNew).toBe(40);
    expect(report.columns[0]!.byKeyId).toEqual({ 'kek-v1': 18, 'kek-v2': 12 });
    expect(report.keys.map((k) => [k.variable, k.keyId, k.verdict])).toEqual([
      ['SECRETS_ENCRYPTION_KEY', 'kek-v2', 'proven'],
      ['SECRETS_ENCRYPTION_KEY_PREVIOUS', 'kek-v1', 'proven'],
    ]);
    expect(report.next).toContain('kek-rotate reencrypt');
    expect(mid.stdout + mid.stderr).not.toContain(s.v2.bytes.toString('base64'));

    const wrong = makeKek('kek-v2');
    const blocked = await cli(['status', '--journal', journal], {
      DATABASE_URL: t.url,
      SECRETS_ENCRYPTION_KEY: formatKey(wrong),
      SECRETS_ENCRYPTION_KEY_PREVIOUS: formatKey(s.v1),
    });
    expect(blocked.exitCode).toBe(1);
    expect(blocked.stdout).toContain('WRONG KEY: decrypts none of 12 rows labelled kek-v2');
    expect(blocked.stdout).toContain('Stage: blocked: SECRETS_ENCRYPTION_KEY (kek-v2) decrypts none of the 12 rows');
    expect(blocked.stdout + blocked.stderr).not.toContain(wrong.bytes.toString('base64'));
    // It only read.
    const after = await keyIdCounts(t.db);
    expect(after).toEqual({ 'kek-v1': 18, 'kek-v2': 12, NULL: 2 });
    expect(before).toEqual({ 'kek-v1': 30, NULL: 2 });
  });

  it('without a database or a key: exit 2, saying what to set', async () => {
    const r = await cli(['status'], {});
    expect(r.exitCode).toBe(2);
  });
});

describe('kek-rotate status on a PGlite directory', () => {
  it('rows on both keys: re-encrypting with the share already on the new key (exit 1)', async () => {
    const { dir, seeded } = await seededPgliteDir({ rows: 8, onV2: 5 });
    const moved = await cli(['status', '--pglite', dir, '--json', '--journal', join(emptyDir(), 'j.jsonl')], {
      ...seeded.keysEnv,
    });
    expect(moved.exitCode).toBe(1);
    const report = JSON.parse(moved.stdout) as StatusJson;
    expect(report).toMatchObject({ stage: 're-encrypting', percentOnNew: 38.4 });
    expect(report.columns[0]!.byKeyId).toEqual({ 'kek-v1': 8, 'kek-v2': 5 });
  }, 120_000);
});
