// The engine when the database connection goes away mid-run: backends terminated again and again
// (idle and active, crypto worker threads, two id-range workers each on its own connection), and
// every connection cut and refused for two seconds (a restart, staged with a TCP proxy; the shared
// server is never restarted). The run goes on from where each keyset stood: every row ends on the
// new key with its plaintext, none skipped, none counted twice, and a write whose commit was not
// acknowledged is recognised as ours, not reported as a failure.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeKeyRing } from '../../src/crypto/key-ring.js';
import type { Db } from '../../src/db/db.js';
import { openPg } from '../../src/db/pg-adapter.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { runReencryption } from '../../src/engine/run-reencryption.js';
import { SKIP_PG_REASON, TEST_DATABASE_URL, freshPg, type TestDatabase } from '../helpers/test-db.js';
import { startTcpProxy, targetOf, type TcpProxy } from '../db/tcp-proxy.js';
import { createApplicationSchema } from '../../src/sandbox/schema.js';
import { keyIdOf, llmProvidersColumn, makeKeys, plaintextOf, readProviders, seedProviders } from './engine-fixtures.js';

if (!TEST_DATABASE_URL) console.log(SKIP_PG_REASON);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ROWS = 3000;
const FAULTY = { concurrency: 2, minRowsPerRange: 100, cryptoWorkers: 2, batchSize: 50 } as const;

describe.skipIf(!TEST_DATABASE_URL)('re-encryption through lost connections', () => {
  let t: TestDatabase;
  let admin: Db;
  let proxy: TcpProxy | undefined;
  const opened: Db[] = [];
  beforeAll(async () => {
    t = await freshPg('fault');
    admin = await openPg({ connectionString: TEST_DATABASE_URL!, max: 1, applicationName: 'kek-test-admin' });
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((d) => d.close().catch(() => undefined)));
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
    const plaintexts = await seedProviders(t.db, rows, keys.v1);
    return { keys, plaintexts };
  }

  async function expectAllMoved(keys: ReturnType<typeof makeKeys>, plaintexts: Map<string, string>) {
    const rows = await readProviders(t.db);
    expect(rows).toHaveLength(plaintexts.size);
    for (const row of rows) {
      expect(keyIdOf(row.value)).toBe('kek-v2');
      expect(plaintextOf(keys.ring, row.value!)).toBe(plaintexts.get(row.id));
      // The new key alone reads it.
      expect(plaintextOf(makeKeyRing(keys.v2), row.value!)).toBe(plaintexts.get(row.id));
    }
  }

  /** Terminates every backend of `applicationName`; returns the state each was in. */
  const terminate = async (applicationName: string): Promise<string[]> => {
    // pg_terminate_backend in the select list: it runs only for the rows the WHERE clause kept.
    const { rows } = await admin.query<{ state: string | null; killed: boolean }>(
      'SELECT state, pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()',
      [applicationName],
    );
    return rows.filter((r) => r.killed).map((r) => r.state ?? 'unknown');
  };
  /** Makes the tool's next page read wait on a table lock, then terminates its backends while that statement is active. */
  const terminateWhileActive = async (applicationName: string): Promise<string[]> => {
    const locker = await openPg({ connectionString: t.url!, max: 1, applicationName: 'kek-test-locker' });
    try {
      return await locker.transaction(async (tx) => {
        await tx.query('LOCK TABLE llm_providers IN ACCESS EXCLUSIVE MODE');
        for (let i = 0; i < 200; i++) {
          const { rows } = await admin.query(
            "SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND state = 'active' AND wait_event_type = 'Lock'",
            [applicationName],
          );
          if (rows.length > 0) break;
          await sleep(10);
        }
        return terminate(applicationName);
      });
    } finally {
      await locker.close();
    }
  };

  it('backends terminated six times mid-run (idle, idle in a transaction, active): every row moves once, with its plaintext, and the summary is right', async () => {
    const { keys, plaintexts } = await freshTable(ROWS);
    const app = `kek-test-${randomBytes(4).toString('hex')}`;
    const db = await openPg({ connectionString: t.url!, applicationName: app });
    opened.push(db);
    const events: EngineEvent[] = [];
    const killed: string[] = [];
    let rounds = 0;
    let done = false;
    const killer = (async () => {
      await sleep(250);
      while (!done && rounds < 6) {
        killed.push(...(await (rounds % 2 === 0 ? terminate(app) : terminateWhileActive(app))));
        rounds++;
        await sleep(300);
      }
    })();
    killer.catch(() => undefined); // awaited below, after the run
    const summary = await runReencryption({
      db,
      ring: keys.ring,
      columns: [llmProvidersColumn(t.schema)],
      kind: 'live',
      mode: 'reencrypt',
      maxRate: 1000,
      onEvent: (e) => events.push(e),
      ...FAULTY,
    }).finally(() => (done = true));
    await killer;
    expect(rounds).toBe(6);
    expect(killed.filter((s) => s === 'active').length).toBeGreaterThanOrEqual(3);
    expect(killed.filter((s) => s.startsWith('idle')).length).toBeGreaterThanOrEqual(3);
    expect(summary.cancelled).toBe(false);
    expect(summary.failures).toEqual([]);
    expect(summary.tables[0]).toMatchObject({
      total: ROWS,
      processed: ROWS,
      rotated: ROWS,
      alreadyPrimary: 0,
      failed: 0,
      skippedLocked: 0,
      vanished: 0,
    });
    await expectAllMoved(keys, plaintexts);
    const warnings = events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
    expect(warnings.some((w) => /lost the connection/.test(w))).toBe(true);
    expect(warnings.some((w) => /reconnected/.test(w))).toBe(true);
    const progress = events.flatMap((e) => (e.type === 'progress' ? [e.counts.processed] : []));
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('every connection cut and refused for two seconds (a restart): the run waits, reconnects and finishes correctly', async () => {
    const { keys, plaintexts } = await freshTable(ROWS);
    proxy = await startTcpProxy(targetOf(TEST_DATABASE_URL!));
    const db = await openPg({
      connectionString: proxy.via(t.url!),
      applicationName: 'kek-test-proxied',
      reconnectBudgetMs: 15_000,
    });
    opened.push(db);
    const events: EngineEvent[] = [];
    let outage: Promise<void> | undefined;
    const summary = await runReencryption({
      db,
      ring: keys.ring,
      columns: [llmProvidersColumn(t.schema)],
      kind: 'live',
      mode: 'reencrypt',
      maxRate: 1500,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'progress' && e.counts.processed >= 600 && !outage) outage = proxy!.outage(2000);
      },
      ...FAULTY,
    });
    expect(outage).toBeDefined();
    await outage;
    expect(summary.failures).toEqual([]);
    expect(summary.tables[0]).toMatchObject({
      total: ROWS,
      processed: ROWS,
      rotated: ROWS,
      alreadyPrimary: 0,
      failed: 0,
    });
    await expectAllMoved(keys, plaintexts);
    expect(events.some((e) => e.type === 'warning' && /lost the connection/.test(e.message))).toBe(true);
  });

  it('a commit whose acknowledgement was lost: the retried batch finds its own values and counts them as re-encrypted, not as failures or changes', async () => {
    const { keys, plaintexts } = await freshTable(120);
    let cut = 0;
    // The commit reaches the server, then the connection drops before the client hears back.
    const db: Db = {
      ...t.db,
      async transaction(work) {
        const result = await t.db.transaction(work);
        if (cut++ === 1) throw Object.assign(new Error('Connection terminated unexpectedly'), {});
        return result;
      },
    };
    const summary = await runReencryption({
      db,
      ring: keys.ring,
      columns: [llmProvidersColumn(t.schema)],
      kind: 'live',
      mode: 'reencrypt',
      batchSize: 40,
      concurrency: 1,
      onEvent: () => undefined,
    });
    expect(cut).toBeGreaterThan(2);
    expect(summary.failures).toEqual([]);
    expect(summary.tables[0]).toMatchObject({ processed: 120, rotated: 120, alreadyPrimary: 0, retried: 0, failed: 0 });
    await expectAllMoved(keys, plaintexts);
  });
});
