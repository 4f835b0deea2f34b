// The engine next to a live application, on a real PostgreSQL (PGlite has one connection): a
// writer changing values during the run loses nothing, rows held locked are skipped and
// revisited, a table lock times out and is retried, and kill -9 mid-run leaves every row readable.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encryptValue } from '../../src/crypto/envelope.js';
import { formatKey } from '../../src/crypto/key.js';
import type { Db, Queryable } from '../../src/db/db.js';
import { runReencryption } from '../../src/engine/run-reencryption.js';
import { createApplicationSchema } from '../../src/sandbox/schema.js';
import { SKIP_PG_REASON, TEST_DATABASE_URL, freshPg, type TestDatabase } from '../helpers/test-db.js';
import {
  interceptDb,
  keyIdOf,
  llmProvidersColumn,
  makeKeys,
  plaintextOf,
  readProviders,
  recorder,
  seedProviders,
} from './engine-fixtures.js';

if (!TEST_DATABASE_URL) console.log(SKIP_PG_REASON);
const pg = Boolean(TEST_DATABASE_URL);

/** Holds a transaction open on another connection until `release()`. */
async function holdOpen(db: Db, lock: (tx: Queryable) => Promise<unknown>) {
  let release!: () => void;
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  const released = new Promise<void>((r) => (release = r));
  const done = db.transaction(async (tx) => {
    await lock(tx);
    locked();
    await released;
  });
  await isLocked;
  return {
    release: async () => {
      release();
      await done;
    },
  };
}

describe.skipIf(!pg)('the engine next to a live application (PostgreSQL)', () => {
  let t: TestDatabase;
  let other: Db;
  beforeAll(async () => {
    t = await freshPg();
    other = await t.connect();
  });
  afterAll(async () => {
    await other?.close();
    await t?.drop();
  });
  beforeEach(async () => {
    await t.db.query('DROP TABLE IF EXISTS llm_providers');
    await createApplicationSchema(t.db);
  });

  it('a concurrent writer loses none of its writes; a rerun puts its late old-key writes on the new key', async () => {
    const keys = makeKeys();
    const original = await seedProviders(t.db, 400, keys.v1);
    const ids = [...original.keys()];
    // The writer's last committed write per row: what the row must hold at the end.
    const last = new Map<string, { plaintext: string; bytes: Buffer }>();
    let n = 0;
    const write = async (id: string) => {
      const plaintext = `w-${n++}`;
      const bytes = encryptValue(n % 2 === 0 ? keys.v1 : keys.v2, plaintext);
      await other.query('UPDATE llm_providers SET api_key_encrypted = $1 WHERE id = $2::uuid', [bytes, id]);
      last.set(id, { plaintext, bytes });
    };
    let running = true;
    const writer = (async () => {
      while (running) await write(ids[Math.floor(Math.random() * ids.length)]!);
    })();
    // Also change one row of every third batch between our read and our lock: a certain conflict.
    let batches = 0;
    let forced = 0;
    const db = interceptDb(t.db, /FOR UPDATE SKIP LOCKED/, async (_sql, params) => {
      if (++batches % 3 !== 0) return;
      await write((params![0] as string[])[0]!);
      forced++;
    });
    const summary = await runReencryption({
      db,
      ring: keys.ring,
      columns: [llmProvidersColumn(t.schema)],
      kind: 'live',
      mode: 'reencrypt',
      batchSize: 5,
      maxRate: 800,
      onEvent: () => undefined,
    });
    running = false;
    await writer;

    expect(n).toBeGreaterThan(100);
    expect(forced).toBeGreaterThan(10);
    expect(summary.failures).toEqual([]);
    expect(summary.tables[0]!.retried).toBeGreaterThanOrEqual(forced);
    const check = async (mustBeOnNewKey: boolean) => {
      for (const row of await readProviders(t.db)) {
        const expected = last.get(row.id)?.plaintext ?? original.get(row.id);
        expect(plaintextOf(keys.ring, row.value!)).toBe(expected);
        if (keyIdOf(row.value) === 'kek-v1') {
          expect(mustBeOnNewKey).toBe(false);
          // Only a value the writer put there after we had passed it may still be on the old key.
          expect(row.value!.equals(last.get(row.id)!.bytes)).toBe(true);
        } else {
          expect(keyIdOf(row.value)).toBe('kek-v2');
        }
      }
    };
    await check(false);
    const rerun = await runReencryption({
      db: t.db,
      ring: keys.ring,
      columns: [llmProvidersColumn(t.schema)],
      kind: 'live',
      mode: 'reencrypt',
      batchSize: 50,
      onEvent: () => undefined,
    });
    expect(rerun.failures).toEqual([]);
    await check(true);
  });

  it('skips a row held locked, revisits it, and rotates it once released', async () => {
    const keys = makeKeys();
    const plaintexts = await seedProviders(t.db, 30, keys.v1);
    const target = [...plaintexts.keys()][12]!;
    const holder = await holdOpen(other, (tx) =>
      tx.query('SELECT 1 FROM llm_providers WHERE id = $1::uuid FOR UPDATE', [target]),
    );
    const rec = recorder();
    let releasing: Promise<void> | undefined;
    const summary = await runReencryption({
      db: t.db,
      ring: keys.ring,
      columns: [llmProvidersColumn(t.schema)],
      kind: 'live',
      mode: 'reencrypt',
      batchSize: 5,
      revisitDelaysMs: [200, 400, 800],
      onEvent: (e) => {
        rec.onEvent(e);
        if (e.type === 'warning') releasing ??= holder.release();
      },
    });
    await releasing;
    expect(rec.of('warning')[0]!.message).toMatch(/1 rows are locked by other transactions/);
    expect(summary.failures).toEqual([]);
    expect(summary.tables[0]).toMatchObject({ rotated: 30, skippedLocked: 0, processed: 30 });
    for (const row of await readProviders(t.db)) {
      expect(keyIdOf(row.value)).toBe('kek-v2');
      expect(plaintextOf(keys.ring, row.value!)).toBe(plaintexts.get(row.id));
    }
  });

  it('reports a row locked through every revisit as locked and leaves it byte for byte, without waiting on it', async () => {
    const keys = makeKeys();
    const plaintexts = await seedProviders(t.db, 30, keys.v1);
    const target = [...plaintexts.keys()][7]!;
    const before = (await readProviders(t.db)).find((r) => r.id === target)!.value!;
    const holder = await holdOpen(other, (tx) =>
      tx.query('SELECT 1 FROM llm_providers WHERE id = $1::uuid FOR UPDATE', [target]),
    );
    try {
      const started = Date.now();
      const summary = await runReencryption({
        db: t.db,
        ring: keys.ring,
        columns: [llmProvidersColumn(t.schema)],
        kind: 'live',
        mode: 'reencrypt',
        batchSize: 5,
        revisitDelaysMs: [50, 50],
        onEvent: () => undefined,
      });
      expect(Date.now() - started).toBeLessThan(1500); // lock_timeout is 2 s: we never waited on the lock
      expect(summary.tables[0]).toMatchObject({ rotated: 29, skippedLocked: 1, processed: 30 });
      expect(summary.failures).toEqual([expect.objectContaining({ id: target, problem: 'locked', keyId: 'kek-v1' })]);
    } finally {
      await holder.release();
    }
    const rows = await readProviders(t.db);
    expect(rows.find((r) => r.id === target)!.value!.equals(before)).toBe(true);
    expect(rows.filter((r) => keyIdOf(r.value) === 'kek-v2')).toHaveLength(29);
  });

  it('a table lock that outlasts lock_timeout rolls the batch back and retries it; the run completes', async () => {
    const keys = makeKeys();
    const plaintexts = await seedProviders(t.db, 20, keys.v1);
    // EXCLUSIVE lets our reads through but blocks our row locks.
    const holder = await holdOpen(other, (tx) => tx.query('LOCK TABLE llm_providers IN EXCLUSIVE MODE'));
    setTimeout(() => void holder.release(), 300);
    let transactions = 0;
    const db = interceptDb(t.db, /set_config\('lock_timeout'/, async () => void transactions++);
    const summary = await runReencryption({
      db,
      ring: keys.ring,
      columns: [llmProvidersColumn(t.schema)],
      kind: 'live',
      mode: 'reencrypt',
      batchSize: 10,
      lockTimeoutMs: 100,
      onEvent: () => undefined,
    });
    expect(summary.failures).toEqual([]);
    expect(summary.tables[0]).toMatchObject({ rotated: 20 });
    expect(transactions).toBeGreaterThan(2); // two batches, plus the attempts that timed out
    for (const row of await readProviders(t.db))
      expect(plaintextOf(keys.ring, row.value!)).toBe(plaintexts.get(row.id));
  });

  const child = fileURLToPath(new URL('../fixtures/engine-child.mjs', import.meta.url));
  // The global setup builds dist/ before any test; a missing build is a failure, never a skip.
  const builtEngine = fileURLToPath(new URL('../../dist/src/engine/run-reencryption.js', import.meta.url));

  it('kill -9 mid-run leaves every row on the old or the new key, readable; a rerun finishes', async () => {
    expect(existsSync(builtEngine), `${builtEngine} must exist (the global setup builds it)`).toBe(true);
    const keys = makeKeys();
    const plaintexts = await seedProviders(t.db, 400, keys.v1);
    const proc = spawn(process.execPath, [child], {
      env: {
        ...process.env,
        DATABASE_URL: t.url!,
        SCHEMA: t.schema,
        KEY_NEW: formatKey(keys.v2),
        KEY_OLD: formatKey(keys.v1),
        BATCH_SIZE: '4',
        MAX_RATE: '200',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      let buffered = '';
      proc.stdout.on('data', (d: Buffer) => {
        buffered += d.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) if ((JSON.parse(line) as { rotated: number }).rotated >= 60) resolve();
      });
      proc.on('exit', () => reject(new Error(`child ended before it was killed: ${stderr}`)));
    });
    proc.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const rows = await readProviders(t.db);
    const onNew = rows.filter((r) => keyIdOf(r.value) === 'kek-v2').length;
    expect(onNew).toBeGreaterThanOrEqual(60);
    expect(onNew).toBeLessThan(400);
    for (const row of rows) {
      expect(['kek-v1', 'kek-v2']).toContain(keyIdOf(row.value));
      expect(plaintextOf(keys.ring, row.value!)).toBe(plaintexts.get(row.id));
    }

    const rerun = await runReencryption({
      db: t.db,
      ring: keys.ring,
      columns: [llmProvidersColumn(t.schema)],
      kind: 'live',
      mode: 'reencrypt',
      batchSize: 50,
      onEvent: () => undefined,
    });
    expect(rerun.failures).toEqual([]);
    expect(rerun.tables[0]).toMatchObject({ rotated: 400 - onNew, alreadyPrimary: onNew });
    for (const row of await readProviders(t.db)) {
      expect(keyIdOf(row.value)).toBe('kek-v2');
      expect(plaintextOf(keys.ring, row.value!)).toBe(plaintexts.get(row.id));
    }
  });
});
