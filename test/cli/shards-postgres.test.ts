// N processes of the real binary, each `reencrypt --shard I/N`, against a real PostgreSQL: with the
// application inserting, deleting and updating rows all along, the shards together rotate every row
// exactly once, each only in its own range, and lose none of the application's writes; a shard
// killed with -9 and run again (after the table changed) finishes exactly its range.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { encryptValue } from '../../src/crypto/envelope.js';
import { makeKeyRing } from '../../src/crypto/key-ring.js';
import type { Db } from '../../src/db/db.js';
import { openPg } from '../../src/db/pg-adapter.js';
import { shardRange } from '../../src/engine/shard.js';
import { SHARD_PLAN_TABLE } from '../../src/engine/shard-plan.js';
import { keyIdOf, plaintextOf, readProviders } from '../engine/engine-fixtures.js';
import { freshPg, SKIP_PG_REASON, TEST_DATABASE_URL, type TestDatabase } from '../helpers/test-db.js';
import { cli, seed, start, type Seeded } from './cli-harness.js';

if (!TEST_DATABASE_URL) console.log(SKIP_PG_REASON);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SHARDS = 4;

/** Every UPDATE of the encrypted column by a kek-rotate reencrypt connection (its compare-and-swap
 * writes only rows it rotates), with the connection's application_name: which shard rotated what. */
async function logRotations(db: Db, schema: string): Promise<void> {
  await db.query(`CREATE TABLE rotations (id uuid NOT NULL, app text NOT NULL)`);
  await db.query(`CREATE FUNCTION log_rotation() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      IF current_setting('application_name') LIKE 'kek-rotate reencrypt%' THEN
        INSERT INTO "${schema}".rotations (id, app) VALUES (NEW.id, current_setting('application_name'));
      END IF;
      RETURN NEW;
    END $fn$`);
  await db.query(
    'CREATE TRIGGER log_rotation AFTER UPDATE OF api_key_encrypted ON llm_providers FOR EACH ROW EXECUTE FUNCTION log_rotation()',
  );
}

describe.skipIf(!TEST_DATABASE_URL)('reencrypt --shard: N processes of the real binary on PostgreSQL', () => {
  let t: TestDatabase | undefined;
  const opened: Db[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((d) => d.close().catch(() => undefined)));
    await t?.drop();
    t = undefined;
  });
  const app = async (): Promise<Db> => {
    const db = await openPg({
      connectionString: t!.url!,
      applicationName: `kek-test-app-${randomBytes(3).toString('hex')}`,
    });
    opened.push(db);
    return db;
  };
  /** Shard i's range from the plan the shards recorded. */
  const rangeOf = async (index: number) => {
    const { rows } = await t!.db.query<{ boundaries: (string | null)[] }>(
      `SELECT boundaries FROM ${SHARD_PLAN_TABLE} WHERE shard_count = $1`,
      [SHARDS],
    );
    expect(rows).toHaveLength(1);
    return shardRange(rows[0]!.boundaries, { index, count: SHARDS });
  };
  /** Rotations logged for shard i outside its range (there must be none). */
  const strayRotations = async (index: number) => {
    const { range } = await rangeOf(index);
    const { rows } = await t!.db.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM rotations WHERE app = $1 AND NOT (($2::uuid IS NULL OR id > $2::uuid) AND ($3::uuid IS NULL OR id <= $3::uuid))`,
      [`kek-rotate reencrypt --shard ${index}/${SHARDS}`, range.after ?? null, range.upTo ?? null],
    );
    return Number(rows[0]!.n);
  };
  const rotatedTwice = async () =>
    (await t!.db.query<{ id: string }>('SELECT id::text FROM rotations GROUP BY id HAVING count(*) > 1')).rows;
  const rotationsOf = async (app: string) =>
    Number(
      (await t!.db.query<{ n: string }>('SELECT count(*)::text AS n FROM rotations WHERE app = $1', [app])).rows[0]!.n,
    );
  const summaryOf = (stdout: string, index: number) => {
    const match = new RegExp(`^Re-encrypted (\\d+) of (\\d+) records \\(shard ${index}/${SHARDS}\\)$`, 'm').exec(
      stdout,
    );
    expect(match, stdout).not.toBeNull();
    return { rotated: Number(match![1]), processed: Number(match![2]) };
  };

  it('4 shards at once next to an application inserting, deleting and updating: every row rotated once by its own shard, no write lost', async () => {
    t = await freshPg('shards');
    const s: Seeded = await seed(t.db, { rows: 0 });
    await logRotations(t.db, t.schema);
    // 2400 rows on kek-v1, seeded in one statement per 400.
    const expected = new Map<string, string>();
    for (let chunk = 0; chunk < 6; chunk++) {
      const plain = Array.from({ length: 400 }, (_, i) => `sk-${chunk}-${i}-${randomBytes(4).toString('hex')}`);
      const { rows } = await t.db.query<{ id: string; name: string }>(
        `INSERT INTO llm_providers (name, provider_type, api_key_encrypted) SELECT v.name, 'openai', v.enc FROM unnest($1::text[], $2::bytea[]) AS v(name, enc) RETURNING id::text AS id, name`,
        [plain, plain.map((p) => encryptValue(s.v1, p))],
      );
      for (const row of rows) expected.set(row.id, row.name);
    }
    const seeded = new Set(expected.keys());
    const touched = new Set<string>();

    // The application, already on kek-v2 as its primary key (the procedure's order), writing all along
    // at a pace an application might (new rows land in the last shard's range, which follows them).
    // Some of its updates aim just past a shard's last rotated row: rows that shard has already read
    // and not yet written, so its compare-and-swap must meet them.
    const writer = await app();
    let running = true;
    const ops = { inserted: 0, deleted: 0, updated: 0, aimed: 0 };
    const aim = async (): Promise<string | undefined> => {
      const { rows } = await writer.query<{ id: string }>(
        `SELECT n.id::text AS id FROM (SELECT app, max(id::text)::uuid AS last FROM rotations GROUP BY app) r
           CROSS JOIN LATERAL (SELECT p.id FROM llm_providers p WHERE p.id > r.last ORDER BY p.id LIMIT 1 OFFSET floor(random() * 15)::int) n
          ORDER BY random() LIMIT 1`,
      );
      return rows[0]?.id;
    };
    const update = async (id: string, plaintext: string) => {
      await writer.query('UPDATE llm_providers SET api_key_encrypted = $1 WHERE id = $2::uuid', [
        encryptValue(s.v2, plaintext),
        id,
      ]);
      expected.set(id, plaintext);
      touched.add(id);
      ops.updated++;
    };
    const application = (async () => {
      for (let n = 0; running; n++) {
        const ids = [...expected.keys()];
        const id = ids[Math.floor(Math.random() * ids.length)]!;
        const roll = Math.random();
        const plaintext = `app-${n}`;
        if (roll < 0.4) {
          const aimed = await aim();
          if (aimed !== undefined && expected.has(aimed)) {
            await update(aimed, plaintext);
            ops.aimed++;
          }
        } else if (roll < 0.6) {
          await update(id, plaintext);
        } else if (roll < 0.8) {
          const { rows } = await writer.query<{ id: string }>(
            "INSERT INTO llm_providers (name, provider_type, api_key_encrypted) VALUES ($1, 'openai', $2) RETURNING id::text AS id",
            [plaintext, encryptValue(s.v2, plaintext)],
          );
          expected.set(rows[0]!.id, plaintext);
          ops.inserted++;
        } else {
          await writer.query('DELETE FROM llm_providers WHERE id = $1::uuid', [id]);
          expected.delete(id);
          touched.add(id);
          ops.deleted++;
        }
        await sleep(4);
      }
    })();
    application.catch(() => undefined); // awaited below, once the shards are done

    const env = { DATABASE_URL: t.url, ...s.keysEnv };
    const shards = await Promise.all(
      Array.from({ length: SHARDS }, (_, index) =>
        cli(['reencrypt', '--shard', `${index}/${SHARDS}`, '-b', '20', '--max-rate', '300'], env),
      ),
    ).finally(() => (running = false));
    await application;

    for (const [index, r] of shards.entries()) {
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toMatch(
        new RegExp(
          `^Shard ${index}/${SHARDS} of llm_providers\\.api_key_encrypted: .*; boundaries recorded in ${SHARD_PLAN_TABLE} at `,
          'm',
        ),
      );
      expect(r.stdout).toContain(
        `Recount of shard ${index}/${SHARDS}'s range of llm_providers.api_key_encrypted: 0 row(s) not on kek-v2`,
      );
    }
    expect(ops.updated).toBeGreaterThan(50);
    expect(ops.aimed).toBeGreaterThan(10);
    expect(ops.inserted).toBeGreaterThan(20);
    expect(ops.deleted).toBeGreaterThan(20);
    // The compare-and-swap met the application's writes (re-read, never overwritten).
    expect(
      shards
        .map((r) => Number(/retried \(changed by app\) +(\d+)/.exec(r.stdout)?.[1] ?? 0))
        .reduce((a, b) => a + b, 0),
    ).toBeGreaterThan(0);

    // Each shard rotated only ids of its own range, no id was rotated twice, and the shards' own
    // counts add up to exactly the rotations the database saw.
    for (let index = 0; index < SHARDS; index++) expect(await strayRotations(index)).toBe(0);
    expect(await rotatedTwice()).toEqual([]);
    const rotated = shards.map((r, index) => summaryOf(r.stdout, index).rotated);
    const { rows: logged } = await t.db.query<{ id: string }>('SELECT id::text AS id FROM rotations');
    expect(rotated.reduce((a, b) => a + b, 0)).toBe(logged.length);
    for (const r of rotated) expect(r).toBeGreaterThan(200); // about 600 each, less what the application got to first
    // Every seeded row the application left alone was rotated, exactly once.
    const rotatedIds = new Set(logged.map((r) => r.id));
    for (const id of seeded) if (!touched.has(id)) expect(rotatedIds.has(id), id).toBe(true);

    // Every row holds what it must: the application's last write, or the seeded value; all on kek-v2.
    const ring = makeKeyRing(s.v2, s.v1);
    const rows = await readProviders(t.db);
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(expected.keys()));
    for (const row of rows) {
      expect(keyIdOf(row.value)).toBe('kek-v2');
      expect(plaintextOf(ring, row.value!)).toBe(expected.get(row.id));
    }
    const verify = await cli(['verify', '--only-primary'], env);
    expect(verify.exitCode, verify.stdout).toBe(0);
  });

  it('a shard killed with -9 and run again, after the table changed, finishes exactly its range', async () => {
    t = await freshPg('shardkill');
    const s = await seed(t.db, { rows: 0 });
    await logRotations(t.db, t.schema);
    const plain = Array.from({ length: 2000 }, (_, i) => `sk-${i}`);
    const { rows: seededRows } = await t.db.query<{ id: string; name: string }>(
      `INSERT INTO llm_providers (name, provider_type, api_key_encrypted) SELECT v.name, 'openai', v.enc FROM unnest($1::text[], $2::bytea[]) AS v(name, enc) RETURNING id::text AS id, name`,
      [plain, plain.map((p) => encryptValue(s.v1, p))],
    );
    const expected = new Map(seededRows.map((r) => [r.id, r.name]));
    const env = { DATABASE_URL: t.url, ...s.keysEnv };
    const ring = makeKeyRing(s.v2, s.v1);

    // Shards 0, 1 and 3 finish first.
    for (const r of await Promise.all(
      [0, 1, 3].map((index) => cli(['reencrypt', '--shard', `${index}/${SHARDS}`], env)),
    ))
      expect(r.exitCode, r.stderr).toBe(0);
    const victim = start(['reencrypt', '--shard', `2/${SHARDS}`, '-b', '10', '--max-rate', '100'], env);
    let ended = false;
    void victim.finally(() => (ended = true));
    const mine = `kek-rotate reencrypt --shard 2/${SHARDS}`;
    for (let waited = 0; (await rotationsOf(mine)) < 40; waited += 50) {
      if (ended || waited >= 20_000) {
        victim.kill('SIGKILL');
        const r = await victim;
        expect.fail(
          `shard 2 ${ended ? 'ended' : 'rotated nothing in 20 s'} before it was killed: exit ${r.exitCode}\n${String(r.stderr)}\n${String(r.stdout)}`,
        );
      }
      await sleep(50);
    }
    victim.kill('SIGKILL');
    expect((await victim).signal).toBe('SIGKILL');

    // Every row readable, on the old key or the new; shard 2's range partly done.
    const { range } = await rangeOf(2);
    const inRange = (id: string) =>
      (range.after === undefined || id > range.after) && (range.upTo === undefined || id <= range.upTo);
    const before = await readProviders(t.db);
    let pending = 0;
    for (const row of before) {
      expect(plaintextOf(ring, row.value!)).toBe(expected.get(row.id));
      if (keyIdOf(row.value) === 'kek-v1') {
        expect(inRange(row.id)).toBe(true);
        pending++;
      }
    }
    expect(pending).toBeGreaterThan(100);

    // The application meanwhile: the oldest rows deleted, many new ones (on kek-v2) at the end. Boundaries
    // sampled now would lie far from the recorded ones; the rerun must still cover its own range.
    const writer = await app();
    const { rows: gone } = await writer.query<{ id: string }>(
      'DELETE FROM llm_providers WHERE id IN (SELECT id FROM llm_providers ORDER BY id LIMIT 400) RETURNING id::text AS id',
    );
    for (const g of gone) expected.delete(g.id);
    const fresh = Array.from({ length: 2500 }, (_, i) => `new-${i}`);
    const { rows: added } = await writer.query<{ id: string; name: string }>(
      `INSERT INTO llm_providers (name, provider_type, api_key_encrypted) SELECT v.name, 'openai', v.enc FROM unnest($1::text[], $2::bytea[]) AS v(name, enc) RETURNING id::text AS id, name`,
      [fresh, fresh.map((p) => encryptValue(s.v2, p))],
    );
    for (const a of added) expected.set(a.id, a.name);

    const rerun = await cli(['reencrypt', '--shard', `2/${SHARDS}`, '--wait'], env);
    expect(rerun.exitCode, rerun.stderr).toBe(0);
    expect(summaryOf(rerun.stdout, 2).rotated).toBe(pending);
    expect(await rotatedTwice()).toEqual([]);
    expect(await strayRotations(2)).toBe(0);
    for (const row of await readProviders(t.db)) {
      expect(keyIdOf(row.value)).toBe('kek-v2');
      expect(plaintextOf(ring, row.value!)).toBe(expected.get(row.id));
    }
    const verify = await cli(['verify', '--only-primary'], env);
    expect(verify.exitCode, verify.stdout).toBe(0);
  });
});
