// One live run per column at a time: a PostgreSQL advisory lock per registered column, held for
// the run. A second live run is refused with who holds it (pid, application_name, client, since
// when), or waits for it with waitForLock; a dry run writes nothing and takes no lock. And a
// statement of the engine that waits on someone else's table lock is reported while it waits.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { openPg } from '../../src/db/pg-adapter.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { runReencryption, type ReencryptOptions } from '../../src/engine/run-reencryption.js';
import { columnLockKey, RunLockedError } from '../../src/engine/run-lock.js';
import { UserError } from '../../src/errors.js';
import { createApplicationSchema } from '../../src/sandbox/schema.js';
import { freshPg, SKIP_PG_REASON, TEST_DATABASE_URL, type TestDatabase } from '../helpers/test-db.js';
import { keyIdOf, llmProvidersColumn, makeKeys, readProviders, seedProviders } from './engine-fixtures.js';

if (!TEST_DATABASE_URL) console.log(SKIP_PG_REASON);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the lock key of a column', () => {
  it('is a 64-bit integer derived from schema, table and column (and a shard, later), stable across runs', () => {
    const a = { schema: 'public', table: 'llm_providers', column: 'api_key_encrypted' };
    const key = columnLockKey(a);
    expect(key).toMatch(/^-?\d+$/);
    expect(BigInt(key)).toBeGreaterThanOrEqual(-(2n ** 63n));
    expect(BigInt(key)).toBeLessThan(2n ** 63n);
    expect(columnLockKey({ ...a })).toBe(key);
    expect(columnLockKey({ ...a, schema: 'other' })).not.toBe(key);
    expect(columnLockKey({ ...a, column: 'api_key_encrypted2' })).not.toBe(key);
    expect(columnLockKey(a, 'shard-1')).not.toBe(key);
    // No ambiguity from the separators: ("a.b", "c") and ("a", "b.c") are different columns.
    expect(columnLockKey({ schema: 's', table: 'a_b', column: 'c' })).not.toBe(
      columnLockKey({ schema: 's', table: 'a', column: 'b_c' }),
    );
  });
});

describe.skipIf(!TEST_DATABASE_URL)('one live run per column', () => {
  let t: TestDatabase;
  let admin: Db;
  const opened: Db[] = [];
  beforeAll(async () => {
    t = await freshPg('lock');
    admin = await openPg({ connectionString: TEST_DATABASE_URL!, max: 1, applicationName: 'kek-test-admin' });
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((d) => d.close().catch(() => undefined)));
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
    return keys;
  }
  const open = async (applicationName: string) => {
    const db = await openPg({ connectionString: t.url!, applicationName });
    opened.push(db);
    return db;
  };
  const app = (what: string) => `kek-test-${what}-${randomBytes(3).toString('hex')}`;
  const advisoryHolders = async (applicationName: string) =>
    (
      await admin.query<{ pid: number }>(
        "SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = $1",
        [applicationName],
      )
    ).rows.map((r) => r.pid);

  function run(
    db: Db,
    keys: ReturnType<typeof makeKeys>,
    extra: Partial<ReencryptOptions> & { events?: EngineEvent[] } = {},
  ) {
    const { events, ...rest } = extra;
    return runReencryption({
      db,
      ring: keys.ring,
      columns: [llmProvidersColumn(t.schema)],
      kind: 'live',
      mode: 'rewrap',
      batchSize: 50,
      concurrency: 2,
      minRowsPerRange: 100,
      cryptoWorkers: 0,
      onEvent: (e) => events?.push(e),
      ...rest,
    });
  }
  const started = (events: EngineEvent[]) =>
    new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (events.some((e) => e.type === 'run-start')) {
          clearInterval(poll);
          resolve();
        }
      }, 10);
    });

  it('a second live run on the column is refused, naming the run that holds it; a dry run meanwhile goes ahead; the lock is gone after the run', async () => {
    const keys = await freshTable(1200);
    const firstApp = app('first');
    const firstEvents: EngineEvent[] = [];
    const first = run(await open(firstApp), keys, { maxRate: 1500, events: firstEvents });
    await started(firstEvents);
    const [holderPid] = await advisoryHolders(firstApp);
    expect(holderPid).toBeTypeOf('number');

    const second = await open(app('second'));
    const error = await run(second, keys).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RunLockedError);
    expect(error).toBeInstanceOf(UserError); // exit 2
    const message = (error as Error).message;
    expect(message).toContain('llm_providers.api_key_encrypted');
    expect(message).toContain(`pid ${holderPid}`);
    expect(message).toContain(`"${firstApp}"`);
    expect(message).toMatch(/client (127\.0\.0\.1|::1|local socket)/);
    expect(message).toMatch(/since \d{4}-\d\d-\d\dT/);
    expect((error as UserError).hint).toMatch(/--wait/);
    expect((error as RunLockedError).holder).toMatchObject({ pid: holderPid, applicationName: firstApp });

    const dry = await run(second, keys, { kind: 'dry-run' });
    expect(dry.tables[0]!.processed).toBe(1200);

    const summary = await first;
    expect(summary.tables[0]).toMatchObject({ processed: 1200, rotated: 1200 });
    expect(await advisoryHolders(firstApp)).toEqual([]);
  });

  it('with waitForLock the second run says whom it waits for, then runs once the first has finished', async () => {
    const keys = await freshTable(1000);
    const firstApp = app('first');
    const firstEvents: EngineEvent[] = [];
    let firstDoneAt = 0;
    const first = run(await open(firstApp), keys, { maxRate: 1000, events: firstEvents }).finally(
      () => (firstDoneAt = Date.now()),
    );
    await started(firstEvents);
    const [holderPid] = await advisoryHolders(firstApp);
    const secondEvents: EngineEvent[] = [];
    const second = await run(await open(app('second')), keys, { waitForLock: true, events: secondEvents });
    const secondStartedAt = Date.now();
    await first;
    expect(firstDoneAt).toBeGreaterThan(0);
    expect(firstDoneAt).toBeLessThanOrEqual(secondStartedAt);
    const waiting = secondEvents.find((e) => e.type === 'warning' && /waiting for/.test(e.message));
    expect(waiting).toBeDefined();
    expect((waiting as { message: string }).message).toContain(`pid ${holderPid}`);
    // The second run began counting only after the first had released the lock.
    const runStart = secondEvents.findIndex((e) => e.type === 'run-start');
    expect(runStart).toBeGreaterThan(secondEvents.indexOf(waiting!));
    expect(second.tables[0]).toMatchObject({ processed: 1000, rotated: 0, alreadyPrimary: 1000 });
    for (const row of await readProviders(t.db)) expect(keyIdOf(row.value)).toBe('kek-v2');
  });

  it('a statement waiting on a table lock held by someone else is reported while it waits: who holds it, doing what, made safe', async () => {
    const keys = await freshTable(300);
    const holderApp = app('holder');
    const holder = await openPg({ connectionString: t.url!, applicationName: holderApp, max: 1 });
    opened.push(holder);
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holding = holder.transaction(async (tx) => {
      // A comment with a terminal escape: the warning must not carry it to the operator's screen.
      await tx.query('LOCK TABLE llm_providers IN ACCESS EXCLUSIVE MODE /* \u001b[2J */');
      locked();
      await released;
    });
    await isLocked;
    const holderPid = (
      await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [holderApp])
    ).rows[0]!.pid;
    const events: EngineEvent[] = [];
    const running = run(await open(app('waiter')), keys, { events, lockWatch: { afterMs: 400, everyMs: 500 } });
    await sleep(1800);
    release();
    await holding;
    const summary = await running;
    expect(summary.tables[0]).toMatchObject({ processed: 300, rotated: 300 });
    const warnings = events.flatMap((e) =>
      e.type === 'warning' && /waiting for a lock/.test(e.message) ? [e.message] : [],
    );
    expect(warnings.length).toBeGreaterThanOrEqual(2);
    const first = warnings[0]!;
    expect(first).toContain('llm_providers');
    expect(first).toContain(`pid ${holderPid}`);
    expect(first).toContain(`"${holderApp}"`);
    expect(first).toContain('idle in transaction');
    expect(first).toContain('LOCK TABLE llm_providers IN ACCESS EXCLUSIVE MODE');
    expect(first).toMatch(/AccessShareLock|AccessExclusiveLock/);
    expect(first).not.toContain('\u001b');
    // Repeated while it waits, with the time so far.
    const waited = warnings.map((w) => Number(/waiting for a lock for ([\d.]+) s/.exec(w)?.[1]));
    expect(waited[0]).toBeGreaterThanOrEqual(0.4);
    expect(waited[1]).toBeGreaterThan(waited[0]!);
  });
});
