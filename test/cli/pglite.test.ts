// The same commands against an embedded PGlite directory (--pglite), as rehearsals use them.
import { describe, expect, it } from 'vitest';
import { openPglite } from '../../src/db/pglite-adapter.js';
import { cli, keyIdCounts, seededPgliteDir } from './cli-harness.js';

describe('kek-rotate on an embedded PGlite database', () => {
  it('dry run, live run, verify: summary lines and the rows on the new key', async () => {
    const { dir, seeded } = await seededPgliteDir({ rows: 15, nulls: 2, onV2: 3 });
    const env = seeded.keysEnv;
    const dry = await cli(['reencrypt', '-n', '--pglite', dir], env);
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout.trimEnd().split('\n').at(-1)).toBe('DRY RUN: Would re-encrypt 15 of 20 records');
    expect(dry.stderr).toContain('Connected to database (embedded PGlite');

    const live = await cli(['reencrypt', '--pglite', dir, '--mode', 'rewrap'], env);
    expect(live.exitCode).toBe(0);
    expect(live.stdout.trimEnd().split('\n').at(-1)).toBe('Re-encrypted 15 of 20 records');

    const verify = await cli(['verify', '--only-primary', '--pglite', dir], env);
    expect(verify.exitCode).toBe(0);
    expect(verify.stdout).toContain('Verification passed.');

    const db = await openPglite(dir);
    try {
      expect(await keyIdCounts(db)).toEqual({ 'kek-v2': 18, NULL: 2 });
    } finally {
      await db.close();
    }
    // PGlite starts in each subprocess (initdb for the seed): slow on a busy 2-core machine.
  }, 240_000);

  it('--pglite and --database-url together are refused', async () => {
    const r = await cli(['verify', '--pglite', '/tmp/x', '--database-url', 'postgres://a@b/c']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--pglite and --database-url both name a database');
  });
});
