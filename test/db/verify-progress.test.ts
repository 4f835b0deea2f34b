// The whole-table reads of the commands show where they are: `verify` and `generate-key` log rows
// read of the total (then the time it took) while counting; with --json the progress comes as JSON
// events on stderr and stdout keeps exactly one JSON report.
import { afterEach, describe, expect, it } from 'vitest';
import { freshPg, TEST_DATABASE_URL, type TestDatabase } from '../helpers/test-db.js';
import { cli, seed } from '../cli/cli-harness.js';

describe.skipIf(!TEST_DATABASE_URL)('progress of whole-table reads in the CLI', () => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.drop();
    t = undefined;
  });

  it('verify logs the count as it goes; with --json as progress events on stderr, the report alone on stdout', async () => {
    t = await freshPg('progress');
    const s = await seed(t.db, { rows: 9, onV2: 3, nulls: 2 });
    const env = { DATABASE_URL: t.url, ...s.keysEnv };

    const text = await cli(['verify'], env);
    expect(text.stderr).toMatch(/INFO kek_rotate: Counting llm_providers\.api_key_encrypted: 0 of 14 rows\n/);
    expect(text.stderr).toMatch(
      /INFO kek_rotate: Counting llm_providers\.api_key_encrypted: 14 of 14 rows \(100%\) in \d+\.\d s, \d+ rows\/s\n/,
    );

    const json = await cli(['verify', '--json'], env);
    const report = JSON.parse(json.stdout) as { columns: { total: number; byKeyId: Record<string, number> }[] };
    expect(report.columns[0]).toMatchObject({ total: 14, byKeyId: { 'kek-v1': 9, 'kek-v2': 3 } });
    const events = json.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events[0]).toMatchObject({
      type: 'progress',
      phase: 'inventory',
      column: 'llm_providers.api_key_encrypted',
      done: 0,
      total: 14,
      finished: false,
      etaSeconds: null,
    });
    expect(events.at(-1)).toMatchObject({
      type: 'progress',
      phase: 'inventory',
      done: 14,
      total: 14,
      finished: true,
      etaSeconds: 0,
    });
    expect(events.every((e) => typeof e.rowsPerSecond === 'number' && typeof e.elapsedMs === 'number')).toBe(true);

    const key = await cli(['generate-key', '--id', 'kek-v7'], env);
    expect(key.exitCode, key.stderr).toBe(0);
    expect(key.stderr).toMatch(/Reading key ids of llm_providers\.api_key_encrypted: 14 of 14 rows \(100%\)/);
  });
});
