// The pg adapter when connections die under it: a backend terminated (pg_terminate_backend, idle,
// idle in a transaction or running a statement) or every connection cut and refused for a while
// (what a server restart looks like from here, staged with a TCP proxy so the shared server is
// never touched). Nothing may surface as an unhandled 'error' event; reads are retried on a new
// connection within the reconnect budget; a transaction cut half way is reported, never retried
// behind the caller's back; past the budget the error says so, with what to do.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { openPg } from '../../src/db/pg-adapter.js';
import {
  ConnectionLostError,
  DatabaseUnavailableError,
  isConnectionLoss,
  type ConnectionEvent,
} from '../../src/db/reconnect.js';
import { DatabaseError } from '../../src/errors.js';
import { SKIP_PG_REASON, TEST_DATABASE_URL } from '../helpers/test-db.js';
import { startTcpProxy, targetOf, type TcpProxy } from './tcp-proxy.js';

if (!TEST_DATABASE_URL) console.log(SKIP_PG_REASON);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Errors that escaped as 'uncaughtException' (an unhandled 'error' event on a pg client ends up there). */
function trapUncaught(): { seen: unknown[]; dispose(): void } {
  const seen: unknown[] = [];
  const on = (e: unknown) => seen.push(e);
  process.on('uncaughtException', on);
  return { seen, dispose: () => process.off('uncaughtException', on) };
}

describe('connection classification', () => {
  it('knows the transient connection failures from the rest', () => {
    const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code, severity: 'FATAL' });
    for (const code of ['57P01', '57P02', '57P03', '08006', '08003', '08000', '08001', '08P01'])
      expect(isConnectionLoss(pgError(code)), code).toBe(true);
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'EPIPE'])
      expect(isConnectionLoss(Object.assign(new Error(code), { code })), code).toBe(true);
    expect(isConnectionLoss(new Error('Connection terminated unexpectedly'))).toBe(true);
    for (const code of ['23505', '42P01', '55P03', '57014', '40001', '28P01', '3D000'])
      expect(isConnectionLoss(pgError(code)), code).toBe(false);
    expect(isConnectionLoss(new Error('syntax error'))).toBe(false);
  });
});

describe.skipIf(!TEST_DATABASE_URL)('the pg adapter when connections are lost', () => {
  let admin: Db;
  const opened: Db[] = [];
  let proxy: TcpProxy | undefined;
  beforeAll(async () => {
    admin = await openPg({ connectionString: TEST_DATABASE_URL!, max: 1, applicationName: 'kek-test-admin' });
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((d) => d.close().catch(() => undefined)));
    await proxy?.close();
    proxy = undefined;
  });
  afterAll(async () => {
    await admin?.close();
  });

  const appName = () => `kek-test-${randomBytes(4).toString('hex')}`;
  const open = async (
    applicationName: string,
    extra: { connectionString?: string; reconnectBudgetMs?: number } = {},
  ) => {
    const db = await openPg({
      connectionString: extra.connectionString ?? TEST_DATABASE_URL!,
      applicationName,
      ...(extra.reconnectBudgetMs ? { reconnectBudgetMs: extra.reconnectBudgetMs } : {}),
    });
    opened.push(db);
    return db;
  };
  const terminate = async (applicationName: string) => {
    const { rows } = await admin.query<{ n: string }>(
      'SELECT count(pg_terminate_backend(pid))::text AS n FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()',
      [applicationName],
    );
    return Number(rows[0]!.n);
  };
  const waitUntilRunning = async (applicationName: string, fragment: string) => {
    for (let i = 0; i < 200; i++) {
      const { rows } = await admin.query(
        "SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND state = 'active' AND query LIKE $2",
        [applicationName, `%${fragment}%`],
      );
      if (rows.length > 0) return;
      await sleep(25);
    }
    throw new Error(`no active ${fragment} for ${applicationName}`);
  };

  it('a backend terminated while its transaction waits: the transaction fails as a lost connection (rolled back), no unhandled error event, the next statement reconnects', async () => {
    const app = appName();
    const db = await open(app);
    const trap = trapUncaught();
    try {
      const error = await db
        .transaction(async (tx) => {
          await tx.query('SELECT 1');
          expect(await terminate(app)).toBeGreaterThan(0);
          await sleep(300); // the server's FATAL arrives while the client is idle in the transaction
          await tx.query('SELECT 2');
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(ConnectionLostError);
      expect(error).toMatchObject({ commitUnknown: false });
      await sleep(100);
      expect(trap.seen).toEqual([]);
      expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      trap.dispose();
    }
  });

  it('a SELECT whose backend is terminated while it runs is run again on a new connection; a named statement is prepared there again', async () => {
    const app = appName();
    const db = await open(app);
    const events: ConnectionEvent[] = [];
    db.watchConnection!((e) => events.push(e));
    const statement = { name: 'kek_test_sleepy', text: 'SELECT pg_sleep($1::float8), 42 AS answer' };
    expect((await db.query<{ answer: number }>(statement, [0])).rows[0]!.answer).toBe(42);
    const running = db.query<{ answer: number }>(statement, [0.5]);
    await waitUntilRunning(app, 'pg_sleep');
    expect(await terminate(app)).toBeGreaterThan(0);
    expect((await running).rows[0]!.answer).toBe(42);
    // Idle connections of the pool are gone too: the named statement is prepared on whatever connection runs it.
    await terminate(app);
    expect((await db.query<{ answer: number }>(statement, [0])).rows[0]!.answer).toBe(42);
    expect(events.map((e) => e.type)).toContain('lost');
    expect(events.at(-1)?.type).toBe('restored');
    const lost = events.find((e) => e.type === 'lost');
    expect(lost).toMatchObject({ reason: expect.stringMatching(/57P01|terminat/) });
  });

  it('a statement that may write is not run twice: cut while it runs, it fails as a lost connection whose outcome is unknown', async () => {
    const app = appName();
    const db = await open(app);
    const table = `kek_once_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE TABLE public.${table} (n int)`);
    try {
      // The outcome is taken at once: the rejection may come before the terminate call returns.
      const running = db.query(`INSERT INTO public.${table} SELECT 1 FROM pg_sleep(0.5)`).then(
        () => undefined,
        (e: unknown) => e,
      );
      await waitUntilRunning(app, table);
      await terminate(app);
      const error = await running;
      expect(error).toBeInstanceOf(ConnectionLostError);
      expect(error).toBeInstanceOf(DatabaseError);
      expect(error).toMatchObject({ commitUnknown: true });
      const { rows } = await admin.query<{ n: string }>(`SELECT count(*)::text AS n FROM public.${table}`);
      expect(Number(rows[0]!.n)).toBeLessThanOrEqual(1);
    } finally {
      await admin.query(`DROP TABLE public.${table}`);
    }
  });

  it('every connection cut and refused for a while (a restart): a statement issued meanwhile waits and succeeds once connections are accepted again', async () => {
    proxy = await startTcpProxy(targetOf(TEST_DATABASE_URL!));
    const db = await open(appName(), { connectionString: proxy.via(TEST_DATABASE_URL!), reconnectBudgetMs: 10_000 });
    await db.query('SELECT 1');
    const trap = trapUncaught();
    try {
      const outage = proxy.outage(1500);
      await sleep(50);
      const started = Date.now();
      const { rows } = await db.query<{ two: number }>('SELECT 2 AS two');
      expect(rows).toEqual([{ two: 2 }]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      await outage;
      expect(trap.seen).toEqual([]);
    } finally {
      trap.dispose();
    }
  });

  it('past the reconnect budget: a DatabaseError that says how long it tried and what to do, never the raw driver error', async () => {
    proxy = await startTcpProxy(targetOf(TEST_DATABASE_URL!));
    const db = await open(appName(), { connectionString: proxy.via(TEST_DATABASE_URL!), reconnectBudgetMs: 800 });
    await db.query('SELECT 1');
    await proxy.refuse();
    const started = Date.now();
    const error = await db.query('SELECT 1').then(
      () => undefined,
      (e: unknown) => e,
    );
    const waited = Date.now() - started;
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as Error).message).toMatch(/could not reconnect within 0\.8 s/);
    expect((error as DatabaseError).hint).toMatch(/run the same command again/);
    expect(waited).toBeGreaterThanOrEqual(700);
    expect(waited).toBeLessThan(5000);
    // Not a transaction either.
    await expect(db.transaction((tx) => tx.query('SELECT 1'))).rejects.toBeInstanceOf(DatabaseUnavailableError);
  });
});
