// --shard I/N in the engine, on a real PostgreSQL: the boundaries are recorded once and read by every
// shard, whenever it starts and whatever was inserted or deleted meanwhile; the N ranges cover every
// id exactly once; a shard rotates and recounts its range only; the run lock is per column and shard
// (shards side by side, the same shard twice refused, a whole-column run and a shard run exclusive);
// an empty table gives its future rows to the last shard; a database that will not take the plan.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encryptValue } from '../../src/crypto/envelope.js';
import type { Db } from '../../src/db/db.js';
import { openPg } from '../../src/db/pg-adapter.js';
import { buildColumnSql } from '../../src/engine/column-sql.js';
import { sampleBoundaries } from '../../src/engine/id-ranges.js';
import { KeysetReader } from '../../src/engine/keyset-reader.js';
import { RunLockedError } from '../../src/engine/run-lock.js';
import { runReencryption, type ReencryptOptions } from '../../src/engine/run-reencryption.js';
import { shardRange, type ShardSpec } from '../../src/engine/shard.js';
import { resolveShardPlan, SHARD_PLAN_TABLE } from '../../src/engine/shard-plan.js';
import { UserError } from '../../src/errors.js';
import { createApplicationSchema } from '../../src/sandbox/schema.js';
import { freshPg, SKIP_PG_REASON, TEST_DATABASE_URL, type TestDatabase } from '../helpers/test-db.js';
import {
  keyIdOf,
  llmProvidersColumn,
  makeKeys,
  plaintextOf,
  readProviders,
  recorder,
  seedProviders,
  type Keys,
} from './engine-fixtures.js';

if (!TEST_DATABASE_URL) console.log(SKIP_PG_REASON);

const ignore = () => undefined;

describe('the range of a shard, from the boundaries', () => {
  it('N ranges from N-1 boundaries: open at both ends, equal boundaries empty, nulls (an empty table) give everything to the last shard', () => {
    const b = ['10', '20', '20'];
    const r = (index: number, bounds: (string | null)[] = b) => shardRange(bounds, { index, count: bounds.length + 1 });
    expect(r(0)).toEqual({ range: { upTo: '10' }, empty: false });
    expect(r(1)).toEqual({ range: { after: '10', upTo: '20' }, empty: false });
    expect(r(2)).toEqual({ range: { after: '20', upTo: '20' }, empty: false }); // nothing is > 20 and <= 20
    expect(r(3)).toEqual({ range: { after: '20' }, empty: false });
    const none = [null, null];
    expect(r(0, none)).toEqual({ range: {}, empty: true });
    expect(r(1, none)).toEqual({ range: {}, empty: true });
    expect(r(2, none)).toEqual({ range: {}, empty: false });
    expect(shardRange([], { index: 0, count: 1 })).toEqual({ range: {}, empty: false });
    expect(() => shardRange(['1'], { index: 0, count: 4 })).toThrow(/3 boundaries/);
  });
});

describe.skipIf(!TEST_DATABASE_URL)('shards on PostgreSQL', () => {
  let t: TestDatabase;
  const opened: Db[] = [];
  beforeAll(async () => {
    t = await freshPg('shard');
  });
  afterAll(async () => {
    await t?.drop();
  });
  beforeEach(async () => {
    await t.db.query(`DROP TABLE IF EXISTS llm_providers, ${SHARD_PLAN_TABLE}`);
    await createApplicationSchema(t.db);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((d) => d.close().catch(ignore)));
  });
  const open = async (what: string, url = t.url!) => {
    const db = await openPg({
      connectionString: url,
      applicationName: `kek-test-shard-${what}-${randomBytes(3).toString('hex')}`,
    });
    opened.push(db);
    return db;
  };
  const column = () => llmProvidersColumn(t.schema);
  const run = (db: Db, keys: Keys, shard: ShardSpec | undefined, extra: Partial<ReencryptOptions> = {}) =>
    runReencryption({
      db,
      ring: keys.ring,
      columns: [column()],
      kind: 'live',
      mode: 'rewrap',
      batchSize: 40,
      concurrency: 2,
      minRowsPerRange: 100,
      cryptoWorkers: 0,
      onEvent: ignore,
      ...(shard ? { shard } : {}),
      ...extra,
    });
  /** The ids each range reads, by the engine's own keyset reader. */
  const idsIn = async (range: ReturnType<typeof shardRange>) => {
    if (range.empty) return [];
    const reader = new KeysetReader(t.db, buildColumnSql(column()), 97, range.range);
    const ids: string[] = [];
    for (let page = await reader.next(); page.length > 0; page = await reader.next())
      ids.push(...page.map((r) => r.id));
    return ids;
  };
  const planRows = async () =>
    (await t.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${SHARD_PLAN_TABLE}`)).rows[0]!.n;

  it('shards starting together record one plan; a shard starting after inserts and deletes reads the same; the ranges hold every id once', async () => {
    const keys = makeKeys();
    await seedProviders(t.db, 3000, keys.v1);
    const dbs = await Promise.all([0, 1, 2, 3].map((i) => open(`plan${i}`)));
    const plans = await Promise.all(
      dbs.map((db, index) => resolveShardPlan(db, column(), { index, count: 4 }, 'kek-v2', 'live', ignore)),
    );
    expect(plans.every((p) => p.source === 'recorded')).toBe(true);
    for (const p of plans) expect(p.boundaries).toEqual(plans[0]!.boundaries);
    expect(plans[0]!.boundaries).toHaveLength(3);
    expect(await planRows()).toBe('1');

    // The application keeps writing: rows gone from the start, new rows at the end.
    await t.db.query('DELETE FROM llm_providers WHERE id IN (SELECT id FROM llm_providers ORDER BY id LIMIT 900)');
    await seedProviders(t.db, 1500, keys.v2, 'late');
    // Sampled afresh now, the boundaries would be elsewhere: a shard starting now that sampled for
    // itself would leave a gap or an overlap with the shards that started before.
    expect(await sampleBoundaries(t.db, column(), 3600, 4)).not.toEqual(plans[0]!.boundaries);
    const late = await resolveShardPlan(await open('late'), column(), { index: 2, count: 4 }, 'kek-v2', 'live', ignore);
    expect(late).toEqual(plans[0]);

    const seen = (
      await Promise.all([0, 1, 2, 3].map((index) => idsIn(shardRange(late.boundaries, { index, count: 4 }))))
    ).flat();
    const all = (await readProviders(t.db)).map((r) => r.id);
    expect(seen).toHaveLength(all.length);
    expect(new Set(seen)).toEqual(new Set(all));

    // Another shard count, or the next rotation (another primary key), is another plan.
    await resolveShardPlan(t.db, column(), { index: 0, count: 2 }, 'kek-v2', 'live', ignore);
    await resolveShardPlan(t.db, column(), { index: 0, count: 4 }, 'kek-v3', 'live', ignore);
    expect(await planRows()).toBe('3');
  });

  it('one shard rotates its range only, and its recount reads that range only; the other shards, side by side, finish the table', async () => {
    const keys = makeKeys();
    const plaintexts = await seedProviders(t.db, 1600, keys.v1);
    const rec = recorder();
    const first = await run(await open('s1'), keys, { index: 1, count: 4 }, { onEvent: rec.onEvent });
    const mine = new Set(
      await idsIn(
        shardRange(
          (await resolveShardPlan(t.db, column(), { index: 1, count: 4 }, 'kek-v2', 'live', ignore)).boundaries,
          { index: 1, count: 4 },
        ),
      ),
    );
    expect(mine.size).toBeGreaterThan(200);
    expect(mine.size).toBeLessThan(600);
    expect(first.tables[0]).toMatchObject({ total: mine.size, processed: mine.size, rotated: mine.size, failed: 0 });
    // The rows of the other shards are still on kek-v1, and this shard's recount does not count them.
    expect(first.leftBehind).toEqual([{ table: 'llm_providers.api_key_encrypted', count: 0, byKeyId: {}, rows: [] }]);
    expect(rec.of('warning')).toEqual([]);
    expect(first.shard).toMatchObject({
      index: 1,
      count: 4,
      columns: [{ table: 'llm_providers.api_key_encrypted', plan: 'recorded', empty: false }],
    });
    for (const row of await readProviders(t.db))
      expect(keyIdOf(row.value)).toBe(mine.has(row.id) ? 'kek-v2' : 'kek-v1');

    const others = await Promise.all(
      [0, 2, 3].map(async (index) => run(await open(`s${index}`), keys, { index, count: 4 })),
    );
    expect(others.reduce((n, s) => n + s.tables[0]!.rotated, 0)).toBe(1600 - mine.size);
    for (const s of others) expect(s.tables[0]).toMatchObject({ failed: 0, alreadyPrimary: 0 });
    for (const row of await readProviders(t.db)) {
      expect(keyIdOf(row.value)).toBe('kek-v2');
      expect(plaintextOf(keys.ring, row.value!)).toBe(plaintexts.get(row.id));
    }
  });

  it('a shard recount finds a row put back on the old key in its range, and says which shard', async () => {
    const keys = makeKeys();
    await seedProviders(t.db, 400, keys.v1);
    const shard = { index: 0, count: 2 };
    const range = shardRange(
      (await resolveShardPlan(t.db, column(), shard, 'kek-v2', 'live', ignore)).boundaries,
      shard,
    );
    const [victim] = await idsIn(range);
    const rec = recorder();
    let pages = 0;
    const db = await open('recount');
    const watched: Db = {
      ...db,
      query: async (sql, params) => {
        // Once the pass has read a few pages, a replica on the old key re-saves the shard's first row.
        if (typeof sql !== 'string' && /page/.test(sql.name) && ++pages === 4) {
          await t.db.query('UPDATE llm_providers SET api_key_encrypted = $1 WHERE id = $2::uuid', [
            encryptValue(keys.v1, 'resaved'),
            victim,
          ]);
        }
        return db.query(sql, params);
      },
    };
    const summary = await run(watched, keys, shard, { concurrency: 1, onEvent: rec.onEvent });
    expect(summary.leftBehind![0]).toMatchObject({
      count: 1,
      rows: [{ id: victim, keyId: 'kek-v1', cause: 'written-during-run' }],
    });
    const warning = rec
      .of('warning')
      .map((w) => w.message)
      .find((m) => m.includes('not on kek-v2'));
    expect(warning).toContain(
      `llm_providers.api_key_encrypted (shard 0/2: ids up to ${range.range.upTo} (inclusive)): 1 row is not on kek-v2`,
    );
  });

  it('the run lock is per column and shard: the same shard twice is refused, a whole-column run and a shard run exclude each other', async () => {
    const keys = makeKeys();
    await seedProviders(t.db, 1200, keys.v1);
    const events = recorder();
    const started = new Promise<void>((resolve) => {
      events.onEvent = (e) => void (e.type === 'run-start' && resolve());
    });
    const slow = run(
      await open('holder'),
      keys,
      { index: 2, count: 4 },
      { maxRate: 200, batchSize: 10, onEvent: (e) => events.onEvent(e) },
    );
    await started;
    const same = await run(await open('same'), keys, { index: 2, count: 4 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(same).toBeInstanceOf(RunLockedError);
    expect((same as Error).message).toContain('llm_providers.api_key_encrypted (shard 2/4)');
    const whole = await run(await open('whole'), keys, undefined).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(whole).toBeInstanceOf(RunLockedError);
    // Another shard goes ahead meanwhile.
    const other = await run(await open('other'), keys, { index: 0, count: 4 });
    expect(other.tables[0]!.rotated).toBeGreaterThan(0);
    await slow;

    // And the other way round: a whole-column run holds every shard off.
    const wholeEvents = recorder();
    const wholeStarted = new Promise<void>((resolve) => {
      wholeEvents.onEvent = (e) => void (e.type === 'run-start' && resolve());
    });
    await t.db.query('UPDATE llm_providers SET api_key_encrypted = $1', [encryptValue(keys.v1, 'again')]);
    const wholeRun = run(await open('whole2'), keys, undefined, {
      maxRate: 400,
      batchSize: 10,
      onEvent: (e) => wholeEvents.onEvent(e),
    });
    await wholeStarted;
    const refused = await run(await open('shard3'), keys, { index: 3, count: 4 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(RunLockedError);
    expect((refused as Error).message).toMatch(/^another run is re-encrypting llm_providers\.api_key_encrypted: /);
    await wholeRun;
  });

  it('an empty table: the last shard takes every id, so rows inserted after the plan are still rotated once', async () => {
    const keys = makeKeys();
    const plan = await resolveShardPlan(t.db, column(), { index: 0, count: 3 }, 'kek-v2', 'live', ignore);
    expect(plan.boundaries).toEqual([null, null]);
    const plaintexts = await seedProviders(t.db, 250, keys.v1);
    const summaries = await Promise.all(
      [0, 1, 2].map(async (index) => run(await open(`e${index}`), keys, { index, count: 3 })),
    );
    expect(summaries.map((s) => s.tables[0]!.rotated)).toEqual([0, 0, 250]);
    expect(summaries[0]!.shard!.columns[0]).toMatchObject({ empty: true });
    for (const row of await readProviders(t.db))
      expect(plaintextOf(keys.ring, row.value!)).toBe(plaintexts.get(row.id));
  });

  it('a database that will not take the plan: a dry run samples its own and says so; a live run stops with the table to create', async () => {
    const keys = makeKeys();
    await seedProviders(t.db, 300, keys.v1);
    const url = new URL(t.url!);
    url.searchParams.set('options', `${url.searchParams.get('options')} -c default_transaction_read_only=on`);
    const readOnly = await open('ro', url.toString());
    const rec = recorder();
    const dry = await run(readOnly, keys, { index: 1, count: 2 }, { kind: 'dry-run', onEvent: rec.onEvent });
    expect(dry.shard!.columns[0]).toMatchObject({ plan: 'computed' });
    expect(dry.tables[0]!.processed).toBeGreaterThan(50);
    expect(dry.tables[0]!.processed).toBeLessThan(250);
    expect(
      rec
        .of('warning')
        .map((w) => w.message)
        .join('\n'),
    ).toMatch(/cannot record the shard boundaries .* this dry run samples its own/);
    const live = await resolveShardPlan(readOnly, column(), { index: 1, count: 2 }, 'kek-v2', 'live', ignore).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(live).toBeInstanceOf(UserError);
    expect((live as UserError).hint).toContain(`CREATE TABLE "${t.schema}".${SHARD_PLAN_TABLE} (`);
    expect((await readProviders(t.db)).every((r) => keyIdOf(r.value) === 'kek-v1')).toBe(true);
  });
});
