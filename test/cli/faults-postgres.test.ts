// The real binary when the database misbehaves: its backends terminated mid-run (it reconnects and
// finishes, exit 0), the server unreachable for longer than the reconnect budget (exit 3 with the
// summary so far and how to continue, never a stack trace), and two runs on one column (the second
// exits 2 naming the first, or waits for it with --wait). The shared server is never restarted:
// outages are staged with a TCP proxy in front of it.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatKey } from '../../src/crypto/key.js';
import type { Db } from '../../src/db/db.js';
import { openPg } from '../../src/db/pg-adapter.js';
import { columnLockKey, findLockHolder } from '../../src/engine/run-lock.js';
import { createApplicationSchema } from '../../src/sandbox/schema.js';
import { startTcpProxy, targetOf, type TcpProxy } from '../db/tcp-proxy.js';
import { makeKeys, seedProviders } from '../engine/engine-fixtures.js';
import { freshPg, SKIP_PG_REASON, TEST_DATABASE_URL, type TestDatabase } from '../helpers/test-db.js';
import { keyIdCounts, start } from './cli-harness.js';

if (!TEST_DATABASE_URL) console.log(SKIP_PG_REASON);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const lastLine = (text: string) => text.trimEnd().split('\n').at(-1);
const STACK = /^\s+at .+:\d+:\d+\)?$|node:events|node:internal|Unhandled 'error'/m;

function withParam(url: string, name: string, value: string): string {
  const u = new URL(url);
  u.searchParams.set(name, value);
  return u.toString();
}

describe.skipIf(!TEST_DATABASE_URL)('the binary through faults and concurrent runs', () => {
  let t: TestDatabase;
  let admin: Db;
  let proxy: TcpProxy | undefined;
  beforeAll(async () => {
    t = await freshPg('clifault');
    admin = await openPg({ connectionString: TEST_DATABASE_URL!, max: 1, applicationName: 'kek-test-admin' });
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });
  afterAll(async () => {
    await admin?.close();
    await t?.drop();
  });

  async function freshTable(rows: number) {
    await t.db.query('DROP TABLE IF EXISTS llm_providers');
    await createApplicationSchema(t.db);
    const keys = makeKeys();
    await seedProviders(t.db, rows, keys.v1);
    const keysEnv = { SECRETS_ENCRYPTION_KEY: formatKey(keys.v2), SECRETS_ENCRYPTION_KEY_PREVIOUS: formatKey(keys.v1) };
    return {
      keys,
      keysEnv,
      secrets: [keysEnv.SECRETS_ENCRYPTION_KEY.split(':')[1]!, keysEnv.SECRETS_ENCRYPTION_KEY_PREVIOUS.split(':')[1]!],
    };
  }
  const onV2 = async () => (await keyIdCounts(t.db))['kek-v2'] ?? 0;
  const until = async (what: string, check: () => Promise<boolean>, ms = 20_000) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await check()) return;
      await sleep(50);
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  it('backends terminated four times mid-run: no crash, it reconnects, moves every row and exits 0 with the right summary', async () => {
    const { keysEnv, secrets } = await freshTable(3000);
    const app = `kek-test-cli-${randomBytes(3).toString('hex')}`;
    const child = start(['reencrypt', '--max-rate', '1200', '-b', '50'], {
      DATABASE_URL: withParam(t.url!, 'application_name', app),
      ...keysEnv,
    });
    let killed = 0;
    await until('the run to start', async () => (await onV2()) > 0);
    for (let i = 0; i < 4; i++) {
      const { rows } = await admin.query<{ n: string }>(
        'SELECT count(pg_terminate_backend(pid))::text AS n FROM pg_stat_activity WHERE application_name = $1',
        [app],
      );
      killed += Number(rows[0]!.n);
      await sleep(300);
    }
    const r = await child;
    expect(killed).toBeGreaterThanOrEqual(4);
    expect(String(r.stderr)).not.toMatch(STACK);
    expect(r.exitCode).toBe(0);
    expect(lastLine(String(r.stdout))).toBe('Re-encrypted 3000 of 3000 records');
    expect(String(r.stderr)).toMatch(/lost the connection/);
    expect(await keyIdCounts(t.db)).toEqual({ 'kek-v2': 3000 });
    for (const s of secrets) expect(String(r.stdout) + String(r.stderr)).not.toContain(s);
  });

  it('the database unreachable for longer than the reconnect budget: exit 3 with the summary so far and how to continue; the rerun finishes', async () => {
    const { keysEnv, secrets } = await freshTable(3000);
    proxy = await startTcpProxy(targetOf(TEST_DATABASE_URL!));
    const env = { DATABASE_URL: proxy.via(t.url!), KEK_ROTATE_RECONNECT_SECONDS: '1', ...keysEnv };
    const child = start(['reencrypt', '--max-rate', '1000', '-b', '50'], env);
    await until('some rows to move', async () => (await onV2()) >= 300);
    await proxy.refuse(); // every connection cut, and refused until the binary gives up
    const r = await child;
    const stdout = String(r.stdout);
    const stderr = String(r.stderr);
    expect(stderr).not.toMatch(STACK);
    expect(r.exitCode).toBe(3);
    const moved = await onV2();
    const summary = /^Re-encrypted (\d+) of (\d+) records$/.exec(lastLine(stdout) ?? '');
    expect(summary, stdout).not.toBeNull();
    const reported = Number(summary![1]);
    expect(reported).toBeGreaterThanOrEqual(300);
    // At most the batch whose commit was never acknowledged is on the new key without being counted.
    expect(moved - reported).toBeGreaterThanOrEqual(0);
    expect(moved - reported).toBeLessThanOrEqual(100);
    expect(stdout).toMatch(/re-encrypted to kek-v2 +\d+/);
    expect(stderr).toMatch(/error: .*could not reconnect within 1 s/);
    expect(stderr).toMatch(/hint: .*run the same command again/);
    for (const s of secrets) expect(stdout + stderr).not.toContain(s);

    await proxy.accept();
    const rerun = await start(['reencrypt', '-b', '50'], env);
    expect(rerun.exitCode).toBe(0);
    expect(lastLine(String(rerun.stdout))).toBe(`Re-encrypted ${3000 - moved} of 3000 records`);
    expect(await keyIdCounts(t.db)).toEqual({ 'kek-v2': 3000 });
  });

  it('two runs on one column: the second exits 2 naming the first; with --wait it runs once the first has finished', async () => {
    const { keysEnv } = await freshTable(1500);
    const env = { DATABASE_URL: t.url!, ...keysEnv };
    const key = columnLockKey({ schema: t.schema, table: 'llm_providers', column: 'api_key_encrypted' });
    let firstExitedAt = 0;
    const first = start(['reencrypt', '--max-rate', '600', '-b', '50'], env);
    void first.then(() => (firstExitedAt = Date.now()));
    let holder: Awaited<ReturnType<typeof findLockHolder>>;
    await until(
      'the first run to hold the lock',
      async () => (holder = await findLockHolder(admin, key)) !== undefined,
    );

    const second = await start(['reencrypt'], env);
    expect(second.exitCode).toBe(2);
    expect(String(second.stderr)).toMatch(new RegExp(`error: .*llm_providers\\.api_key_encrypted.*pid ${holder!.pid}`));
    expect(String(second.stderr)).toContain('"kek-rotate reencrypt"');
    expect(String(second.stderr)).toMatch(/hint: .*--wait/);
    expect(String(second.stderr)).not.toMatch(STACK);

    const waiting = await start(['reencrypt', '--wait'], env);
    const firstResult = await first;
    expect(firstResult.exitCode).toBe(0);
    expect(waiting.exitCode).toBe(0);
    expect(String(waiting.stderr)).toMatch(new RegExp(`waiting for .*pid ${holder!.pid}`));
    expect(lastLine(String(waiting.stdout))).toBe('Re-encrypted 0 of 1500 records');
    expect(firstExitedAt).toBeGreaterThan(0);
    expect(await findLockHolder(admin, key)).toBeUndefined();
  });
});
